"""The Pareto front of benchmark capability against monthly cost.

Capability here is the benchmark part of the score alone (the weighted benchmark and team
criteria, observed or estimated), so cost is not counted twice. Sorted by cost (then
capability, best first), a model is on the front when it beats the running best
capability; otherwise the last front model before it dominates it: at least as capable
for no more cost.
"""

from __future__ import annotations

import numpy as np

from tui.core.results import ParetoPoint


def pareto(ids: list[str], names: list[str], cost: np.ndarray, capability: np.ndarray) -> list[ParetoPoint]:
    """Front and domination for models with a known cost; models without one come last."""
    known = np.flatnonzero(np.isfinite(cost) & np.isfinite(capability))
    order = known[np.lexsort((-capability[known], cost[known]))]
    cap = capability[order]
    previous = np.concatenate(([-np.inf], np.maximum.accumulate(cap)[:-1])) if len(cap) else cap
    front = cap > previous + 1e-12
    last_front = np.maximum.accumulate(np.where(front, np.arange(len(cap)), 0)) if len(cap) else cap.astype(int)
    points = [
        ParetoPoint(
            id=ids[i],
            name=names[i],
            monthly_cost_usd=round(float(cost[i]), 2),
            capability=round(float(capability[i]), 4),
            front=bool(f),
            dominated_by=None if f else ids[order[lf]],
        )
        for i, f, lf in zip(order, front, last_front, strict=True)
    ]
    for i in np.flatnonzero(~np.isfinite(cost)):
        points.append(
            ParetoPoint(
                id=ids[i],
                name=names[i],
                monthly_cost_usd=None,
                capability=round(float(capability[i]), 4) if np.isfinite(capability[i]) else 0.0,
                front=False,
                dominated_by=None,
            )
        )
    return points
