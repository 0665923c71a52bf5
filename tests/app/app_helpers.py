"""Helpers for the wizard tests: waits on idle, never fixed sleeps."""

from __future__ import annotations


async def wait_for(pilot, condition, timeout: float = 20.0) -> None:
    """Process events until ``condition()`` holds (no fixed sleep); fail after ``timeout`` seconds."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the wizard did not reach the expected state")
        await pilot.pause()


async def settle(pilot) -> None:
    """Wait until the catalogue is in, the screen is ready, and no worker or debounce is pending."""
    app = pilot.app
    await wait_for(
        pilot, lambda: (app.session is not None or app.load_error is not None) and getattr(app.screen, "ready", True)
    )
    await app.wait_until_idle()
    await pilot.pause()
    await app.wait_until_idle()
    await pilot.pause()


def no_blink(app) -> None:
    """A blinking cursor makes every screenshot differ."""
    from textual.widgets import Input

    for field in app.screen.query(Input):
        field.cursor_blink = False


async def shot(pilot, svg_snapshot, name: str) -> None:
    """Compare the screen now with the stored snapshot ``name`` (update with --snapshot-update)."""
    no_blink(pilot.app)
    await pilot.pause(0.1)
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()
    svg = pilot.app.export_screenshot(title=pilot.app.title)
    assert svg == svg_snapshot(name=name), f"{name} differs from its snapshot (see the SVG diff)"


async def jump(pilot, step: int) -> None:
    """Go straight to a step (as the command palette does), without composing the steps between.

    For tests about a step's content; walking with PgDn is tested where navigation is the subject."""
    pilot.app.goto(step)
    await settle(pilot)
