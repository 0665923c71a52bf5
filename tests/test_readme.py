"""The README's promises, checked: its commands run, its keys are bound, its figures are the real ones."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from helpers import cli_env, run_cli

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    start = README.index(f"## {title}")
    end = README.find("\n## ", start + 3)
    return README[start : end if end > 0 else None]


def test_the_quick_start_commands_run_as_written(tmp_path):
    block = section("Quick start").split("The same engine runs headless")[1]
    commands = [
        line.split("#")[0].strip().removeprefix(".venv/bin/shortlist ")
        for line in block.splitlines()
        if line.startswith(".venv/bin/shortlist ")
    ]
    assert len(commands) == 4
    env = cli_env(tmp_path)
    for command in commands:
        args = re.findall(r'"[^"]*"|\S+', command)
        result = run_cli(*[a.strip('"') for a in args], cwd=tmp_path, env=env)
        assert result.returncode == 0, (command, result.stderr)
    # the record the third command wrote is the file the fourth replays
    assert (tmp_path / "decisions" / "0001-model-for-the-support-bot.md").is_file()


def test_the_test_command_is_what_ci_runs():
    assert "./.ci/run" in section("Quick start")
    ci = (REPO / ".ci" / "run").read_text()
    for step in ("pip install", '".[test]"', "lint-imports", "ruff check", "mypy", ".venv/bin/pytest"):
        assert step in ci, step
    assert "set -euo pipefail" in ci  # a failing step fails the run


def test_the_method_figures_are_the_bundled_calibrations():
    cv = tomllib.loads((REPO / "catalog" / "calibration.toml").read_text())["cv"]
    text = " ".join(section("How shortlist decides").split())
    assert f"mean absolute error of **{cv['mae']:.2f} points**" in text
    assert f"(median {cv['median']:.1f})" in text
    assert f"over {cv['n']:,} results" in text
    assert f"against {cv['baseline_bench_mean_mae']:.2f} for the benchmark's mean" in text
    assert f"{cv['baseline_model_mean_mae']:.2f} for the model's mean" in text
    assert f"one factor gives {cv['mae_by_factors']['1']:.2f}" in text
    assert f"cover {cv['coverage_68']:.0%} of held-out scores" in text
    assert f"the 95% intervals {cv['coverage_95']:.0%}" in text


@pytest.mark.parametrize("number, what", [(155, "models"), (25, "benchmarks")])
def test_the_catalogue_figures_are_the_bundled_catalogues(number, what):
    from tui.core.catalog import load_catalog
    from tui.core.resources import catalog_root

    catalog = load_catalog(catalog_root())
    actual = {"models": len(catalog.entries), "benchmarks": len(catalog.registry)}[what]
    assert actual == number
    assert f"{number} {what}" in " ".join(section("The catalogue").split())


def test_every_screenshot_the_readme_shows_exists_and_preserves_spaces():
    shown = re.findall(r"\(screenshots/([\w-]+\.svg)\)", README)
    assert len(shown) >= 10
    for name in shown:
        svg = (REPO / "screenshots" / name).read_text(encoding="utf-8")
        assert svg.lstrip().startswith("<svg") and 'xml:space="preserve"' in svg[:300], name
