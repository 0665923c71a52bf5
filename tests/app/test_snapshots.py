"""Snapshot tests: each screen at a fixed size on a fixed catalogue (Textual is pinned exactly).

Update after reviewing the report:  pytest tests/app/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import pytest
from app_helpers import jump, no_blink, settle, shot, wait_for
from textual.widgets import Input

SIZE = (100, 32)


@pytest.fixture
def make_app(make_app):
    """The draft under the (temporary) home folder, so the start screen shows it as ~/draft.json."""
    import os
    from pathlib import Path

    def factory(**kwargs):
        kwargs.setdefault("draft", Path(os.environ["HOME"]) / "draft.json")
        return make_app(**kwargs)

    return factory


async def to_step(pilot, step: int) -> None:
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    if step:
        await jump(pilot, step)
    no_blink(pilot.app)
    await pilot.pause(0.1)


def test_the_shortlist_wide(snap_compare, make_app):
    """At 120 columns the reasons sit beside the ranked table."""

    async def run_before(pilot):
        await to_step(pilot, 4)

    assert snap_compare(make_app(), terminal_size=(120, 36), run_before=run_before)


# ---------------------------------------------------------------------- 80x24, every screen and dialog

SMALL = (80, 24)


async def _open(pilot, key: str, screen: str) -> None:
    """Press a key that opens a dialog awaited by a worker: wait for the screen, not for idle."""
    from app_helpers import wait_for

    await pilot.press(key)
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == screen)
    no_blink(pilot.app)
    await pilot.pause(0.1)


async def _shortlist_then(pilot, key: str, screen: str) -> None:
    await to_step(pilot, 4)
    await _open(pilot, key, screen)


async def _start_then(pilot, key: str, screen: str) -> None:
    await settle(pilot)
    await _open(pilot, key, screen)


async def test_every_step_at_80x24(make_app, svg_snapshot):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await shot(pilot, svg_snapshot, "start")
        await pilot.press("enter")
        await settle(pilot)
        for name in ("openness", "baselines", "domain", "practical"):
            await shot(pilot, svg_snapshot, name)
            await pilot.press("pagedown")
            await settle(pilot)
        await shot(pilot, svg_snapshot, "shortlist")


async def test_every_shortlist_view_and_dialog_at_80x24(make_app, svg_snapshot):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await to_step(pilot, 4)
        for key, screen, name in (
            ("f1", "HelpScreen", "help"),
            ("c", "SaveRecordModal", "save-record"),
            ("e", "ExportModal", "export"),
            ("p", "SavePresetModal", "save-preset"),
        ):
            await _open(pilot, key, screen)
            await shot(pilot, svg_snapshot, name)
            await pilot.press("escape")
            await wait_for(pilot, lambda: type(app.screen).__name__ == "ShortlistScreen")
        for key, name in (("x", "excluded"), ("g", "pareto")):
            await pilot.press(key)
            await settle(pilot)
            await shot(pilot, svg_snapshot, name)
            await pilot.press(key)
            await settle(pilot)
        app.screen.query_one("#table").focus()
        await pilot.press("enter")
        await settle(pilot)
        await shot(pilot, svg_snapshot, "model-detail")


async def test_open_record_at_80x24(make_app, svg_snapshot):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await _start_then(pilot, "o", "OpenRecordModal")
        await shot(pilot, svg_snapshot, "open-record")


def test_replay_at_80x24(snap_compare, make_app, small_catalog, tmp_path):
    from helpers import cli_env, run_cli

    made = run_cli(
        "run", "--rubric", "default", "--catalog", str(small_catalog), "--record", str(tmp_path / "decisions"),
        "--choose", "open-70b", "--title", "Pick a model", "--seed", "1",
        cwd=tmp_path, env=cli_env(tmp_path),
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    record = next((tmp_path / "decisions").glob("*.md"))

    async def run_before(pilot):

        await _start_then(pilot, "o", "OpenRecordModal")
        pilot.app.screen.query_one("#path", Input).value = str(record)
        await pilot.press("enter")
        from app_helpers import wait_for

        await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "ReplayModal")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=SMALL, run_before=run_before)


def test_confirm_over_a_draft_at_80x24(snap_compare, make_app):
    async def run_before(pilot):
        await settle(pilot)
        await _open(pilot, "n", "ConfirmModal")

    import asyncio

    async def make_draft():
        app = make_app()
        async with app.run_test(size=SMALL) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)

    asyncio.run(make_draft())
    assert snap_compare(make_app(), terminal_size=SMALL, run_before=run_before)


@pytest.mark.parametrize("width", [20, 40, 73, 150])
def test_the_pareto_axis_labels_sit_under_the_axis_ends(width):
    from tui.app.widgets.pareto import AXIS_INDENT, axis_labels

    line = axis_labels(1.2, 45.0, width)
    axis = " " * (AXIS_INDENT - 1) + "└" + "─" * width
    assert line.index("$1.20/mo") == AXIS_INDENT  # under the axis's first cell
    assert len(line) == len(axis)  # the right label ends at the axis's last cell
    assert line.rstrip().endswith("$45.00/mo")
    if width >= 60:
        assert "monthly cost (log scale)" in line


@pytest.mark.parametrize("width", [40, 60, 80, 120])
def test_the_stepper_and_funnel_never_cut_a_count(width):
    from tui.app.widgets.stepper import funnel_text, stepper_text
    from tui.core.results import FunnelStep

    funnel = tuple(
        FunnelStep(step, remaining)
        for step, remaining in zip(
            ("catalogue", "openness", "baselines", "domain", "practical"),
            (15500, 15500, 11700, 11700, 9700),
            strict=True,
        )
    )
    text = funnel_text(funnel, width).plain
    assert text.count("→") == 4 and "9,700" in text
    if width >= 80:
        assert len(text) <= width  # one line; narrower, it wraps, still whole
    steps = stepper_text(3, width).plain
    assert "[4 Practical]" in steps and len(steps) <= max(width, 40)
