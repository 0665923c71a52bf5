"""Typed rows an evaluation hands to its views (wizard, CLI tables, reports).

Views never read a DataFrame: everything they show is here, already labelled and
rounded where rounding is part of the contract. Each row is a frozen dataclass; the JSON
contract is built from them by :mod:`tui.core.report`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Z95 = 1.96
"""The 95% two-sided normal quantile: intervals are value ± Z95 x standard error."""


def estimate_text(value: float, se: float) -> str:
    """An estimate and its 95% half-width in whole points, rounded the one way every view uses."""
    return f"{round(float(value), 2):.0f} ± {Z95 * round(float(se), 2):.0f}"


STEPS = ("openness", "baselines", "domain", "practical")
STEP_TITLES = {
    "catalogue": "Catalogue",
    "openness": "1 Openness",
    "baselines": "2 Baselines",
    "domain": "3 Domain",
    "practical": "4 Practical",
}


@dataclass(frozen=True)
class FunnelStep:
    """How many models remain after a step."""

    step: str
    remaining: int

    @property
    def title(self) -> str:
        """The step's display title, e.g. ``2 Baselines``."""
        return STEP_TITLES[self.step]


@dataclass(frozen=True)
class CriterionValue:
    """One criterion's value for one model: observed (and maybe adjusted) or estimated."""

    criterion: str
    name: str
    value: float | None
    """On the criterion's standard scale (0-100); None when unknown and not estimable."""
    se: float | None
    observed: bool
    raw: float | None = None
    """The figure as published, before the source/setting adjustment."""
    adjustment: float = 0.0
    """value - raw, in points, for an observed figure reported in another setting."""
    based_on: int = 0
    """For an estimate: how many results of the model it rests on."""
    source: str = ""
    """Who measured it, how, where and when (observed), or how it was estimated."""

    @property
    def label(self) -> str:
        """``71.2`` for an observed value, ``≈ 71 ± 6`` for an estimate, ``unknown`` else."""
        if self.value is None:
            return "unknown"
        if self.observed:
            return f"{self.value:.1f}"
        return "≈ " + estimate_text(self.value, self.se or 0.0)


@dataclass(frozen=True)
class ShortlistItem:
    """A shortlisted model, with everything the shortlist shows about it."""

    id: str
    name: str
    position: int
    """1-based place in the ordering (score, then name)."""
    rank: int
    """1 + the number of models significantly better than this one."""
    rank_label: str
    """``3``, or ``=3`` when another listed model shares the rank."""
    tied_with: tuple[str, ...]
    """Listed models whose scores are not significantly different from this one's."""
    score: float
    score_se: float
    p_first: float
    capability: float | None
    capability_se: float | None
    results: int
    """Benchmark results the capability estimate rests on."""
    monthly_cost_usd: float | None
    memory_gb_estimate: float | None
    values: tuple[CriterionValue, ...]
    reasons: tuple[str, ...]
    warnings: tuple[str, ...]
    beyond_cut: bool = False
    """Listed because it ties with the last model inside the requested shortlist size."""

    @property
    def interval(self) -> float:
        """Half-width of the score's 95% interval."""
        return Z95 * self.score_se

    @property
    def score_text(self) -> str:
        """``0.712 ±0.031``."""
        return f"{self.score:.3f} ±{self.interval:.3f}"

    @property
    def estimated(self) -> tuple[str, ...]:
        """Criteria whose value is estimated rather than observed."""
        return tuple(v.criterion for v in self.values if not v.observed and v.value is not None)


@dataclass(frozen=True)
class ExcludedItem:
    """A model that failed at least one hard criterion, with every reason."""

    id: str
    name: str
    step: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class NearMiss:
    """A model that failed one criterion by a small margin."""

    id: str
    name: str
    step: str
    reasons: tuple[str, ...]
    criterion: str
    margin: float | None


@dataclass(frozen=True)
class ParetoPoint:
    """A surviving model on the capability / monthly-cost plane."""

    id: str
    name: str
    monthly_cost_usd: float | None
    capability: float
    front: bool
    dominated_by: str | None


@dataclass(frozen=True)
class SurvivorRow:
    """A model still in the funnel, as the Practical step's cost table shows it."""

    id: str
    name: str
    monthly_cost_usd: float | None
    context_window: int | None
    memory_gb_estimate: float | None
    weights_precision: str | None


@dataclass(frozen=True)
class CriticalWeightChange:
    """The smallest change of one weight's share that changes which model is #1."""

    criterion: str
    from_share: float
    to_share: float
    delta: float
    """to_share - from_share."""
    new_first: str


@dataclass(frozen=True)
class Robustness:
    """How firm the #1 is: P(first) from a Monte Carlo, and the critical weight change."""

    draws: int
    seed: int
    p_first: dict[str, float]
    critical_weight_change: CriticalWeightChange | None
    first: str | None = None
    contenders: int = 0
    """Models that entered the Monte Carlo (the rest cannot plausibly be first)."""
    draws_without_qualifier: int = 0
    """Draws in which no contender met every score threshold."""
    notes: tuple[str, ...] = field(default=())
