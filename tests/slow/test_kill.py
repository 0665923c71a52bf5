"""SIGKILL at random points while shortlist writes: only complete old or complete new files remain.

Slow (real processes, killed 50+ times per command): run on its own by .ci/run with
``pytest -m slow``; the everyday suite leaves it out.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from factory import entry, write_catalog
from helpers import cli_env

pytestmark = pytest.mark.slow

TRIALS = 52
TEMPORARY = ("*.shortlist-tmp", "*.shortlist-old")


def start(args: list[str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tui", *args],
        cwd=cwd,
        env=cli_env(cwd),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def duration(args: list[str], cwd: Path) -> float:
    began = time.monotonic()
    assert start(args, cwd).wait(60) == 0
    return time.monotonic() - began


def kill_at(args: list[str], cwd: Path, after: float) -> None:
    process = start(args, cwd)
    time.sleep(after)
    process.send_signal(signal.SIGKILL)
    process.wait(30)


def strays(root: Path) -> list[Path]:
    return [p for pattern in TEMPORARY for p in root.rglob(pattern)] + list(root.rglob(".*.tmp"))


@pytest.fixture
def catalogue(tmp_path) -> Path:
    return write_catalog(tmp_path / "cat", [entry(f"m{i}", scores={"mmlu": 50 + i, "gsm8k": 40 + i}) for i in range(8)])


def test_killed_record_writes_leave_only_complete_records(tmp_path, catalogue):
    from tui.core.records import read_record

    rng = random.Random(1)
    (tmp_path / "r.toml").write_text('id = "r"\nversion = "1"\n[domain]\nweights = { mmlu = 1 }\n')
    args = [
        "run",
        "--rubric",
        "r.toml",
        "--catalog",
        str(catalogue),
        "--format",
        "json",
        "--record",
        "decisions",
        "--choose",
        "m7",
        "--title",
        "Killed",
    ]
    full = duration(args, tmp_path)
    for _ in range(TRIALS):
        kill_at(args, tmp_path, rng.uniform(0.3, 1.1) * full)
        for record in (tmp_path / "decisions").glob("*.md"):
            assert read_record(record)["chosen"] == "m7"  # complete, and its hash matches
    assert start(args, tmp_path).wait(60) == 0  # the next run cleans up
    assert strays(tmp_path / "decisions") == []


def test_killed_preset_templates_are_complete_or_absent(tmp_path):
    rng = random.Random(2)
    full = duration(["rubric", "new", "reference"], tmp_path)
    reference = (tmp_path / ".shortlist" / "rubrics" / "reference.toml").read_text()
    for trial in range(TRIALS):
        kill_at(["rubric", "new", f"killed-{trial}"], tmp_path, rng.uniform(0.3, 1.1) * full)
    for path in (tmp_path / ".shortlist" / "rubrics").glob("killed-*.toml"):
        name = path.stem
        assert path.read_text() == reference.replace("reference", name).replace(
            "Reference", name.replace("-", " ").capitalize()
        )
        tomllib.loads(path.read_text())
    assert start(["rubric", "new", "after"], tmp_path).wait(60) == 0
    assert strays(tmp_path / ".shortlist") == []


MODELS_DEV = """name = "M{i}"
release_date = "2025-01-10"
last_updated = "2025-09-01"
open_weights = false

[cost]
input = {price}
output = {price}

[limit]
context = 256_000
output = 32_768
"""


def test_killed_refreshes_leave_the_old_overlay_or_the_complete_new_one(tmp_path):
    rng = random.Random(3)
    models = []
    for i in range(30):
        data = entry(f"m{i}", scores={"mmlu": 60.0 + i % 30})
        data["prices"][0]["provider"] = "OpenAI"
        data["aliases"] = [f"m{i}"]
        models.append(data)
    catalogue = write_catalog(tmp_path / "cat", models)
    tree = tmp_path / "models.dev"
    for i in range(30):
        path = tree / "providers" / "openai" / "models" / f"m{i}.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(MODELS_DEV.format(i=i, price=0.5 + i / 10))
    out = tmp_path / "overlay"
    args = ["catalog", "refresh", "--from-models-dev", str(tree), "--out", str(out), "--catalog", str(catalogue)]
    full = duration(args, tmp_path)
    expected = {p.name: p.read_text() for p in (out / "models").glob("*.toml")}
    assert len(expected) == 30
    os.rename(out, tmp_path / "reference")
    for _ in range(TRIALS):
        kill_at(args, tmp_path, rng.uniform(0.3, 1.1) * full)
        if out.exists():
            written = {p.name: p.read_text() for p in (out / "models").glob("*.toml")}
            assert written == expected  # all or nothing, never 11 of 30
    assert start(args, tmp_path).wait(60) == 0
    assert {p.name: p.read_text() for p in (out / "models").glob("*.toml")} == expected
    assert list(tmp_path.glob(".overlay.*")) == []
