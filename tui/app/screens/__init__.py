"""The wizard's screens: start, the four steps, the shortlist, and modals."""

from __future__ import annotations

from textual.screen import Screen


def step_screen(step: int) -> Screen[None]:
    """A fresh screen for step 0-4; each reads the App's state when it mounts."""
    from tui.app.screens.baselines import BaselinesScreen
    from tui.app.screens.domain import DomainScreen
    from tui.app.screens.openness import OpennessScreen
    from tui.app.screens.practical import PracticalScreen
    from tui.app.screens.shortlist import ShortlistScreen

    return [OpennessScreen, BaselinesScreen, DomainScreen, PracticalScreen, ShortlistScreen][step]()
