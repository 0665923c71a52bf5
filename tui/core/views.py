"""Small read-only summaries of the catalogue that the wizard's side panels show.

Views never read DataFrames themselves; they call these and get plain values.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from tui.core.results import Z95
from tui.core.schema import LEVEL_ORDER

if TYPE_CHECKING:
    from tui.core.catalog import Catalog
    from tui.core.schema import BenchmarkInfo


def interval_at(score: float, items: int) -> float:
    """Half-width (points) of the binomial 95% interval of a score (0-100) measured on ``items`` items."""
    p = min(max(score / 100.0, 0.0), 1.0)
    return Z95 * math.sqrt(p * (1 - p) / items) * 100.0


def level_counts(catalog: Catalog, dimension: str) -> dict[str, int]:
    """How many catalogue models reach each openness level (or better) on a dimension."""
    levels = catalog.frame.models[f"lvl_{dimension}"]
    return {level.value: int((levels >= level.rank).sum()) for level in LEVEL_ORDER[1:]}


def reporting_counts(catalog: Catalog) -> dict[str, int]:
    """How many catalogue models have at least one result on each benchmark."""
    results = catalog.frame.results
    counts = results.groupby("bench")["model_id"].nunique()
    return {b: int(counts.get(b, 0)) for b in catalog.registry}


def threshold_notes(info: BenchmarkInfo, threshold: float | None) -> list[str]:
    """Warnings about a threshold: above expert level, inside the noise around chance, saturated."""
    notes = []
    if threshold is not None:
        expert = info.expert_level()
        if expert is not None and threshold > expert:
            notes.append(f"threshold is above the best human baseline ({expert:g})")
        if info.chance is not None and threshold - info.chance < interval_at(info.chance, info.items) * 2:
            notes.append("threshold is inside the noise band around chance")
    if info.saturated:
        notes.append("saturated benchmark: " + (info.saturation_note or "top models cluster together"))
    return notes
