"""Snapshot tests: each screen at a fixed size on a fixed catalogue (Textual is pinned exactly).

Update after reviewing the report:  pytest tests/app/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import pytest
from app_helpers import settle
from textual.widgets import Input

SIZE = (100, 32)


def no_blink(app) -> None:
    for field in app.screen.query(Input):
        field.cursor_blink = False


async def to_step(pilot, step: int) -> None:
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    for _ in range(step):
        await pilot.press("pagedown")
        await settle(pilot)
    no_blink(pilot.app)
    await pilot.pause(0.1)


@pytest.mark.parametrize("step", [0, 1, 2, 3, 4], ids=["openness", "baselines", "domain", "practical", "shortlist"])
def test_step_screens(snap_compare, make_app, step):
    async def run_before(pilot):
        await to_step(pilot, step)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_start_screen(snap_compare, make_app):
    async def run_before(pilot):
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_excluded_and_near_misses(snap_compare, make_app):
    async def run_before(pilot):
        await to_step(pilot, 4)
        await pilot.press("x")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_model_detail(snap_compare, make_app):
    async def run_before(pilot):
        await to_step(pilot, 4)
        pilot.app.screen.query_one("#table").focus()
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_small_terminal_80x24(snap_compare, make_app):
    async def run_before(pilot):
        await to_step(pilot, 1)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)
