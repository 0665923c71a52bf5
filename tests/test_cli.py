"""The headless command line as a user runs it: exit codes, stdout/stderr, one-line errors.

Commands run in-process through the same ``main()`` the console script calls; a few tests
start a real process to prove the entry point and the exit codes end to end.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from factory import entry, write_catalog
from helpers import Result, run_cli


def shortlist(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Result:
    return run_cli(*args, cwd=cwd, env=env)


def pinned(value, places: int = 3):
    """Floats rounded to ``places`` decimals: numpy versions may differ in the last bits."""
    if isinstance(value, float):
        return round(value, places)
    if isinstance(value, dict):
        return {k: pinned(v, places) for k, v in value.items()}
    if isinstance(value, list):
        return [pinned(v, places) for v in value]
    return value


def resign(path: Path, edit) -> None:
    """Apply ``edit`` to a record's machine block and write a matching hash (a newer shortlist would)."""
    text = path.read_text()
    start = text.rindex("```json\n") + len("```json\n")
    end = text.rindex("\n```")
    block = edit(text[start:end])
    digest = hashlib.sha256(block.encode()).hexdigest()
    text = re.sub(r'shortlist-record-sha256: "[0-9a-f]{64}"', f'shortlist-record-sha256: "{digest}"', text)
    path.write_text(text[:start] + block + text[end:])


@pytest.fixture
def fixture_catalog(tmp_path) -> Path:
    return write_catalog(
        tmp_path / "catalog",
        [
            entry(
                "alpha-70b",
                scores={"mmlu": 82, "humaneval": 70, "gpqa_diamond": 45},
                price=(0.9, 0.9),
                params=70,
                context=131072,
            ),
            entry("beta-8b", scores={"mmlu": 68, "humaneval": 60}, price=(0.1, 0.1), params=8, context=131072),
            entry(
                "gamma-api",
                scores={"mmlu": 88, "humaneval": 90, "gpqa_diamond": 60},
                price=(5, 15),
                params=None,
                level="opaque",
                license_class="proprietary",
                self_host=False,
                reported_by="developer",
                context=200000,
            ),
            entry("delta-1b", scores={"mmlu": 45}, price=None, params=1.2, context=8192, hosted=False),
        ],
    )


RUBRIC = """
id = "golden"
version = "1.2.0"
[baselines]
mode = "lenient"
thresholds = { mmlu = 60 }
[domain]
weights = { mmlu = 1, humaneval = 1, gpqa_diamond = 1 }
cost_weight = 0.5
[practical]
min_context = 32000
"""


def test_run_json_matches_the_golden_contract(tmp_path, fixture_catalog, snapshot):
    (tmp_path / "golden.toml").write_text(RUBRIC)
    result = shortlist(
        "run", "--rubric", "golden.toml", "--catalog", str(fixture_catalog), "--format", "json", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    for key in (
        "schema_version",
        "catalog",
        "rubric",
        "funnel",
        "shortlist",
        "near_misses",
        "excluded",
        "pareto",
        "robustness",
        "warnings",
    ):
        assert key in data
    assert set(data["catalog"]) >= {"models", "sha256", "as_of", "calibration"}
    for item in data["shortlist"]:
        assert set(item) >= {
            "id",
            "name",
            "rank",
            "rank_label",
            "tied_with",
            "score",
            "score_se",
            "p_first",
            "monthly_cost_usd",
            "values",
            "reasons",
            "warnings",
        }
    assert set(data["robustness"]) >= {"draws", "seed", "p_first", "critical_weight_change"}
    # review a change with `pytest tests/test_cli.py --snapshot-update` and read the diff
    assert pinned(data) == snapshot


@pytest.mark.parametrize(
    "fmt, marker", [("md", "# Shortlist: golden@1.2.0"), ("csv", "status,rank,id,name"), ("table", "Shortlist")]
)
def test_other_formats_render(tmp_path, fixture_catalog, fmt, marker):
    (tmp_path / "golden.toml").write_text(RUBRIC)
    result = shortlist(
        "run", "--rubric", "golden.toml", "--catalog", str(fixture_catalog), "--format", fmt, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert marker in result.stdout
    assert "alpha-70b" in result.stdout or "Alpha 70B" in result.stdout


def test_exit_1_when_nothing_qualifies_names_the_step(tmp_path, fixture_catalog):
    (tmp_path / "r.toml").write_text(
        'id = "r"\nversion = "1"\n[baselines]\nmode = "strict"\nthresholds = { mmlu = 99 }\n'
        "[domain]\nweights = { mmlu = 1 }\n"
    )
    result = shortlist("run", "--rubric", "r.toml", "--catalog", str(fixture_catalog), cwd=tmp_path)
    assert result.returncode == 1
    assert "emptied at step 'baselines'" in result.stderr


def test_record_is_saved_and_replays(tmp_path, fixture_catalog):
    (tmp_path / "golden.toml").write_text(RUBRIC)
    args = [
        "run",
        "--rubric",
        "golden.toml",
        "--catalog",
        str(fixture_catalog),
        "--format",
        "json",
        "--record",
        "decisions",
        "--choose",
        "alpha-70b",
        "--title",
        "Model for the support bot",
        "--decision-maker",
        "Ada",
        "--decision-maker",
        "Lin",
    ]
    result = shortlist(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    record = tmp_path / "decisions" / "0001-model-for-the-support-bot.md"
    text = record.read_text()
    assert text.startswith('---\nstatus: "proposed"\n')
    assert 'decision-makers: ["Ada", "Lin"]' in text
    assert 'Chosen option: "Alpha 70B"' in text
    for section in (
        "## Context and Problem Statement",
        "## Considered Options",
        "## Decision Outcome",
        "### Consequences",
        "### Confirmation",
    ):
        assert section in text
    second = shortlist(*args, cwd=tmp_path)
    assert second.returncode == 0
    assert (tmp_path / "decisions" / "0002-model-for-the-support-bot.md").exists()
    assert record.read_text() == text  # never overwritten

    same = shortlist("record", "replay", str(record), "--catalog", str(fixture_catalog), cwd=tmp_path)
    assert same.returncode == 0, same.stderr
    assert "catalogue: unchanged" in same.stdout
    assert "nothing changed" in same.stdout

    # the catalogue moves on: alpha gets cheaper, a new strong model appears
    changed = write_catalog(
        tmp_path / "catalog2",
        [
            entry(
                "alpha-70b",
                scores={"mmlu": 82, "humaneval": 70, "gpqa_diamond": 45},
                price=(0.5, 0.5),
                params=70,
                context=131072,
            ),
            entry("beta-8b", scores={"mmlu": 68, "humaneval": 60}, price=(0.1, 0.1), params=8, context=131072),
            entry(
                "gamma-api",
                scores={"mmlu": 88, "humaneval": 90, "gpqa_diamond": 60},
                price=(5, 15),
                params=None,
                level="opaque",
                license_class="proprietary",
                self_host=False,
                reported_by="developer",
                context=200000,
            ),
            entry(
                "epsilon-new",
                scores={"mmlu": 95, "humaneval": 97, "gpqa_diamond": 85},
                price=(0.2, 0.2),
                context=200000,
            ),
        ],
    )
    moved = shortlist("record", "replay", str(record), "--catalog", str(changed), cwd=tmp_path)
    assert moved.returncode == 0, moved.stderr
    assert "catalogue: changed" in moved.stdout
    assert "new qualifier: epsilon-new" in moved.stdout
    assert "price changed: alpha-70b in 0.9 -> 0.5" in moved.stdout
    assert "#1 changed:" in moved.stdout and "-> epsilon-new" in moved.stdout


def test_choose_must_be_on_the_shortlist(tmp_path, fixture_catalog):
    (tmp_path / "golden.toml").write_text(RUBRIC)
    result = shortlist(
        "run",
        "--rubric",
        "golden.toml",
        "--catalog",
        str(fixture_catalog),
        "--record",
        "d",
        "--choose",
        "delta-1b",
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "is not on the shortlist" in result.stderr
    assert not (tmp_path / "d").exists() or not list((tmp_path / "d").iterdir())


BAD_MODEL_CASES = [
    ("malformed", 'id = "x"\nname = "oops\n', "x.toml:2: malformed TOML"),
    ("unknown-key", None, "unknown key 'specs.contxt_window'; did you mean 'context_window'?"),
    ("wrong-type", None, "specs.params_total_b: input should be a valid number"),
    ("score-range", None, "benchmarks[0].value = 123.0 is out of range"),
    ("negative-price", None, "prices[0].input_usd_per_mtok = -1.0 is out of range"),
    ("unknown-benchmark", None, "benchmarks[0].id: unknown benchmark 'mmluu'; did you mean 'mmlu'?"),
]


def _bad_entry(case: str) -> dict:
    data = entry("x", scores={"mmlu": 70})
    if case == "unknown-key":
        data["specs"]["contxt_window"] = data["specs"].pop("context_window")
    elif case == "wrong-type":
        data["specs"]["params_total_b"] = "seven"
        data["specs"].pop("params_active_b")
    elif case == "score-range":
        data["benchmarks"][0]["value"] = 123.0
    elif case == "negative-price":
        data["prices"][0]["input_usd_per_mtok"] = -1.0
    elif case == "unknown-benchmark":
        data["benchmarks"][0]["id"] = "mmluu"
    return data


@pytest.mark.parametrize("case, raw, message", BAD_MODEL_CASES)
def test_bad_catalogue_files_get_one_line(tmp_path, case, raw, message):
    folder = write_catalog(tmp_path / "cat", [entry("ok", scores={"mmlu": 70}), _bad_entry(case)])
    if raw is not None:
        (folder / "models" / "x.toml").write_text(raw)
    result = shortlist("catalog", "check", str(folder), cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert message in lines[0]
    assert "x.toml" in lines[0]


@pytest.mark.parametrize(
    "args, message",
    [
        (["run", "--rubric", "missing.toml"], "missing.toml: rubric file not found"),
        (["run", "--rubric", "nosuchpreset"], "no rubric preset named 'nosuchpreset'"),
        (["catalog", "check", "nowhere"], "nowhere: catalogue folder not found"),
        (["record", "replay", "nothing.md"], "nothing.md: record file not found"),
        (["catalog", "show", "gpt-4oo"], "no model with id 'gpt-4oo'"),
    ],
)
def test_missing_inputs_get_one_line(tmp_path, args, message):
    result = shortlist(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "body, message",
    [
        (
            'id = "r"\nversion = "1"\n[domain]\nweigths = { mmlu = 1 }\n',
            "unknown key 'domain.weigths'; did you mean 'weights'?",
        ),
        ('id = "r"\nversion = "1"\n[domain]\nweights = { mmlu = 0 }\n', "domain weights are all zero"),
        ('id = "r"\nversion = "1"\n[baselines]\nthresholds = { mmlu = 140 }\n', "is out of range"),
        (
            'id = "r"\nversion = "1"\n[domain]\nweights = { mmlu = "high" }\n',
            "domain.weights.mmlu: input should be a valid number",
        ),
        (
            'id = "r"\nversion = "1"\n[domain]\nweights = { humaneva = 1 }\n',
            "unknown benchmark 'humaneval'"[:0] + "did you mean 'humaneval'?",
        ),
        ('id = "r"\nversion = 1.0\n', "version"),
    ],
)
def test_bad_rubrics_get_one_line(tmp_path, body, message):
    (tmp_path / "r.toml").write_text(body)
    result = shortlist("rubric", "check", "r.toml", cwd=tmp_path)
    assert result.returncode == 2, result.stdout
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_a_record_from_a_newer_schema_is_refused(tmp_path, fixture_catalog):
    (tmp_path / "golden.toml").write_text(RUBRIC)
    shortlist(
        "run",
        "--rubric",
        "golden.toml",
        "--catalog",
        str(fixture_catalog),
        "--record",
        "d",
        "--choose",
        "alpha-70b",
        "--title",
        "t",
        cwd=tmp_path,
    )
    record = next((tmp_path / "d").glob("*.md"))
    resign(record, lambda block: block.replace('"record_schema_version": 2', '"record_schema_version": 9'))
    result = shortlist("record", "replay", str(record), "--catalog", str(fixture_catalog), cwd=tmp_path)
    assert result.returncode == 2
    assert "written by a newer shortlist (record schema 9" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_rubric_schema_is_json_schema(tmp_path):
    result = shortlist("rubric", "schema", cwd=tmp_path)
    schema = json.loads(result.stdout)
    assert schema["title"] == "shortlist rubric preset"
    assert "openness" in schema["properties"]


def test_bundled_catalogue_checks_clean(tmp_path):
    result = shortlist("catalog", "check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: ")


def test_catalog_list_json_uses_the_toml_field_names(tmp_path, fixture_catalog):
    result = shortlist("catalog", "list", "--catalog", str(fixture_catalog), "--format", "json", cwd=tmp_path)
    entries = json.loads(result.stdout)
    assert [e["id"] for e in entries] == ["alpha-70b", "beta-8b", "delta-1b", "gamma-api"]
    assert entries[0]["license"]["class"] == "osi-open"
    assert "context_window" in entries[0]["specs"]
    assert "params_total_b" not in entries[3]["specs"] or entries[3]["id"] != "gamma-api"


def test_version(tmp_path):
    result = shortlist("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("shortlist ")
