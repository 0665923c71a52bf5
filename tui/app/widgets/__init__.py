"""Reusable widgets of the wizard."""

from tui.app.widgets.pareto import ParetoChart
from tui.app.widgets.stepper import FunnelBar, Stepper

__all__ = ["FunnelBar", "ParetoChart", "Stepper"]
