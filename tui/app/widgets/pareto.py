"""A Pareto chart of capability against monthly cost, drawn with text."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.widgets import Static

if TYPE_CHECKING:
    from tui.core.results import ParetoPoint


AXIS_INDENT = 7
"""Cells left of the x axis (the capability labels and the │)."""


def axis_labels(low: float, high: float, width: int) -> str:
    """The x axis's end labels, each under its end of an axis ``width`` cells long, and its title between."""
    left = f"${low:,.2f}/mo"
    right = f"${high:,.2f}/mo" if high < 100 else f"${high:,.0f}/mo"
    title = "monthly cost (log scale)"
    gap = width - len(left) - len(right)
    middle = title.center(gap) if gap >= len(title) + 2 else " " * max(gap, 1)
    # the right label ends at the axis's last cell (the axis starts one cell after the indent's │)
    return " " * AXIS_INDENT + left + middle + right


class ParetoChart(Static):
    """Scatter of capability (y) against monthly cost (x, log scale); ● marks the front."""

    DEFAULT_CSS = """
    ParetoChart { height: 1fr; width: 1fr; }
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._points: list[ParetoPoint] = []
        self._costs: dict[int, float] = {}

    def plot(self, points: list[ParetoPoint]) -> None:
        """Set the points (the engine's pareto list) and redraw."""
        self._points = [p for p in points if p.monthly_cost_usd is not None]
        self._costs = {id(p): float(p.monthly_cost_usd or 0.0) for p in self._points}
        self.refresh()
        self.update(self._draw())

    def on_resize(self) -> None:
        self.update(self._draw())

    def _draw(self) -> Text:
        points = self._points
        if not points:
            return Text("No shortlisted model has a known price, so there is nothing to plot.", style="dim")
        cost = self._costs
        front = sorted((p for p in points if p.front), key=lambda p: cost[id(p)])
        tags = {id(p): (chr(ord("a") + i) if i < 26 else "+") for i, p in enumerate(front)}
        legend = [f"{tags[id(p)]} {p.name} (${cost[id(p)]:,.2f}/mo, capability {p.capability:.2f})" for p in front]
        width = max(self.size.width - 10, 20)
        height = max(self.size.height - 5 - len(legend), 6)
        costs = [max(cost[id(p)], 0.01) for p in points]
        lo, hi = math.log10(min(costs)), math.log10(max(costs))
        hi = hi if hi > lo else lo + 1
        caps = [p.capability for p in points]
        cmin, cmax = min(caps), max(caps)
        cmax = cmax if cmax > cmin else cmin + 0.01
        grid = [[" "] * width for _ in range(height)]
        for point in sorted(points, key=lambda p: p.front):  # front last, drawn on top
            # the last column is kept for the tag of a point at the right end
            x = round((math.log10(max(cost[id(point)], 0.01)) - lo) / (hi - lo) * (width - 2))
            y = height - 1 - round((point.capability - cmin) / (cmax - cmin) * (height - 1))
            if point.front:
                grid[y][x] = "●"
                if x + 1 < width:
                    grid[y][x + 1] = tags[id(point)]
            elif grid[y][x] == " ":
                grid[y][x] = "·"
        text = Text()
        text.append("capability (the weighted benchmark part of the score; no cost, no openness)\n", style="bold")
        for row_index, row in enumerate(grid):
            axis = f"{cmax:5.2f} │" if row_index == 0 else (f"{cmin:5.2f} │" if row_index == height - 1 else "      │")
            text.append(axis, style="dim")
            text.append("".join(row) + "\n")
        text.append("      └" + "─" * width + "\n", style="dim")
        text.append(axis_labels(10**lo, 10**hi, width) + "\n", style="dim")
        text.append("● Pareto front: no other model is both more capable and cheaper   · dominated\n", style="dim")
        text.append("\n".join(legend))
        return text
