"""The scale of an imported metric, decided by what the metric is, never by its value.

A fraction (accuracy, exact match, F1, pass@k, ...) runs 0-1 and becomes points (x100);
chrF, BLEU and TER are already points (0-100). The known names are below. A metric whose
range is not known (the mean of a team's own scorer, a word count, an LLM judge's score) is
refused until the user gives its range in the alias table::

    [scales]
    word_count = [0, 10]     # an inspect scorer: its name
    llm_judge = [0, 100]     # an lm-eval metric: its name

A value ``v`` in ``[lo, hi]`` becomes ``100 * (v - lo) / (hi - lo)`` points; a value outside
its range is an error.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.core.errors import InputError


@dataclass(frozen=True)
class Scale:
    """A metric's range and where that range comes from."""

    low: float
    high: float
    why: str

    def points(self, value: float, where: str, path: Path) -> float:
        """``value`` on 0-100, or an error naming ``where`` when it is outside the range."""
        if not self.low <= value <= self.high:
            raise InputError(f"{where} = {value:g} is outside {self.low:g}-{self.high:g} ({self.why})", path=path)
        return 100.0 * (value - self.low) / (self.high - self.low)

    def spread(self, stderr: float) -> float:
        """A standard error in points."""
        return 100.0 * stderr / (self.high - self.low)


FRACTION = Scale(0.0, 1.0, "a fraction")
POINTS = Scale(0.0, 100.0, "points")

FRACTION_METRICS = {
    "acc",
    "acc_norm",
    "accuracy",
    "exact_match",
    "em",
    "f1",
    "mc1",
    "mc2",
    "match",
    "includes",
    "prompt_level_strict_acc",
    "prompt_level_loose_acc",
    "inst_level_strict_acc",
    "inst_level_loose_acc",
    "bleu_acc",
    "rouge1_acc",
    "rouge2_acc",
    "rougeL_acc",
}
"""Metrics that are fractions by definition (lm-eval and inspect_ai names)."""
FRACTION_PATTERN = re.compile(r"(acc|acc_.+|.+_acc|accuracy|exact_match_.+|f1_.+|pass@\d+|pass_at_\d+)")
"""Name families that are fractions too: ``acc_norm``, ``pass@1``, ``pass_at_5``, ``f1_macro``, ..."""
POINTS_METRICS = {"bleu", "sacrebleu", "chrf", "chrf++", "ter", "bleu_max", "rouge1_max", "rouge2_max", "rougeL_max"}
"""Metrics reported on 0-100 (sacrebleu's chrF, BLEU and TER; TruthfulQA's *_max)."""
FRACTION_SCORERS = {
    "match",
    "includes",
    "pattern",
    "answer",
    "choice",
    "exact",
    "f1",
    "model_graded_qa",
    "model_graded_fact",
}
"""inspect_ai's built-in scorers whose values are C/I (or a 0-1 F1): their mean is a fraction."""
VALUE_METRICS = {"mean", "accuracy"}
"""inspect_ai metrics that average the scorer's values, so keep the scorer's range."""


def known_metric(name: str) -> Scale | None:
    """The scale of a metric known by name, or None."""
    if name in POINTS_METRICS:
        return POINTS
    if name in FRACTION_METRICS or FRACTION_PATTERN.fullmatch(name):
        return FRACTION
    return None


def lm_eval_scale(metric: str, scales: dict[str, Scale]) -> Scale | None:
    """The scale of an lm-eval metric: the user's, else a known one, else None."""
    return scales.get(metric) or known_metric(metric)


def inspect_scale(scorer: str, name: str, metric: str, scales: dict[str, Scale]) -> Scale | None:
    """The scale of an inspect_ai score: the user's (by scorer or score name), else what the log says."""
    base = scorer.rsplit("/", 1)[-1]  # "inspect_ai/match" -> "match"
    for key in (scorer, base, name):
        if key in scales:
            return scales[key]
    if metric == "accuracy" or (FRACTION_PATTERN.fullmatch(metric) and metric not in VALUE_METRICS):
        return FRACTION
    if metric in VALUE_METRICS and base in FRACTION_SCORERS:
        return FRACTION
    return None


def unknown_range(what: str, key: str) -> str:
    """The one-line message for a metric without a known range."""
    return (
        f"{what} has no known range (is it a fraction, points, or unbounded?); give it one in the alias "
        f'table (--aliases FILE): [scales] "{key}" = [LOW, HIGH]'
    )


def load_scales(data: dict[str, Any], path: Path) -> dict[str, Scale]:
    """The ``[scales]`` table of an alias file: metric or scorer name -> [low, high]."""
    table = data.get("scales", {})
    if not isinstance(table, dict):
        raise InputError("[scales] must map metric or scorer names to [LOW, HIGH]", path=path)
    scales = {}
    for key, bounds in table.items():
        numbers = (
            [b for b in bounds if isinstance(b, (int, float)) and not isinstance(b, bool)]
            if isinstance(bounds, list)
            else []
        )
        if len(numbers) != 2 or len(bounds) != 2 or not all(math.isfinite(b) for b in numbers):
            raise InputError(f"scales.{key} must be [LOW, HIGH], two numbers", path=path)
        low, high = float(numbers[0]), float(numbers[1])
        if not low < high:
            raise InputError(f"scales.{key} = [{low:g}, {high:g}]: LOW must be below HIGH", path=path)
        scales[key] = Scale(low, high, f"[scales] {key} in {path.name}")
    return scales
