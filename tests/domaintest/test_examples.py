"""Reading a team's examples (CSV, JSONL) and writing the inspect_ai task folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import run_cli

from tui.core.domaintest import Scorer, example_csv, read_examples, read_task_folder, task_source, write_task_folder
from tui.core.errors import InputError


def test_csv_with_every_column(tmp_path):
    path = tmp_path / "ex.csv"
    path.write_text('id,input,target,metadata\na1,"What is 2+2?",4,"{""topic"": ""maths""}"\n,Say hi,hi,\n')
    examples = read_examples(path)
    assert [e.sample() for e in examples] == [
        {"id": "a1", "input": "What is 2+2?", "target": "4", "metadata": {"topic": "maths"}},
        {"input": "Say hi", "target": "hi"},
    ]


def test_jsonl_with_a_list_target_and_a_numeric_id(tmp_path):
    path = tmp_path / "ex.jsonl"
    path.write_text(
        '{"input": "Capital of France?", "target": ["Paris", "paris"], "id": 7}\n\n{"input": "a", "target": "b"}\n'
    )
    examples = read_examples(path)
    assert examples[0].target == ["Paris", "paris"] and examples[0].id == 7
    assert examples[1].sample() == {"input": "a", "target": "b"}


BAD = [
    ("ex.csv", "input,answer\nq,a\n", 1, "no 'target' column"),
    ("ex.csv", "input,target\nq\n", 2, "1 columns; the header has 2"),
    ("ex.csv", "input,target\nq,a\n,a\n", 3, "'input' must be non-empty text"),
    ("ex.csv", "input,target,metadata\nq,a,not json\n", 2, "'metadata' must be a JSON object"),
    ("ex.csv", "input,target,colour\nq,a,red\n", 2, "unknown column 'colour'"),
    ("ex.csv", "id,input,target\nx,q,a\nx,r,b\n", 3, "duplicate id 'x' (also on line 2)"),
    ("ex.jsonl", '{"input": "q", "target": "a"}\n{"input": "q", "target": \n', 2, "malformed JSON"),
    ("ex.jsonl", '["q", "a"]\n', 1, "each line must be a JSON object"),
    ("ex.jsonl", '{"input": "q"}\n', 1, "missing 'target'"),
    ("ex.jsonl", '{"input": "q", "target": 3}\n', 1, "'target' must be non-empty text"),
    ("ex.jsonl", '{"input": "q", "target": "a", "id": true}\n', 1, "'id' must be text or a whole number"),
    ("ex.jsonl", '{"input": "q", "target": "a", "metadata": [1]}\n', 1, "'metadata' must be a JSON object"),
]


@pytest.mark.parametrize(("name", "text", "line", "message"), BAD, ids=[b[3] for b in BAD])
def test_a_malformed_examples_file_is_one_line_with_file_and_line(tmp_path, name, text, line, message):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(InputError) as info:
        read_examples(path)
    assert str(info.value).startswith(f"{path}:{line}: ") and message in str(info.value)
    result = run_cli("domain-test", "init", str(tmp_path / "t"), "--examples", str(path), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and f"{path}:{line}: " in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "t").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ex.txt", b"input,target\n", "must be a .csv or .jsonl"),
        ("ex.csv", b"", "no header"),
        ("ex.jsonl", b"\xff\xfe", "not UTF-8"),
    ],
)
def test_a_file_that_is_not_examples(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_examples(path)


def test_init_writes_a_readable_task_folder(tmp_path):
    result = run_cli("domain-test", "init", "support-tickets", "--example", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "support-tickets"
    assert sorted(p.name for p in folder.iterdir()) == [
        "examples.csv",
        "samples.jsonl",
        "shortlist.toml",
        "system_prompt.txt",
        "task.py",
    ]
    assert "wrote support-tickets/examples.csv: 10 invented support tickets" in result.stdout
    lines = (folder / "samples.jsonl").read_text().splitlines()
    assert len(lines) == 10 and json.loads(lines[0])["target"] == "billing"
    assert all(json.loads(line)["metadata"] == {"synthetic": True} for line in lines)
    task = read_task_folder(folder)
    assert (task.name, task.scorer.kind, task.output_tokens) == ("support_tickets", "includes", 256)
    source = (folder / "task.py").read_text()
    assert "def support_tickets() -> Task:" in source and "scorer=includes()," in source
    compile(source, "task.py", "exec")


def test_init_refuses_a_non_empty_folder_unless_forced(tmp_path):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "notes.md").write_text("mine")
    (tmp_path / "ex.csv").write_text(example_csv())
    result = run_cli("domain-test", "init", "t", "--examples", "ex.csv", cwd=tmp_path)
    assert result.returncode == 2 and "folder is not empty; pass --force" in result.stderr
    assert run_cli("domain-test", "init", "t", "--examples", "ex.csv", "--force", cwd=tmp_path).returncode == 0
    assert (tmp_path / "t" / "notes.md").read_text() == "mine" and (tmp_path / "t" / "task.py").is_file()


def test_init_accepts_the_examples_file_inside_the_folder(tmp_path):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "examples.csv").write_text(example_csv())
    assert run_cli("domain-test", "init", "t", "--examples", "t/examples.csv", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize(
    ("scorer", "expected"),
    [
        (Scorer("exact"), "scorer=exact(),"),
        (Scorer("includes"), "scorer=includes(),"),
        (Scorer("pattern", regex=r"\b(\d+)\b"), "scorer=pattern('\\\\b(\\\\d+)\\\\b'),"),
        (Scorer("model-graded", grader="openai/gpt-4o-mini"), 'GRADER = "openai/gpt-4o-mini"'),
    ],
)
def test_each_scorer_is_ordinary_inspect_code(scorer, expected):
    source = task_source("t", scorer)
    assert expected in source
    compile(source, "task.py", "exec")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scorer", "pattern"], "the pattern scorer needs --regex"),
        (["--scorer", "pattern", "--regex", "("], "is not a valid regular expression"),
        (["--scorer", "model-graded"], "needs --grader PROVIDER/MODEL"),
        (["--grader", "openai/x"], "--grader is only for --scorer model-graded"),
        ([], "give --examples FILE"),
    ],
)
def test_scorer_options_are_checked(tmp_path, args, message):
    (tmp_path / "ex.csv").write_text(example_csv())
    extra = [] if not args else ["--examples", "ex.csv"]
    result = run_cli("domain-test", "init", "t", *extra, *args, cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr and result.stderr.count("\n") == 1


def test_a_task_folder_missing_a_file_is_named(tmp_path):
    write_task_folder(tmp_path / "t", read_examples(_sample(tmp_path)), Scorer())
    (tmp_path / "t" / "samples.jsonl").unlink()
    with pytest.raises(InputError, match=r"the task folder has no samples\.jsonl"):
        read_task_folder(tmp_path / "t")


def _sample(tmp_path: Path) -> Path:
    path = tmp_path / "ex.csv"
    path.write_text(example_csv())
    return path
