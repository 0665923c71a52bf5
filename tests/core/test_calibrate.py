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


def synthetic(seed: int = 0, models: int = 70, density: float = 0.6):
    """Scores drawn from known parameters, with noise: what the fit must recover."""
    rng = np.random.default_rng(seed)
    capability = rng.normal(0, 1, models)
    difficulty = np.linspace(-1.5, 1.5, len(BENCHES))
    slope = rng.uniform(0.8, 2.0, len(BENCHES))
    rows = []
    for m in range(models):
        for b, name in enumerate(BENCHES):
            if rng.random() < density:
                p = 1 / (1 + np.exp(-slope[b] * (capability[m] - difficulty[b])))
                value = float(np.clip(100 * p + rng.normal(0, 2.5), 0, 100))
                rows.append((f"m{m}", name, value, "5-shot", "independent", np.nan, 500.0))
    frame = pd.DataFrame(rows, columns=["model_id", "bench", "value", "setting", "reported_by", "stderr", "n"])
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


def test_a_models_capability_depends_on_its_own_results_only():
    frame, _ = synthetic(seed=3)
    obs = observations(frame, dict.fromkeys(BENCHES, 500))
    cal = fit(obs, dict.fromkeys(BENCHES, 0.0))
    alone = observations(frame[frame["model_id"] == "m5"], dict.fromkeys(BENCHES, 500))
    together = score_models(cal, obs)
    single = score_models(cal, alone)
    i = together.model_ids.index("m5")
    assert single.mean[0] == pytest.approx(together.mean[i], abs=1e-9)
    assert single.sd[0] == pytest.approx(together.sd[i], abs=1e-9)


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
        ("reasoning effort low", ("low_effort",)),
        ("with parallel test-time compute", ("multi_attempt",)),
        ("non-thinking mode", ("low_effort",)),
    ],
)
def test_setting_families_are_read_from_the_setting_text(setting, families):
    assert setting_families(setting) == families


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


def test_the_bundled_calibration_is_fresh_and_meets_the_cross_validation_target():
    from tui.core.catalog import catalog_hash

    cal = read_calibration(catalog_root() / "calibration.toml")
    assert cal.catalog_sha256 == catalog_hash(catalog_root())
    cv = cal.diagnostics["cv"]
    assert cv["folds"] == 10
    assert meets_target(cv) == [], meets_target(cv)


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
