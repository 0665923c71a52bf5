"""A Pareto chart of capability against monthly cost, drawn with text."""

from __future__ import annotations

import math
from typing import Any

from rich.text import Text
from textual.widgets import Static


class ParetoChart(Static):
    """Scatter of capability (y) against monthly cost (x, log scale); ● marks the front."""

    DEFAULT_CSS = """
    ParetoChart { height: 1fr; width: 1fr; }
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._points: list[dict[str, Any]] = []

    def plot(self, points: list[dict[str, Any]]) -> None:
        """Set the points (the engine's pareto list) and redraw."""
        self._points = [p for p in points if p.get("monthly_cost_usd") is not None]
        self.refresh()
        self.update(self._draw())

    def on_resize(self) -> None:
        self.update(self._draw())

    def _draw(self) -> Text:
        points = self._points
        width = max(self.size.width - 10, 20)
        height = max(self.size.height - 4, 6)
        if not points:
            return Text("No shortlisted model has a known price, so there is nothing to plot.", style="dim")
        costs = [max(p["monthly_cost_usd"], 0.01) for p in points]
        lo, hi = math.log10(min(costs)), math.log10(max(costs))
        hi = hi if hi > lo else lo + 1
        caps = [p["capability"] for p in points]
        cmin, cmax = min(caps), max(caps)
        cmax = cmax if cmax > cmin else cmin + 0.01
        grid = [[" "] * width for _ in range(height)]
        labels: list[str] = []
        for index, point in enumerate(sorted(points, key=lambda p: (not p["front"], p["monthly_cost_usd"]))):
            x = round((math.log10(max(point["monthly_cost_usd"], 0.01)) - lo) / (hi - lo) * (width - 1))
            y = height - 1 - round((point["capability"] - cmin) / (cmax - cmin) * (height - 1))
            mark = "●" if point["front"] else "·"
            if grid[y][x] in (" ", "·"):
                grid[y][x] = mark
            if point["front"]:
                tag = chr(ord("a") + len(labels)) if len(labels) < 26 else "+"
                if x + 1 < width and grid[y][x + 1] == " ":
                    grid[y][x + 1] = tag
                labels.append(f"{tag} {point['name']} (${point['monthly_cost_usd']:,.0f}/mo)")
        text = Text()
        text.append("capability\n", style="bold")
        for row_index, row in enumerate(grid):
            axis = f"{cmax:5.2f} │" if row_index == 0 else (f"{cmin:5.2f} │" if row_index == height - 1 else "      │")
            text.append(axis, style="dim")
            text.append("".join(row) + "\n")
        text.append("      └" + "─" * width + "\n", style="dim")
        text.append(f"       ${10 ** lo:,.2f}/mo" + " " * max(width - 30, 1) + f"${10 ** hi:,.0f}/mo  (log)\n", style="dim")
        text.append("● Pareto front (no model is both more capable and cheaper)   · dominated\n", style="dim")
        text.append("   ".join(labels))
        return text
