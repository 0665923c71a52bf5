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


class Stepper(Static):
    """``1 Openness > 2 Baselines > ...`` with the current step highlighted."""

    DEFAULT_CSS = """
    Stepper { height: 1; width: 1fr; }
    """

    def show(self, step: int, blocked: str = "") -> None:
        """Highlight ``step`` (0-4); ``blocked`` explains why Next is refused."""
        text = Text()
        for index, label in enumerate(STEP_LABELS):
            if index:
                text.append(" › ", style="dim")
            marker = f"{index + 1} {label}"
            if index == step:
                text.append(f"[{marker}]", style="bold reverse")
            elif index < step:
                text.append(marker + " ✓")
            else:
                text.append(marker, style="dim")
        if blocked:
            text.append(f"   ⚠ {blocked}", style="bold")
        self.update(text)


class FunnelBar(Static):
    """``Catalogue 114 → Openness 80 → ...``, updated live as the user edits."""

    DEFAULT_CSS = """
    FunnelBar { height: 1; width: 1fr; }
    """

    def show(self, funnel: tuple[FunnelStep, ...] | None, busy: bool = False) -> None:
        """Render the funnel counts (None while the catalogue loads)."""
        if not funnel:
            self.update(Text("Funnel: loading catalogue…", style="dim"))
            return
        text = Text("Funnel: ", style="bold")
        for index, item in enumerate(funnel):
            if index:
                text.append(" → ", style="dim")
            style = "bold" if item.remaining else "bold reverse"
            text.append(f"{FUNNEL_LABELS[item.step]} ")
            text.append(str(item.remaining), style=style)
        if busy:
            text.append("  …", style="dim")
        self.update(text)
