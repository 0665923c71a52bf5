"""Ranking: a weighted sum of value functions on fixed bounds, its uncertainty, ranks and ties.

- Each criterion becomes a value in [0, 1] on bounds that never depend on the candidates:
  a benchmark from its chance level to 100, cost from $0 to the rubric's cost bound,
  openness over the four levels. Adding or removing a model cannot reorder the others.
- A score that is not observed is the stitched estimate (its posterior mean). Missing data
  is never rewarded: an unknown value that cannot be estimated, or an unknown cost, counts
  as the bottom of its scale, and a model with no evidence at all is ordered after every
  model with evidence.
- The score's standard error combines the observed results' own errors with the estimate's
  uncertainty: the capability's posterior is integrated by quadrature, so estimated values
  of one model move together, as they do in the Monte Carlo.
- A model's rank is 1 + the number of models significantly better than it (their score
  difference exceeds 1.96 x the combined standard error), the rule LMArena uses; exactly
  equal scores are tied. A tie across the shortlist's cut extends the list, up to twice
  its size; further tied models are named in a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from tui.core.results import Z95

if TYPE_CHECKING:
    from tui.core.rubric import Rubric
    from tui.core.scores import ScoreTable

LABEL_WINDOW = 4
"""Ranks are computed for the first LABEL_WINDOW x shortlist-size models (all that can be listed)."""


@dataclass
class Ranked:
    """The survivors in order, with their scores, uncertainty and ranks."""

    order: np.ndarray
    """Catalogue positions of the survivors, best first."""
    columns: list[str]
    """Weighted criteria (benchmark and team ids, then 'cost' and 'openness')."""
    shares: np.ndarray
    """Each weighted criterion's share of the total weight."""
    V: np.ndarray
    """Value of each survivor (rows, in ``order``) on each weighted criterion, in [0, 1]."""
    score: np.ndarray
    score_se: np.ndarray
    evidence: np.ndarray
    """True for a survivor with any benchmark result or observed criterion value."""
    capability: np.ndarray
    """The Pareto axis: the benchmark part of the score alone (no cost, no openness)."""
    rank: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    """1 + models significantly better, for the first ``len(rank)`` survivors."""
    listed: int = 0
    """How many survivors the shortlist shows (the size, plus ties across the cut)."""
    tied_outside: list[int] = field(default_factory=list)
    """Positions in ``order`` tied with the last listed model but left out (over the cap)."""

    def better(self, i: int, j: int) -> bool:
        """True when survivor ``j`` (position in order) is significantly better than ``i``."""
        if self.evidence[j] != self.evidence[i]:
            return bool(self.evidence[j])
        band = Z95 * np.hypot(self.score_se[i], self.score_se[j])
        return bool(self.score[j] - self.score[i] > band)


def value_matrix(
    scores: ScoreTable, rubric: Rubric, survivors: np.ndarray, cost: np.ndarray, openness: np.ndarray
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Columns, shares, expected values, their variance terms and the capability part.

    Returns (columns, shares, V, var_independent, capability) where ``var_independent`` is
    each survivor's score variance from observed errors and benchmark noise; the part from
    the capability's posterior is added by :func:`score_with_uncertainty`.
    """
    weights = {c: w for c, w in rubric.domain.weights.items() if w > 0}
    columns = list(weights)
    raw = [weights[c] for c in columns]
    if rubric.domain.cost_weight > 0:
        columns.append("cost")
        raw.append(rubric.domain.cost_weight)
    if rubric.domain.openness_weight > 0:
        columns.append("openness")
        raw.append(rubric.domain.openness_weight)
    shares = np.array(raw, dtype=float)
    shares = shares / shares.sum()
    S = len(survivors)
    V = np.zeros((S, len(columns)))
    var = np.zeros(S)
    bottom = rubric.policy.missing_in_ranking == "bottom"
    for j, c in enumerate(columns):
        if c == "cost":
            bound = rubric.practical.cost_bound_usd
            V[:, j] = np.nan_to_num(1.0 - np.clip(cost[survivors] / bound, 0.0, 1.0), nan=0.0)
            continue
        if c == "openness":
            V[:, j] = openness[survivors]
            continue
        k = scores.col(c)
        crit = scores.criteria[c]
        value = scores.value[survivors, k]
        se = scores.se[survivors, k]
        observed = scores.observed[survivors, k]
        use = observed | (np.isfinite(value) & ~bottom)
        V[:, j] = np.where(use, np.clip((np.nan_to_num(value) - crit.lower) / crit.span, 0.0, 1.0), 0.0)
        obs_var = np.where(observed, (se / crit.span) ** 2, 0.0)
        var += shares[j] ** 2 * np.nan_to_num(obs_var)
    cap_cols = [j for j, c in enumerate(columns) if c not in {"cost", "openness"}]
    if cap_cols:
        w = shares[cap_cols] / shares[cap_cols].sum()
        capability = V[:, cap_cols] @ w
    else:
        capability = np.full(S, np.nan)
    return columns, shares, V, var, capability


def estimated_part(
    scores: ScoreTable, rubric: Rubric, survivors: np.ndarray, columns: list[str], shares: np.ndarray, V: np.ndarray
) -> np.ndarray:
    """Replace estimated values in ``V`` by their posterior means; return the variance they add."""
    cal = scores.calibration
    S = len(survivors)
    if cal is None or rubric.policy.missing_in_ranking == "bottom" or S == 0:
        return np.zeros(S)
    if scores.posterior is None:
        return np.zeros(S)
    cols = [
        (j, c, scores.col(c))
        for j, c in enumerate(columns)
        if c not in {"cost", "openness"} and scores.estimable[scores.col(c)]
    ]
    missing = {j: ~scores.observed[survivors, k] for j, _, k in cols}
    rows = np.flatnonzero(np.logical_or.reduce(list(missing.values()))) if missing else np.zeros(0, dtype=int)
    if len(rows) == 0:
        return np.zeros(S)
    # quadrature over the joint posterior, only for survivors with an estimated value
    g, r, weights = scores.posterior.take(survivors[rows]).nodes(cal.two_factor)
    total = np.zeros(g.shape)
    noise = np.zeros(S)
    for j, c, _ in cols:
        estimated = missing[j][rows]
        if not estimated.any():
            continue
        crit = scores.criteria[c]
        effective = g[estimated] + cal.benchmarks[c].ratio * r[estimated]
        v_nodes = np.clip((cal.predict(c, effective) - crit.lower) / crit.span, 0.0, 1.0)
        V[rows[estimated], j] = v_nodes @ weights
        total[estimated] += shares[j] * v_nodes
        noise[rows[estimated]] += (shares[j] * cal.benchmarks[c].tau / crit.span) ** 2
    mean = total @ weights
    var = noise.copy()
    var[rows] += ((total - mean[:, None]) ** 2) @ weights
    return var


def rank(
    scores: ScoreTable,
    rubric: Rubric,
    survivors: np.ndarray,
    cost: np.ndarray,
    openness: np.ndarray,
    name_rank: np.ndarray,
) -> Ranked:
    """Order the survivors, with scores, standard errors, ranks and the shortlist cut."""
    columns, shares, V, var, _ = value_matrix(scores, rubric, survivors, cost, openness)
    var = var + estimated_part(scores, rubric, survivors, columns, shares, V)
    cap_cols = [j for j, c in enumerate(columns) if c not in {"cost", "openness"}]
    if cap_cols:
        capability = V[:, cap_cols] @ (shares[cap_cols] / shares[cap_cols].sum())
    else:
        capability = scores.cap_mean[survivors]
    # rounded far below any meaningful difference: equal inputs give exactly equal scores, whatever
    # order the BLAS kernels summed them in
    score = np.round(V @ shares, 12)
    evidence = scores.evidence()[survivors] > 0
    order = np.lexsort((name_rank[survivors], -score, ~evidence)) if len(survivors) else np.zeros(0, dtype=int)
    ranked = Ranked(
        order=survivors[order],
        columns=columns,
        shares=shares,
        V=V[order],
        score=score[order],
        score_se=np.sqrt(var[order]),
        evidence=evidence[order],
        capability=capability[order],
    )
    _labels(ranked, rubric.policy.shortlist_size)
    return ranked


def _labels(ranked: Ranked, size: int) -> None:
    """Ranks for the models that can be listed, and the cut with ties across it."""
    S = len(ranked.order)
    T = min(S, LABEL_WINDOW * size)
    s, e, ev = ranked.score[:T], ranked.score_se[:T], ranked.evidence[:T]
    band = Z95 * np.hypot(e[:, None], e[None, :])
    better = np.where(ev[None, :] != ev[:, None], ev[None, :] & ~ev[:, None], (s[None, :] - s[:, None]) > band)
    ranked.rank = 1 + better.sum(axis=1)
    if size >= S:
        ranked.listed = S
        return
    last = ranked.rank[size - 1]
    tied = [p for p in range(size, T) if ranked.rank[p] <= last]
    limit = 2 * size  # the list may grow to twice its size for ties across the cut
    inside = [p for p in tied if p < limit]
    # the list stays a prefix of the order: a model ordered above a tied one is listed too
    ranked.listed = (max(inside) + 1) if inside else size
    ranked.tied_outside = [p for p in tied if p >= limit]
