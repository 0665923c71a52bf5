"""Evidence import against logs the installed tools really wrote (see conftest.py and real_logs.py).

inspect_ai 0.3.285 ran tiny tasks on its mock model; lm-evaluation-harness 0.4.13 ran its
dummy model on local tasks. Every expected value below follows from the mock replies and the
local data in real_logs.py: match is right on questions 0, 2 and 4 (3 of 5), includes on all
five; the dummy's "lol" is the answer of 2 of 5 items.
"""

from __future__ import annotations

import json
import zipfile

import pytest
from factory import entry, write_catalog
from helpers import run_cli

from tui.core import eval_archive
from tui.core.catalog import load_catalog
from tui.core.errors import InputError
from tui.core.evidence import load_evidence, read_file_with_notes
from tui.core.evidence_scale import FRACTION, inspect_scale, known_metric


@pytest.fixture(params=["inspect_ai", "zstandard"])
def reader(request, monkeypatch):
    """Both .eval readers: inspect's own (the evals extra), and the zstd fallback without it."""
    if request.param == "zstandard":
        monkeypatch.setattr(eval_archive, "inspect_reader", lambda: None)
    return request.param


@pytest.fixture
def catalogue(tmp_path):
    return load_catalog(
        write_catalog(
            tmp_path / "catalog",
            [
                entry("mock-model", scores={"mmlu": 60}, aliases=["mockllm/model"]),
                entry("qwen2.5-7b-instruct", scores={"mmlu": 72}, aliases=["Qwen/Qwen2.5-7B-Instruct"]),
            ],
        )
    )


def rows_of(path, scales=None):
    _, rows, notes = read_file_with_notes(path, scales)
    return {row.criterion: row for row in rows}, notes


def test_current_eval_logs_are_zstd_archives(real_logs):
    """The case the old reader failed on: method 93, which Python 3.11's own zipfile cannot decompress."""
    with zipfile.ZipFile(real_logs["inspect:one_scorer.eval"]) as archive:
        assert archive.getinfo("header.json").compress_type == eval_archive.ZIP_ZSTANDARD


@pytest.mark.parametrize("fmt", ["eval", "json"])
def test_one_scorer(real_logs, reader, fmt):
    rows, notes = rows_of(real_logs[f"inspect:one_scorer.{fmt}"])
    (row,) = rows.values()
    assert (row.model, row.criterion) == ("mockllm/model", "team:one_scorer")
    assert row.value == pytest.approx(60.0)  # accuracy 0.6: a fraction, so points
    assert row.stderr == pytest.approx(100 * (0.3 / 5) ** 0.5)  # sample variance 0.6*0.4*5/4, over n = 5
    assert row.n == 5 and row.setting == "inspect_ai match accuracy" and notes == []


@pytest.mark.parametrize("fmt", ["eval", "json"])
def test_two_scorers_honour_the_declared_headline(real_logs, reader, fmt):
    """The task declares includes as its headline: includes is team:<task>, match the extra one."""
    rows, _ = rows_of(real_logs[f"inspect:two_scorers.{fmt}"])
    assert set(rows) == {"team:two_scorers", "team:two_scorers-match"}
    assert rows["team:two_scorers"].value == pytest.approx(100.0)
    assert rows["team:two_scorers"].setting == "inspect_ai includes accuracy"
    assert rows["team:two_scorers-match"].value == pytest.approx(60.0)


@pytest.mark.parametrize("fmt", ["eval", "json"])
def test_two_epoch_reducers_count_the_scorer_once(real_logs, reader, fmt):
    path = real_logs[f"inspect:epochs.{fmt}"]
    rows, notes = rows_of(path)
    (row,) = rows.values()
    assert row.criterion == "team:epochs" and row.n == 5  # 10 completed samples over 2 epochs
    assert row.setting == "inspect_ai match accuracy, mean over 2 epochs"  # the headline's reducer
    assert notes == [f"{path.name}: match (max over 2 epochs) not imported: match already counts once, as team:epochs"]


def test_a_second_scorer_under_several_reducers_is_named_after_its_reducer(real_logs, tmp_path):
    """No mock task has two scorers and two reducers at once: the real epochs log gets a second scorer."""
    data = json.loads(real_logs["inspect:epochs.json"].read_text())
    extra = [dict(score, scorer="includes", name="includes") for score in data["results"]["scores"]]
    data["results"]["scores"] += extra
    path = tmp_path / "epochs-two-scorers.json"
    path.write_text(json.dumps(data))
    rows, _ = rows_of(path)
    assert set(rows) == {"team:epochs", "team:epochs-includes-mean"}


@pytest.mark.parametrize("fmt", ["eval", "json"])
def test_an_unbounded_mean_needs_a_scale(real_logs, reader, fmt, catalogue, tmp_path):
    """A word count's mean (the replies have 1 or 3 words: 1.8) is not a fraction, nor points."""
    path = real_logs[f"inspect:word_count.{fmt}"]
    with pytest.raises(InputError) as info:
        read_file_with_notes(path)
    assert "mean (word_count) has no known range" in str(info.value)
    assert '[scales] "word_count" = [LOW, HIGH]' in str(info.value) and "\n" not in str(info.value)
    table = tmp_path / "aliases.toml"
    table.write_text("[scales]\nword_count = [0, 10]\n")
    bundle = load_evidence([path], catalogue, aliases=table)
    assert bundle.results["value"].tolist() == [pytest.approx(18.0)]  # 1.8 words of 0-10


@pytest.mark.parametrize("fmt", ["eval", "json"])
def test_a_partial_run_is_imported_with_a_warning(real_logs, reader, fmt, catalogue):
    path = real_logs[f"inspect:partial.{fmt}"]
    bundle = load_evidence([path], catalogue)
    assert bundle.results["value"].tolist() == [pytest.approx(75.0)]  # 3 of the 4 scored
    assert bundle.results["n"].tolist() == [4]
    assert f"{path.name}: partial run: match scored 4 of 5 samples" in bundle.warning_lines()[0]


@pytest.mark.parametrize(
    "name, status",
    [
        ("error.eval", "'error' (RuntimeError('the tool this sample needs is down'))"),
        ("error.json", "'error' (RuntimeError('the tool this sample needs is down'))"),
        ("cancelled.eval", "'cancelled'"),
        ("unfinished.eval", "'started'"),
    ],
)
def test_unfinished_logs_are_refused_for_their_status(real_logs, reader, name, status, tmp_path):
    path = real_logs[f"inspect:{name}"]
    with pytest.raises(InputError, match="inspect log status is " + status.replace("(", r"\(").replace(")", r"\)")):
        read_file_with_notes(path)
    (tmp_path / "r.toml").write_text('id = "t"\nversion = "1.0.0"\n[domain]\nweights = { mmlu = 1 }\n')
    result = run_cli("run", "--rubric", "r.toml", "--evidence", str(path), cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("shortlist: error: ") and path.name in line and "compression" not in line


def test_lm_eval_results_keep_each_metric_on_its_own_scale(real_logs, catalogue):
    path = real_logs["lm-eval:named"]
    data = json.loads(path.read_text())
    assert 0 < data["results"]["team_mt"]["chrf,none"] < 1  # chrF in points, below 1
    bundle = load_evidence([path], catalogue)
    values = {v["criterion"]: v for v in bundle.files[0]["values"]}
    assert {v["model_id"] for v in values.values()} == {"qwen2.5-7b-instruct"}
    assert values["team:team_mt"]["value"] == pytest.approx(data["results"]["team_mt"]["chrf,none"])
    assert values["team:team_qa"]["value"] == pytest.approx(40.0)  # exact_match 0.4
    assert values["team:team_qa"]["stderr"] == pytest.approx(
        100 * data["results"]["team_qa"]["exact_match_stderr,none"]
    )
    assert values["team:team_mc"]["n"] == 5
    assert bundle.warning_lines() == []


def test_lm_eval_generated_model_names_are_reported_not_matched(real_logs, catalogue, tmp_path):
    """Two unrelated runs without a model name: lm-eval seeds its name generator, so both get one name."""
    qa, mc = real_logs["lm-eval:unnamed_qa"], real_logs["lm-eval:unnamed_mc"]
    name = json.loads(qa.read_text())["model_name"]
    assert json.loads(mc.read_text())["model_name"] == name
    table = tmp_path / "aliases.toml"
    table.write_text(f'[aliases]\n"{name}" = "mock-model"\n')
    bundle = load_evidence([qa, mc], catalogue, aliases=table)
    assert bundle.results.empty and not bundle.unmatched  # never matched, even through the alias table
    lines = bundle.warning_lines()
    assert len(lines) == 2
    assert all(f"lm-eval generated the model name {name!r}" in line for line in lines)
    assert lines[0].startswith(qa.name) and lines[1].startswith(mc.name)


def test_the_cli_prints_every_warning_of_real_logs(real_logs, tmp_path):
    (tmp_path / "r.toml").write_text('id = "t"\nversion = "1.0.0"\n[domain]\nweights = { mmlu = 1 }\n')
    result = run_cli(
        "run",
        "--rubric",
        "r.toml",
        "--format",
        "json",
        "--evidence",
        str(real_logs["inspect:partial.eval"]),
        str(real_logs["inspect:epochs.eval"]),
        str(real_logs["lm-eval:unnamed_qa"]),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    warnings = result.stderr.splitlines()
    assert any("partial run: match scored 4 of 5" in line for line in warnings)
    assert any("match (max over 2 epochs) not imported" in line for line in warnings)
    assert any("lm-eval generated the model name" in line for line in warnings)
    assert any("'mockllm/model'" in line and "matches no catalogue model" in line for line in warnings)


@pytest.mark.parametrize(
    "metric, scale",
    [
        ("acc", "a fraction"),
        ("acc_norm", "a fraction"),
        ("pass@1", "a fraction"),
        ("chrf", "points"),
        ("bleu", "points"),
    ],
)
def test_known_metric_ranges(metric, scale):
    assert known_metric(metric).why == scale


@pytest.mark.parametrize("metric", ["mean", "word_count", "llm_judge", "perplexity"])
def test_unknown_metric_ranges(metric):
    assert known_metric(metric) is None


def test_inspect_scale_follows_the_scorer():
    """accuracy is a fraction; a mean is one only for scorers whose values are C/I."""
    assert inspect_scale("word_count", "word_count", "accuracy", {}) is FRACTION
    assert inspect_scale("match", "match", "mean", {}) is FRACTION
    assert inspect_scale("inspect_ai/includes", "includes", "mean", {}) is FRACTION
    assert inspect_scale("word_count", "word_count", "mean", {}) is None
