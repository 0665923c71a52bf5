"""The stitched capability model: one latent capability per model, read off every benchmark.

This is benchmark stitching, after Epoch AI's "A Rosetta Stone for AI Benchmarks". Each
benchmark ``b`` has a difficulty ``D_b`` and a slope ``alpha_b``; each model ``m`` has a
capability ``C_m``. A score (0-100) is modelled as

    y = 100 * (c_b + (1 - c_b) * sigmoid(alpha_b * (C_m - D_b) + delta)) + noise,
    noise ~ N(0, tau_b^2 + se^2)

where ``c_b`` is the benchmark's chance level (fixed, from the registry), ``delta`` is the
offset of the result's source and setting family (a developer-reported figure, several
attempts, a low reasoning effort), ``tau_b`` is the benchmark's noise beyond sampling and
``se`` the result's own standard error.

The benchmark parameters and offsets are *calibrated* once per catalogue release
(:mod:`tui.core.calibrate`) and stored in ``catalog/calibration.toml``. At run time each
model's capability is estimated from its own results alone, against those fixed
parameters (:func:`score_models`). No model's estimate depends on another model's data,
so adding or removing a model never moves another: there is no rank reversal.

numpy only: scoring runs on every start, and must not pull in anything heavier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

FAMILIES = ("multi_attempt", "low_effort")
"""Setting families with a fitted offset, besides who reported the result.

- ``multi_attempt``: majority vote, best-of-n, pass@k with k > 1, parallel test-time compute;
- ``low_effort``: a reasoning model run at low or minimal reasoning effort, or without thinking.
"""

_MULTI = re.compile(
    r"maj@|cons@|pass@(?:[2-9]|\d\d)|best[- ]of|parallel|majority|self[- ]consisten|@\s?(?:[2-9]|\d\d)\b"
    r"|multiple attempts|\bvoting\b",
    re.I,
)
_LOW = re.compile(
    r"effort (?:low|minimal)|\b(?:low|minimal) (?:reasoning )?effort|no thinking|non-thinking|"
    r"thinking off|without thinking",
    re.I,
)


def setting_families(setting: str) -> tuple[str, ...]:
    """The families (of :data:`FAMILIES`) a result's free-text setting belongs to."""
    out = []
    if _MULTI.search(setting):
        out.append("multi_attempt")
    if _LOW.search(setting):
        out.append("low_effort")
    return tuple(out)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function, safe for large |z|."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


@dataclass(frozen=True)
class BenchParams:
    """The calibrated parameters of one benchmark."""

    difficulty: float
    slope: float
    tau: float
    """Noise beyond sampling, in points."""
    developer_offset: float
    """Added to the logit of a developer-reported result (logit units)."""
    chance: float
    """Chance level as a fraction (0.25 for four-way multiple choice)."""
    n: int
    """Results the calibration used."""


@dataclass(frozen=True)
class Calibration:
    """Everything scoring needs, as written to ``catalog/calibration.toml``."""

    benchmarks: dict[str, BenchParams]
    families: dict[str, float]
    prior_mean: float
    prior_sd: float
    catalog_sha256: str
    fitted: str
    """When the calibration was made (ISO date)."""
    settings: dict[str, Any] = field(default_factory=dict)
    diagnostics: dict[str, Any] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """A short hash of the parameters, stored in records."""
        import hashlib
        import json

        payload = json.dumps(
            {
                "b": {
                    k: [v.difficulty, v.slope, v.tau, v.developer_offset, v.chance]
                    for k, v in sorted(self.benchmarks.items())
                },
                "f": dict(sorted(self.families.items())),
                "p": [self.prior_mean, self.prior_sd],
            },
            sort_keys=True,
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def offset(self, bench: str, reported_by: str, families: tuple[str, ...]) -> float:
        """The logit offset of a result's source and setting family."""
        out = self.benchmarks[bench].developer_offset if reported_by == "developer" else 0.0
        return out + sum(self.families.get(f, 0.0) for f in families)

    def predict(self, bench: str, capability: np.ndarray | float, offset: float = 0.0) -> np.ndarray:
        """Expected score (0-100) of a model with ``capability`` on ``bench`` in a setting."""
        p = self.benchmarks[bench]
        z = p.slope * (np.asarray(capability, dtype=float) - p.difficulty) + offset
        return 100.0 * (p.chance + (1.0 - p.chance) * sigmoid(z))

    def to_standard(self, bench: str, value: np.ndarray | float, offset: np.ndarray | float) -> np.ndarray:
        """Put observed scores measured with ``offset`` on the standard (independent) scale."""
        p = self.benchmarks[bench]
        frac = (np.asarray(value, dtype=float) / 100.0 - p.chance) / (1.0 - p.chance)
        frac = np.clip(frac, 1e-3, 1 - 1e-3)
        z = np.log(frac / (1.0 - frac)) - np.asarray(offset, dtype=float)
        adjusted = 100.0 * (p.chance + (1.0 - p.chance) * sigmoid(z))
        # an observed score at or below chance, or at 100, is not moved by the offset
        edge = (np.asarray(value) / 100.0 <= p.chance + 1e-3 * (1 - p.chance)) | (np.asarray(value) >= 100 - 1e-9)
        return np.where(edge, np.asarray(value, dtype=float), adjusted)


# --------------------------------------------------------------------------- observations


@dataclass(frozen=True)
class Observations:
    """Results as flat arrays, one entry per result, for fitting and scoring."""

    model: np.ndarray
    """Index into ``model_ids``."""
    bench: np.ndarray
    """Index into ``bench_ids``."""
    value: np.ndarray
    se: np.ndarray
    developer: np.ndarray
    family: np.ndarray
    """(n, len(FAMILIES)) 0/1 flags."""
    weight: np.ndarray
    """1/k for a result one of k for the same model and benchmark, so a pair counts once."""
    model_ids: list[str]
    bench_ids: list[str]

    def __len__(self) -> int:
        return len(self.value)

    def subset(self, mask: np.ndarray) -> Observations:
        """The observations selected by ``mask``, with weights recomputed."""
        return _with_weights(
            Observations(
                self.model[mask],
                self.bench[mask],
                self.value[mask],
                self.se[mask],
                self.developer[mask],
                self.family[mask],
                self.weight[mask],
                self.model_ids,
                self.bench_ids,
            )
        )


def _with_weights(obs: Observations) -> Observations:
    key = obs.model.astype(np.int64) * (len(obs.bench_ids) + 1) + obs.bench
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    weight = 1.0 / counts[inverse] if len(key) else np.zeros(0)
    return Observations(
        obs.model, obs.bench, obs.value, obs.se, obs.developer, obs.family, weight, obs.model_ids, obs.bench_ids
    )


def result_se(value: np.ndarray, stderr: np.ndarray, n: np.ndarray) -> np.ndarray:
    """A result's standard error in points: stated, else binomial from its item count, else 0 (unknown)."""
    p = np.clip(value / 100.0, 0.0, 1.0)
    binomial = 100.0 * np.sqrt(p * (1.0 - p) / np.where(n > 0, n, np.nan))
    se = np.where(np.isfinite(stderr), stderr, binomial)
    return np.nan_to_num(se, nan=0.0)


def observations(
    results: pd.DataFrame, items: dict[str, int], model_ids: list[str] | None = None, bench_ids: list[str] | None = None
) -> Observations:
    """Arrays from a results frame (columns model_id, bench, value, setting, reported_by, stderr, n).

    Only benchmarks in ``bench_ids`` (default: those of ``items``) are used.
    """
    bench_ids = list(bench_ids if bench_ids is not None else sorted(items))
    rows = results[results["bench"].isin(bench_ids)]
    if model_ids is None:
        model_ids = sorted(rows["model_id"].unique())
    rows = rows[rows["model_id"].isin(model_ids)]
    m_index = {m: i for i, m in enumerate(model_ids)}
    b_index = {b: i for i, b in enumerate(bench_ids)}
    value = rows["value"].to_numpy(dtype=float)
    n = rows["n"].to_numpy(dtype=float)
    n = np.where(np.isfinite(n), n, rows["bench"].map(items).to_numpy(dtype=float))
    se = result_se(value, rows["stderr"].to_numpy(dtype=float), n)
    settings = rows["setting"].astype(str).tolist()
    family = np.array([[f in setting_families(s) for f in FAMILIES] for s in settings], dtype=float)
    family = family.reshape(len(settings), len(FAMILIES))
    obs = Observations(
        model=rows["model_id"].map(m_index).to_numpy(dtype=np.int64),
        bench=rows["bench"].map(b_index).to_numpy(dtype=np.int64),
        value=value,
        se=se,
        developer=(rows["reported_by"] == "developer").to_numpy(dtype=float),
        family=family,
        weight=np.ones(len(value)),
        model_ids=list(model_ids),
        bench_ids=bench_ids,
    )
    return _with_weights(obs)


def _arrays(cal: Calibration, obs: Observations) -> tuple[np.ndarray, ...]:
    """Per-observation benchmark parameters and offsets."""
    params = [cal.benchmarks[b] for b in obs.bench_ids]
    D = np.array([p.difficulty for p in params])[obs.bench]
    A = np.array([p.slope for p in params])[obs.bench]
    T = np.array([p.tau for p in params])[obs.bench]
    c = np.array([p.chance for p in params])[obs.bench]
    dev = np.array([p.developer_offset for p in params])[obs.bench]
    fam = np.array([cal.families.get(f, 0.0) for f in FAMILIES])
    offset = dev * obs.developer + obs.family @ fam
    return D, A, T, c, offset


# ------------------------------------------------------------------------------ scoring


@dataclass(frozen=True)
class Capabilities:
    """Each model's capability estimate: the posterior mean, its standard deviation and evidence."""

    model_ids: list[str]
    mean: np.ndarray
    sd: np.ndarray
    n_results: np.ndarray

    def lookup(self, ids: list[str] | pd.Index) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Mean, sd and result count for ``ids`` (the prior for ids without results)."""
        index = {m: i for i, m in enumerate(self.model_ids)}
        pos = np.array([index.get(m, -1) for m in ids], dtype=np.int64)
        found = pos >= 0
        safe = np.where(found, pos, 0)
        return (
            np.where(found, self.mean[safe], np.nan),
            np.where(found, self.sd[safe], np.nan),
            np.where(found, self.n_results[safe], 0),
        )


def score_models(cal: Calibration, obs: Observations, iterations: int = 30) -> Capabilities:
    """MAP capability and its Laplace standard deviation for every model in ``obs``.

    A one-dimensional damped Gauss-Newton solve per model, vectorised over all models:
    each model's estimate uses its own results and the population prior only.
    """
    M = len(obs.model_ids)
    mean = np.full(M, cal.prior_mean)
    prior_prec = 1.0 / cal.prior_sd**2
    if len(obs) == 0:
        return Capabilities(obs.model_ids, mean, np.full(M, cal.prior_sd), np.zeros(M, dtype=int))
    D, A, T, c, offset = _arrays(cal, obs)
    var = T**2 + obs.se**2
    w = obs.weight / var

    def objective(C: np.ndarray) -> np.ndarray:
        pred = 100.0 * (c + (1.0 - c) * sigmoid(A * (C[obs.model] - D) + offset))
        data = np.bincount(obs.model, w * (obs.value - pred) ** 2, minlength=M)
        return data + prior_prec * (C - cal.prior_mean) ** 2

    current = objective(mean)
    for _ in range(iterations):
        z = A * (mean[obs.model] - D) + offset
        s = sigmoid(z)
        pred = 100.0 * (c + (1.0 - c) * s)
        g = 100.0 * (1.0 - c) * s * (1.0 - s) * A
        grad = np.bincount(obs.model, w * g * (obs.value - pred), minlength=M) - prior_prec * (mean - cal.prior_mean)
        hess = np.bincount(obs.model, w * g * g, minlength=M) + prior_prec
        step = np.clip(grad / hess, -0.5, 0.5)
        # backtrack per model: a Gauss-Newton step on a steep sigmoid can overshoot into
        # the flat tail, where the gradient vanishes and the estimate would stall
        for _ in range(12):
            trial = objective(mean + step)
            worse = trial > current + 1e-12
            if not worse.any():
                break
            step = np.where(worse, step * 0.5, step)
        trial = objective(mean + step)
        accept = trial <= current + 1e-12
        mean = np.where(accept, mean + step, mean)
        current = np.where(accept, trial, current)
        if np.max(np.abs(np.where(accept, step, 0.0))) < 1e-8:
            break
    z = A * (mean[obs.model] - D) + offset
    s = sigmoid(z)
    g = 100.0 * (1.0 - c) * s * (1.0 - s) * A
    info = np.bincount(obs.model, w * g * g, minlength=M) + prior_prec
    counts = np.bincount(obs.model, minlength=M)
    return Capabilities(obs.model_ids, mean, 1.0 / np.sqrt(info), counts)


# --------------------------------------------------------------------- predictive moments

_GH_NODES, _GH_WEIGHTS = np.polynomial.hermite_e.hermegauss(15)
_GH_WEIGHTS = _GH_WEIGHTS / _GH_WEIGHTS.sum()


def predictive(cal: Calibration, bench: str, mean: np.ndarray, sd: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation (points) of a model's score on ``bench`` in the standard setting.

    The capability is integrated out over its posterior N(mean, sd^2) by Gauss-Hermite
    quadrature (exact enough for a smooth curve), and the benchmark's own noise ``tau``
    is added: the interval is that of the model's score on the benchmark. A particular
    measurement of it adds its own sampling error on top.
    """
    nodes = mean[:, None] + sd[:, None] * _GH_NODES[None, :]
    y = cal.predict(bench, nodes)
    m = y @ _GH_WEIGHTS
    v = ((y - m[:, None]) ** 2) @ _GH_WEIGHTS
    return m, np.sqrt(v + cal.benchmarks[bench].tau ** 2)


def quadrature(mean: np.ndarray, sd: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Capability nodes (models x nodes) and their weights, for expectations over the posterior."""
    return mean[:, None] + sd[:, None] * _GH_NODES[None, :], _GH_WEIGHTS


def norm_cdf(x: np.ndarray) -> np.ndarray:
    """The standard normal CDF (Abramowitz & Stegun 7.1.26; absolute error below 1.5e-7)."""
    x = np.asarray(x, dtype=float)
    z = np.abs(x) / np.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * z)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    erf = 1.0 - poly * np.exp(-z * z)
    return 0.5 * (1.0 + np.sign(x) * erf)


def prob_at_least(cal: Calibration, bench: str, mean: np.ndarray, sd: np.ndarray, threshold: float) -> np.ndarray:
    """P(score >= threshold) for models whose score on ``bench`` is estimated, not observed.

    The capability's posterior is integrated by quadrature; around the curve the score
    varies with the benchmark's noise ``tau``.
    """
    nodes, weights = quadrature(np.asarray(mean, dtype=float), np.asarray(sd, dtype=float))
    y = cal.predict(bench, nodes)
    tau = max(cal.benchmarks[bench].tau, 1e-6)
    return (1.0 - norm_cdf((threshold - y) / tau)) @ weights
