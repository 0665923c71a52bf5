"""The Pareto front of benchmark capability against monthly cost.

Capability here is the benchmark part of the score alone (the weighted benchmark and team
criteria, observed or estimated), so cost is not counted twice. Sorted by cost (then
capability, best first), a model is on the front when it beats the running best
capability; otherwise the last front model before it dominates it: at least as capable
for no more cost.

The front is computed as arrays; :class:`ParetoFront` makes typed points only when they
are read (a chart or an export), so a large catalogue costs nothing here until then.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tui.core.results import ParetoPoint


@dataclass(frozen=True)
class ParetoFront:
    """Models in front order (known cost, by cost), then those without a cost."""

    ids: np.ndarray
    names: np.ndarray
    cost: np.ndarray
    capability: np.ndarray
    front: np.ndarray
    dominated_by: np.ndarray
    """Index (into these arrays) of the front model that dominates each one, or -1."""
    slot: np.ndarray
    """For each model as given to :func:`pareto` (by its position there), its index here."""

    def points(self) -> list[ParetoPoint]:
        """Every model as a typed point."""
        return [self.point(i) for i in range(len(self.ids))]

    def point(self, i: int) -> ParetoPoint:
        """One model as a typed point."""
        known = bool(np.isfinite(self.cost[i]))
        cap = self.capability[i]
        by = int(self.dominated_by[i])
        return ParetoPoint(
            id=str(self.ids[i]),
            name=str(self.names[i]),
            monthly_cost_usd=round(float(self.cost[i]), 2) if known else None,
            capability=round(float(cap), 4) if np.isfinite(cap) else 0.0,
            front=bool(self.front[i]),
            dominated_by=str(self.ids[by]) if by >= 0 else None,
        )

    def dominators(self, positions: list[int]) -> dict[str, str]:
        """For the models at ``positions`` (as given to :func:`pareto`) that are dominated: who dominates them."""
        out = {}
        for p in positions:
            i = int(self.slot[p])
            if i >= 0 and self.dominated_by[i] >= 0:
                out[str(self.ids[i])] = str(self.ids[self.dominated_by[i]])
        return out


def pareto(ids: np.ndarray, names: np.ndarray, cost: np.ndarray, capability: np.ndarray) -> ParetoFront:
    """Front and domination for models with a known cost; models without one come last."""
    known = np.flatnonzero(np.isfinite(cost) & np.isfinite(capability))
    order = known[np.lexsort((-capability[known], cost[known]))]
    cap = capability[order]
    previous = np.concatenate(([-np.inf], np.maximum.accumulate(cap)[:-1])) if len(cap) else cap
    front = cap > previous + 1e-12
    last_front = np.maximum.accumulate(np.where(front, np.arange(len(cap)), 0)) if len(cap) else cap.astype(int)
    unknown = np.flatnonzero(~np.isfinite(cost))
    take = np.concatenate([order, unknown]).astype(int)
    dominated = np.concatenate([np.where(front, -1, last_front), np.full(len(unknown), -1)]).astype(int)
    slot = np.full(len(cost), -1)
    slot[take] = np.arange(len(take))
    return ParetoFront(
        ids=np.asarray(ids, dtype=object)[take],
        names=np.asarray(names, dtype=object)[take],
        cost=np.asarray(cost, dtype=float)[take],
        capability=np.asarray(capability, dtype=float)[take],
        front=np.concatenate([front, np.zeros(len(unknown), dtype=bool)]),
        dominated_by=dominated,
        slot=slot,
    )
