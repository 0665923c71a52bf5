"""The stitched capability model: one latent capability per model, read off every benchmark.

This is benchmark stitching, after Epoch AI's "A Rosetta Stone for AI Benchmarks". Each
benchmark ``b`` has a difficulty ``D_b``, a slope ``alpha_b`` and a loading ``beta_b``;
each model ``m`` has a general capability ``C_m`` and a second factor ``R_m``. A score
(0-100) is modelled as

    y = 100 * (c_b + (1 - c_b) * sigmoid(alpha_b * (C_m - D_b) + beta_b * R_m + delta)) + noise,
    noise ~ N(0, tau_b^2 + se^2)

where ``c_b`` is the benchmark's chance level (fixed, from the registry), ``delta`` is the
offset of the result's source and setting family (a developer-reported figure, several
attempts, a low reasoning effort), ``tau_b`` is the benchmark's noise beyond sampling and
``se`` the result's own standard error.

The second factor is there because cross-validation says it predicts better: it is what
separates, at the same general capability, models that reason at length before answering
(strong on competition maths and agentic coding) from those that don't. ``C_m`` is the
capability the product shows; on one benchmark a model acts with its *effective*
capability ``C_m + (beta_b / alpha_b) * R_m``. A calibration with every loading 0 is the
one-factor model exactly.

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

FAMILIES = ("multi_attempt", "low_effort", "fixed_harness", "agent_scaffold", "with_tools")
"""Setting families with a fitted offset, besides who reported the result.

- ``multi_attempt``: majority vote, best-of-n, pass@k with k > 1, parallel test-time compute;
- ``low_effort``: a reasoning model run at low or minimal reasoning effort, or without thinking;
- ``fixed_harness``: the Open LLM Leaderboard v2, a fixed few-shot harness with short
  generation limits and strict answer matching (hard on models that think at length);
- ``agent_scaffold``: a third-party agent on a public agent leaderboard (Terminal-Bench);
- ``with_tools``: search, browsing or a code interpreter added to a benchmark meant to be
  answered without them (HLE or AIME "with tools"); where a tool is part of the task
  (SWE-bench's shell, FrontierMath's Python) it is the standard setting, not this family.
"""

_MULTI = re.compile(
    r"maj@|cons@|pass@(?:[2-9]|\d\d)|best[- ]of|parallel|majority|self[- ]consisten"
    r"|(?<!avg)(?<!mean)@\s?(?:[2-9]|\d\d)\b|multiple attempts|\bvoting\b",
    re.I,
)
_LOW = re.compile(
    r"effort (?:low|minimal)|\b(?:low|minimal) (?:reasoning )?effort|no thinking|non-thinking|"
    r"thinking off|without thinking|no extended thinking|thinking disabled",
    re.I,
)


_TOOLS = re.compile(
    r"\bwith (?:tools|search|browsing)\b|\bwith a python tool|w/ tools|python \+ browser|\(with tools\)"
    r"|method text: 'python'",
    re.I,
)
_HARNESS = re.compile(r"Open LLM Leaderboard v2", re.I)
_AGENT = re.compile(r"Terminal-Bench leaderboard", re.I)


TOOL_TASKS = frozenset({"swe_bench_verified", "terminal_bench"})
"""Benchmarks whose task is done with tools: "with tools" is their standard setting."""


def setting_families(setting: str, evaluator: str = "", bench: str = "") -> tuple[str, ...]:
    """The families (of :data:`FAMILIES`) a result's setting and evaluator belong to."""
    out = []
    if _MULTI.search(setting):
        out.append("multi_attempt")
    if _LOW.search(setting):
        out.append("low_effort")
    if _HARNESS.search(evaluator):
        out.append("fixed_harness")
    if _AGENT.search(evaluator):
        out.append("agent_scaffold")
    if _TOOLS.search(setting) and bench not in TOOL_TASKS:
        out.append("with_tools")
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
    loading: float = 0.0
    """Weight of the second factor in the logit (0: the benchmark reads the general capability only)."""

    @property
    def ratio(self) -> float:
        """How far one unit of the second factor moves the effective capability on this benchmark."""
        return self.loading / self.slope


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
    second_mean: float = 0.0
    """Population mean of the second factor (the scoring prior's)."""
    second_sd: float = 1.0
    second_corr: float = 0.0
    """Population correlation of the two factors."""

    @property
    def two_factor(self) -> bool:
        """Whether any benchmark loads on the second factor."""
        return any(p.loading != 0.0 for p in self.benchmarks.values())

    def prior_cov(self) -> np.ndarray:
        """The scoring prior's covariance of (capability, second factor)."""
        c = self.second_corr * self.prior_sd * self.second_sd
        return np.array([[self.prior_sd**2, c], [c, self.second_sd**2]])

    @property
    def fingerprint(self) -> str:
        """A short hash of the parameters, stored in records."""
        import hashlib
        import json

        payload = json.dumps(
            {
                "b": {
                    k: [v.difficulty, v.slope, v.tau, v.developer_offset, v.chance] + ([v.loading] if v.loading else [])
                    for k, v in sorted(self.benchmarks.items())
                },
                "f": dict(sorted(self.families.items())),
                "p": [self.prior_mean, self.prior_sd]
                + ([self.second_mean, self.second_sd, self.second_corr] if self.two_factor else []),
            },
            sort_keys=True,
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def offset(self, bench: str, reported_by: str, families: tuple[str, ...]) -> float:
        """The logit offset of a result's source and setting family."""
        out = self.benchmarks[bench].developer_offset if reported_by == "developer" else 0.0
        return out + sum(self.families.get(f, 0.0) for f in families)

    def predict(self, bench: str, capability: np.ndarray | float, offset: float = 0.0) -> np.ndarray:
        """Expected score (0-100) on ``bench`` in a setting, of a model with that *effective* capability.

        The effective capability is ``C + ratio * R`` (see :meth:`Posterior.effective`); in a
        one-factor calibration it is the capability itself.
        """
        p = self.benchmarks[bench]
        cap = np.asarray(capability)
        if cap.dtype.kind != "f":
            cap = cap.astype(float)
        # Python-float parameters keep the capability's precision (float32 in the Monte Carlo)
        z = p.slope * (cap - p.difficulty) + offset
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
    evaluators = rows["evaluator"].astype(str).tolist() if "evaluator" in rows else [""] * len(settings)
    benches = rows["bench"].astype(str).tolist()
    family = np.array(
        [
            [f in setting_families(s, e, b) for f in FAMILIES]
            for s, e, b in zip(settings, evaluators, benches, strict=True)
        ],
        dtype=float,
    )
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
class Posterior:
    """Models' posteriors over (capability, second factor): Gaussian, as means, sds and a covariance.

    Arrays are aligned on some list of models (a :class:`Capabilities`' or a score table's).
    """

    mean: np.ndarray
    """Capability: the general factor, the one index the product shows."""
    sd: np.ndarray
    mean2: np.ndarray
    """The second factor."""
    sd2: np.ndarray
    cov: np.ndarray
    """Covariance of the two."""

    @classmethod
    def prior(cls, cal: Calibration, count: int) -> Posterior:
        """``count`` models with no results: the population prior."""
        c = cal.second_corr * cal.prior_sd * cal.second_sd
        return cls(
            np.full(count, cal.prior_mean),
            np.full(count, cal.prior_sd),
            np.full(count, cal.second_mean),
            np.full(count, cal.second_sd),
            np.full(count, c),
        )

    def take(self, rows: np.ndarray) -> Posterior:
        """The posteriors of ``rows`` (an index or a boolean mask)."""
        return Posterior(self.mean[rows], self.sd[rows], self.mean2[rows], self.sd2[rows], self.cov[rows])

    def effective(self, cal: Calibration, bench: str) -> tuple[np.ndarray, np.ndarray]:
        """Mean and sd of each model's effective capability on ``bench`` (exactly Gaussian)."""
        k = cal.benchmarks[bench].ratio
        var = self.sd**2 + 2.0 * k * self.cov + k * k * self.sd2**2
        return self.mean + k * self.mean2, np.sqrt(np.maximum(var, 0.0))

    def _factors(self, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Both factors from independent standard normals ``u`` and ``v`` (Cholesky)."""
        sd = np.where(self.sd > 0, self.sd, 1.0)
        rho_sd2 = np.where(self.sd > 0, self.cov / sd, 0.0)
        rest = np.sqrt(np.maximum(self.sd2**2 - rho_sd2**2, 0.0))
        return self.mean + self.sd * u, self.mean2 + rho_sd2 * u + rest * v

    def draw(self, rng: np.random.Generator, draws: int) -> tuple[np.ndarray, np.ndarray]:
        """Joint draws (draws x models) of both factors, in single precision (Monte Carlo noise is far larger)."""
        u = rng.standard_normal((draws, len(self.mean)), dtype=np.float32)
        v = rng.standard_normal((draws, len(self.mean)), dtype=np.float32) if np.any(self.sd2 > 0) else 0.0 * u
        g, r = self._factors(u, v)
        return g.astype(np.float32, copy=False), r.astype(np.float32, copy=False)

    def nodes(self, two_factor: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Quadrature nodes (models x nodes) of both factors and their weights.

        A product Gauss-Hermite rule over the joint posterior; with one factor the second
        stays at its mean and a finer one-dimensional rule is used.
        """
        if not two_factor:
            g, weights = quadrature(self.mean, self.sd)
            return g, np.repeat(self.mean2[:, None], g.shape[1], 1), weights
        u = np.repeat(_GH2_NODES, len(_GH2_NODES))[None, :]
        v = np.tile(_GH2_NODES, len(_GH2_NODES))[None, :]
        weights = np.outer(_GH2_WEIGHTS, _GH2_WEIGHTS).ravel()
        post = Posterior(*(a[:, None] for a in (self.mean, self.sd, self.mean2, self.sd2, self.cov)))
        g, r = post._factors(u, v)
        return g, r, weights


@dataclass(frozen=True)
class Capabilities:
    """Each model's estimate: the posterior of its two factors, and the evidence behind it."""

    model_ids: list[str]
    posterior: Posterior
    n_results: np.ndarray

    @property
    def mean(self) -> np.ndarray:
        """Posterior mean of the capability (the general factor)."""
        return self.posterior.mean

    @property
    def sd(self) -> np.ndarray:
        """Posterior standard deviation of the capability."""
        return self.posterior.sd

    def lookup(self, ids: list[str] | pd.Index) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Capability mean, sd and result count for ``ids`` (NaN and 0 for ids without results)."""
        pos, found = self._positions(ids)
        return (
            np.where(found, self.mean[pos], np.nan),
            np.where(found, self.sd[pos], np.nan),
            np.where(found, self.n_results[pos], 0),
        )

    def posterior_for(self, ids: list[str] | pd.Index, cal: Calibration) -> Posterior:
        """The posteriors of ``ids``, the population prior for ids without results."""
        pos, found = self._positions(ids)
        mine = self.posterior.take(pos)
        prior = Posterior.prior(cal, len(pos))
        return Posterior(
            *(
                np.where(found, a, b)
                for a, b in zip(
                    (mine.mean, mine.sd, mine.mean2, mine.sd2, mine.cov),
                    (prior.mean, prior.sd, prior.mean2, prior.sd2, prior.cov),
                    strict=True,
                )
            )
        )

    def _positions(self, ids: list[str] | pd.Index) -> tuple[np.ndarray, np.ndarray]:
        index = {m: i for i, m in enumerate(self.model_ids)}
        pos = np.array([index.get(m, -1) for m in ids], dtype=np.int64)
        found = pos >= 0
        return np.where(found, pos, 0), found


def score_models(cal: Calibration, obs: Observations, iterations: int = 40) -> Capabilities:
    """MAP estimate of both factors and their Laplace covariance, for every model in ``obs``.

    A damped Gauss-Newton solve per model (2 x 2 systems), vectorised over all models: each
    model's estimate uses its own results and the population prior only.
    """
    M = len(obs.model_ids)
    prior = Posterior.prior(cal, M)
    if len(obs) == 0:
        return Capabilities(obs.model_ids, prior, np.zeros(M, dtype=int))
    mu0 = np.array([cal.prior_mean, cal.second_mean])
    P0 = np.linalg.inv(cal.prior_cov())
    D, A, T, c, offset = _arrays(cal, obs)
    L = np.array([cal.benchmarks[b].loading for b in obs.bench_ids])[obs.bench]
    var = T**2 + obs.se**2
    w = obs.weight / var
    x = np.stack([prior.mean, prior.mean2], axis=1)

    def objective(X: np.ndarray) -> np.ndarray:
        z = A * (X[obs.model, 0] - D) + L * X[obs.model, 1] + offset
        pred = 100.0 * (c + (1.0 - c) * sigmoid(z))
        data = np.bincount(obs.model, w * (obs.value - pred) ** 2, minlength=M)
        d = X - mu0
        return data + np.einsum("mi,ij,mj->m", d, P0, d)

    def normal_equations(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        z = A * (X[obs.model, 0] - D) + L * X[obs.model, 1] + offset
        s = sigmoid(z)
        pred = 100.0 * (c + (1.0 - c) * s)
        gz = 100.0 * (1.0 - c) * s * (1.0 - s)
        J = np.stack([gz * A, gz * L], axis=1)
        grad = (
            np.stack([np.bincount(obs.model, w * J[:, i] * (obs.value - pred), minlength=M) for i in range(2)], axis=1)
            - (X - mu0) @ P0
        )
        hess = np.empty((M, 2, 2))
        for i in range(2):
            for j in range(i, 2):
                hess[:, i, j] = hess[:, j, i] = np.bincount(obs.model, w * J[:, i] * J[:, j], minlength=M)
        return grad, hess + P0

    current = objective(x)
    for _ in range(iterations):
        grad, hess = normal_equations(x)
        step = np.clip(np.linalg.solve(hess, grad[..., None])[..., 0], -0.5, 0.5)
        # backtrack per model: a Gauss-Newton step on a steep sigmoid can overshoot into
        # the flat tail, where the gradient vanishes and the estimate would stall
        for _ in range(12):
            trial = objective(x + step)
            worse = trial > current + 1e-12
            if not worse.any():
                break
            step = np.where(worse[:, None], step * 0.5, step)
        trial = objective(x + step)
        accept = trial <= current + 1e-12
        x = np.where(accept[:, None], x + step, x)
        current = np.where(accept, trial, current)
        if np.max(np.abs(np.where(accept[:, None], step, 0.0))) < 1e-8:
            break
    _, hess = normal_equations(x)
    cov = np.linalg.inv(hess)
    counts = np.bincount(obs.model, minlength=M)
    post = Posterior(x[:, 0], np.sqrt(cov[:, 0, 0]), x[:, 1], np.sqrt(cov[:, 1, 1]), cov[:, 0, 1])
    return Capabilities(obs.model_ids, post, counts)


# --------------------------------------------------------------------- predictive moments


def gauss_hermite(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights (summing to 1) of the n-point rule for a standard normal (Golub-Welsch).

    The same rule as ``numpy.polynomial.hermite_e.hermegauss``, without importing
    numpy.polynomial (tens of milliseconds at start-up).
    """
    off = np.sqrt(np.arange(1.0, n))
    nodes, vectors = np.linalg.eigh(np.diag(off, 1) + np.diag(off, -1))
    weights = vectors[0] ** 2
    return nodes, weights / weights.sum()


_GH_NODES, _GH_WEIGHTS = gauss_hermite(15)
_GH2_NODES, _GH2_WEIGHTS = gauss_hermite(5)


def predictive(cal: Calibration, bench: str, mean: np.ndarray, sd: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation (points) of a model's score on ``bench`` in the standard setting.

    ``mean`` and ``sd`` describe the effective capability on ``bench``
    (:meth:`Posterior.effective`), which is Gaussian. It is integrated out by Gauss-Hermite
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
    """Nodes (models x nodes) and weights for expectations over N(mean, sd^2), one per model."""
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

    ``mean`` and ``sd`` describe the effective capability on ``bench``
    (:meth:`Posterior.effective`); it is integrated by quadrature; around the curve the score
    varies with the benchmark's noise ``tau``.
    """
    nodes, weights = quadrature(np.asarray(mean, dtype=float), np.asarray(sd, dtype=float))
    y = cal.predict(bench, nodes)
    tau = max(cal.benchmarks[bench].tau, 1e-6)
    return (1.0 - norm_cdf((threshold - y) / tau)) @ weights
