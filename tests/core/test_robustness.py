"""Uncertainty figures checked against brute force, and the ranking's properties (Hypothesis)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from factory import entry, memory_catalog, rubric
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.ranking import rank
from tui.core.robustness import CONCENTRATION, critical_weight_change, p_first
from tui.core.rubric import Rubric
from tui.core.workflow import Session

BENCHES = ("mmlu", "humaneval", "gsm8k", "ifeval")
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def catalogues(draw, min_models=2, max_models=7):
    """Random small catalogues: each model reports a random subset of four benchmarks."""
    n = draw(st.integers(min_models, max_models))
    models = []
    for i in range(n):
        chosen = draw(st.lists(st.sampled_from(BENCHES), unique=True, max_size=4))
        scores = {b: draw(st.floats(20, 95, allow_nan=False).map(lambda x: round(x, 1))) for b in chosen}
        price = (
            draw(st.floats(0.05, 10).map(lambda x: round(x, 2))),
            draw(st.floats(0.05, 30).map(lambda x: round(x, 2))),
        )
        models.append(entry(f"m{i}", scores=scores, price=price))
    return models


@st.composite
def weight_sets(draw):
    weights = {b: draw(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0])) for b in BENCHES}
    if not any(weights.values()):
        weights["mmlu"] = 1.0
    return {"weights": {k: v for k, v in weights.items() if v}, "cost_weight": draw(st.sampled_from([0.0, 0.5, 1.0]))}


def evaluate(models, domain, **extra):
    catalog = memory_catalog(models)
    sections = {"domain": domain, "policy": {"shortlist_size": 100}, **extra}
    return Session(catalog).evaluate(
        Rubric.model_validate(rubric(**sections)), draws=400, seed=3, today=dt.date(2026, 11, 30)
    )


def order(result):
    return [i.id for i in result.shortlist]


@FAST
@given(catalogues(min_models=3), weight_sets(), st.data())
def test_adding_or_removing_any_model_never_reorders_the_others(models, domain, data):
    full = order(evaluate(models, domain))
    gone = data.draw(st.sampled_from([m["id"] for m in models]))
    fewer = order(evaluate([m for m in models if m["id"] != gone], domain))
    assert fewer == [m for m in full if m != gone]


@FAST
@given(catalogues(), weight_sets(), st.data())
def test_raising_an_observed_score_never_lowers_that_models_rank(models, domain, data):
    reporting = [(i, r["id"]) for i, m in enumerate(models) for r in m["benchmarks"]]
    if not reporting:
        return
    index, bench = data.draw(st.sampled_from(reporting))
    before = order(evaluate(models, domain))
    raised = [dict(m, benchmarks=[dict(r) for r in m["benchmarks"]]) for m in models]
    result = next(r for r in raised[index]["benchmarks"] if r["id"] == bench)
    result["value"] = min(100.0, result["value"] + data.draw(st.floats(0.5, 30)))
    after = order(evaluate(raised, domain))
    model = models[index]["id"]
    assert after.index(model) <= before.index(model)


@FAST
@given(catalogues(), weight_sets())
def test_p_first_sums_to_one(models, domain):
    result = evaluate(models, domain)
    assert result.robustness is not None
    # each figure is rounded to 4 decimals, so the sum may be off by half a unit per model
    assert sum(result.robustness.p_first.values()) == pytest.approx(1.0, abs=5e-5 * len(models) + 1e-9)
    assert sum(i.p_first for i in result.shortlist) == pytest.approx(1.0, abs=1e-3)


def _brute_force_first_change(scores, rub, survivors, cost, openness, names, ids, criterion, share):
    """Smallest |s - share| at which the real ranking code puts another model first (scan, then bisect).

    A tie with the leader (which the name order breaks) is not a change of #1: another model
    must score strictly higher.
    """
    base = rank(scores, rub, survivors, cost, openness, names)
    leader = int(base.order[0])
    weights = dict(rub.domain.weights)
    total = sum(weights.values()) + rub.domain.cost_weight + rub.domain.openness_weight
    others = total - (rub.domain.cost_weight if criterion == "cost" else weights.get(criterion, 0.0))
    if others <= 0:
        return None

    def changed(s):
        # give ``criterion`` the share s; every other weight keeps its proportion of the rest
        new = {k: (v / others * (1 - s) if k != criterion else s) for k, v in weights.items()}
        cost_w = s if criterion == "cost" else rub.domain.cost_weight / others * (1 - s)
        domain = rub.domain.model_copy(update={"weights": new, "cost_weight": cost_w, "openness_weight": 0.0})
        moved = rank(scores, rub.model_copy(update={"domain": domain}), survivors, cost, openness, names)
        at_leader = moved.score[list(moved.order).index(leader)]
        return int(moved.order[0]) != leader and moved.score[0] > at_leader + 1e-9

    best = None
    for end in (1.0, 0.0):
        grid = np.linspace(share, end, 60)
        previous = share
        for s in grid[1:]:
            if changed(s):
                lo, hi = previous, s
                for _ in range(30):
                    mid = (lo + hi) / 2
                    lo, hi = (lo, mid) if changed(mid) else (mid, hi)
                distance = abs(hi - share)
                if best is None or distance < best[0]:
                    best = (distance, hi)
                break
            previous = s
    return best


@FAST
@given(catalogues(min_models=2, max_models=6), weight_sets())
def test_the_critical_weight_change_equals_a_brute_force_sweep(models, domain):
    from tui.core.scores import build_criteria, build_scores
    from tui.core.screening import screen

    catalog = memory_catalog(models)
    rub = Rubric.model_validate(rubric(domain={**domain, "openness_weight": 0.0}))
    scores = build_scores(catalog, build_criteria(catalog, rub), rub.baselines.prefer)
    frame = catalog.frame.models
    screening = screen(frame, scores, rub)
    survivors = np.flatnonzero(screening.exit_step() >= 4)
    names = frame["name_rank"].to_numpy()
    openness = frame["openness_value"].to_numpy(dtype=float)
    ids = list(frame.index)
    ranked = rank(scores, rub, survivors, screening.cost, openness, names)
    analytic = critical_weight_change(ranked, ids)
    brute = {}
    for c, share in zip(ranked.columns, ranked.shares, strict=True):
        found = _brute_force_first_change(scores, rub, survivors, screening.cost, openness, names, ids, c, share)
        if found is not None:
            brute[c] = found
    if analytic is None:
        assert not brute
        return
    smallest = min(d for d, _ in brute.values())
    assert abs(analytic.delta) == pytest.approx(smallest, abs=2e-4)
    assert analytic.criterion in brute and brute[analytic.criterion][0] == pytest.approx(smallest, abs=2e-4)


TWO_FACTOR = {"mmlu": {"loading": 0.8}, "humaneval": {"loading": -0.9}, "gsm8k": {"loading": 0.5}}


@pytest.mark.parametrize("loadings", [None, TWO_FACTOR], ids=["one-factor", "two-factor"])
def test_score_standard_error_matches_a_brute_force_simulation(loadings):
    # a model with two observed and two estimated criteria: its score's spread comes from the
    # observed errors, the factors' joint posterior (shared by both estimates) and each benchmark's noise
    models = [
        entry("mixed", scores={"mmlu": 70, "gsm8k": 60}),
        entry("other", scores={"mmlu": 60, "humaneval": 50, "gsm8k": 55, "ifeval": 65}),
    ]
    catalog = memory_catalog(models, calibration=loadings)
    weights = {"mmlu": 1.0, "humaneval": 2.0, "gsm8k": 1.0, "ifeval": 1.0}
    rub = Rubric.model_validate(rubric(domain={"weights": weights}))
    session = Session(catalog)
    scores = session.scores(rub)
    result = session.evaluate(rub, draws=200, today=dt.date(2026, 11, 30))
    item = result.item("mixed")
    cal = catalog.calibration
    assert cal.two_factor == (loadings is not None)
    i = list(catalog.frame.models.index).index("mixed")
    rng = np.random.default_rng(0)
    draws = 200_000
    post = scores.posterior
    cov = np.array([[post.sd[i] ** 2, post.cov[i]], [post.cov[i], post.sd2[i] ** 2]])
    g, r = rng.multivariate_normal([post.mean[i], post.mean2[i]], cov, size=draws).T
    total = np.zeros(draws)
    shares = {k: v / sum(weights.values()) for k, v in weights.items()}
    for b, w in shares.items():
        k = scores.col(b)
        lower = scores.criteria[b].lower
        p = cal.benchmarks[b]
        if scores.observed[i, k]:
            y = scores.value[i, k] + scores.se[i, k] * rng.standard_normal(draws)
        else:
            z = p.slope * (g - p.difficulty) + p.loading * r
            y = 100 * (p.chance + (1 - p.chance) / (1 + np.exp(-z))) + p.tau * rng.standard_normal(draws)
        total += w * np.clip((y - lower) / (100 - lower), 0, 1)
    assert item.score_se == pytest.approx(total.std(), rel=0.05)
    assert item.score == pytest.approx(total.mean(), abs=0.01)


def test_p_first_matches_a_brute_force_simulation_with_two_factors():
    # two models with the same observed MMLU; the rest of the ranking rests on estimates whose
    # two factors move together within each model
    models = [
        entry("a", scores={"mmlu": 72, "gsm8k": 58}),
        entry("b", scores={"mmlu": 70, "humaneval": 55}),
        entry("c", scores={"mmlu": 60, "gsm8k": 55, "ifeval": 58}),
    ]
    catalog = memory_catalog(models, calibration=TWO_FACTOR)
    weights = {"mmlu": 1.0, "humaneval": 1.0, "gsm8k": 1.0, "ifeval": 1.0}
    rub = Rubric.model_validate(rubric(domain={"weights": weights}, policy={"shortlist_size": 10}))
    session = Session(catalog)
    scores = session.scores(rub)
    result = session.evaluate(rub, draws=4000, seed=1, today=dt.date(2026, 11, 30))
    cal = catalog.calibration
    rng = np.random.default_rng(7)
    draws = 40_000
    ids = list(catalog.frame.models.index)
    post = scores.posterior
    totals = np.zeros((draws, len(ids)))
    alpha = CONCENTRATION * np.array([weights[b] for b in BENCHES]) / sum(weights.values())
    w = rng.dirichlet(alpha, size=draws)
    for m in range(len(ids)):
        cov = np.array([[post.sd[m] ** 2, post.cov[m]], [post.cov[m], post.sd2[m] ** 2]])
        g, r = rng.multivariate_normal([post.mean[m], post.mean2[m]], cov, size=draws).T
        for j, b in enumerate(BENCHES):
            k = scores.col(b)
            p = cal.benchmarks[b]
            if scores.observed[m, k]:
                y = scores.value[m, k] + scores.se[m, k] * rng.standard_normal(draws)
            else:
                z = p.slope * (g - p.difficulty) + p.loading * r
                y = 100 * (p.chance + (1 - p.chance) / (1 + np.exp(-z))) + p.tau * rng.standard_normal(draws)
            totals[:, m] += w[:, j] * np.clip((y - scores.criteria[b].lower) / (100 - scores.criteria[b].lower), 0, 1)
    brute = np.bincount(totals.argmax(axis=1), minlength=len(ids)) / draws
    assert brute.max() < 0.6  # a real contest: every model wins a fair share of the draws
    for m, model in enumerate(ids):
        assert result.item(model).p_first == pytest.approx(brute[m], abs=0.03), (model, brute)


def test_p_first_over_contenders_matches_p_first_over_every_survivor():
    rng = np.random.default_rng(5)
    models = [entry(f"m{i}", scores={b: float(rng.uniform(30, 90)) for b in BENCHES[: 1 + i % 4]}) for i in range(30)]
    catalog = memory_catalog(models)
    rub = Rubric.model_validate(rubric(domain={"weights": {"mmlu": 1, "humaneval": 1, "gsm8k": 1}}))
    session = Session(catalog)
    scores = session.scores(rub)
    frame = catalog.frame.models
    from tui.core.screening import screen

    screening = screen(frame, scores, rub)
    survivors = np.flatnonzero(screening.exit_step() >= 4)
    ranked = rank(
        scores,
        rub,
        survivors,
        screening.cost,
        frame["openness_value"].to_numpy(dtype=float),
        frame["name_rank"].to_numpy(),
    )
    restricted, contenders, _ = p_first(scores, rub, ranked, draws=20_000, seed=1)
    everyone, _, _ = p_first(scores, rub, ranked, draws=20_000, seed=1, positions=np.arange(len(ranked.order)))
    assert contenders < len(ranked.order)
    for position, q in everyone.items():
        assert restricted.get(position, 0.0) == pytest.approx(q, abs=0.02)
