"""Bring your own evidence: lm-eval results, inspect_ai logs and CSV, read as each tool writes them.

The files under tests/data/evidence/ follow the tools' real output structure (see the README
there for where each structure comes from); every value in them is made-up test data. The
catalogues here are synthetic (tests/factory.py), so no fixture value is ever set beside a
real model's public scores.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest
from factory import entry, write_catalog
from helpers import run_cli

from tui.core.catalog import load_catalog
from tui.core.errors import InputError
from tui.core.evidence import load_evidence, match_model
from tui.core.records import read_record
from tui.core.resources import catalog_root

DATA = Path(__file__).resolve().parent.parent / "data" / "evidence"
LM_LLAMA = DATA / "lm_eval" / "meta-llama__Llama-3.1-8B-Instruct" / "results_2025-03-14T10-21-07.512394.json"
LM_QWEN = DATA / "lm_eval" / "Qwen__Qwen2.5-7B-Instruct" / "results_2025-03-15T12-20-00.250000.json"
LM_FINETUNE = DATA / "lm_eval" / "__srv__models__acme-support-ft-v3" / "results_2025-03-16T14-00-00.000000.json"
INSPECT_GPT4O = DATA / "inspect" / "2025-03-17T09-12-44+00-00_gsm8k_Hk3p9XbQ2vLmRt7YwNc4Ea.json"
INSPECT_EPOCHS = DATA / "inspect" / "2025-03-18T15-40-02+00-00_support-triage_P9wQ3eR7tY2uI5oA8sD4fG.json"
INSPECT_OLLAMA = DATA / "inspect" / "2025-03-19T08-05-31+00-00_support-triage_L3kJ8hG5fD2sA9pO6iU1yT.json"
CSV = DATA / "team_results.csv"
ALIASES = DATA / "aliases.toml"
BAD = DATA / "bad"


def shortlist(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return run_cli(*args, cwd=cwd)


@pytest.fixture
def catalogue(tmp_path) -> Path:
    """Three synthetic entries that carry the real catalogue's ids and aliases (not its scores)."""
    return write_catalog(
        tmp_path / "catalog",
        [
            entry(
                "llama-3.1-8b-instruct",
                scores={"mmlu": 68, "gsm8k": 80},
                params=8,
                aliases=["meta-llama/Llama-3.1-8B-Instruct", "meta-llama/Meta-Llama-3.1-8B-Instruct"],
            ),
            entry(
                "gpt-4o",
                scores={"mmlu": 88, "gsm8k": 92},
                params=None,
                level="opaque",
                license_class="proprietary",
                self_host=False,
                aliases=["gpt-4o", "gpt-4o-2024-08-06"],
            ),
            entry(
                "qwen2.5-7b-instruct",
                scores={"mmlu": 72, "gsm8k": 85},
                params=7,
                aliases=["Qwen/Qwen2.5-7B-Instruct", "qwen2.5-7b-instruct"],
            ),
        ],
    )


def values_of(bundle, path: Path) -> dict[tuple[str | None, str], dict]:
    item = next(f for f in bundle.files if f["path"] == str(path))
    return {(v["model_id"], v["criterion"]): v for v in item["values"]}


# --------------------------------------------------------------------------- lm-evaluation-harness


def test_lm_eval_results_are_read_as_points_with_stderr_and_n(catalogue):
    bundle = load_evidence([LM_LLAMA], load_catalog(catalogue))
    values = values_of(bundle, LM_LLAMA)
    arc = values[("llama-3.1-8b-instruct", "team:arc_challenge")]
    assert arc["model"] == "meta-llama/Llama-3.1-8B-Instruct"
    assert arc["value"] == pytest.approx(54.0)  # acc_norm,none 0.54 is preferred over acc
    assert arc["stderr"] == pytest.approx(1.4562291073601229)
    assert arc["n"] == 1172  # n-samples.arc_challenge.effective
    assert "acc_norm (none), 25-shot" in arc["setting"]
    assert arc["date"] == "2025-03-14"
    gsm8k = values[("llama-3.1-8b-instruct", "team:gsm8k")]
    assert gsm8k["value"] == pytest.approx(62.0)  # strict-match, not flexible-extract (66)
    assert gsm8k["stderr"] == pytest.approx(1.3368818096960508)
    assert "exact_match (strict-match)" in gsm8k["setting"]
    # the mmlu group stands for its nested subgroups and subtasks, whose items it sums
    mmlu = values[("llama-3.1-8b-instruct", "team:mmlu")]
    assert mmlu["value"] == pytest.approx(100 * (0.5 * 126 + 0.4 * 100 + 0.6 * 135) / 361)
    assert mmlu["n"] == 361
    assert set(bundle.criteria) == {"team:arc_challenge", "team:gsm8k", "team:mmlu"}
    assert bundle.criteria["team:mmlu"].items == 361 and bundle.criteria["team:mmlu"].team
    assert not bundle.unmatched


def test_lm_eval_na_stderr_model_args_table_and_lower_is_better(catalogue):
    """bootstrap_iters=0 writes "N/A"; the Python API writes model_args as a table; wikitext is perplexity."""
    bundle = load_evidence([LM_QWEN], load_catalog(catalogue))
    values = values_of(bundle, LM_QWEN)
    assert list(values) == [("qwen2.5-7b-instruct", "team:ifeval")]
    ifeval = values[("qwen2.5-7b-instruct", "team:ifeval")]
    assert ifeval["model"] == "Qwen/Qwen2.5-7B-Instruct"  # from config.model_args.pretrained; model_name is ""
    assert ifeval["value"] == pytest.approx(70.0)  # prompt_level_strict_acc
    assert ifeval["stderr"] is None
    assert ifeval["n"] == 541
    assert "team:wikitext" not in bundle.criteria
    assert any("'wikitext' skipped" in line for line in bundle.warning_lines())
    frame = bundle.results
    assert frame.loc[frame["bench"] == "team:ifeval", "stderr"].isna().all()


def test_a_metric_of_unknown_range_needs_a_scale_from_the_user(tmp_path, catalogue):
    """An LLM-judge metric (89.156 +- 0.449) has no known range: refused until [scales] gives one."""
    path = tmp_path / "results_judge.json"
    path.write_text(
        json.dumps(
            {
                "results": {
                    "judge_task": {"alias": "judge_task", "llm_judge,none": 89.156, "llm_judge_stderr,none": 0.449}
                },
                "group_subtasks": {"judge_task": []},
                "higher_is_better": {"judge_task": {"llm_judge": True}},
                "n-samples": {"judge_task": {"original": 100, "effective": 100}},
                "config": {"model": "vllm", "model_args": {"pretrained": "Qwen/Qwen2.5-7B-Instruct"}},
                "date": 1766001300.25,
                "model_name": "",
            }
        )
    )
    with pytest.raises(
        InputError, match=r'judge_task\.llm_judge,none has no known range.*\[scales\] "llm_judge" = \[LOW, HIGH\]'
    ):
        load_evidence([path], load_catalog(catalogue))
    table = tmp_path / "aliases.toml"
    table.write_text("[scales]\nllm_judge = [0, 100]\n")
    bundle = load_evidence([path], load_catalog(catalogue), aliases=table)
    value = values_of(bundle, path)[("qwen2.5-7b-instruct", "team:judge_task")]
    assert value["value"] == pytest.approx(89.156)
    assert value["stderr"] == pytest.approx(0.449)
    table.write_text("[scales]\nllm_judge = [0, 10]\n")  # a judge that scores 0-10
    with pytest.raises(
        InputError, match=r"llm_judge,none = 89\.156 is outside 0-10 \(\[scales\] llm_judge in aliases\.toml\)"
    ):
        load_evidence([path], load_catalog(catalogue), aliases=table)
    table.write_text("[scales]\nllm_judge = [1, 1]\n")
    with pytest.raises(InputError, match=r"aliases\.toml: scales\.llm_judge = \[1, 1\]: LOW must be below HIGH"):
        load_evidence([path], load_catalog(catalogue), aliases=table)


# ------------------------------------------------------------------------------------ inspect_ai


def test_inspect_log_is_read_and_its_provider_prefix_matched(catalogue):
    bundle = load_evidence([INSPECT_GPT4O], load_catalog(catalogue))
    value = values_of(bundle, INSPECT_GPT4O)[("gpt-4o", "team:gsm8k")]  # task "inspect_evals/gsm8k"
    assert value["model"] == "openai/gpt-4o"
    assert value["value"] == pytest.approx(90.0)
    assert value["stderr"] == pytest.approx(0.8260869565217391)
    assert value["n"] == 1319  # results.completed_samples
    assert value["date"] == "2025-03-17"
    assert value["setting"] == "inspect_ai match accuracy"


def test_inspect_log_with_two_scorers_and_epochs(catalogue):
    bundle = load_evidence([INSPECT_EPOCHS], load_catalog(catalogue))
    values = values_of(bundle, INSPECT_EPOCHS)
    # the first scorer is the task's own criterion; a further scorer is named after itself
    judged = values[("llama-3.1-8b-instruct", "team:support_triage")]  # vllm/meta-llama/...
    includes = values[("llama-3.1-8b-instruct", "team:support_triage-includes")]
    assert (judged["value"], includes["value"]) == (pytest.approx(71.0), pytest.approx(65.0))
    assert (judged["stderr"], includes["stderr"]) == (pytest.approx(3.2), pytest.approx(3.37))
    assert judged["n"] == includes["n"] == 200  # 400 completed samples over 2 epochs = 200 items
    assert judged["setting"] == "inspect_ai model_graded_qa accuracy, mean over 2 epochs"
    assert set(bundle.criteria) == {"team:support_triage", "team:support_triage-includes"}


# ------------------------------------------------------------------------------------------- CSV


def test_csv_is_read_with_spaces_after_commas_and_an_empty_stderr(catalogue):
    bundle = load_evidence([CSV], load_catalog(catalogue))
    values = values_of(bundle, CSV)
    assert values[("llama-3.1-8b-instruct", "team:support-tickets")]["value"] == 72.5
    assert values[("llama-3.1-8b-instruct", "team:support-tickets")]["stderr"] == 3.1
    gpt = values[("gpt-4o", "team:support-tickets")]  # "gpt-4o-2024-08-06" is a catalogue alias
    assert (gpt["model"], gpt["value"], gpt["n"]) == ("gpt-4o-2024-08-06", 81.0, 200)
    assert values[("qwen2.5-7b-instruct", "team:support-tickets")]["stderr"] is None
    assert bundle.criteria["team:support-tickets"].items == 200


# ------------------------------------------------------------------------------------- matching


def test_alias_table_matches_a_name_the_catalogue_does_not_know(catalogue):
    catalog = load_catalog(catalogue)
    without = load_evidence([INSPECT_OLLAMA], catalog)
    assert without.unmatched == {"ollama/qwen2.5:7b": [INSPECT_OLLAMA.name]}
    assert without.results.empty
    assert values_of(without, INSPECT_OLLAMA)[(None, "team:support_triage")]["value"] == pytest.approx(55.0)
    with_table = load_evidence([INSPECT_OLLAMA], catalog, aliases=ALIASES)
    assert not with_table.unmatched
    assert set(with_table.results["model_id"]) == {"qwen2.5-7b-instruct"}
    assert set(with_table.results["bench"]) == {"team:support_triage", "team:support_triage-includes"}


def test_alias_table_wins_and_must_point_at_a_catalogue_id(tmp_path, catalogue):
    catalog = load_catalog(catalogue)
    assert match_model("openai/gpt-4o", catalog, {"openai/gpt-4o": "qwen2.5-7b-instruct"}) == "qwen2.5-7b-instruct"
    assert match_model("hf/meta-llama/Llama-3.1-8B-Instruct", catalog, {}) == "llama-3.1-8b-instruct"
    assert match_model("acme/llama-3.1-8b-instruct-ft", catalog, {}) is None
    table = tmp_path / "aliases.toml"
    table.write_text('[aliases]\n"ollama/qwen2.5:7b" = "qwen-2.5-7b"\n')
    with pytest.raises(InputError, match=r"points to unknown catalogue id 'qwen-2\.5-7b'"):
        load_evidence([INSPECT_OLLAMA], catalog, aliases=table)


def test_fixture_model_names_match_the_bundled_catalogue():
    """The fixtures name real models only so that matching is tested against real aliases."""
    catalog = load_catalog(catalog_root())
    expected = {
        "meta-llama/Llama-3.1-8B-Instruct": "llama-3.1-8b-instruct",
        "vllm/meta-llama/Llama-3.1-8B-Instruct": "llama-3.1-8b-instruct",
        "Qwen/Qwen2.5-7B-Instruct": "qwen2.5-7b-instruct",
        "openai/gpt-4o": "gpt-4o",
        "gpt-4o-2024-08-06": "gpt-4o",
        "ollama/qwen2.5:7b": None,
        "/srv/models/acme-support-ft-v3": None,
    }
    assert {name: match_model(name, catalog, {}) for name in expected} == expected


# ------------------------------------------------------------------------------ the command line

RUBRIC = 'id = "team-test"\nversion = "1.0.0"\n[domain]\nweights = { mmlu = 1 }\n'


def test_run_imports_every_format_and_reports_the_unmatched_model(tmp_path, catalogue):
    (tmp_path / "r.toml").write_text(RUBRIC)
    result = shortlist(
        "run",
        "--rubric",
        "r.toml",
        "--catalog",
        str(catalogue),
        "--format",
        "json",
        "--evidence",
        str(LM_LLAMA),
        str(LM_FINETUNE),
        str(INSPECT_GPT4O),
        str(CSV),
        str(INSPECT_OLLAMA),
        "--aliases",
        str(ALIASES),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    unmatched = [line for line in result.stderr.splitlines() if "matches no catalogue model" in line]
    assert len(unmatched) == 1
    assert "'/srv/models/acme-support-ft-v3'" in unmatched[0] and LM_FINETUNE.name in unmatched[0]
    assert unmatched[0].startswith("shortlist: warning: ")
    data = json.loads(result.stdout)
    assert [f["format"] for f in data["evidence"]] == ["lm-eval", "lm-eval", "inspect", "csv", "inspect"]
    kept = data["evidence"][1]["values"]  # reported, and kept in the output, not dropped
    assert kept[0]["model_id"] is None and kept[0]["value"] == pytest.approx(81.0)
    weights = data["rubric"]["resolved"]["domain"]["weights"]
    assert {"team:gsm8k", "team:mmlu", "team:support-tickets", "team:support_triage"} <= set(weights)
    assert "team:acme_tickets" not in weights  # nobody in the catalogue has it
    gpt = next(item for item in data["shortlist"] if item["id"] == "gpt-4o")
    assert any(r.startswith("support-tickets (team) 81 (weight 1)") for r in gpt["reasons"])
    assert any(r.startswith("gsm8k (team) 90 (weight 1)") for r in gpt["reasons"])


BAD_CASES = [
    pytest.param(BAD / "truncated_results.json", "truncated_results.json:6: malformed JSON", id="malformed-json"),
    pytest.param(
        BAD / "wrong_header.csv",
        "wrong_header.csv:1: CSV header must be model_id,criterion,value",
        id="wrong-csv-header",
    ),
    pytest.param(
        BAD / "value_out_of_range.csv", "value_out_of_range.csv:3: value 123 is outside 0-100", id="value-out-of-range"
    ),
    pytest.param(BAD / "bad_date.csv", "bad_date.csv:2: date '10/03/2025' is not YYYY-MM-DD", id="not-a-date"),
    pytest.param(Path("no-such-results.json"), "no-such-results.json: evidence file not found", id="missing-file"),
]


@pytest.mark.parametrize("path, message", BAD_CASES)
def test_bad_evidence_files_get_one_line_and_exit_2(tmp_path, catalogue, path, message):
    (tmp_path / "r.toml").write_text(RUBRIC)
    result = shortlist(
        "run", "--rubric", "r.toml", "--catalog", str(catalogue), "--evidence", str(CSV), str(path), cwd=tmp_path
    )
    assert result.returncode == 2, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("shortlist: error: ")
    assert message in lines[0]
    assert path.name in lines[0]
    assert result.stdout == ""


def flip_catalogue(tmp_path: Path) -> Path:
    """Model A beats model B on the public benchmark."""
    return write_catalog(
        tmp_path / "flip",
        [
            entry("model-a", scores={"mmlu": 85}, stderr=1.0, price=(1.0, 1.0)),
            entry("model-b", scores={"mmlu": 70}, stderr=1.0, price=(1.0, 1.0)),
        ],
    )


TEAM_CSV = (
    "model_id,criterion,value,stderr,n,source,date\n"
    "test-org/model-a,support-tickets,{a},2.4,400,synthetic test data,2025-03-10\n"
    "model-b,support-tickets,{b},1.5,400,synthetic test data,2025-03-10\n"
)


def ranking(result: subprocess.CompletedProcess) -> list[str]:
    assert result.returncode == 0, result.stderr
    return [item["id"] for item in json.loads(result.stdout)["shortlist"]]


def test_team_results_that_disagree_with_public_scores_flip_the_shortlist(tmp_path):
    catalog = flip_catalogue(tmp_path)
    (tmp_path / "r.toml").write_text(RUBRIC)
    (tmp_path / "team.csv").write_text(TEAM_CSV.format(a=35, b=92))
    base = ["run", "--rubric", "r.toml", "--catalog", str(catalog), "--format", "json"]
    assert ranking(shortlist(*base, cwd=tmp_path))[0] == "model-a"
    flipped = shortlist(*base, "--evidence", "team.csv", "--set", "domain.weights.team:support-tickets=2", cwd=tmp_path)
    assert ranking(flipped)[:2] == ["model-b", "model-a"]
    top = json.loads(flipped.stdout)["shortlist"][0]
    assert top["p_first"] > 0.9 and not top["tied_with"]
    assert json.loads(flipped.stdout)["rubric"]["resolved"]["domain"]["weights"]["team:support-tickets"] == 2
    # a zero weight is respected: the evidence is shown but does not count
    ignored = shortlist(*base, "--evidence", "team.csv", "--set", "domain.weights.team:support-tickets=0", cwd=tmp_path)
    assert ranking(ignored)[0] == "model-a"


def test_record_embeds_evidence_and_replay_reports_a_changed_file(tmp_path):
    catalog = flip_catalogue(tmp_path)
    (tmp_path / "r.toml").write_text(RUBRIC)
    team = tmp_path / "team.csv"
    team.write_text(TEAM_CSV.format(a=35, b=92))
    made = shortlist(
        "run",
        "--rubric",
        "r.toml",
        "--catalog",
        str(catalog),
        "--format",
        "json",
        "--evidence",
        "team.csv",
        "--set",
        "domain.weights.team:support-tickets=2",
        "--record",
        "decisions",
        "--choose",
        "model-b",
        "--title",
        "Support bot model",
        cwd=tmp_path,
    )
    assert made.returncode == 0, made.stderr
    path = tmp_path / "decisions" / "0001-support-bot-model.md"
    record = read_record(path)
    (embedded,) = record["evidence"]
    assert embedded["path"] == "team.csv" and embedded["format"] == "csv"
    assert embedded["sha256"] == hashlib.sha256(team.read_bytes()).hexdigest()
    assert {(v["model_id"], v["value"], v["stderr"], v["n"]) for v in embedded["values"]} == {
        ("model-a", 35.0, 2.4, 400),
        ("model-b", 92.0, 1.5, 400),
    }

    same = shortlist("record", "replay", str(path), "--catalog", str(catalog), "--evidence", "team.csv", cwd=tmp_path)
    assert same.returncode == 0, same.stderr
    assert "#1 unchanged: model-b" in same.stdout and "evidence:" not in same.stdout
    assert "nothing changed" in same.stdout

    team.write_text(TEAM_CSV.format(a=95, b=40))  # the team re-ran its evaluation
    moved = shortlist("record", "replay", str(path), "--catalog", str(catalog), "--evidence", "team.csv", cwd=tmp_path)
    assert moved.returncode == 0, moved.stderr
    assert "evidence: team.csv changed" in moved.stdout
    assert "#1 changed: model-b -> model-a" in moved.stdout

    embedded_only = shortlist("record", "replay", str(path), "--catalog", str(catalog), cwd=tmp_path)
    assert embedded_only.returncode == 0, embedded_only.stderr
    assert "replayed from the values embedded in the record" in embedded_only.stderr
    assert "#1 unchanged: model-b" in embedded_only.stdout  # the old values, not the edited file

    team.unlink()
    gone = shortlist("record", "replay", str(path), "--catalog", str(catalog), cwd=tmp_path)
    assert gone.returncode == 0 and "#1 unchanged: model-b" in gone.stdout
