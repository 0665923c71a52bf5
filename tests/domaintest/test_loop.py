"""The whole loop offline with inspect_ai's mock provider: init -> run -> import -> re-rank -> record -> replay.

One mock run is shared by the session (inspect's start-up is the slow part); tests that
change files work on a copy.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sys
import threading
from pathlib import Path

import pytest
from domain_support import RUBRIC, small_task
from helpers import cli_env, run_cli

from tui.core.catalog import load_catalog
from tui.core.domainplan import plan_run
from tui.core.domaintest import read_task_folder
from tui.core.records import read_record

pytest.importorskip("inspect_ai")


def _run_args(catalogue: Path, *extra: str) -> list[str]:
    return ["domain-test", "run", "support-tickets", "--rubric", "r.toml", "--catalog", str(catalogue), *extra]


@pytest.fixture(scope="session")
def loop(tmp_path_factory, catalogue):
    base = tmp_path_factory.mktemp("loop")
    env = cli_env(base)
    (base / "r.toml").write_text(RUBRIC)
    init = run_cli("domain-test", "init", "support-tickets", "--example", cwd=base, env=env)
    assert init.returncode == 0, init.stderr
    run = run_cli(
        *_run_args(catalogue, "--mock", "--yes", "--display", "none", "--record", "decisions"), cwd=base, env=env
    )
    assert run.returncode == 0, run.stderr
    return base, env, run


def _record(base: Path) -> dict:
    (path,) = (base / "decisions").glob("0001-*.md")
    return read_record(path)


def test_the_run_prints_the_plan_the_skips_and_what_changed(loop):
    _, _, run = loop
    out = run.stdout
    assert "MOCK RUN: every model is called through inspect_ai's mockllm provider" in out
    assert "total: $" in out and "+ 1 self-hosted (your hardware) for a real run" in out
    assert "skipped delta: no inspect_ai model name in the catalogue" in out
    assert "missing key OPENAI_API_KEY: a real run would skip alpha" in out
    assert "re-ranked with team:support_tickets (MOCK evidence: not real results) at weight 1" in out
    assert "#1 " in out and "P(first): " in out and "saved decision record decisions/0001-" in out
    assert "Traceback" not in run.stderr


def test_logs_are_json_under_dir_logs_with_the_catalogue_id(loop):
    base, _, _ = loop
    manifest = json.loads((base / "support-tickets" / "logs" / "manifest.json").read_text())
    assert manifest["mock"] is True and manifest["task"] == "support_tickets"
    assert [r["model_id"] for r in manifest["runs"]] == ["alpha", "beta", "gamma"]
    assert manifest["skipped"][0]["model_id"] == "delta"
    for item in manifest["runs"]:
        log = json.loads((base / "support-tickets" / item["log"]).read_text())
        assert log["status"] == "success" and log["eval"]["model"] == f"mockllm/{item['inspect_model']}"
        assert log["eval"]["metadata"]["shortlist"] == {
            "catalog_id": item["model_id"],
            "inspect_model": item["inspect_model"],
            "mock": True,
        }
        correct = sum(s["scores"]["includes"]["value"] == "C" for s in log["samples"])
        assert log["results"]["scores"][0]["metrics"]["accuracy"]["value"] == pytest.approx(correct / 10)


def test_the_record_carries_the_task_the_logs_and_their_hashes(loop):
    base, _, _ = loop
    record = _record(base)
    section = record["domain_test"]
    task_py = base / "support-tickets" / "task.py"
    assert section["task"] == "support_tickets" and section["file"] == "support-tickets/task.py"
    assert section["sha256"] == hashlib.sha256(task_py.read_bytes()).hexdigest() and section["mock"] is True
    assert {log["model_id"] for log in section["logs"]} == {"alpha", "beta", "gamma"}
    for log in section["logs"]:
        assert hashlib.sha256((base / log["path"]).read_bytes()).hexdigest() == log["sha256"]
    values = [v for f in record["evidence"] for v in f["values"]]
    assert {v["model_id"] for v in values} == {"alpha", "beta", "gamma"}
    assert all(
        v["criterion"] == "team:support_tickets" and "MOCK run, not real evidence" in v["setting"] for v in values
    )
    text = next((base / "decisions").glob("0001-*.md")).read_text()
    assert "**MOCK run** (inspect_ai's mockllm provider): the results are not real evidence." in text


def test_the_new_ranking_is_the_one_shortlist_run_gives_with_the_logs(loop, catalogue):
    base, env, run = loop
    logs = sorted(str(p.relative_to(base)) for p in (base / "support-tickets" / "logs").glob("2*.json"))
    ranked = run_cli(
        "run",
        "--rubric",
        "r.toml",
        "--catalog",
        str(catalogue),
        "--format",
        "json",
        "--evidence",
        *logs,
        cwd=base,
        env=env,
    )
    data = json.loads(ranked.stdout)
    after = next(line for line in run.stdout.splitlines() if line.startswith("after:"))
    assert after == "after:  " + ", ".join(f"{i['rank_label']} {i['id']}" for i in data["shortlist"][:5])
    first = data["shortlist"][0]
    p_first = next(line for line in run.stdout.splitlines() if line.startswith("P(first)"))
    assert p_first.startswith(f"P(first): {first['id']} ") and f"-> {first['p_first']:.0%}," in p_first


def test_replay_shows_no_change_then_names_an_edited_log(loop, tmp_path, catalogue):
    base, env, _ = loop
    copy = tmp_path / "copy"
    shutil.copytree(base, copy)
    (record,) = (copy / "decisions").glob("0001-*.md")
    same = run_cli("record", "replay", str(record), "--catalog", str(catalogue), cwd=copy, env=env)
    assert same.returncode == 0 and "nothing changed that affects this decision" in same.stdout
    log = copy / _record(copy)["domain_test"]["logs"][0]["path"]
    data = json.loads(log.read_text())
    data["results"]["scores"][0]["metrics"]["accuracy"]["value"] = 0.05
    log.write_text(json.dumps(data))
    changed = run_cli("record", "replay", str(record), "--catalog", str(catalogue), cwd=copy, env=env)
    rel = log.relative_to(copy)
    assert f"evidence: domain test: {rel} changed since the record (sha256 differs)" in changed.stdout
    assert "nothing changed" not in changed.stdout
    log.unlink()
    gone = run_cli("record", "replay", str(record), "--catalog", str(catalogue), cwd=copy, env=env)
    assert f"evidence: domain test: {rel} missing now" in gone.stdout


def test_without_yes_a_non_interactive_input_is_refused(tmp_path, catalogue, monkeypatch):
    small_task(tmp_path / "support-tickets")
    (tmp_path / "r.toml").write_text(RUBRIC)
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))
    result = run_cli(*_run_args(catalogue, "--mock"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "shortlist: error: not asking on a non-interactive input: pass --yes to run without confirmation"
    )
    assert not (tmp_path / "support-tickets" / "logs").exists()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_answering_no_runs_nothing(tmp_path, catalogue, monkeypatch):
    small_task(tmp_path / "support-tickets")
    (tmp_path / "r.toml").write_text(RUBRIC)
    monkeypatch.setattr(sys, "stdin", _Terminal("n\n"))
    result = run_cli(*_run_args(catalogue, "--mock", "--models", "alpha"), cwd=tmp_path)
    assert result.returncode == 130 and not (tmp_path / "support-tickets" / "logs").exists()


def test_max_cost_refuses_before_anything_runs(tmp_path, catalogue, monkeypatch):
    small_task(tmp_path / "support-tickets")
    (tmp_path / "r.toml").write_text(RUBRIC)
    monkeypatch.setenv("OPENAI_API_KEY", "not-used")
    result = run_cli(*_run_args(catalogue, "--models", "alpha", "--max-cost", "0.0001", "--yes"), cwd=tmp_path)
    assert result.returncode == 2
    assert "shortlist: error: --max-cost 0.0001: the estimated cost is $0.0007" in result.stderr
    assert not (tmp_path / "support-tickets" / "logs").exists()


def test_missing_keys_are_named_once_and_nothing_runs_without_a_model(tmp_path, catalogue, monkeypatch):
    small_task(tmp_path / "support-tickets")
    (tmp_path / "r.toml").write_text(RUBRIC)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    result = run_cli(*_run_args(catalogue, "--models", "alpha,delta", "--yes"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout.count("OPENAI_API_KEY") == 2  # the skip reason, and the one missing-key line
    assert "missing key OPENAI_API_KEY: not set; skips alpha" in result.stdout
    assert "no model to run: every model was skipped" in result.stderr


def test_without_inspect_ai_the_run_says_how_to_install_it(tmp_path, catalogue, monkeypatch):
    small_task(tmp_path / "support-tickets")
    monkeypatch.setitem(sys.modules, "inspect_ai", None)
    result = run_cli(*_run_args(catalogue, "--mock", "--yes"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "shortlist: error: domain tests need inspect_ai: pip install 'llm-shortlist[evals]'\n"


@pytest.mark.parametrize(
    ("scorer", "extra"),
    [("exact", {}), ("pattern", {"regex": r"(t\d)"}), ("model-graded", {"grader": "openai/alpha"})],
)
def test_every_scorer_runs_in_inspect_ai(tmp_path, catalogue, scorer, extra):
    from tui.evals import run_domain_tests

    task = read_task_folder(small_task(tmp_path / "t", scorer=scorer, **extra))
    plan = plan_run(task, load_catalog(catalogue), ["alpha"], {}, mock=True)
    outcome = run_domain_tests(plan, display="none")
    assert outcome.failures == [] and len(outcome.logs) == 1
    log = json.loads(outcome.logs[0].read_text())
    assert log["status"] == "success" and len(log["samples"]) == 3
    first_score = next(iter(log["samples"][0]["scores"].values()))
    answer = log["samples"][0]["output"]["completion"]
    assert first_score["value"] in ("C", "I", 1, 0, 1.0, 0.0)
    assert (first_score["value"] in ("C", 1, 1.0)) == (answer == "t0")


def test_a_failing_model_is_reported_and_the_others_go_on(tmp_path, catalogue, monkeypatch):
    import tui.evals as evals

    real = evals._model

    def flaky(plan, planned):
        if planned.model_id == "alpha":
            raise ConnectionError("connection refused\nat localhost:11434")
        return real(plan, planned)

    monkeypatch.setattr(evals, "_model", flaky)
    task = read_task_folder(small_task(tmp_path / "t"))
    plan = plan_run(task, load_catalog(catalogue), ["alpha", "gamma"], {}, mock=True)
    seen = []
    outcome = evals.run_domain_tests(
        plan, display="none", on_progress=lambda run, i, n: seen.append((run.model_id, i, n))
    )
    assert [(r.model_id, r.error) for r in outcome.failures] == [("alpha", "connection refused at localhost:11434")]
    assert len(outcome.logs) == 1 and seen == [("alpha", 1, 2), ("gamma", 2, 2)]
    manifest = json.loads(outcome.manifest.read_text())
    assert manifest["runs"][0] == {
        "model_id": "alpha",
        "inspect_model": "openai/alpha",
        "log": None,
        "error": "connection refused at localhost:11434",
    }


def test_a_cancelled_run_stops_before_the_next_model(tmp_path, catalogue):
    from tui.evals import run_domain_tests

    task = read_task_folder(small_task(tmp_path / "t"))
    plan = plan_run(task, load_catalog(catalogue), ["alpha", "gamma"], {}, mock=True)
    cancel = threading.Event()
    cancel.set()
    outcome = run_domain_tests(plan, cancel=cancel, display="none")
    assert outcome.cancelled and outcome.runs == []
