"""The run plan: inspect names and routes, skips with reasons, keys, and the cost estimate by hand."""

from __future__ import annotations

import pytest
from domain_support import small_task

from tui.core.catalog import load_catalog
from tui.core.domainplan import check_ids, plan_run
from tui.core.domaintest import read_task_folder
from tui.core.errors import InputError

KEYS = {"OPENAI_API_KEY": "k", "ANTHROPIC_API_KEY": "k"}
SERVER = {"VLLM_BASE_URL": "http://gpu-box:8000/v1"}


@pytest.fixture
def task(tmp_path):
    return read_task_folder(small_task(tmp_path / "t"))


def test_cost_per_model_matches_a_hand_computation(task, catalogue):
    plan = plan_run(task, load_catalog(catalogue), ["alpha", "beta", "gamma", "delta"], KEYS)
    # 3 examples x (40 + 80 characters) / 4 = 30 input tokens each; 100 output tokens allowed each
    assert (plan.examples, plan.input_tokens, plan.output_tokens) == (3, 90, 300)
    models = {m.model_id: m for m in plan.models}
    assert models["alpha"].cost == pytest.approx(3 * (30 * 1.0 + 100 * 2.0) / 1e6)
    # beta: the first-party $3/$15 price, not the cheaper third-party one
    assert models["beta"].cost == pytest.approx(3 * (30 * 3.0 + 100 * 15.0) / 1e6)
    assert models["beta"].price.provider == "Test Org" and models["beta"].inspect_model == "anthropic/beta"
    assert (models["gamma"].route, models["gamma"].cost, models["gamma"].cost_text()) == (
        "self-hosted",
        None,
        "self-hosted",
    )
    assert models["delta"].skipped.startswith("no inspect_ai model name in the catalogue")
    assert plan.known_total == pytest.approx((3 * 230 + 3 * 1590) / 1e6)
    assert plan.total_text() == "$0.0055 + 1 self-hosted (your hardware)"
    assert plan.question() == "Run 3 models, about $0.0055 + 1 self-hosted (your hardware)? [y/N] "


def test_limit_counts_only_the_examples_run(task, catalogue):
    plan = plan_run(task, load_catalog(catalogue), ["alpha"], KEYS, limit=1)
    assert plan.examples == 1 and plan.models[0].cost == pytest.approx((30 * 1.0 + 100 * 2.0) / 1e6)


def test_a_third_party_price_is_used_only_when_no_first_party_one_exists(task, catalogue):
    catalog = load_catalog(catalogue)
    entry = catalog.by_id["beta"]
    object.__setattr__(entry, "prices", [p for p in entry.prices if not p.first_party])
    model = plan_run(task, catalog, ["beta"], KEYS).models[0]
    assert model.cost == pytest.approx(3 * (30 * 0.5 + 100 * 1.0) / 1e6)
    assert "via Cheap Host (no first-party price)" in model.price_text()


def test_missing_keys_skip_models_and_are_named_once(task, catalogue):
    plan = plan_run(task, load_catalog(catalogue), ["alpha", "beta", "gamma"], SERVER)
    models = {m.model_id: m for m in plan.models}
    assert models["alpha"].skipped == "needs OPENAI_API_KEY (not set)"
    # beta's API route lacks its key; its self-hosted route is the next one that can be called
    assert (models["beta"].inspect_model, models["beta"].route, models["beta"].cost) == (
        "vllm/org/beta",
        "self-hosted",
        None,
    )
    assert models["gamma"].runs
    assert plan.missing_keys == {"OPENAI_API_KEY": ["alpha"], "ANTHROPIC_API_KEY": ["beta"]}


def test_a_vllm_route_needs_the_teams_server(task, catalogue):
    """Without VLLM_BASE_URL inspect_ai would start a server itself and download the weights."""
    plan = plan_run(task, load_catalog(catalogue), ["beta"], {})
    assert plan.models[0].skipped == "needs ANTHROPIC_API_KEY or VLLM_BASE_URL (not set)"
    assert plan.missing_keys == {"ANTHROPIC_API_KEY": ["beta"], "VLLM_BASE_URL": ["beta"]}


def test_max_cost_refuses_above_the_known_total(task, catalogue):
    plan = plan_run(task, load_catalog(catalogue), ["alpha", "beta", "gamma"], KEYS)
    plan.check_max_cost(0.006)  # $0.00546 known; gamma is self-hosted and does not block
    with pytest.raises(InputError, match=r"--max-cost 0.005: the estimated cost is \$0.0055"):
        plan.check_max_cost(0.005)


def test_max_cost_refuses_an_api_model_without_a_price(task, catalogue):
    catalog = load_catalog(catalogue)
    object.__setattr__(catalog.by_id["alpha"], "prices", [])
    plan = plan_run(task, catalog, ["alpha"], KEYS)
    assert plan.models[0].cost_text() == "unknown" and plan.total_text() == "$0.0000 + 1 with unknown cost"
    with pytest.raises(InputError, match="cannot bound the cost of alpha"):
        plan.check_max_cost(100)


def test_the_grader_counts_when_priced(tmp_path, catalogue):
    task = read_task_folder(small_task(tmp_path / "g", scorer="model-graded", grader="openai/alpha"))
    plan = plan_run(task, load_catalog(catalogue), ["alpha", "beta"], KEYS)
    # per graded model: input 90 + answers 300 + targets 3 x 1 + template 3 x 200; output 3 x 150
    per_model_in, per_model_out = 90 + 300 + 3 + 600, 450
    assert plan.grader.cost == pytest.approx(2 * (per_model_in * 1.0 + per_model_out * 2.0) / 1e6)
    assert plan.known_total == pytest.approx(plan.models[0].cost + plan.models[1].cost + plan.grader.cost)
    with pytest.raises(InputError, match="the grader openai/alpha needs OPENAI_API_KEY"):
        plan_run(task, load_catalog(catalogue), ["alpha"], {"ANTHROPIC_API_KEY": "k"})


def test_unknown_model_ids_name_close_matches(catalogue):
    with pytest.raises(InputError, match=r"no model with id 'alpah' in the catalogue; did you mean 'alpha'\?"):
        check_ids(["alpah"], load_catalog(catalogue))
    assert check_ids(["beta", " alpha", "beta"], load_catalog(catalogue)) == ["beta", "alpha"]


def test_either_google_key_will_do():
    from tui.core.domainplan import missing_key

    assert missing_key("google/gemini-x", {}) == "GOOGLE_API_KEY"
    assert missing_key("google/gemini-x", {"GEMINI_API_KEY": "k"}) is None
    assert missing_key("vllm/org/model", {}) == "VLLM_BASE_URL"
    assert missing_key("vllm/org/model", {"VLLM_BASE_URL": "http://gpu-box:8000/v1"}) is None
    assert missing_key("ollama/model", {}) is None


def test_a_mock_run_keeps_the_estimate_and_the_max_cost_check(task, catalogue):
    plan = plan_run(task, load_catalog(catalogue), ["alpha", "beta"], {}, mock=True)
    assert [m.inspect_model for m in plan.models] == ["openai/alpha", "anthropic/beta"]
    assert plan.known_total == pytest.approx((3 * 230 + 3 * 1590) / 1e6)
    assert plan.question().startswith("Run 2 models with the mock provider")
    with pytest.raises(InputError, match=r"--max-cost 0\.001"):
        plan.check_max_cost(0.001)
