"""The evaluation engine: screen, rank, test robustness and explain, one small module each.

1. :mod:`tui.core.scores` gives every model's value on every criterion, observed or
   estimated from its stitched capability (memoised by the caller; it does not depend on
   thresholds or weights).
2. :mod:`tui.core.screening` applies the hard criteria of the four steps.
3. :mod:`tui.core.ranking` orders the survivors, with standard errors and ranks.
4. :mod:`tui.core.robustness` gives P(first) and the critical weight change.
5. :mod:`tui.core.pareto` and :mod:`tui.core.explain` give the front and the reasons.

:func:`evaluate` wires them and returns an :class:`Evaluation` of typed rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from tui.core import explain
from tui.core.pareto import ParetoFront, pareto
from tui.core.ranking import Ranked, rank
from tui.core.results import (
    STEPS,
    ExcludedItem,
    FunnelStep,
    NearMiss,
    ParetoPoint,
    Robustness,
    ShortlistItem,
    SurvivorRow,
)
from tui.core.robustness import DRAWS, robustness
from tui.core.scores import Criterion, ScoreTable, build_criteria, build_scores
from tui.core.screening import Screening, screen

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

    from tui.core.catalog import Catalog
    from tui.core.rubric import Rubric

__all__ = ["DRAWS", "Cancelled", "Evaluation", "evaluate"]


class Cancelled(Exception):
    """An evaluation stopped because its caller no longer wants it."""


@dataclass
class Evaluation:
    """Everything one evaluation produced, as typed rows (rendered by :mod:`tui.core.report`)."""

    rubric: Rubric
    criteria: dict[str, Criterion]
    funnel: list[FunnelStep]
    emptied_at: str | None
    shortlist: list[ShortlistItem]
    robustness: Robustness | None
    warnings: list[str] = field(default_factory=list)
    tied_outside: list[str] = field(default_factory=list)
    calibration: str | None = None
    """Fingerprint of the calibration the capabilities were estimated with."""
    screening: Screening | None = field(default=None, repr=False)
    ids: pd.Index | None = field(default=None, repr=False)
    names: np.ndarray | None = field(default=None, repr=False)
    survivor_table: SurvivorTable | None = field(default=None, repr=False)
    front: ParetoFront | None = field(default=None, repr=False)

    @cached_property
    def pareto(self) -> list[ParetoPoint]:
        """Every survivor on the capability-cost plane (built when first asked for)."""
        return self.front.points() if self.front is not None else []

    @property
    def survivors(self) -> list[SurvivorRow]:
        """Every model that passed the four steps, cheapest first (built when first asked for)."""
        return self.survivor_table.rows() if self.survivor_table is not None else []

    def cheapest(self, count: int) -> list[SurvivorRow]:
        """The first ``count`` of :attr:`survivors`, without building the others."""
        return self.survivor_table.rows(count) if self.survivor_table is not None else []

    @property
    def qualified(self) -> bool:
        """True when at least one model passed every step."""
        return bool(self.shortlist)

    @cached_property
    def _excluded(self) -> tuple[list[ExcludedItem], list[NearMiss]]:
        if self.screening is None or self.ids is None or self.names is None:
            return [], []
        return explain.excluded(self.screening, self.ids, self.names, self.rubric.policy.near_miss_margin)

    @property
    def excluded(self) -> list[ExcludedItem]:
        """Every excluded model with every reason (built when first asked for)."""
        return self._excluded[0]

    @property
    def near_misses(self) -> list[NearMiss]:
        """Excluded models that failed one criterion by a small margin."""
        return self._excluded[1]

    def item(self, model_id: str) -> ShortlistItem | None:
        """The shortlist row of a model, if it is listed."""
        return next((i for i in self.shortlist if i.id == model_id), None)


def evaluate(
    catalog: Catalog,
    rubric: Rubric,
    *,
    today: dt.date,
    seed: int = 0,
    draws: int = DRAWS,
    extra_results: pd.DataFrame | None = None,
    team_criteria: dict[str, Criterion] | None = None,
    latency: dict[str, float] | None = None,
    scores: ScoreTable | None = None,
    funnel_only: bool = False,
    cancelled: Callable[[], bool] | None = None,
) -> Evaluation:
    """Screen every model, then rank, test and explain the survivors.

    ``cancelled`` is asked between the stages; when it answers True the evaluation stops
    with :class:`Cancelled` (a newer edit in the wizard has made this one stale).
    """
    models = catalog.frame.models
    ids = models.index
    names = models["name"].to_numpy(dtype=object)
    if scores is None:
        criteria = build_criteria(catalog, rubric, team_criteria)
        scores = build_scores(catalog, criteria, rubric.baselines.prefer, extra_results)
    ttft = _aligned(latency, ids) if latency else np.full(len(ids), np.nan)
    screening = screen(models, scores, rubric, latency=ttft)
    funnel = [FunnelStep(s, n) for s, n in screening.funnel()]
    emptied_at = next((f.step for f in funnel[1:] if f.remaining == 0), None)
    result = Evaluation(
        rubric=rubric,
        criteria=scores.criteria,
        funnel=funnel,
        emptied_at=emptied_at,
        shortlist=[],
        robustness=None,
        screening=screening,
        ids=ids,
        names=names,
        calibration=scores.calibration.fingerprint if scores.calibration else None,
    )
    if funnel_only:
        return result

    def stage() -> None:
        if cancelled is not None and cancelled():
            raise Cancelled

    stage()
    survivors = np.flatnonzero(screening.exit_step() >= len(STEPS))
    cost = screening.cost if screening.cost is not None else np.full(len(ids), np.nan)
    openness = models["openness_value"].to_numpy(dtype=float)
    ranked = rank(scores, rubric, survivors, cost, openness, models["name_rank"].to_numpy())
    stage()
    id_list = ids.to_numpy(dtype=object)
    summary, p_first = robustness(scores, rubric, ranked, id_list, draws=draws, seed=seed)
    stage()
    result.robustness = summary
    result.survivor_table = SurvivorTable.build(models, ranked.order, screening, names)
    result.front = pareto(
        ids.to_numpy(dtype=object)[ranked.order], names[ranked.order], cost[ranked.order], ranked.capability
    )
    result.shortlist = _shortlist(catalog, rubric, scores, screening, ranked, p_first, result.front, today)
    result.tied_outside = [id_list[ranked.order[p]] for p in ranked.tied_outside]
    result.warnings = _global_warnings(catalog, rubric, screening, summary, result.tied_outside)
    return result


def _aligned(values: dict[str, float], ids: pd.Index) -> np.ndarray:
    """``values`` (by model id) aligned on ``ids``, NaN where missing."""
    import pandas as pd

    return pd.Series(values, dtype=float).reindex(ids).to_numpy(dtype=float)


@dataclass(frozen=True)
class SurvivorTable:
    """The survivors' practical figures as arrays; rows are made (cheapest first) only when read."""

    ids: np.ndarray
    names: np.ndarray
    cost: np.ndarray
    context: np.ndarray
    memory: np.ndarray
    precision: np.ndarray
    name_rank: np.ndarray

    @classmethod
    def build(cls, models: pd.DataFrame, order: np.ndarray, screening: Screening, names: np.ndarray) -> SurvivorTable:
        """Arrays for the rows ``order`` (model positions)."""
        nan = np.full(len(models), np.nan)
        memory = screening.memory if screening.memory is not None else nan
        memory = np.where(models["self_hostable"].to_numpy(dtype=bool), memory, np.nan)
        return cls(
            ids=models.index.to_numpy(dtype=object)[order],
            names=names[order],
            cost=(screening.cost if screening.cost is not None else nan)[order],
            context=models["context_window"].to_numpy(dtype=float)[order],
            memory=memory[order],
            precision=models["weights_precision"].to_numpy(dtype=object)[order],
            name_rank=models["name_rank"].to_numpy()[order],
        )

    def rows(self, count: int | None = None) -> list[SurvivorRow]:
        """The ``count`` cheapest rows (all by default): by cost, unknown cost last, then by name."""
        cost = np.where(np.isfinite(self.cost), np.round(self.cost, 2), np.inf)
        n = len(cost)
        if count is not None and count < n:
            if count <= 0:
                return []
            kth = np.partition(cost, count - 1)[count - 1]
            candidates = np.flatnonzero(cost <= kth)  # every tie at the edge, so names decide
        else:
            candidates = np.arange(n)
        picked = candidates[np.lexsort((self.name_rank[candidates], cost[candidates]))][:count]
        return [
            SurvivorRow(
                id=str(self.ids[i]),
                name=str(self.names[i]),
                monthly_cost_usd=round(float(self.cost[i]), 2) if np.isfinite(self.cost[i]) else None,
                context_window=int(self.context[i]) if np.isfinite(self.context[i]) else None,
                memory_gb_estimate=round(float(self.memory[i]), 1) if np.isfinite(self.memory[i]) else None,
                weights_precision=self.precision[i] if isinstance(self.precision[i], str) else None,
            )
            for i in picked
        ]


def _shortlist(
    catalog: Catalog,
    rubric: Rubric,
    scores: ScoreTable,
    screening: Screening,
    ranked: Ranked,
    p_first: np.ndarray,
    front: ParetoFront,
    today: dt.date,
) -> list[ShortlistItem]:
    models = catalog.frame.models
    listed = list(range(ranked.listed))
    positions = [int(ranked.order[p]) for p in listed]
    extra = explain.data_warnings(rubric, scores, positions, today)
    screen_warns = explain.screening_warnings(screening, positions)
    dominated = front.dominators(listed)
    ranks = [int(ranked.rank[p]) for p in listed]
    size = rubric.policy.shortlist_size
    out = []
    for p, i in zip(listed, positions, strict=True):
        mid = str(models.index[i])
        tied = tuple(
            str(models.index[ranked.order[q]])
            for q in listed
            if q != p and not ranked.better(p, q) and not ranked.better(q, p)
        )
        label = f"={ranks[p]}" if ranks.count(ranks[p]) > 1 else str(ranks[p])
        warnings = explain.merge_warnings(screen_warns.get(i, []), extra.get(i, []))
        if mid in dominated:
            warnings.append(
                f"dominated by {dominated[mid]}: at least as capable on the weighted benchmarks for no more cost"
            )
        if models["overridden"].iat[i]:
            warnings.append(f"overlay overrides: {models['overridden'].iat[i]}")
        if p >= size:
            warnings.append(f"listed beyond the shortlist size ({size}) because it ties with #{size}")
        cap = scores.cap_mean[i]
        cost = screening.cost[i] if screening.cost is not None else np.nan
        memory = screening.memory[i] if screening.memory is not None else np.nan
        out.append(
            ShortlistItem(
                id=mid,
                name=str(models["name"].iat[i]),
                position=p + 1,
                rank=ranks[p],
                rank_label=label,
                tied_with=tied,
                score=round(float(ranked.score[p]), 4),
                score_se=round(float(ranked.score_se[p]), 4),
                p_first=round(float(p_first[p]), 4),
                capability=None if not np.isfinite(cap) else round(float(cap), 3),
                capability_se=None if not np.isfinite(scores.cap_sd[i]) else round(float(scores.cap_sd[i]), 3),
                results=int(scores.cap_n[i]),
                monthly_cost_usd=None if not np.isfinite(cost) else round(float(cost), 2),
                memory_gb_estimate=(
                    round(float(memory), 1) if np.isfinite(memory) and models["self_hostable"].iat[i] else None
                ),
                values=tuple(explain.criterion_value(scores, i, c) for c in scores.columns),
                reasons=tuple(explain.met_reasons(models, rubric, scores, screening, i)),
                warnings=tuple(warnings),
                beyond_cut=p >= size,
            )
        )
    return out


def _global_warnings(
    catalog: Catalog, rubric: Rubric, screening: Screening, summary: Robustness, tied_outside: list[str]
) -> list[str]:
    out = list(catalog.warnings)
    if rubric.policy.missing_data == "warn":
        out.append(
            "missing-data policy 'warn': unknown values pass their screens (each such pass is listed in the "
            "model's warnings); use 'fail' for a decision you need to defend"
        )
    if rubric.practical.deployment == "self-host":
        out.append("monthly cost uses API list prices where known; self-hosting hardware is not costed")
    out += screening.notes
    if tied_outside:
        out.append(
            f"{len(tied_outside)} more model(s) tie with the last listed one but are outside the list: "
            + ", ".join(tied_outside[:8])
            + (" …" if len(tied_outside) > 8 else "")
        )
    out += list(summary.notes)
    return out
