"""Table-driven tests of the evaluation engine on small synthetic catalogues."""

from __future__ import annotations

import random

import pytest

from factory import entry, rubric, write_catalog
from tui.core.catalog import load_catalog
from tui.core.engine import evaluate
from tui.core.rubric import Rubric


def run(tmp_path, entries, **sections):
    catalog = load_catalog(write_catalog(tmp_path / "cat", entries))
    return evaluate(catalog, Rubric.model_validate(rubric(**sections)), seed=1, draws=500)


def ids(items):
    return [item["id"] for item in items]


SCREEN_CASES = [
    pytest.param(
        dict(openness={"min_levels": {"training_data": "inspectable"}}),
        [entry("open-a", scores={"mmlu": 70}), entry("closed-b", scores={"mmlu": 90}, level="described")],
        ["open-a"], {"closed-b": ("openness", "training data openness is described; needs inspectable")},
        id="openness-level",
    ),
    pytest.param(
        dict(openness={"license_classes": ["osi-open"]}),
        [entry("a", scores={"mmlu": 70}), entry("b", scores={"mmlu": 90}, license_class="proprietary")],
        ["a"], {"b": ("openness", "licence class is proprietary; allowed: osi-open")},
        id="licence-class",
    ),
    pytest.param(
        dict(baselines={"mode": "strict", "thresholds": {"mmlu": 60}}),
        [entry("a", scores={"mmlu": 61}), entry("b", scores={"mmlu": 59.9})],
        ["a"], {"b": ("baselines", "MMLU 59.9; needs 60")},
        id="threshold-strict",
    ),
    pytest.param(
        dict(practical={"max_monthly_cost_usd": 20}),
        [entry("cheap", scores={"mmlu": 60}, price=(1, 2)), entry("dear", scores={"mmlu": 90}, price=(10, 20))],
        ["cheap"], {"dear": ("practical", "monthly cost (USD) 140.00; needs <= 20")},
        id="monthly-cost",
    ),
    pytest.param(
        dict(practical={"min_context": 100_000}),
        [entry("long", scores={"mmlu": 60}, context=128_000), entry("short", scores={"mmlu": 90}, context=8192)],
        ["long"], {"short": ("practical", "context window (tokens) 8,192; needs >= 100,000")},
        id="context",
    ),
    pytest.param(
        dict(practical={"deployment": "api"}),
        [entry("api", scores={"mmlu": 60}), entry("weights-only", scores={"mmlu": 90}, hosted=False)],
        ["api"], {"weights-only": ("practical", "hosted API is no; allowed: a hosted API")},
        id="deployment-api",
    ),
    pytest.param(
        dict(practical={"deployment": "self-host", "gpu_memory_gb": 40}),
        [entry("small", scores={"mmlu": 60}, params=8), entry("big", scores={"mmlu": 90}, params=70),
         entry("closed", scores={"mmlu": 95}, self_host=False, params=None)],
        ["small"], {"big": ("practical", "self-hosting memory at 16-bit (estimate, GB) 168; needs <= 40"),
                    "closed": ("practical", "self-hosting is weights not released")},
        id="self-host-memory",
    ),
]


@pytest.mark.parametrize("sections, entries, survivors, excluded", SCREEN_CASES)
def test_screening(tmp_path, sections, entries, survivors, excluded):
    result = run(tmp_path, entries, **sections)
    assert sorted(ids(result.shortlist)) == sorted(survivors)
    by_id = {e["id"]: e for e in result.excluded}
    for model_id, (step, reason) in excluded.items():
        assert by_id[model_id]["step"] == step
        assert any(r.startswith(reason) for r in by_id[model_id]["reasons"]), by_id[model_id]["reasons"]


def test_funnel_counts_every_step_and_names_where_it_emptied(tmp_path):
    result = run(
        tmp_path,
        [entry("a", scores={"mmlu": 50}), entry("b", scores={"mmlu": 70}, level="described")],
        openness={"min_levels": {"weights": "open"}},
        baselines={"mode": "strict", "thresholds": {"mmlu": 60}},
    )
    assert result.funnel == [("catalogue", 2), ("openness", 1), ("baselines", 0), ("domain", 0), ("practical", 0)]
    assert result.emptied_at == "baselines"
    assert not result.qualified


def test_every_failing_criterion_is_listed_with_actual_and_required(tmp_path):
    result = run(
        tmp_path,
        [entry("ok", scores={"mmlu": 70}), entry("bad", scores={"mmlu": 40}, context=4096, level="described")],
        openness={"min_levels": {"weights": "open"}},
        baselines={"mode": "strict", "thresholds": {"mmlu": 60}},
        practical={"min_context": 8000},
    )
    bad = next(e for e in result.excluded if e["id"] == "bad")
    assert bad["step"] == "openness"
    assert len(bad["reasons"]) == 3
    assert "MMLU 40.0; needs 60 (off by 33%)" in bad["reasons"]


def test_lenient_mode_passes_a_score_inside_its_interval_as_borderline(tmp_path):
    # HumanEval has 164 items: at 48% the 95% half-width is about 7.6 points.
    entries = [entry("a", scores={"humaneval": 48, "mmlu": 60}), entry("b", scores={"humaneval": 30, "mmlu": 60})]
    lenient = run(tmp_path, entries, baselines={"mode": "lenient", "thresholds": {"humaneval": 50}})
    strict = run(tmp_path / "s", entries, baselines={"mode": "strict", "thresholds": {"humaneval": 50}})
    assert ids(lenient.shortlist) == ["a"]
    assert any("borderline" in w for w in lenient.shortlist[0]["warnings"])
    assert strict.shortlist == []


MISSING_CASES = [
    ("warn", ["known", "unknown"], None),
    ("fail", ["known"], "MMLU: unknown (treated as failing; needs 60)"),
    ("exclude", ["known"], "MMLU: unknown, so set aside under the missing-data policy 'exclude'"),
]


@pytest.mark.parametrize("policy, survivors, reason", MISSING_CASES)
def test_missing_data_policy(tmp_path, policy, survivors, reason):
    result = run(
        tmp_path,
        [entry("known", scores={"mmlu": 70}), entry("unknown", scores={"gsm8k": 70})],
        baselines={"thresholds": {"mmlu": 60}},
        policy={"missing_data": policy},
    )
    assert sorted(ids(result.shortlist)) == survivors
    if reason:
        assert result.excluded[0]["reasons"] == [reason]
        assert result.near_misses == []  # an unknown value is never a near miss
    else:
        unknown = next(i for i in result.shortlist if i["id"] == "unknown")
        assert any("unknown, passed under the missing-data policy 'warn'" in w for w in unknown["warnings"])


def test_near_miss_is_one_small_failure(tmp_path):
    result = run(
        tmp_path,
        [entry("pass", scores={"mmlu": 80}), entry("close", scores={"mmlu": 78}, context=120_000),
         entry("far", scores={"mmlu": 80}, context=8_000), entry("two", scores={"mmlu": 50}, context=120_000)],
        baselines={"mode": "strict", "thresholds": {"mmlu": 60}},
        practical={"min_context": 128_000},
    )
    assert ids(result.near_misses) == ["close"]
    assert result.near_misses[0]["criterion"] == "practical.context"


def test_zero_weight_total_is_rejected():
    with pytest.raises(ValueError, match="all zero"):
        Rubric.model_validate({"id": "x", "version": "1", "domain": {"weights": {"mmlu": 0}}})


def test_ties_use_the_combined_uncertainty(tmp_path):
    result = run(
        tmp_path,
        [entry("a", scores={"humaneval": 80}), entry("b", scores={"humaneval": 79}),
         entry("c", scores={"humaneval": 40})],
        domain={"weights": {"humaneval": 1}},
    )
    by_id = {i["id"]: i for i in result.shortlist}
    assert by_id["a"]["tied_with"] == ["b"]
    assert by_id["b"]["tied_with"] == ["a"]
    assert by_id["c"]["tied_with"] == []
    assert by_id["a"]["tie_group"] == by_id["b"]["tie_group"] != by_id["c"]["tie_group"]


def test_a_stated_stderr_is_used_instead_of_the_binomial_one(tmp_path):
    # MMLU's 14,042 items give a binomial SE of about 0.4 points: 80 and 79 are apart.
    apart = run(tmp_path, [entry("a", scores={"mmlu": 80}), entry("b", scores={"mmlu": 79})])
    assert apart.shortlist[0]["tied_with"] == []
    wide = run(tmp_path / "w", [entry("a", scores={"mmlu": 80}, stderr=2.0), entry("b", scores={"mmlu": 79}, stderr=2.0)])
    assert wide.shortlist[0]["tied_with"] == ["b"]


def test_ranking_uses_fixed_bounds_so_a_dominated_model_never_reorders_others(tmp_path):
    rng = random.Random(7)
    for trial in range(15):
        models = [
            entry(f"m{i}", scores={"mmlu": rng.uniform(40, 90), "humaneval": rng.uniform(20, 90)},
                  price=(rng.uniform(0.1, 5), rng.uniform(0.2, 15)))
            for i in range(6)
        ]
        sections = dict(domain={"weights": {"mmlu": 1, "humaneval": 2}, "cost_weight": 0.5},
                        policy={"shortlist_size": 100})
        before = run(tmp_path / f"b{trial}", models, **sections)
        worst = {"mmlu": 30.0, "humaneval": 10.0}
        dominated = entry("dominated", scores=worst, price=(9, 30))
        after = run(tmp_path / f"a{trial}", models + [dominated], **sections)
        assert [i for i in ids(after.shortlist) if i != "dominated"] == ids(before.shortlist)


def test_robustness_is_seeded_and_probabilities_sum_to_one(tmp_path):
    entries = [entry("a", scores={"mmlu": 80, "humaneval": 60}), entry("b", scores={"mmlu": 75, "humaneval": 70}),
               entry("c", scores={"mmlu": 60, "humaneval": 40})]
    sections = dict(domain={"weights": {"mmlu": 1, "humaneval": 1}})
    one = run(tmp_path / "1", entries, **sections)
    two = run(tmp_path / "2", entries, **sections)
    assert [i["p_first"] for i in one.shortlist] == [i["p_first"] for i in two.shortlist]
    assert sum(i["p_first"] for i in one.shortlist) == pytest.approx(1.0, abs=1e-9)


def test_critical_weight_change_really_swaps_first_and_second(tmp_path):
    entries = [entry("a", scores={"mmlu": 85, "humaneval": 50}), entry("b", scores={"mmlu": 70, "humaneval": 70})]
    result = run(tmp_path, entries, domain={"weights": {"mmlu": 1, "humaneval": 1}})
    critical = result.robustness["critical_weight_change"]
    first = result.shortlist[0]["id"]
    assert critical is not None
    share = critical["to_share"] + (0.02 if critical["to_share"] > critical["from_share"] else -0.02)
    other = "humaneval" if critical["criterion"] == "mmlu" else "mmlu"
    moved = run(tmp_path / "m", entries, domain={"weights": {critical["criterion"]: share, other: 1 - share}})
    assert moved.shortlist[0]["id"] != first


def test_pareto_marks_dominated_models(tmp_path):
    entries = [entry("cheap-good", scores={"mmlu": 80}, price=(1, 1)),
               entry("dear-worse", scores={"mmlu": 70}, price=(5, 5)),
               entry("dear-best", scores={"mmlu": 90}, price=(10, 10))]
    result = run(tmp_path, entries)
    by_id = {p["id"]: p for p in result.pareto}
    assert by_id["cheap-good"]["front"] and by_id["dear-best"]["front"]
    assert by_id["dear-worse"]["dominated_by"] == "cheap-good"


def test_memory_estimate_is_labelled_and_uses_total_parameters(tmp_path):
    result = run(tmp_path, [entry("moe", scores={"mmlu": 70}, params=100)], practical={"quantisation_bits": 4})
    item = result.shortlist[0]
    assert item["memory_gb_estimate"] == pytest.approx(100 * 0.5 * 1.2)
    assert any("estimate" in r for r in item["reasons"])


def test_self_reported_and_stale_results_are_flagged(tmp_path):
    import datetime as dt

    result = run(tmp_path, [entry("a", scores={"mmlu": 70}, reported_by="developer", as_of=dt.date(2020, 1, 1))])
    warnings = result.shortlist[0]["warnings"]
    assert any("self-reported by the developer only" in w for w in warnings)
    assert any("older than 730 days" in w for w in warnings)


def test_independent_result_preferred_when_both_exist(tmp_path):
    both = entry("a", scores={"mmlu": 70})
    both["benchmarks"].append({"id": "mmlu", "value": 90, "setting": "5-shot CoT", "reported_by": "developer",
                               "source": "https://example.org/x", "as_of": "2025-01-01"})
    result = run(tmp_path, [both], baselines={"mode": "strict", "thresholds": {"mmlu": 80}})
    assert result.shortlist == []  # the independent 70 is used, not the developer's 90
    dev = run(tmp_path / "d", [both], baselines={"mode": "strict", "thresholds": {"mmlu": 80}, "prefer": "developer"})
    assert ids(dev.shortlist) == ["a"]


def test_missing_scores_renormalise_or_count_at_the_bottom(tmp_path):
    entries = [entry("full", scores={"mmlu": 70, "humaneval": 70}), entry("sparse", scores={"mmlu": 80})]
    weights = {"weights": {"mmlu": 1, "humaneval": 1}}
    renorm = run(tmp_path / "r", entries, domain=weights)
    bottom = run(tmp_path / "b", entries, domain=weights, policy={"missing_in_ranking": "bottom"})
    assert ids(renorm.shortlist) == ["sparse", "full"]  # ranked on MMLU alone, where it leads
    assert ids(bottom.shortlist) == ["full", "sparse"]  # the missing HumanEval counts as 0
    sparse = next(i for i in renorm.shortlist if i["id"] == "sparse")
    assert any("HumanEval: no score; ranked on its other weighted criteria" in w for w in sparse["warnings"])


def test_min_coverage_screens_models_with_too_little_data(tmp_path):
    entries = [entry("full", scores={"mmlu": 70, "humaneval": 70, "gsm8k": 70}), entry("sparse", scores={"mmlu": 90})]
    result = run(tmp_path, entries, domain={"weights": {"mmlu": 1, "humaneval": 1, "gsm8k": 2}},
                 policy={"min_coverage": 0.5})
    assert ids(result.shortlist) == ["full"]
    sparse = next(e for e in result.excluded if e["id"] == "sparse")
    assert sparse["step"] == "domain"
    assert sparse["reasons"][0].startswith("share of the ranking weight with a known score (%) 25; needs >= 50")


def test_a_different_setting_from_the_rest_of_the_shortlist_is_flagged(tmp_path):
    odd = entry("odd", scores={"mmlu": 75})
    odd["benchmarks"][0]["setting"] = "0-shot CoT"
    result = run(tmp_path, [entry("a", scores={"mmlu": 80}), entry("b", scores={"mmlu": 70}), odd])
    by_id = {i["id"]: i for i in result.shortlist}
    assert any("measured as '0-shot CoT', unlike most of the shortlist ('5-shot')" in w for w in by_id["odd"]["warnings"])
    assert not any("unlike most" in w for w in by_id["a"]["warnings"])
