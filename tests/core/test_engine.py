"""Table-driven tests of the evaluation engine on small synthetic catalogues."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from factory import entry, evaluate, evaluate_memory, memory_catalog, rubric, write_catalog

from tui.core.rubric import Rubric


def run(tmp_path, entries, **sections):
    return evaluate(write_catalog(tmp_path / "cat", entries), **sections)


def ids(items):
    return [item.id for item in items]


SCREEN_CASES = [
    pytest.param(
        dict(openness={"min_levels": {"training_data": "inspectable"}}),
        [entry("open-a", scores={"mmlu": 70}), entry("closed-b", scores={"mmlu": 90}, level="described")],
        ["open-a"],
        {"closed-b": ("openness", "training data openness is described; needs inspectable")},
        id="openness-level",
    ),
    pytest.param(
        dict(openness={"license_classes": ["osi-open"]}),
        [entry("a", scores={"mmlu": 70}), entry("b", scores={"mmlu": 90}, license_class="proprietary")],
        ["a"],
        {"b": ("openness", "licence class is proprietary; allowed: osi-open")},
        id="licence-class",
    ),
    pytest.param(
        dict(baselines={"mode": "strict", "thresholds": {"mmlu": 60}}),
        [entry("a", scores={"mmlu": 61}), entry("b", scores={"mmlu": 59.9})],
        ["a"],
        {"b": ("baselines", "MMLU 59.9; needs 60")},
        id="threshold-strict",
    ),
    pytest.param(
        dict(practical={"max_monthly_cost_usd": 20}),
        [entry("cheap", scores={"mmlu": 60}, price=(1, 2)), entry("dear", scores={"mmlu": 90}, price=(10, 20))],
        ["cheap"],
        {"dear": ("practical", "monthly cost (USD) 140.00; needs <= 20.00")},
        id="monthly-cost",
    ),
    pytest.param(
        dict(practical={"min_context": 100_000}),
        [entry("long", scores={"mmlu": 60}, context=128_000), entry("short", scores={"mmlu": 90}, context=8192)],
        ["long"],
        {"short": ("practical", "context window (tokens) 8,192; needs >= 100,000")},
        id="context",
    ),
    pytest.param(
        dict(practical={"deployment": "api"}),
        [entry("api", scores={"mmlu": 60}), entry("weights-only", scores={"mmlu": 90}, hosted=False)],
        ["api"],
        {"weights-only": ("practical", "hosted API is no; allowed: a hosted API")},
        id="deployment-api",
    ),
    pytest.param(
        dict(practical={"deployment": "self-host", "gpu_memory_gb": 40}),
        [
            entry("small", scores={"mmlu": 60}, params=8),
            entry("big", scores={"mmlu": 90}, params=70),
            entry("closed", scores={"mmlu": 95}, self_host=False, params=None),
        ],
        ["small"],
        {
            "big": ("practical", "self-hosting memory (estimate, GB) 168; needs <= 40"),
            "closed": ("practical", "self-hosting is weights not released"),
        },
        id="self-host-memory",
    ),
    pytest.param(
        dict(practical={"deployment": "self-host", "gpu_memory_gb": 80}),
        [
            entry("mxfp4-120b", scores={"mmlu": 80}, params=117, precision="mxfp4"),
            entry("bf16-120b", scores={"mmlu": 80}, params=117, precision="bf16"),
        ],
        ["mxfp4-120b"],
        {"bf16-120b": ("practical", "self-hosting memory (estimate, GB) 281; needs <= 80")},
        id="native-precision",
    ),
]


@pytest.mark.parametrize("sections, entries, survivors, excluded", SCREEN_CASES)
def test_screening(tmp_path, sections, entries, survivors, excluded):
    result = run(tmp_path, entries, **sections)
    assert sorted(ids(result.shortlist)) == sorted(survivors)
    by_id = {e.id: e for e in result.excluded}
    for model_id, (step, reason) in excluded.items():
        assert by_id[model_id].step == step
        assert any(r.startswith(reason) for r in by_id[model_id].reasons), by_id[model_id].reasons


def test_funnel_counts_every_step_and_names_where_it_emptied(tmp_path):
    result = run(
        tmp_path,
        [entry("a", scores={"mmlu": 50}), entry("b", scores={"mmlu": 70}, level="described")],
        openness={"min_levels": {"weights": "open"}},
        baselines={"mode": "strict", "thresholds": {"mmlu": 60}},
    )
    assert [(f.step, f.remaining) for f in result.funnel] == [
        ("catalogue", 2),
        ("openness", 1),
        ("baselines", 0),
        ("domain", 0),
        ("practical", 0),
    ]
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
    bad = next(e for e in result.excluded if e.id == "bad")
    assert bad.step == "openness"
    assert len(bad.reasons) == 3
    assert "MMLU 40.0; needs 60 (off by 33%)" in bad.reasons


def test_lenient_mode_passes_a_score_inside_its_interval_as_borderline(tmp_path):
    # HumanEval has 164 items: at 48% the 95% half-width is about 7.6 points.
    entries = [entry("a", scores={"humaneval": 48, "mmlu": 60}), entry("b", scores={"humaneval": 30, "mmlu": 60})]
    lenient = run(tmp_path, entries, baselines={"mode": "lenient", "thresholds": {"humaneval": 50}})
    strict = run(tmp_path / "s", entries, baselines={"mode": "strict", "thresholds": {"humaneval": 50}})
    assert ids(lenient.shortlist) == ["a"]
    assert any("borderline" in w for w in lenient.shortlist[0].warnings)
    assert strict.shortlist == []


def test_a_missing_score_passes_a_threshold_only_on_a_sure_estimate(tmp_path):
    # the synthetic curve is the same for every benchmark: a model far above the threshold on
    # other benchmarks passes on estimate; one near it does not, and says what was estimated
    entries = [
        entry("strong", scores={"humaneval": 97, "gsm8k": 97, "bbh": 97}),
        entry("middling", scores={"humaneval": 48, "gsm8k": 46}),
        entry("reported", scores={"mmlu": 70}),
    ]
    result = run(tmp_path, entries, baselines={"mode": "strict", "thresholds": {"mmlu": 60}})
    assert sorted(ids(result.shortlist)) == ["reported", "strong"]
    strong = result.item("strong")
    assert any("passes 60 on estimate" in w for w in strong.warnings)
    assert any(r.startswith("MMLU: no score; estimated") and "passes on estimate" in r for r in strong.reasons)
    middling = next(e for e in result.excluded if e.id == "middling")
    assert middling.reasons[0].startswith("MMLU: no score; estimated")
    assert "P(≥ 60) =" in middling.reasons[0] and middling.reasons[0].endswith("needs 60")
    assert "middling" not in ids(result.near_misses)


MISSING_CASES = [
    ("warn", ["known", "unknown"], None),
    ("fail", ["known"], "MMLU: no score, and it cannot be estimated; needs 60"),
    (
        "exclude",
        ["known"],
        "MMLU: no score, and it cannot be estimated; set aside under the missing-data policy 'exclude'",
    ),
]


@pytest.mark.parametrize("policy, survivors, reason", MISSING_CASES)
def test_missing_data_policy_without_a_calibration(tmp_path, policy, survivors, reason):
    folder = write_catalog(
        tmp_path / "cat", [entry("known", scores={"mmlu": 70}), entry("unknown", scores={"gsm8k": 70})], calibrate=False
    )
    result = evaluate(folder, baselines={"thresholds": {"mmlu": 60}}, policy={"missing_data": policy})
    assert sorted(ids(result.shortlist)) == survivors
    if reason:
        assert list(result.excluded[0].reasons) == [reason]
        assert result.near_misses == []  # an unknown value is never a near miss
    else:
        unknown = result.item("unknown")
        assert any("passed only because the missing-data policy is 'warn'" in w for w in unknown.warnings)
        assert any("missing-data policy 'warn'" in w for w in result.warnings)  # said prominently too


UNKNOWN_FLOORS = [
    pytest.param(
        dict(openness={"min_mof_class": "III"}),
        entry("released-no-list", scores={"mmlu": 80}),
        "MOF class (derived): unknown (no Model Openness Tool component list for these weights); needs III or better",
        id="mof-unknown",
    ),
    pytest.param(
        dict(openness={"min_mof_class": "III"}),
        entry("closed", scores={"mmlu": 80}, level="described", self_host=False),
        "MOF class (derived) is none; needs III or better",
        id="mof-closed-weights-is-known",
    ),
    pytest.param(
        dict(practical={"min_context": 1_000_000}),
        entry("no-context", scores={"mmlu": 80}, context=None),
        "context window (tokens): unknown (no context window in the catalogue); needs >= 1,000,000",
        id="context-unknown",
    ),
    pytest.param(
        dict(practical={"max_ttft_s": 2.0}),
        entry("unmeasured", scores={"mmlu": 80}),
        "time to first token (s): no latency measurement (import your own on step 3); needs <= 2",
        id="latency-unmeasured",
    ),
    pytest.param(
        dict(practical={"max_monthly_cost_usd": 100}),
        entry("no-price", scores={"mmlu": 80}, price=None),
        "monthly cost (USD): unknown (no price in the catalogue); needs <= 100.00",
        id="cost-unknown",
    ),
]


@pytest.mark.parametrize("sections, model, reason", UNKNOWN_FLOORS)
def test_unknown_never_passes_a_floor(tmp_path, sections, model, reason):
    result = run(tmp_path, [model], **sections)
    assert result.shortlist == []
    assert reason in result.excluded[0].reasons


def test_latency_is_screened_on_imported_measurements_and_says_when_there_are_none(tmp_path):
    from tui.core.rubric import Rubric
    from tui.core.workflow import Session

    folder = write_catalog(
        tmp_path / "cat",
        [
            entry("fast", scores={"mmlu": 80}),
            entry("slow", scores={"mmlu": 90}),
            entry("unmeasured", scores={"mmlu": 95}),
        ],
    )
    csv = tmp_path / "latency.csv"
    csv.write_text(
        "model_id,criterion,value,stderr,n,source,date\n"
        "fast,ttft_s,0.4,,,bench run,2025-02-01\nslow,ttft_s,3.1,,,bench run,2025-02-01\n"
    )
    rubric = Rubric.model_validate(
        {"id": "t", "version": "1", "domain": {"weights": {"mmlu": 1}}, "practical": {"max_ttft_s": 1.0}}
    )
    none = Session.open(catalog_dir=folder).evaluate(rubric, draws=100)
    assert none.shortlist == [] and any("no model has a latency measurement" in w for w in none.warnings)
    measured = Session.open(catalog_dir=folder, evidence=[csv]).evaluate(rubric, draws=100)
    assert ids(measured.shortlist) == ["fast"]
    reasons = {e.id: e.reasons for e in measured.excluded}
    assert "time to first token (s) 3.10; needs <= 1 (off by 210%)" in reasons["slow"]
    assert reasons["unmeasured"][0].startswith("time to first token (s): no latency measurement")


def test_near_miss_is_one_small_failure(tmp_path):
    result = run(
        tmp_path,
        [
            entry("pass", scores={"mmlu": 80}),
            entry("close", scores={"mmlu": 78}, context=120_000),
            entry("far", scores={"mmlu": 80}, context=8_000),
            entry("two", scores={"mmlu": 50}, context=120_000),
        ],
        baselines={"mode": "strict", "thresholds": {"mmlu": 60}},
        practical={"min_context": 128_000},
    )
    assert ids(result.near_misses) == ["close"]
    assert result.near_misses[0].criterion == "practical.context"


def test_zero_weight_total_is_rejected():
    with pytest.raises(ValueError, match="all zero"):
        Rubric.model_validate({"id": "x", "version": "1", "domain": {"weights": {"mmlu": 0}}})


def test_ranks_count_the_models_significantly_better_and_ties_do_not_chain():
    # SE of HumanEval (164 items) near 80% is about 3 points, so 80 vs 74 vs 66 are each within the
    # combined noise of their neighbour, but 80 vs 66 is not: c has one model significantly better
    result = evaluate_memory(
        [
            entry("a", scores={"humaneval": 80}),
            entry("b", scores={"humaneval": 74}),
            entry("c", scores={"humaneval": 66}),
            entry("d", scores={"humaneval": 30}),
        ],
        domain={"weights": {"humaneval": 1}},
    )
    by_id = {i.id: i for i in result.shortlist}
    assert (by_id["a"].rank, by_id["b"].rank, by_id["c"].rank, by_id["d"].rank) == (1, 1, 2, 4)
    assert by_id["a"].rank_label == by_id["b"].rank_label == "=1"
    assert by_id["c"].rank_label == "2"  # no '=' that would suggest c ties with a
    assert by_id["b"].tied_with == ("a", "c") and by_id["a"].tied_with == ("b",)
    assert by_id["d"].tied_with == ()


def test_exactly_equal_scores_are_tied_and_share_first_place():
    twins = [
        entry("twin-a", scores={"mmlu": 80, "humaneval": 70}),
        entry("twin-b", scores={"mmlu": 80, "humaneval": 70}),
    ]
    result = evaluate_memory(twins, draws=2000, domain={"weights": {"mmlu": 1, "humaneval": 1}})
    a, b = result.shortlist
    assert a.rank == b.rank == 1 and a.score == b.score
    assert a.tied_with == ("twin-b",)
    assert 0.4 < a.p_first < 0.6 and a.p_first + b.p_first == pytest.approx(1.0, abs=1e-9)


def test_a_tie_across_the_cut_extends_the_shortlist_or_is_named():
    models = [entry(f"m{i}", scores={"humaneval": 70}) for i in range(12)]
    result = evaluate_memory(models, domain={"weights": {"humaneval": 1}}, policy={"shortlist_size": 3})
    assert len(result.shortlist) == 6  # the list doubles at most
    assert all(i.rank == 1 for i in result.shortlist)
    assert [i.beyond_cut for i in result.shortlist] == [False] * 3 + [True] * 3
    assert len(result.tied_outside) == 6
    assert any("tie with the last listed one but are outside the list" in w for w in result.warnings)


def test_a_stated_stderr_is_used_instead_of_the_binomial_one():
    # MMLU's 14,042 items give a binomial SE of about 0.4 points: 80 and 79 are apart.
    apart = evaluate_memory([entry("a", scores={"mmlu": 80}), entry("b", scores={"mmlu": 79})])
    assert apart.shortlist[0].tied_with == ()
    wide = evaluate_memory([entry("a", scores={"mmlu": 80}, stderr=2.0), entry("b", scores={"mmlu": 79}, stderr=2.0)])
    assert wide.shortlist[0].tied_with == ("b",)


def test_a_broad_better_model_beats_a_narrow_one_with_fewer_results():
    # the same model twice: one reports only GPQA and MMLU-Pro, the other is better on both
    # and strong on four more benchmarks; ranking on reported criteria alone put the narrow one first
    narrow = entry("narrow", scores={"gpqa_diamond": 85, "mmlu_pro": 85})
    broad = entry(
        "broad",
        scores={
            "gpqa_diamond": 86,
            "mmlu_pro": 86,
            "ifeval": 88,
            "swe_bench_verified": 75,
            "humaneval": 92,
            "math_lvl5": 80,
        },
    )
    weights = {
        "gpqa_diamond": 1,
        "mmlu_pro": 1,
        "ifeval": 1,
        "swe_bench_verified": 1,
        "humaneval": 0.5,
        "math_lvl5": 0.5,
    }
    result = evaluate_memory([narrow, broad], domain={"weights": weights, "cost_weight": 1, "openness_weight": 0.5})
    assert ids(result.shortlist) == ["broad", "narrow"]
    assert set(result.item("narrow").estimated) == {"ifeval", "swe_bench_verified", "humaneval", "math_lvl5"}


def test_a_model_without_evidence_never_ranks_first():
    weak = entry("weak-but-measured", scores={"mmlu": 35, "humaneval": 5})
    blank = entry("no-benchmarks")
    result = evaluate_memory([blank, weak], domain={"weights": {"mmlu": 1, "humaneval": 1}})
    assert ids(result.shortlist) == ["weak-but-measured", "no-benchmarks"]
    blank_item = result.item("no-benchmarks")
    assert blank_item.rank == 2 and blank_item.p_first == 0.0
    assert any("no benchmark evidence at all" in w for w in blank_item.warnings)
    assert blank_item.score_se > 5 * result.shortlist[0].score_se  # the prior at its full width


def test_estimated_values_are_labelled_with_their_interval():
    result = evaluate_memory(
        [entry("a", scores={"mmlu": 80, "gsm8k": 85})], domain={"weights": {"mmlu": 1, "ifeval": 1}}
    )
    value = next(v for v in result.shortlist[0].values if v.criterion == "ifeval")
    assert not value.observed and value.based_on == 2
    assert value.label.startswith("≈ ") and " ± " in value.label
    assert any(
        r.startswith(f"IFEval {value.label} ") and "estimated from 2 benchmark results" in r
        for r in result.shortlist[0].reasons
    )
    # the warning names the same figure: one rounding everywhere
    assert any(
        w == f"IFEval: not reported; the value is an estimate ({value.label[2:]})" for w in result.shortlist[0].warnings
    )


def test_a_developer_figure_is_put_on_the_independent_scale_and_says_so():
    result = evaluate_memory(
        [entry("a", scores={"mmlu": 80}, reported_by="developer")], calibration={"mmlu": {"developer_offset": 0.5}}
    )
    value = result.shortlist[0].values[0]
    assert value.raw == 80 and value.value < 80 and value.adjustment < 0
    assert any(
        "on the independent, standard-setting scale" in r and "for developer-reported" in r
        for r in result.shortlist[0].reasons
    )


def test_ranking_uses_fixed_bounds_so_a_dominated_model_never_reorders_others():
    rng = random.Random(7)
    for _ in range(8):
        models = [
            entry(
                f"m{i}",
                scores={"mmlu": rng.uniform(40, 90), "humaneval": rng.uniform(20, 90)},
                price=(rng.uniform(0.1, 5), rng.uniform(0.2, 15)),
            )
            for i in range(6)
        ]
        sections = dict(
            domain={"weights": {"mmlu": 1, "humaneval": 2}, "cost_weight": 0.5}, policy={"shortlist_size": 100}
        )
        before = evaluate_memory(models, **sections)
        dominated = entry("dominated", scores={"mmlu": 30.0, "humaneval": 10.0}, price=(9, 30))
        after = evaluate_memory([*models, dominated], **sections)
        assert [i for i in ids(after.shortlist) if i != "dominated"] == ids(before.shortlist)


def test_robustness_is_seeded_and_probabilities_sum_to_one():
    entries = [
        entry("a", scores={"mmlu": 80, "humaneval": 60}),
        entry("b", scores={"mmlu": 75, "humaneval": 70}),
        entry("c", scores={"mmlu": 60, "humaneval": 40}),
    ]
    one = evaluate_memory(entries, domain={"weights": {"mmlu": 1, "humaneval": 1}})
    two = evaluate_memory(entries, domain={"weights": {"mmlu": 1, "humaneval": 1}})
    assert [i.p_first for i in one.shortlist] == [i.p_first for i in two.shortlist]
    assert sum(i.p_first for i in one.shortlist) == pytest.approx(1.0, abs=1e-3)


def test_pareto_marks_dominated_models_on_benchmark_capability_only():
    entries = [
        entry("cheap-good", scores={"mmlu": 80}, price=(1, 1)),
        entry("dear-worse", scores={"mmlu": 70}, price=(5, 5)),
        entry("dear-best", scores={"mmlu": 90}, price=(10, 10)),
    ]
    result = evaluate_memory(entries, domain={"weights": {"mmlu": 1}, "cost_weight": 5, "openness_weight": 1})
    by_id = {p.id: p for p in result.pareto}
    assert by_id["cheap-good"].front and by_id["dear-best"].front
    assert by_id["dear-worse"].dominated_by == "cheap-good"
    # the axis is the benchmark value alone: cost and openness weights do not move it
    assert by_id["dear-best"].capability == pytest.approx((90 - 25) / 75, abs=1e-4)


def test_memory_estimate_is_labelled_and_uses_total_parameters():
    result = evaluate_memory([entry("moe", scores={"mmlu": 70}, params=100)], practical={"quantisation_bits": 4})
    item = result.shortlist[0]
    assert item.memory_gb_estimate == pytest.approx(100 * 0.5 * 1.2)
    assert any("estimate" in r and "4-bit as chosen" in r for r in item.reasons)
    native = evaluate_memory([entry("gpt-oss-like", scores={"mmlu": 70}, params=117, precision="mxfp4")])
    assert native.shortlist[0].memory_gb_estimate == pytest.approx(117 * 4.25 / 8 * 1.2, abs=0.1)
    assert any("native MXFP4 weights" in r for r in native.shortlist[0].reasons)


def test_self_reported_and_stale_results_are_flagged():
    result = evaluate_memory([entry("a", scores={"mmlu": 70}, reported_by="developer", as_of=dt.date(2020, 1, 1))])
    warnings = result.shortlist[0].warnings
    assert any("self-reported by the developer only" in w for w in warnings)
    assert any("older than 730 days" in w for w in warnings)


def test_independent_result_preferred_when_both_exist():
    both = entry("a", scores={"mmlu": 70})
    both["benchmarks"].append(
        {
            "id": "mmlu",
            "value": 90.0,
            "setting": "5-shot CoT",
            "reported_by": "developer",
            "source": "https://example.org/x",
            "as_of": dt.date(2025, 1, 1),
        }
    )
    result = evaluate_memory([both], baselines={"mode": "strict", "thresholds": {"mmlu": 80}})
    assert result.shortlist == []  # the independent 70 is used, not the developer's 90
    dev = evaluate_memory([both], baselines={"mode": "strict", "thresholds": {"mmlu": 80}, "prefer": "developer"})
    assert ids(dev.shortlist) == ["a"]


def test_missing_scores_are_estimated_or_count_at_the_bottom():
    entries = [entry("full", scores={"mmlu": 70, "humaneval": 70}), entry("sparse", scores={"mmlu": 80})]
    weights = {"weights": {"mmlu": 1, "humaneval": 1}}
    estimated = evaluate_memory(entries, domain=weights)
    bottom = evaluate_memory(entries, domain=weights, policy={"missing_in_ranking": "bottom"})
    assert ids(bottom.shortlist) == ["full", "sparse"]  # the missing HumanEval counts as 0
    sparse = estimated.item("sparse")
    assert sparse.estimated == ("humaneval",)
    assert any(w.startswith("HumanEval: not reported; the value is an estimate") for w in sparse.warnings)


def test_renormalise_is_retired_with_a_message(tmp_path):
    from tui.core.presets import resolve

    (tmp_path / "old.toml").write_text(
        'id = "old"\nversion = "1"\n[domain]\nweights = { mmlu = 1 }\n[policy]\nmissing_in_ranking = "renormalise"\n'
    )
    resolved = resolve(str(tmp_path / "old.toml"))
    assert resolved.rubric.policy.missing_in_ranking == "estimate"
    assert any("'renormalise' is retired" in w for w in resolved.warnings)


def test_min_coverage_screens_models_with_too_little_observed_data():
    entries = [entry("full", scores={"mmlu": 70, "humaneval": 70, "gsm8k": 70}), entry("sparse", scores={"mmlu": 90})]
    result = evaluate_memory(
        entries, domain={"weights": {"mmlu": 1, "humaneval": 1, "gsm8k": 2}}, policy={"min_coverage": 0.5}
    )
    assert ids(result.shortlist) == ["full"]
    sparse = next(e for e in result.excluded if e.id == "sparse")
    assert sparse.step == "domain"
    assert sparse.reasons[0].startswith("share of the ranking weight with an observed score (%) 25; needs >= 50")


def test_different_settings_on_the_shortlist_are_named():
    odd = entry("odd", scores={"mmlu": 75}, setting="0-shot CoT")
    result = evaluate_memory([entry("a", scores={"mmlu": 80}), entry("b", scores={"mmlu": 70}), odd])
    warning = next(w for w in result.item("odd").warnings if w.startswith("MMLU: this figure is"))
    assert "0-shot CoT (independent)" in warning and "5-shot (independent)" in warning


def test_a_model_nobody_can_use_is_excluded():
    retired = entry("retired", scores={"mmlu": 90}, hosted=False, self_host=False, price=None)
    result = evaluate_memory([retired, entry("live", scores={"mmlu": 60})])
    assert ids(result.shortlist) == ["live"]
    assert "available: neither a hosted API nor downloadable weights" in result.excluded[0].reasons[0]


def test_a_stale_evaluation_stops_between_stages_when_asked():
    from tui.core.engine import Cancelled
    from tui.core.workflow import Session

    catalog = memory_catalog([entry("a", scores={"mmlu": 70}), entry("b", scores={"mmlu": 60})])
    rub = Rubric.model_validate(rubric(domain={"weights": {"mmlu": 1}}))
    session = Session(catalog)
    asked = []

    def cancelled() -> bool:
        asked.append(True)
        return len(asked) >= 2  # let the first stage run, then stop

    with pytest.raises(Cancelled):
        session.evaluate(rub, cancelled=cancelled)
    assert len(asked) == 2
    # the funnel never asks: it is what the wizard shows first
    assert session.evaluate(rub, funnel_only=True, cancelled=lambda: True).funnel[-1].remaining == 2


def test_the_cheapest_survivors_are_the_head_of_the_full_list_ties_included():
    rng = random.Random(4)
    models = [
        entry(f"m{i:02d}", scores={"mmlu": 60 + i % 7}, price=(rng.choice([0.5, 1.0, 1.0, 2.0]), 1.0))
        for i in range(30)
    ] + [entry("zz-no-price", scores={"mmlu": 65}, price=None)]
    result = evaluate_memory(models, domain={"weights": {"mmlu": 1}})
    full = result.survivors
    assert [r.monthly_cost_usd for r in full][-1] is None  # unknown cost last
    costs = [(r.monthly_cost_usd, r.name) for r in full[:-1]]
    assert costs == sorted(costs)
    for count in (1, 3, 7, 12, len(full)):
        assert result.cheapest(count) == full[:count]


def test_a_missing_score_gets_one_warning(tmp_path):
    """A threshold passed on estimate already says the score is estimated: no second warning for it."""
    from tui.core.presets import resolve
    from tui.core.workflow import Session

    session = Session.open()
    rubric, _ = session.prepare(resolve("default").rubric)
    result = session.evaluate(rubric, draws=200, seed=1)
    both = 0
    for item in result.shortlist:
        names = [w.split(":", 1)[0] for w in item.warnings if "estimate" in w and ":" in w]
        assert len(names) == len(set(names)), item.warnings
        both += any("passes" in w and "on estimate" in w for w in item.warnings)
    assert both  # the bundled default really has a threshold passed on estimate
