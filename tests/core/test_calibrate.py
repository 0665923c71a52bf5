"""The stitched capability model: fitting, cross-validation, the calibration file, and scoring."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from factory import entry, write_catalog
from helpers import run_cli

from tui.core.calibfile import read_calibration
from tui.core.calibrate import cross_validate, fit, meets_target
from tui.core.resources import catalog_root
from tui.core.stitching import Observations, observations, score_models, setting_families

BENCHES = ["b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7"]


def synthetic(seed: int = 0, models: int = 70, density: float = 0.6, second: float = 0.0):
    """Scores drawn from known parameters, with noise: what the fit must recover.

    With ``second`` > 0 a second factor loads +second on half the benchmarks and -second on
    the other half; its true values are returned in the frame's ``attrs``.
    """
    rng = np.random.default_rng(seed)
    capability = rng.normal(0, 1, models)
    factor = rng.normal(0, 1, models)
    difficulty = np.linspace(-1.5, 1.5, len(BENCHES))
    slope = rng.uniform(0.8, 2.0, len(BENCHES))
    loading = second * np.where(np.arange(len(BENCHES)) % 2 == 0, 1.0, -1.0)
    rows = []
    for m in range(models):
        for b, name in enumerate(BENCHES):
            if rng.random() < density:
                p = 1 / (1 + np.exp(-slope[b] * (capability[m] - difficulty[b]) - loading[b] * factor[m]))
                value = float(np.clip(100 * p + rng.normal(0, 2.5), 0, 100))
                rows.append((f"m{m}", name, value, "5-shot", "independent", np.nan, 500.0))
    frame = pd.DataFrame(rows, columns=["model_id", "bench", "value", "setting", "reported_by", "stderr", "n"])
    frame.attrs["second"] = factor
    return frame, capability


def test_the_fit_recovers_known_capabilities_and_predicts_held_out_scores():
    frame, truth = synthetic()
    obs = observations(frame, dict.fromkeys(BENCHES, 500))
    cal = fit(obs, dict.fromkeys(BENCHES, 0.0))
    caps = score_models(cal, obs)
    order = [int(m[1:]) for m in caps.model_ids]
    assert np.corrcoef(caps.mean, truth[order])[0, 1] > 0.97
    cv = cross_validate(obs, dict.fromkeys(BENCHES, 0.0), folds=5, seed=0)
    assert cv["mae"] < 3.5  # the noise is 2.5 points (MAE about 2)
    assert cv["mae"] < cv["baseline_bench_mean_mae"] / 3 and cv["mae"] < cv["baseline_model_mean_mae"] / 3
    assert set(cv["per_benchmark"]) == set(BENCHES)
    assert not meets_target({**cv, "per_benchmark": {}})  # MAE <= 5: met
    assert meets_target({**cv, "mae": 9.0, "per_benchmark": {}}) == ["overall MAE 9.0 is above 5.0"]


@pytest.mark.slow  # two full cross-validated fits on synthetic data: run by .ci/run's slow step
def test_a_second_factor_is_recovered_when_the_data_have_one_and_cross_validates_better():
    frame, truth = synthetic(seed=11, models=90, density=0.8, second=1.2)
    obs = observations(frame, dict.fromkeys(BENCHES, 500))
    chance = dict.fromkeys(BENCHES, 0.0)
    cal = fit(obs, chance, factors=2)
    caps = score_models(cal, obs)
    order = [int(m[1:]) for m in caps.model_ids]
    assert np.corrcoef(caps.mean, truth[order])[0, 1] > 0.9
    # the second factor's sign is a convention: compare its magnitude of agreement
    assert abs(np.corrcoef(caps.posterior.mean2, frame.attrs["second"][order])[0, 1]) > 0.85
    one = cross_validate(obs, chance, folds=5, factors=1)
    two = cross_validate(obs, chance, folds=5, factors=2)
    assert two["mae"] < 0.8 * one["mae"], (one["mae"], two["mae"])


def test_the_two_factor_posterior_matches_a_brute_force_grid():
    from tui.core.stitching import _arrays, sigmoid

    frame, _ = synthetic(seed=13, models=60, density=0.7, second=1.0)
    obs = observations(frame, dict.fromkeys(BENCHES, 500))
    cal = fit(obs, dict.fromkeys(BENCHES, 0.0), factors=2)
    caps = score_models(cal, obs)
    D, A, T, c, offset = _arrays(cal, obs)
    L = np.array([cal.benchmarks[b].loading for b in obs.bench_ids])[obs.bench]
    w = obs.weight / (T**2 + obs.se**2)
    P0 = np.linalg.inv(cal.prior_cov())
    g, r = np.meshgrid(np.linspace(-4, 4, 401), np.linspace(-4, 4, 401), indexing="ij")
    for m in (2, 17, 40):
        mine = np.flatnonzero(obs.model == m)
        loss = np.zeros_like(g)
        for i in mine:
            z = A[i] * (g - D[i]) + L[i] * r + offset[i]
            loss += w[i] * (obs.value[i] - 100 * (c[i] + (1 - c[i]) * sigmoid(z))) ** 2
        dg, dr = g - cal.prior_mean, r - cal.second_mean
        loss += P0[0, 0] * dg**2 + 2 * P0[0, 1] * dg * dr + P0[1, 1] * dr**2
        at = np.unravel_index(np.argmin(loss), loss.shape)
        post = caps.posterior
        assert post.mean[m] == pytest.approx(g[at], abs=0.03) and post.mean2[m] == pytest.approx(r[at], abs=0.03)
        density = np.exp(-(loss - loss.min()) / 2)
        density /= density.sum()
        mean_g, mean_r = (density * g).sum(), (density * r).sum()
        sd_g = np.sqrt((density * (g - mean_g) ** 2).sum())
        sd_r = np.sqrt((density * (r - mean_r) ** 2).sum())
        cov = (density * (g - mean_g) * (r - mean_r)).sum()
        # the Laplace approximation: close to the exact posterior's spread
        assert post.sd[m] == pytest.approx(sd_g, rel=0.15) and post.sd2[m] == pytest.approx(sd_r, rel=0.15)
        assert post.cov[m] == pytest.approx(cov, abs=0.15 * sd_g * sd_r)


@pytest.mark.slow  # two full cross-validated fits on synthetic data: run by .ci/run's slow step
def test_one_factor_data_cross_validate_better_with_one_factor():
    # so `catalog calibrate`, which keeps the better of the two, keeps one here
    frame, _ = synthetic(seed=0)
    obs = observations(frame, dict.fromkeys(BENCHES, 500))
    chance = dict.fromkeys(BENCHES, 0.0)
    one = cross_validate(obs, chance, folds=5, factors=1)
    two = cross_validate(obs, chance, folds=5, factors=2)
    assert one["mae"] < two["mae"]


def test_with_every_loading_zero_scoring_is_the_one_factor_model():
    from dataclasses import replace

    frame, _ = synthetic(seed=12)
    obs = observations(frame, dict.fromkeys(BENCHES, 500))
    cal = fit(obs, dict.fromkeys(BENCHES, 0.0), factors=1)
    assert not cal.two_factor
    caps = score_models(cal, obs)
    # a one-dimensional solve by brute force: the posterior mode on a fine grid
    from tui.core.stitching import _arrays, sigmoid

    D, A, T, c, offset = _arrays(cal, obs)
    w = obs.weight / (T**2 + obs.se**2)
    grid = np.linspace(-4, 4, 8001)
    for m in (0, 7, 23):
        mine = obs.model == m
        z = A[mine, None] * (grid[None, :] - D[mine, None]) + offset[mine, None]
        pred = 100 * (c[mine, None] + (1 - c[mine, None]) * sigmoid(z))
        loss = (w[mine, None] * (obs.value[mine, None] - pred) ** 2).sum(0)
        loss += (grid - cal.prior_mean) ** 2 / cal.prior_sd**2
        assert caps.mean[m] == pytest.approx(grid[np.argmin(loss)], abs=2e-3)
    # and a second factor that no benchmark loads on stays at its prior, uncorrelated
    assert np.allclose(caps.posterior.mean2, cal.second_mean) and np.allclose(caps.posterior.cov, 0.0)
    shifted = replace(cal, second_mean=0.4)
    assert np.allclose(score_models(shifted, obs).mean, caps.mean)


def test_a_models_capability_depends_on_its_own_results_only():
    frame, _ = synthetic(seed=3, second=0.8)
    obs = observations(frame, dict.fromkeys(BENCHES, 500))
    cal = fit(obs, dict.fromkeys(BENCHES, 0.0), factors=2)
    assert cal.two_factor
    alone = observations(frame[frame["model_id"] == "m5"], dict.fromkeys(BENCHES, 500))
    together = score_models(cal, obs)
    single = score_models(cal, alone)
    i = together.model_ids.index("m5")
    assert single.mean[0] == pytest.approx(together.mean[i], abs=1e-9)
    assert single.sd[0] == pytest.approx(together.sd[i], abs=1e-9)
    assert single.posterior.mean2[0] == pytest.approx(together.posterior.mean2[i], abs=1e-9)


def test_a_model_with_no_results_gets_the_population_prior():
    frame, _ = synthetic(seed=4)
    obs = observations(frame, dict.fromkeys(BENCHES, 500))
    cal = fit(obs, dict.fromkeys(BENCHES, 0.0))
    empty = Observations(
        np.zeros(0, int),
        np.zeros(0, int),
        np.zeros(0),
        np.zeros(0),
        np.zeros(0),
        np.zeros((0, 2)),
        np.zeros(0),
        ["new"],
        BENCHES,
    )
    caps = score_models(cal, empty)
    assert caps.mean[0] == cal.prior_mean and caps.sd[0] == cal.prior_sd and caps.n_results[0] == 0


def test_one_result_cannot_fly_to_infinity():
    frame = pd.DataFrame(
        [("solo", "b0", 99.5, "5-shot", "independent", np.nan, 500.0)],
        columns=["model_id", "bench", "value", "setting", "reported_by", "stderr", "n"],
    )
    base, _ = synthetic(seed=5)
    obs = observations(base, dict.fromkeys(BENCHES, 500))
    cal = fit(obs, dict.fromkeys(BENCHES, 0.0))
    caps = score_models(cal, observations(frame, dict.fromkeys(BENCHES, 500), bench_ids=BENCHES))
    assert np.isfinite(caps.mean[0]) and caps.mean[0] < cal.prior_mean + 4 * cal.prior_sd


@pytest.mark.parametrize(
    "setting, families",
    [
        ("5-shot", ()),
        ("0-shot CoT, maj@32", ("multi_attempt",)),
        ("Diamond, pass@8", ("multi_attempt",)),
        ("pass@1", ()),
        ("no tools, avg@32, 96K thinking-token budget", ()),  # pass@1 averaged over 32 samples
        ("reasoning effort low", ("low_effort",)),
        ("with parallel test-time compute", ("multi_attempt",)),
        ("non-thinking mode", ("low_effort",)),
        ("0-shot CoT, Epoch AI Inspect run, no extended thinking", ("low_effort",)),
        ("text-only subset, with search, code-interpreter and web-browsing tools", ("with_tools",)),
        ("with a Python tool, avg@16", ("with_tools",)),
        ("Epoch AI Inspect run with Python tool, reasoning effort high", ()),  # FrontierMath's own tool
        ("llm-stats method text: 'Reasoning Mode (w/o Tool Use)'", ()),
        ("text-only subset, no tools", ()),
    ],
)
def test_setting_families_are_read_from_the_setting_text(setting, families):
    assert setting_families(setting) == families


@pytest.mark.parametrize(
    "evaluator, families",
    [
        ("Open LLM Leaderboard v2 (lm-evaluation-harness)", ("fixed_harness",)),
        ("Open LLM Leaderboard v1 (lm-evaluation-harness)", ()),
        ("Terminal-Bench leaderboard (tbench.ai)", ("agent_scaffold",)),
        ("Epoch AI (Inspect)", ()),
    ],
)
def test_source_families_are_read_from_the_evaluator(evaluator, families):
    assert setting_families("5-shot", evaluator) == families


def test_tools_are_the_standard_setting_of_agentic_benchmarks():
    setting = "Verified, with tools, in-house agent harness"
    assert setting_families(setting, "", "swe_bench_verified") == ()
    assert setting_families("with tools", "", "hle") == ("with_tools",)


def test_calibrate_writes_a_file_that_check_then_accepts_and_a_change_makes_stale(tmp_path):
    rng = np.random.default_rng(1)
    models = [
        entry(f"m{i}", scores={b: float(rng.uniform(30, 95)) for b in ("mmlu", "gsm8k", "humaneval", "ifeval")})
        for i in range(12)
    ]
    folder = write_catalog(tmp_path / "cat", models, calibrate=False)
    result = run_cli("catalog", "calibrate", str(folder), "--report", "--format", "json", "--folds", "3")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["cv"]["folds"] == 3 and report["cv"]["n"] > 0
    for row in report["cv"]["per_benchmark"].values():
        assert set(row) == {"mae", "n", "baseline_bench_mean_mae", "baseline_model_mean_mae"}
    cal = read_calibration(folder / "calibration.toml")
    assert set(cal.benchmarks) == {"mmlu", "gsm8k", "humaneval", "ifeval"}
    assert cal.fitted == "2026-11-30"  # SHORTLIST_TODAY: one clock
    # catalog check passes the calibration ...
    checked = run_cli("catalog", "check", str(folder))
    assert "calibration" not in checked.stderr
    # ... and fails it once any model file changes
    path = folder / "models" / "m0.toml"
    path.write_text(path.read_text().replace('name = "M0"', 'name = "M0 renamed"'))
    stale = run_cli("catalog", "check", str(folder))
    assert stale.returncode == 2
    assert "calibration.toml was made for other catalogue contents" in stale.stderr


def test_the_table_report_states_the_target():
    frame, _ = synthetic(seed=6, models=40)
    from tui.core.calibrate import CalibrationOutcome

    obs = observations(frame, dict.fromkeys(BENCHES, 500))
    cal = fit(obs, dict.fromkeys(BENCHES, 0.0))
    lines = CalibrationOutcome(cal, cross_validate(obs, dict.fromkeys(BENCHES, 0.0), folds=4), None).report_lines()
    assert lines[0].startswith("10-fold cross-validation") or "cross-validation" in lines[0]
    assert any(line.strip().startswith("b0") for line in lines)
    assert lines[-1].startswith("target (MAE <= 5.0")


def bundled_cv():
    from tui.core.catalog import catalog_hash

    cal = read_calibration(catalog_root() / "calibration.toml")
    assert cal.catalog_sha256 == catalog_hash(catalog_root())
    return cal, cal.diagnostics["cv"]


def test_the_bundled_calibration_is_fresh_and_beats_both_baselines_on_every_benchmark():
    cal, cv = bundled_cv()
    assert cv["folds"] == 10 and cv["n"] > 1500
    assert [p for p in meets_target(cv) if not p.startswith("overall MAE")] == []
    # it keeps the number of factors that cross-validated better, and says so
    by = cv["mae_by_factors"]
    assert cv["factors"] == int(min(by, key=by.get)) == (2 if cal.two_factor else 1)
    assert cv["mae"] == min(by.values())


@pytest.mark.xfail(
    strict=True,
    reason="issue 10's target of MAE <= 5.0 is missed on catalogue 2026.12 (6.13 with two factors, 6.83 with one): "
    "the misses are results in settings no offset captures (reasoning models in fixed few-shot harnesses, "
    "developer figures with unstated settings); see the issue note",
)
def test_the_bundled_calibration_meets_the_overall_mae_target():
    _, cv = bundled_cv()
    assert cv["mae"] <= 5.0


def test_a_malformed_calibration_is_one_line_naming_the_file(tmp_path):
    folder = write_catalog(tmp_path / "cat", [entry("a", scores={"mmlu": 70})])
    text = (folder / "calibration.toml").read_text().replace("slope = 2.0", 'slope = "steep"', 1)
    (folder / "calibration.toml").write_text(text)
    result = run_cli("catalog", "check", str(folder))
    assert result.returncode == 2
    assert "calibration.toml" in result.stderr and "slope must be a finite number" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_prediction_interval_covers_held_out_scores_about_95_percent_of_the_time():
    from tui.core.stitching import predictive

    frame, _ = synthetic(seed=8, models=120)
    rng = np.random.default_rng(2)
    held = rng.random(len(frame)) < 0.15
    items = dict.fromkeys(BENCHES, 500)
    train = observations(frame[~held], items, bench_ids=BENCHES)
    cal = fit(train, dict.fromkeys(BENCHES, 0.0))
    caps = score_models(cal, train)
    inside = []
    for row in frame[held].itertuples():
        if row.model_id not in caps.model_ids:
            continue
        i = caps.model_ids.index(row.model_id)
        mean, sd = predictive(cal, row.bench, caps.mean[i : i + 1], caps.sd[i : i + 1])
        sampling = 100 * np.sqrt(row.value / 100 * (1 - row.value / 100) / row.n)  # this measurement's own error
        inside.append(abs(row.value - mean[0]) <= 1.96 * np.hypot(sd[0], sampling))
    assert 0.88 <= np.mean(inside) <= 0.995, np.mean(inside)


@pytest.mark.parametrize("n", [7, 15])
def test_the_quadrature_rule_is_numpys_gauss_hermite(n):
    from tui.core.stitching import gauss_hermite

    nodes, weights = gauss_hermite(n)
    expected_nodes, expected_weights = np.polynomial.hermite_e.hermegauss(n)
    assert np.allclose(nodes, expected_nodes, atol=1e-12)
    assert np.allclose(weights, expected_weights / expected_weights.sum(), atol=1e-14)
