"""Calibrate the stitched capability model on a catalogue, and cross-validate it.

The fit is maximum a posteriori, by weighted least squares on the score scale
(Levenberg-Marquardt with an analytic Jacobian, numpy only), with:

- priors that fix the free scale and keep sparse models finite: C ~ N(0, 1) and R ~ N(0, 1)
  over the calibration models, log(slope) ~ N(0, 0.75^2), difficulty ~ N(0, 3^2), offsets
  ~ N(0, 0.5^2), and a tight loading ~ N(0, 0.3^2), so the second factor only takes what
  the data clearly support (sign fixed afterwards: positive on average);
- per-benchmark noise ``tau_b`` re-estimated from the residuals (shrunk towards the pooled
  value for benchmarks with few results), so a noisy benchmark counts less;
- Huber weights against transcription outliers;
- a weight of 1/k on each of k results for the same model and benchmark.

Cross-validation holds out 10 seeded folds of *results*, re-fits on the rest and predicts
each held-out result from its model's remaining results, exactly as scoring does at run
time. It is compared with two baselines computed in the same run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tui.core.stitching import (
    FAMILIES,
    BenchParams,
    Calibration,
    Observations,
    predictive,
    score_models,
    sigmoid,
)

PRIOR = {"capability": 1.0, "log_slope": 0.75, "difficulty": 3.0, "offset": 0.5, "second": 1.0, "loading": 0.3}
"""Prior standard deviations of the calibration (means are 0)."""
HUBER = 2.0
"""Standardised residual beyond which a result's weight is reduced (Huber)."""
TAU_FLOOR = 0.5
TAU_POOL = 5.0
"""Pseudo-count with which a benchmark's noise is shrunk towards the pooled noise."""
CALIBRATION_VERSION = 2
FACTORS = (1, 2)
"""The candidate numbers of latent factors; `calibrate_catalog` keeps the one that cross-validates better."""


@dataclass
class _Layout:
    M: int
    B: int
    F: int
    two: bool = True

    @property
    def size(self) -> int:
        return self.M + 3 * self.B + self.F + (self.M + self.B if self.two else 0)

    def split(self, theta: np.ndarray) -> tuple[np.ndarray, ...]:
        """C, D, log(slope), developer offset, family offsets, R, loading."""
        M, B, F = self.M, self.B, self.F
        cuts = np.cumsum([M, B, B, B, F, M if self.two else 0])
        parts = np.split(theta, cuts)
        if not self.two:
            parts[5], parts[6] = np.zeros(M), np.zeros(B)
        return tuple(parts)


def _prior_sd(layout: _Layout) -> np.ndarray:
    parts = [
        np.full(layout.M, PRIOR["capability"]),
        np.full(layout.B, PRIOR["difficulty"]),
        np.full(layout.B, PRIOR["log_slope"]),
        np.full(layout.B, PRIOR["offset"]),
        np.full(layout.F, PRIOR["offset"]),
    ]
    if layout.two:
        parts += [np.full(layout.M, PRIOR["second"]), np.full(layout.B, PRIOR["loading"])]
    return np.concatenate(parts)


def _predict(
    obs: Observations, layout: _Layout, theta: np.ndarray, chance: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    C, D, logA, dev, fam, R, beta = layout.split(theta)
    A = np.exp(logA)
    b, m = obs.bench, obs.model
    diff = C[m] - D[b]
    z = A[b] * diff + beta[b] * R[m] + dev[b] * obs.developer + obs.family @ fam
    s = sigmoid(z)
    c = chance[b]
    pred = 100.0 * (c + (1.0 - c) * s)
    gz = 100.0 * (1.0 - c) * s * (1.0 - s)
    return pred, gz, A, diff


def _solve(
    obs: Observations,
    layout: _Layout,
    chance: np.ndarray,
    var: np.ndarray,
    robust: np.ndarray,
    theta: np.ndarray,
    iterations: int = 60,
) -> np.ndarray:
    """Levenberg-Marquardt on the MAP objective with fixed noise and robust weights."""
    prior_sd = _prior_sd(layout)
    sw = np.sqrt(obs.weight * robust / var)
    n = len(obs)
    rows = np.arange(n)
    M, B = layout.M, layout.B

    def residuals(th: np.ndarray) -> tuple[np.ndarray, Any]:
        pred, gz, A, diff = _predict(obs, layout, th, chance)
        r = np.concatenate([sw * (obs.value - pred), th / prior_sd])
        return r, (gz, A, diff)

    lam = 1e-2
    r, aux = residuals(theta)
    cost = float(r @ r)
    for _ in range(iterations):
        gz, A, diff = aux
        J = np.zeros((n, layout.size))
        a = A[obs.bench]
        J[rows, obs.model] = -sw * gz * a
        J[rows, M + obs.bench] = sw * gz * a
        J[rows, M + B + obs.bench] = -sw * gz * a * diff
        J[rows, M + 2 * B + obs.bench] = -sw * gz * obs.developer
        J[:, M + 3 * B : M + 3 * B + layout.F] = -(sw * gz)[:, None] * obs.family
        if layout.two:
            R, beta = layout.split(theta)[5:]
            second = M + 3 * B + layout.F
            J[rows, second + obs.model] = -sw * gz * beta[obs.bench]
            J[rows, second + M + obs.bench] = -sw * gz * R[obs.model]
        JtJ = J.T @ J + np.diag(1.0 / prior_sd**2)
        g = J.T @ r[:n] + (theta / prior_sd) / prior_sd
        while True:
            step = np.linalg.solve(JtJ + lam * np.diag(np.diag(JtJ)), -g)
            trial = theta + step
            r_new, aux_new = residuals(trial)
            new_cost = float(r_new @ r_new)
            if new_cost <= cost:
                theta, r, aux = trial, r_new, aux_new
                lam = max(lam / 3.0, 1e-9)
                converged = cost - new_cost < 1e-9 * max(cost, 1.0)
                cost = new_cost
                break
            lam *= 4.0
            if lam > 1e10:
                return theta
        if converged:
            break
    return theta


def _leverage(obs: Observations, layout: _Layout, theta: np.ndarray, chance: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Each result's leverage on its own model's factors (benchmark parameters held fixed)."""
    _, gz, A, _ = _predict(obs, layout, theta, chance)
    beta = layout.split(theta)[6]
    J = np.stack([gz * A[obs.bench], gz * beta[obs.bench]], axis=1)
    M = layout.M
    H = np.zeros((M, 2, 2))
    np.add.at(H, obs.model, w[:, None, None] * J[:, :, None] * J[:, None, :])
    H += np.diag([1.0 / PRIOR["capability"] ** 2, 1.0 / PRIOR["second"] ** 2])
    Hinv = np.linalg.inv(H)[obs.model]
    h = w * np.einsum("ni,nij,nj->n", J, Hinv, J)
    return np.clip(h, 0.0, 0.9)


def fit(obs: Observations, chance: dict[str, float], *, outer: int = 6, factors: int = 1) -> Calibration:
    """Calibrate benchmark parameters and offsets on ``obs`` (see the module docstring)."""
    layout = _Layout(len(obs.model_ids), len(obs.bench_ids), len(FAMILIES), two=factors == 2)
    ch = np.array([chance.get(b, 0.0) for b in obs.bench_ids])
    theta = np.zeros(layout.size)
    if layout.two:
        # (R, loading) = (0, 0) is a saddle of the objective: start the second factor off it,
        # the same way every time
        theta[layout.M + 3 * layout.B + layout.F :] = np.random.default_rng(1).normal(0.0, 0.1, layout.M + layout.B)
    # start difficulties where the benchmark's mean score sits for an average model
    for j in range(layout.B):
        mask = obs.bench == j
        if mask.any():
            p = np.clip((obs.value[mask].mean() / 100.0 - ch[j]) / (1 - ch[j]), 0.02, 0.98)
            theta[layout.M + j] = -np.log(p / (1 - p))
    tau = np.full(layout.B, 3.0)
    robust = np.ones(len(obs))
    for _ in range(outer):
        var = tau[obs.bench] ** 2 + obs.se**2
        theta = _solve(obs, layout, ch, var, robust, theta)
        pred, *_ = _predict(obs, layout, theta, ch)
        resid = obs.value - pred
        # a model's own factors are fitted to its few results, which pulls each residual
        # towards 0: divide by (1 - leverage) so the noise is that of a *new* result
        lev = _leverage(obs, layout, theta, ch, obs.weight * robust / var)
        excess = resid**2 / (1.0 - lev) - obs.se**2
        w = obs.weight * robust
        pooled = max(float((w * excess).sum() / max(w.sum(), 1e-9)), TAU_FLOOR**2)
        num = np.bincount(obs.bench, w * excess, minlength=layout.B) + TAU_POOL * pooled
        den = np.bincount(obs.bench, w, minlength=layout.B) + TAU_POOL
        tau = np.sqrt(np.maximum(num / den, TAU_FLOOR**2))
        z = np.abs(resid) / np.sqrt(tau[obs.bench] ** 2 + obs.se**2)
        robust = np.where(z > HUBER, HUBER / np.maximum(z, 1e-9), 1.0)
    C, D, logA, dev, fam, R, beta = layout.split(theta)
    if beta.sum() < 0:  # the second factor's sign is free: make it positive on average
        R, beta = -R, -beta
    counts = np.bincount(obs.bench, minlength=layout.B)
    benchmarks = {
        b: BenchParams(
            difficulty=float(D[j]),
            slope=float(np.exp(logA[j])),
            tau=float(tau[j]),
            developer_offset=float(dev[j]),
            chance=float(ch[j]),
            n=int(counts[j]),
            loading=float(beta[j]),
        )
        for j, b in enumerate(obs.bench_ids)
    }
    many = len(C) > 1
    return Calibration(
        benchmarks=benchmarks,
        families={f: float(v) for f, v in zip(FAMILIES, fam, strict=True)},
        prior_mean=float(C.mean()) if len(C) else 0.0,
        prior_sd=float(C.std()) if many else PRIOR["capability"],
        second_mean=float(R.mean()) if layout.two and len(R) else 0.0,
        second_sd=float(R.std()) if layout.two and many else PRIOR["second"],
        second_corr=float(np.corrcoef(C, R)[0, 1]) if layout.two and many and R.std() > 0 else 0.0,
        catalog_sha256="",
        fitted="",
        settings={
            "priors": dict(PRIOR),
            "huber": HUBER,
            "tau_floor": TAU_FLOOR,
            "tau_pool": TAU_POOL,
            "families": list(FAMILIES),
            "factors": 2 if layout.two else 1,
            "models": layout.M,
            "results": len(obs),
        },
    )


# ------------------------------------------------------------------------------ cross-validation


def cross_validate(
    obs: Observations, chance: dict[str, float], *, folds: int = 10, seed: int = 0, factors: int = 1
) -> dict[str, Any]:
    """Held-out prediction error for observed scores, with two baselines from the same folds.

    Returns ``{"mae", "median", "folds", "seed", "n", "n_prior_only", "prior_only_mae",
    "baseline_bench_mean_mae", "baseline_model_mean_mae", "per_benchmark": {id: {...}}}``.
    ``n`` counts held-out results whose model has another result in the training folds;
    results whose model has none are predicted from the prior and reported apart.
    """
    rng = np.random.default_rng(seed)
    fold = rng.permutation(len(obs)) % folds
    pred = np.full(len(obs), np.nan)
    base_bench = np.full(len(obs), np.nan)
    base_model = np.full(len(obs), np.nan)
    prior_only = np.zeros(len(obs), dtype=bool)
    spread = np.full(len(obs), np.nan)  # prediction sd of each held-out result, its sampling error included
    for k in range(folds):
        test = fold == k
        train = obs.subset(~test)
        cal = fit(train, chance, factors=factors)
        caps = score_models(cal, train)
        has_train = caps.n_results[obs.model[test]] > 0
        idx = np.flatnonzero(test)
        for i, has in zip(idx, has_train, strict=True):
            b = obs.bench_ids[obs.bench[i]]
            off = cal.offset(
                b,
                "developer" if obs.developer[i] else "independent",
                tuple(f for f, flag in zip(FAMILIES, obs.family[i], strict=True) if flag),
            )
            eff, eff_sd = caps.posterior.take(obs.model[i : i + 1]).effective(cal, b)
            pred[i] = float(cal.predict(b, eff, off)[0])
            _, sd = predictive(cal, b, eff + off / cal.benchmarks[b].slope, eff_sd)
            spread[i] = float(np.hypot(sd[0], obs.se[i]))
            prior_only[i] = not has
        for j in range(len(obs.bench_ids)):
            mask_train = train.bench == j
            mean_b = (
                float(np.average(train.value[mask_train], weights=train.weight[mask_train]))
                if mask_train.any()
                else np.nan
            )
            base_bench[test & (obs.bench == j)] = mean_b
        sums = np.bincount(train.model, train.value * train.weight, minlength=len(obs.model_ids))
        weights = np.bincount(train.model, train.weight, minlength=len(obs.model_ids))
        model_mean = np.where(weights > 0, sums / np.maximum(weights, 1e-12), np.nan)
        base_model[test] = model_mean[obs.model[test]]
    ok = ~prior_only & np.isfinite(pred)
    err = np.abs(pred - obs.value)
    e_bench = np.abs(base_bench - obs.value)
    e_model = np.abs(base_model - obs.value)
    both = ok & np.isfinite(e_bench) & np.isfinite(e_model)

    def summary(mask: np.ndarray) -> dict[str, Any]:
        return {
            "mae": round(float(err[mask].mean()), 3) if mask.any() else None,
            "n": int(mask.sum()),
            "baseline_bench_mean_mae": round(float(e_bench[mask].mean()), 3) if mask.any() else None,
            "baseline_model_mean_mae": round(float(e_model[mask].mean()), 3) if mask.any() else None,
        }

    overall = summary(both)
    per_benchmark = {b: summary(both & (obs.bench == j)) for j, b in enumerate(obs.bench_ids)}
    return {
        "mae": overall["mae"],
        "median": round(float(np.median(err[both])), 3) if both.any() else None,
        "folds": folds,
        "seed": seed,
        "factors": factors,
        "n": overall["n"],
        "n_prior_only": int((prior_only & np.isfinite(pred)).sum()),
        "prior_only_mae": round(float(err[prior_only].mean()), 3) if prior_only.any() else None,
        "baseline_bench_mean_mae": overall["baseline_bench_mean_mae"],
        "baseline_model_mean_mae": overall["baseline_model_mean_mae"],
        # how often the 68% and 95% prediction intervals hold the held-out score
        "coverage_68": round(float(np.mean(err[both] <= spread[both])), 3) if both.any() else None,
        "coverage_95": round(float(np.mean(err[both] <= 1.96 * spread[both])), 3) if both.any() else None,
        "per_benchmark": per_benchmark,
    }


def meets_target(cv: dict[str, Any], mae: float = 5.0, min_n: int = 20) -> list[str]:
    """Why the cross-validation misses the issue's target; empty when it meets it."""
    problems = []
    if cv["mae"] is None or cv["mae"] > mae:
        problems.append(f"overall MAE {cv['mae']} is above {mae}")
    for b, row in cv["per_benchmark"].items():
        if row["n"] >= min_n and not (
            row["mae"] < row["baseline_bench_mean_mae"] and row["mae"] < row["baseline_model_mean_mae"]
        ):
            problems.append(
                f"{b}: MAE {row['mae']} is not below both baselines "
                f"({row['baseline_bench_mean_mae']}, {row['baseline_model_mean_mae']})"
            )
    return problems


MIN_RESULTS = 5
"""A benchmark needs this many results to be calibrated; others cannot be estimated."""


@dataclass
class CalibrationOutcome:
    """What `shortlist catalog calibrate` did: the fit, its cross-validation, and the file."""

    calibration: Calibration
    cv: dict[str, Any]
    path: Any
    """The file written, or None for a dry run."""

    @property
    def summary(self) -> dict[str, Any]:
        """The fitted parameters, for the JSON report."""
        cal = self.calibration
        return {
            "catalog_sha256": cal.catalog_sha256,
            "fingerprint": cal.fingerprint,
            "prior": {
                "mean": round(cal.prior_mean, 4),
                "sd": round(cal.prior_sd, 4),
                "second_mean": round(cal.second_mean, 4),
                "second_sd": round(cal.second_sd, 4),
                "corr": round(cal.second_corr, 4),
            },
            "families": {k: round(v, 4) for k, v in cal.families.items()},
            "benchmarks": {
                b: {
                    "difficulty": round(p.difficulty, 4),
                    "slope": round(p.slope, 4),
                    "tau": round(p.tau, 3),
                    "developer_offset": round(p.developer_offset, 4),
                    "loading": round(p.loading, 4),
                    "n": p.n,
                }
                for b, p in sorted(cal.benchmarks.items())
            },
        }

    def report_lines(self) -> list[str]:
        """The cross-validation as a plain table."""
        cv = self.cv
        lines = [
            f"10-fold cross-validation (seed {cv['seed']}, {cv['folds']} folds) of held-out scores, in points:",
            f"  overall MAE {cv['mae']} (median {cv['median']}) over {cv['n']} results; baselines: benchmark "
            f"mean {cv['baseline_bench_mean_mae']}, model's other results {cv['baseline_model_mean_mae']}",
            f"  {cv['n_prior_only']} results whose model had no other result were predicted from the prior "
            f"(MAE {cv['prior_only_mae']}) and are not in the figures above",
            f"  prediction intervals: the 68% interval holds {_pct(cv.get('coverage_68'))} of held-out scores, "
            f"the 95% interval {_pct(cv.get('coverage_95'))}",
            "  latent factors: "
            + ", ".join(f"{f} -> MAE {mae}" for f, mae in cv.get("mae_by_factors", {}).items())
            + f"; kept {cv.get('factors', 1)}",
            "",
            f"  {'benchmark':<22}{'n':>5}{'MAE':>8}{'bench mean':>12}{'model mean':>12}",
        ]
        for b, row in cv["per_benchmark"].items():
            lines.append(
                f"  {b:<22}{row['n']:>5}{_f(row['mae']):>8}{_f(row['baseline_bench_mean_mae']):>12}"
                f"{_f(row['baseline_model_mean_mae']):>12}"
            )
        misses = meets_target(cv)
        lines += [
            "",
            "target (MAE <= 5.0, better than both baselines on every benchmark with >= 20 results): "
            + ("met" if not misses else "missed: " + "; ".join(misses)),
        ]
        return lines


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _f(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def calibrate_catalog(
    root: Any, *, folds: int = 10, seed: int = 0, report: bool = True, write: bool = True
) -> CalibrationOutcome:
    """Fit the catalogue at ``root``, cross-validate, and write ``root/calibration.toml``."""
    from dataclasses import replace
    from pathlib import Path

    from tui.core.calibfile import FILE_NAME, calibration_text
    from tui.core.catalog import catalog_hash, load_catalog
    from tui.core.clock import today
    from tui.core.errors import InputError
    from tui.core.paths import atomic_write
    from tui.core.stitching import observations

    root = Path(root)
    catalog = load_catalog(root)
    results = catalog.frame.results
    counts = results["bench"].value_counts()
    bench_ids = sorted(b for b in catalog.registry if counts.get(b, 0) >= MIN_RESULTS)
    if not bench_ids:
        raise InputError(f"no benchmark has {MIN_RESULTS} or more results to calibrate on", path=root)
    items = {b: info.items for b, info in catalog.registry.items()}
    chance = {b: (info.chance or 0.0) / 100.0 for b, info in catalog.registry.items()}
    obs = observations(results, items, bench_ids=bench_ids)
    # a second factor is kept only when it predicts held-out scores better
    cvs = {f: cross_validate(obs, chance, folds=max(folds, 2), seed=seed, factors=f) for f in FACTORS}
    factors = min(FACTORS, key=lambda f: (cvs[f]["mae"] if cvs[f]["mae"] is not None else np.inf, f))
    cv = {**cvs[factors], "mae_by_factors": {str(f): cvs[f]["mae"] for f in FACTORS}}
    cal = fit(obs, chance, factors=factors)
    cal = replace(cal, catalog_sha256=catalog_hash(root), fitted=today().isoformat())
    path = None
    if write:
        path = root / FILE_NAME
        try:
            atomic_write(path, calibration_text(cal, cv))
        except PermissionError:
            raise InputError("cannot write the calibration (permission denied)", path=path) from None
    return CalibrationOutcome(cal, cv, path)
