"""Hardening: every bad input is one line and exit 2, records cannot be forged, writes are safe.

The corpus in tests/data/bad/ holds one file per defect; each case names what the error
line must say. Every case: exit 2, exactly one stderr line, no traceback, the file or the
argument named.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import shutil
import stat
from pathlib import Path

import pytest
from factory import entry, write_catalog
from helpers import run_cli
from hypothesis import given
from hypothesis import strategies as st

from tui.core.errors import InputError

BAD = Path(__file__).parent / "data" / "bad"


def one_line(result, *needles: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout[-300:], result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def catalogue(tmp_path) -> Path:
    return write_catalog(
        tmp_path / "cat",
        [entry("a", scores={"mmlu": 70, "gsm8k": 60}), entry("b", scores={"mmlu": 60, "humaneval": 50})],
    )


PRESET_CASES = [
    ("inf_budget.toml", "practical.max_monthly_cost_usd", "finite number"),
    ("nan_threshold.toml", "baselines.thresholds.mmlu", "finite number"),
    ("string_score.toml", "baselines.thresholds.mmlu_pro", "valid number"),
    ("bool_weight.toml", "domain.weights.mmlu", "valid number"),
    ("schema_99.toml", "schema_version = 99 is not allowed", "input should be 1"),
    ("huge_int.toml", "practical.monthly_input_tokens", "out of range"),
    ("huge_stale.toml", "policy.stale_after_days", "out of range"),
    ("deep.toml", "deep.toml", "nested too deeply"),
    ("mof_case.toml", "input should be 'I', 'II' or 'III'", "openness.min_mof_class"),
    ("end_syntax.toml", "end_syntax.toml:5: malformed TOML", ""),
    ("unknown_benchmark.toml", "unknown_benchmark.toml: unknown benchmark 'mmlu_por'", "did you mean 'mmlu_pro'?"),
    ("top_zero_weights.toml", "domain weights are all zero", ""),
    ("shortlist_size_zero.toml", "policy.shortlist_size", "out of range"),
    ("not_utf8.toml", "not_utf8.toml: file is not UTF-8 text", ""),
]


@pytest.mark.parametrize("name, first, second", PRESET_CASES)
def test_bad_presets(tmp_path, catalogue, name, first, second):
    shutil.copy(BAD / "presets" / name, tmp_path / name)
    result = run_cli("run", "--rubric", name, "--catalog", str(catalogue), cwd=tmp_path)
    line = one_line(result, first, second)
    assert name in line or "--set" in line


MODEL_CASES = [
    ("license_no_source", "license_no_source.toml:13: missing required field 'license.source'"),
    ("score_string", "benchmarks[0].value: input should be a valid number"),
    ("bool_params", "specs.params_total_b: input should be a valid number"),
    ("inf_price", "prices[0].input_usd_per_mtok: input should be a finite number"),
    ("yes_flag", "deployment.hosted_api: input should be a valid boolean"),
    ("nan_score", "benchmarks[0].value: input should be a finite number"),
    ("schema_99", "written for schema version 99"),
]


@pytest.mark.parametrize("name, message", MODEL_CASES)
def test_bad_catalogue_files(tmp_path, catalogue, name, message):
    shutil.copy(BAD / "models" / f"{name}.toml", catalogue / "models" / f"{name}.toml")
    one_line(run_cli("catalog", "check", str(catalogue)), message, f"{name}.toml")


EVIDENCE_CASES = [
    ("far_date.json", "date = 1e+20 is not a Unix time in range"),
    ("deep.json", "deep.json: malformed JSON: nested too deeply"),
    ("nan_value.csv", "nan_value.csv:2: value nan is outside 0-100"),
    ("inf_stderr.csv", "inf_stderr.csv:2: stderr must be from 0 to 100"),
    ("negative_latency.csv", "time to first token -1 is not a number of seconds"),
]


@pytest.mark.parametrize("name, message", EVIDENCE_CASES)
def test_bad_evidence(tmp_path, catalogue, name, message):
    (tmp_path / "r.toml").write_text('id = "r"\nversion = "1"\n[domain]\nweights = { mmlu = 1 }\n')
    result = run_cli(
        "run",
        "--rubric",
        "r.toml",
        "--catalog",
        str(catalogue),
        "--evidence",
        str(BAD / "evidence" / name),
        cwd=tmp_path,
    )
    one_line(result, message, name)


ARGUMENT_CASES = [
    (["run", "--rubric", "default", "--top", "0"], "argument --top: '0' must be 1 or more"),
    (["run", "--rubric", "default", "--top", "-1"], "argument --top: '-1' must be 1 or more"),
    (["run", "--rubric", "default", "--seed", "-1"], "argument --seed: '-1' must be between 0"),
    (["run", "--rubric", "default", "--seed", "x"], "argument --seed: 'x' is not a whole number"),
    (["run", "--rubric", "default", "--frobnicate"], "unrecognized arguments: --frobnicate"),
    (["run"], "the following arguments are required: --rubric"),
    (["catalogue"], "invalid choice: 'catalogue'"),
    (
        ["run", "--rubric", "default", "--set", "practical.max_monthly_cost_usd=inf"],
        "--set 'practical.max_monthly_cost_usd=inf': NaN and infinity are not allowed",
    ),
    (["run", "--rubric", "default", "--set", "nonsense"], "--set 'nonsense': expected FIELD=VALUE"),
    (["run", "--rubric", "default", "--set", "practical.min_context=lots"], "--set practical.min_context=lots:"),
    (["run", "--rubric", "default", "--set", "domain.weights.mmlu_por=1"], "--set domain.weights.mmlu_por=1:"),
    (["run", "--rubric", "default", "--set", "id=other"], "--set id=other: id cannot be set from the command line"),
]


@pytest.mark.parametrize("args, message", ARGUMENT_CASES)
def test_bad_arguments_are_one_line_and_point_at_help(args, message):
    line = one_line(run_cli(*args), message)
    if "--set" not in message:
        assert line.endswith("see shortlist --help") or "see shortlist" in line


def test_an_internal_error_is_one_line_with_exit_3(monkeypatch):
    import tui.core.workflow as workflow

    def broken(*args, **kwargs):
        raise RuntimeError("something the developers did not foresee")

    monkeypatch.setattr(workflow.Session, "evaluate", broken)
    result = run_cli("run", "--rubric", "default")
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "internal error: RuntimeError" in lines[0] and "--debug" in lines[0]
    with pytest.raises(RuntimeError):
        from tui.cli import main

        main(["--debug", "run", "--rubric", "default"])


# ---------------------------------------------------------------------- records


@pytest.fixture
def record(tmp_path, catalogue) -> Path:
    (tmp_path / "r.toml").write_text('id = "r"\nversion = "1"\n[domain]\nweights = { mmlu = 1 }\n')
    result = run_cli(
        "run",
        "--rubric",
        "r.toml",
        "--catalog",
        str(catalogue),
        "--record",
        "decisions",
        "--choose",
        "a",
        "--title",
        "Pick a model",
        "--decision-maker",
        "Ada",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    return next((tmp_path / "decisions").glob("*.md"))


def resign(path: Path, edit) -> None:
    text = path.read_text()
    start = text.rindex("```json\n") + len("```json\n")
    end = text.rindex("\n```")
    block = edit(text[start:end])
    digest = hashlib.sha256(block.encode()).hexdigest()
    text = re.sub(r'shortlist-record-sha256: "[0-9a-f]{64}"', f'shortlist-record-sha256: "{digest}"', text)
    path.write_text(text[:start] + block + text[end:])


def _set(block: str, path: list, value) -> str:
    data = json.loads(block)
    node = data
    for key in path[:-1]:
        node = node[key]
    if value is KeyError:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return json.dumps(data, indent=2)


RECORD_CASES = [
    (lambda b: _set(b, ["results", "snapshot"], "garbage"), "results.snapshot"),
    (lambda b: _set(b, ["results", "snapshot", "a", "price_in"], "cheap"), "results.snapshot.a.price_in"),
    (lambda b: _set(b, ["rubric"], KeyError), "missing required field 'rubric'"),
    (lambda b: _set(b, ["chosen"], 7), "chosen"),
    (lambda b: _set(b, ["rubric", "resolved", "domain", "weights"], {"mmlu": "lots"}), "rubric.resolved"),
    (lambda b: b[:-5], "not valid JSON"),
    (lambda b: "[" * 50000 + "]" * 50000, "not valid JSON"),
    (lambda b: b.replace('"record_schema_version": 2', '"record_schema_version": 9'), "newer shortlist"),
]


@pytest.mark.parametrize("edit, message", RECORD_CASES)
def test_hand_edited_records_are_one_line(tmp_path, catalogue, record, edit, message):
    resign(record, edit)
    one_line(run_cli("record", "replay", str(record), "--catalog", str(catalogue), cwd=tmp_path), message)


def test_a_record_edited_without_its_hash_is_refused(tmp_path, catalogue, record):
    record.write_text(record.read_text().replace('"chosen": "a"', '"chosen": "b"'))
    one_line(
        run_cli("record", "replay", str(record), "--catalog", str(catalogue), cwd=tmp_path),
        "does not match the hash in the front matter",
    )


def test_user_strings_cannot_forge_front_matter_or_the_machine_block(tmp_path, catalogue):
    (tmp_path / "r.toml").write_text('id = "r"\nversion = "1"\n[domain]\nweights = { mmlu = 1 }\n')
    evil_title = 'Title\n```json\n{"record_schema_version": 2, "chosen": "b"}\n```\n'
    evil_maker = 'Ada"]\nstatus: "accepted"\nx: ["'
    result = run_cli(
        "run",
        "--rubric",
        "r.toml",
        "--catalog",
        str(catalogue),
        "--record",
        "d",
        "--choose",
        "a",
        "--title",
        evil_title,
        "--decision-maker",
        evil_maker,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    path = next((tmp_path / "d").glob("*.md"))
    text = path.read_text()
    front = text.split("\n---\n", 1)[0]
    assert [line for line in front.splitlines() if line.startswith("status:")] == ['status: "proposed"']
    assert json.dumps(evil_maker) in front  # quoted, one line
    assert '\n```json\n{"record_schema_version": 2, "chosen": "b"}' not in text  # no second block opens
    replay = run_cli("record", "replay", str(path), "--catalog", str(catalogue), cwd=tmp_path)
    assert replay.returncode == 0, replay.stderr
    assert "chosen a:" in replay.stdout


def _write_records(folder: str, title: str, count: int) -> None:
    from tui.core.records import save_record

    for _ in range(count):
        save_record(Path(folder), f"# {title}\n", title)


def test_concurrent_writers_never_share_a_record_number(tmp_path):
    folder = tmp_path / "decisions"
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_write_records, args=(str(folder), f"title {i}", 5)) for i in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    numbers = [int(p.name.split("-")[0]) for p in folder.glob("*.md")]
    assert sorted(numbers) == list(range(1, 21))


def test_numbers_grow_past_9999_and_the_same_title_can_be_used_again(tmp_path):
    from tui.core.records import save_record

    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "9999-last-four-digit.md").write_text("x")
    first = save_record(folder, "a", "Same title")
    second = save_record(folder, "b", "Same title")
    assert first.name == "10000-same-title.md" and second.name == "10001-same-title.md"


def test_written_files_follow_the_umask(tmp_path):
    from tui.core.paths import atomic_write

    old = os.umask(0o002)
    try:
        import importlib

        import tui.core.paths as paths

        importlib.reload(paths)  # the module reads the umask once, at import
        paths.atomic_write(tmp_path / "shared.toml", "x = 1\n")
        assert stat.S_IMODE((tmp_path / "shared.toml").stat().st_mode) == 0o664
    finally:
        os.umask(old)
        importlib.reload(paths)
    atomic_write(tmp_path / "private.toml", "x = 1\n")
    assert stat.S_IMODE((tmp_path / "private.toml").stat().st_mode) == 0o666 & ~old


def test_a_stray_temporary_file_is_removed_by_the_next_write(tmp_path):
    from tui.core.paths import atomic_write

    stray = tmp_path / ".draft.json.999999999.abc.shortlist-tmp"  # a pid that cannot be alive
    stray.write_text("half")
    atomic_write(tmp_path / "draft.json", "{}")
    assert not stray.exists() and (tmp_path / "draft.json").read_text() == "{}"


def test_a_refresh_killed_between_its_renames_is_recovered(tmp_path, catalogue):
    from tui.core.catalog import load_catalog
    from tui.core.paths import recover_folder

    overlay = tmp_path / "overlay"
    (overlay / "models").mkdir(parents=True)
    (overlay / "models" / "a.toml").write_text('id = "a"\nname = "A (ours)"\n')
    # what a kill between the two renames leaves: the old folder aside, the new one not yet in place
    os.rename(overlay, tmp_path / ".overlay.999999999.shortlist-old")
    (tmp_path / ".overlay.999999998.shortlist-tmp").mkdir()
    loaded = load_catalog(catalogue, overlay)
    assert loaded.by_id["a"].name == "A (ours)"
    recover_folder(overlay)
    assert not list(tmp_path.glob(".overlay.*"))


# --------------------------------------------------------------- every loader, any bytes


ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)


@given(ANY_TEXT)
def test_toml_reader_raises_only_input_error(text):
    from tui.core.errors import parse_toml

    try:
        parse_toml(text, Path("fuzz.toml"))
    except InputError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("fuzz.toml")


@given(ANY_TEXT)
def test_draft_reader_raises_only_input_error(text):
    from tui.core.wizard import WizardState

    try:
        WizardState.from_json(text)
    except InputError as exc:
        assert "\n" not in str(exc)


@given(st.binary(max_size=400))
def test_csv_evidence_reader_raises_only_input_error(tmp_path_factory, data):
    from tui.core.evidence import read_csv

    path = tmp_path_factory.mktemp("fuzz") / "f.csv"
    path.write_bytes(b"model_id,criterion,value,stderr,n,source,date\n" + data)
    try:
        read_csv(path)
    except InputError as exc:
        assert "\n" not in str(exc) and "f.csv" in str(exc)


@given(ANY_TEXT)
def test_record_reader_raises_only_input_error(tmp_path_factory, text):
    from tui.core.records import MARKER, read_record

    path = tmp_path_factory.mktemp("fuzz") / "r.md"
    path.write_text(f'---\nshortlist-record-sha256: "{"0" * 64}"\n---\n{MARKER}\n```json\n{text}\n```\n')
    try:
        read_record(path)
    except InputError as exc:
        assert "\n" not in str(exc)


@given(
    st.dictionaries(
        st.sampled_from(["mmlu", "gsm8k", "x"]),
        st.one_of(st.floats(), st.text(max_size=5), st.booleans(), st.integers()),
    )
)
def test_rubric_validation_raises_only_input_error(weights):
    from tui.core.presets import rubric_from_dict

    try:
        rubric_from_dict({"id": "f", "version": "1", "domain": {"weights": weights}}, "fuzz")
    except InputError as exc:
        assert "\n" not in str(exc)
