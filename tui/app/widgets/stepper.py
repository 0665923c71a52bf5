"""The always-visible stepper (where you are) and funnel (how many models remain)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from tui.core.wizard import STEP_LABELS

if TYPE_CHECKING:
    from tui.core.results import FunnelStep

FUNNEL_LABELS = {
    "catalogue": "Catalogue",
    "openness": "Openness",
    "baselines": "Baselines",
    "domain": "Domain",
    "practical": "Practical",
}


def stepper_text(step: int, width: int, blocked: str = "") -> Text:
    """The steps with ``step`` highlighted; only the current step is named when all names don't fit."""
    text = Text()
    for named_all in (True, False):
        text = Text()
        for index, label in enumerate(STEP_LABELS):
            if index:
                text.append(" › ", style="dim")
            marker = f"{index + 1} {label}" if named_all or index == step else str(index + 1)
            if index == step:
                text.append(f"[{marker}]", style="bold reverse")
            elif index < step:
                text.append(marker + " ✓")
            else:
                text.append(marker, style="dim")
        if text.cell_len <= width:
            break
    if blocked:
        text.append(f"   ⚠ {blocked}", style="bold")
    return text


class Stepper(Static):
    """``1 Openness > 2 Baselines > ...`` with the current step highlighted; shorter when narrow."""

    DEFAULT_CSS = """
    Stepper { height: 1; width: 1fr; }
    """

    _last: tuple[int, str] = (0, "")

    def show(self, step: int, blocked: str = "") -> None:
        """Highlight ``step`` (0-4); ``blocked`` explains why Next is refused."""
        self._last = (step, blocked)
        self.update(stepper_text(step, self.content_size.width or self.app.size.width - 2, blocked))

    def on_resize(self) -> None:
        self.show(*self._last)


SHORT_LABELS = {"catalogue": "All", "openness": "Open", "baselines": "Base", "domain": "Dom", "practical": "Prac"}


def funnel_text(funnel: tuple[FunnelStep, ...], width: int, busy: bool = False) -> Text:
    """The funnel in the longest form that fits ``width`` cells: never cut, at worst wrapped."""
    forms = ((True, FUNNEL_LABELS), (False, FUNNEL_LABELS), (False, SHORT_LABELS))
    text = Text()
    for prefix, labels in forms:
        text = Text("Funnel: " if prefix else "", style="bold")
        for index, item in enumerate(funnel):
            if index:
                text.append(" → ", style="dim")
            text.append(f"{labels[item.step]} ")
            text.append(f"{item.remaining:,}", style="bold" if item.remaining else "bold reverse")
        if busy:
            text.append("  …", style="dim")
        if text.cell_len <= width:
            break
    return text


class FunnelBar(Static):
    """``Funnel: Catalogue 114 → Openness 80 → ...``, updated live; shorter labels when narrow."""

    DEFAULT_CSS = """
    FunnelBar { height: auto; width: 1fr; }
    """

    _last: tuple[tuple[FunnelStep, ...] | None, bool] = (None, False)

    def show(self, funnel: tuple[FunnelStep, ...] | None, busy: bool = False) -> None:
        """Render the funnel counts (None while the catalogue loads)."""
        self._last = (funnel, busy)
        if not funnel:
            self.update(Text("Funnel: loading catalogue…", style="dim"))
            return
        self.update(funnel_text(funnel, self.content_size.width or self.app.size.width - 2, busy))

    def on_resize(self) -> None:
        self.show(*self._last)
