"""Reusable widgets of the wizard."""

from tui.app.widgets.field_error import FieldError
from tui.app.widgets.pareto import ParetoChart
from tui.app.widgets.stepper import FunnelBar, Stepper

__all__ = ["FieldError", "FunnelBar", "ParetoChart", "Stepper"]
