"""Robustness: how likely each model is to be first, and the weight change that would unseat #1.

**P(first)** comes from a seeded Monte Carlo that mirrors the pipeline. In every draw:

- the weights are drawn from a Dirichlet distribution centred on the user's shares;
- each model's capability is drawn from its posterior, and every estimated score is
  predicted from that draw plus the benchmark's own noise, so a model's estimated scores
  move together; every observed score is drawn around its value with its standard error;
- every score threshold is re-applied to the drawn scores, so a model that passed one
  narrowly loses the draws in which it falls below it;
- the best remaining model wins the draw (models with exactly equal scores share it).

Only *contenders* enter: the survivors whose score could plausibly reach the leader's (see
:func:`contenders`). A model outside that set would need a draw five standard deviations
from its difference to the leader, so leaving it out changes nothing measurable.

**The critical weight change** is exact: with one weight's share moved and the others
rescaled in proportion, every score is a straight line in that share, and the screens do
not depend on weights, so the first crossing of the leader's line by another model's is
the smallest change of that weight that changes #1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from tui.core.results import CriticalWeightChange, Robustness

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tui.core.ranking import Ranked
    from tui.core.rubric import Rubric
    from tui.core.scores import ScoreTable

DRAWS = 2000
"""Monte Carlo draws, the one default for every front end."""
CONCENTRATION = 50.0
"""Dirichlet concentration: weight shares vary by about ±7 points around 30%."""
MAX_CONTENDERS = 256
REACH = 5.0
"""Standard deviations of the score difference within which a model contends for first."""


def contenders(ranked: Ranked) -> np.ndarray:
    """Positions (in ranked order) of the models that can plausibly be first.

    A model enters when its score could reach the leader's: the gap, divided by the spread
    of the difference (both models' standard errors, and the weights' own spread under the
    Dirichlet draw, computed exactly from the two models' values), is under :data:`REACH`
    standard deviations. Beyond that a model wins fewer than about one draw in three million.
    """
    if len(ranked.order) == 0:
        return np.zeros(0, dtype=int)
    same_class = ranked.evidence == ranked.evidence[0]
    d = ranked.V - ranked.V[0]
    w = ranked.shares
    mean_d = d @ w
    weight_var = np.maximum(((d * d) @ w - mean_d**2) / (CONCENTRATION + 1.0), 0.0)
    spread = np.sqrt(ranked.score_se**2 + ranked.score_se[0] ** 2 + weight_var)
    reach = ranked.score - ranked.score[0] + REACH * spread
    picked = np.flatnonzero(same_class & (reach >= 0))
    if len(picked) > MAX_CONTENDERS:
        picked = picked[np.argsort(-reach[picked], kind="stable")[:MAX_CONTENDERS]]
        picked.sort()
    return picked


def draw_values(
    scores: ScoreTable,
    rubric: Rubric,
    ranked: Ranked,
    positions: np.ndarray,
    draws: int,
    rng: np.random.Generator,
    criteria: list[str],
) -> dict[str, np.ndarray]:
    """Drawn scores (draws x models, points) for each of ``criteria``, for ranked positions."""
    cal = scores.calibration
    rows = ranked.order[positions]
    K = len(rows)
    factors = scores.posterior.take(rows).draw(rng, draws) if cal is not None and scores.posterior else None
    bottom = rubric.policy.missing_in_ranking == "bottom"
    out: dict[str, np.ndarray] = {}
    for c in criteria:
        k = scores.col(c)
        value, se, observed = scores.value[rows, k], scores.se[rows, k], scores.observed[rows, k]
        estimate = scores.estimable[k] and factors is not None and cal is not None and not bottom
        # one matrix of standard normals per criterion: an observed score's own error, or an
        # estimated score's benchmark noise around the curve (single precision: the draws'
        # noise is far above its rounding)
        tau = cal.benchmarks[c].tau if estimate and cal is not None else 0.0
        centre = np.where(observed, value, 0.0).astype(np.float32)
        scale = np.where(observed, np.nan_to_num(se), tau).astype(np.float32)
        y = centre + scale * rng.standard_normal((draws, K), dtype=np.float32)
        if not estimate:
            out[c] = np.where(observed, y, np.nan)  # a missing score stays unknown
        elif observed.all():
            out[c] = y
        else:
            assert factors is not None and cal is not None
            g, r = factors
            curve = cal.predict(c, g + np.float32(cal.benchmarks[c].ratio) * r)
            out[c] = np.where(observed, y, y + curve)
    return out


def p_first(
    scores: ScoreTable,
    rubric: Rubric,
    ranked: Ranked,
    *,
    draws: int = DRAWS,
    seed: int = 0,
    positions: np.ndarray | None = None,
) -> tuple[dict[int, float], int, int]:
    """P(first) per ranked position, the number of contenders, and draws without a qualifier."""
    if positions is None:
        positions = contenders(ranked)
    K = len(positions)
    if K == 0:
        return {}, 0, 0
    if K == 1:
        return {int(positions[0]): 1.0}, 1, 0
    rng = np.random.default_rng(seed)
    columns, shares = ranked.columns, ranked.shares
    weights = rng.dirichlet(np.maximum(shares * CONCENTRATION, 1e-3), size=draws)
    thresholds = {**rubric.baselines.thresholds, **rubric.domain.evidence_thresholds}
    score_criteria = [c for c in columns if c not in {"cost", "openness"}]
    needed = list(dict.fromkeys(score_criteria + list(thresholds)))
    drawn = draw_values(scores, rubric, ranked, positions, draws, rng, needed)
    total = np.zeros((draws, K))
    for j, c in enumerate(columns):
        if c in {"cost", "openness"}:
            v = np.broadcast_to(ranked.V[positions, j][None, :], (draws, K))
        else:
            crit = scores.criteria[c]
            y = drawn[c]
            v = np.where(np.isfinite(y), np.clip((y - crit.lower) / crit.span, 0.0, 1.0), 0.0)
        total += weights[:, j : j + 1] * v
    qualified = np.ones((draws, K), dtype=bool)
    for c, t in thresholds.items():
        y = drawn[c]
        qualified &= ~np.isfinite(y) | (y >= t)  # an unknown score that passed (policy 'warn') stays passed
    total = np.where(qualified, total, -np.inf)
    best = total.max(axis=1)
    has_winner = np.isfinite(best)
    winners = (total == best[:, None]) & has_winner[:, None]
    share = winners / np.maximum(winners.sum(axis=1, keepdims=True), 1)
    counted = int(has_winner.sum())
    probs = share.sum(axis=0) / max(counted, 1)
    return {int(p): float(q) for p, q in zip(positions, probs, strict=True)}, K, draws - counted


def critical_weight_change(ranked: Ranked, ids: Sequence[str] | np.ndarray) -> CriticalWeightChange | None:
    """The smallest change of one weight's share that changes #1 (None when none does)."""
    S, J = ranked.V.shape
    if S < 2 or J < 2:
        return None
    same = np.flatnonzero(ranked.evidence == ranked.evidence[0])
    others = same[same != 0]
    if len(others) == 0:
        return None
    V, w, score = ranked.V, ranked.shares, ranked.score
    best: tuple[float, int, float, int] | None = None  # (|delta|, criterion, new share, model)
    for c in range(J):
        wc = w[c]
        if wc >= 1.0:
            continue
        rest = (score - wc * V[:, c]) / (1.0 - wc)
        # the gap to the leader along the share s: d(s) = s * a + (1 - s) * b, with d(wc) <= 0
        a = V[others, c] - V[0, c]
        b = rest[others] - rest[0]
        for target in (1.0, 0.0):
            d_end = target * a + (1 - target) * b
            crosses = d_end > 1e-12
            if not crosses.any():
                continue
            d_now = wc * a + (1 - wc) * b
            s_cross = wc + (target - wc) * (-d_now[crosses]) / (d_end[crosses] - d_now[crosses])
            dist = np.abs(s_cross - wc)
            i = int(np.argmin(dist))
            if best is None or dist[i] < best[0] - 1e-12:
                best = (float(dist[i]), c, float(s_cross[i]), int(others[crosses][i]))
    if best is None:
        return None
    _, c, s, model = best
    return CriticalWeightChange(
        criterion=ranked.columns[c],
        from_share=round(float(w[c]), 4),
        to_share=round(s, 4),
        delta=round(s - float(w[c]), 4),
        new_first=ids[ranked.order[model]],
    )


def robustness(
    scores: ScoreTable,
    rubric: Rubric,
    ranked: Ranked,
    ids: Sequence[str] | np.ndarray,
    *,
    draws: int = DRAWS,
    seed: int = 0,
) -> tuple[Robustness, np.ndarray]:
    """The robustness summary, and P(first) for every ranked position (0 outside the contenders)."""
    probs, K, none = p_first(scores, rubric, ranked, draws=draws, seed=seed)
    per_position = np.zeros(len(ranked.order))
    for p, q in probs.items():
        per_position[p] = q
    first = ids[ranked.order[0]] if len(ranked.order) else None
    notes: tuple[str, ...] = ()
    if none:
        notes = (f"in {none} of {draws} draws no model met every score threshold; P(first) is over the other draws",)
    summary = Robustness(
        draws=draws,
        seed=seed,
        p_first={ids[ranked.order[p]]: round(q, 4) for p, q in sorted(probs.items())},
        critical_weight_change=critical_weight_change(ranked, ids),
        first=first,
        contenders=K,
        draws_without_qualifier=none,
        notes=notes,
    )
    return summary, per_position
