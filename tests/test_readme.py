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


def _readme_commands() -> list[tuple[tuple[str, ...], set[str]]]:
    """(command path, options) for every command the README's CLI table lists."""
    table = section("The headless CLI").split("| command | what it does |", 1)[1].split("\n\n", 1)[0]
    out: list[tuple[tuple[str, ...], set[str]]] = []
    for row in table.splitlines()[2:]:
        cell = row.split(" | ", 1)[0]
        top = None
        for span in re.findall(r"`([^`]+)`", cell):
            tokens = span.replace("\\|", "|").split()
            if tokens[0] == "shortlist":
                tokens = tokens[1:]
                top = tokens[0]
                path = (top,) if top.startswith("--") or top in {"run", "wizard"} else (top, tokens[1])
            else:
                assert top is not None, span
                path = (top, tokens[0])
            out.append((path, set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", span)) - {path[0]}))
    return out


def _parser_commands() -> dict[tuple[str, ...], set[str]]:
    import argparse

    from tui.cli import build_parser

    def walk(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> dict[tuple[str, ...], set[str]]:
        found: dict[tuple[str, ...], set[str]] = {}
        options = {o for a in parser._actions for o in a.option_strings if o.startswith("--")}
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if path:
            found[path] = options
        else:
            found.update({(o,): set() for o in options if o != "--help"})
        for sub in subs:
            for name, child in sub.choices.items():
                found.update(walk(child, (*path, name)))
        return found

    return walk(build_parser(), ())


def test_the_cli_table_and_the_parser_agree():
    readme, parser = _readme_commands(), _parser_commands()
    listed = {path for path, _ in readme}
    for path, options in readme:
        assert path in parser, f"the README lists `shortlist {' '.join(path)}`, which the parser does not have"
        missing = options - parser[path]
        assert not missing, f"`shortlist {' '.join(path)}`: the README names {sorted(missing)}, the parser has not"
    groups = {path for path in parser if len(path) == 1 and any(len(p) == 2 and p[0] == path[0] for p in parser)}
    unlisted = set(parser) - listed - groups - {("--debug",)}
    assert not unlisted, f"commands the README's table does not list: {sorted(unlisted)}"
