"""Screening: the hard criteria of the four steps, applied to every model at once.

Every criterion is evaluated with array operations over all models. A model leaves the
funnel at the first step it fails, but every criterion it fails is recorded (actual,
required, margin), so the reasons name them all. Reasons are kept as arrays and turned
into text only when they are shown (:mod:`tui.core.explain`).

Unknown is never a silent pass. Under the default missing-data policy ``fail``:

- a threshold on a benchmark score the model has not reported passes only *on estimate*,
  when the stitched estimate gives P(score >= threshold) >= 0.95, and is flagged so;
- an unknown MOF class, context window, price, memory need or latency fails the floor
  that names it (a model whose weights are not released has no MOF class: that is known);
- ``exclude`` sets such a model aside as lacking data; ``warn`` lets it pass with a warning,
  an explicit opt-out that every view shows prominently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tui.core.results import STEPS, Z95, estimate_text
from tui.core.rubric import MOF_RANK
from tui.core.schema import LEVEL_ORDER, LICENSE_LADDER, PRECISION_BITS, Level
from tui.core.stitching import prob_at_least

if TYPE_CHECKING:
    from tui.core.rubric import Rubric
    from tui.core.scores import ScoreTable

MEMORY_OVERHEAD = 0.20
"""Self-hosting estimate: weight bytes plus 20% for KV cache, activations and runtime."""
ON_ESTIMATE = 0.95
"""An estimated score passes a threshold only when P(score >= threshold) reaches this."""
DIMENSION_LABELS = {
    "weights": "weights",
    "architecture": "architecture",
    "training_methodology": "training methodology",
    "training_data": "training data",
    "inference_code": "inference code",
    "documentation": "documentation",
    "license": "licence",
}
MOF_LABELS = {1.0: "I", 2.0: "II", 3.0: "III", 4.0: "none"}


@dataclass
class Check:
    """One criterion's failures, as arrays over the failing models."""

    step: int
    criterion: str
    label: str
    positions: np.ndarray
    actual: np.ndarray | Callable[[], np.ndarray]
    """Numbers (formatted with ``fmt``) or text, one per failing model; or a function that
    writes that text only when a view asks for the failures."""
    required: str
    margin: np.ndarray
    kind: str
    """below | level | category | missing | no-data | estimate."""
    fmt: str = "{:g}"
    near_ok: np.ndarray | None = None


@dataclass
class Screening:
    """What screening found: failures, per-model notes, and the funnel."""

    n: int
    checks: list[Check] = field(default_factory=list)
    warnings: list[tuple[np.ndarray, str | Callable[[int], str]]] = field(default_factory=list)
    """(positions, text or a function of the position) for models that pass with a caveat."""
    borderline: dict[str, np.ndarray] = field(default_factory=dict)
    """Threshold criterion -> models that passed only through their 95% interval."""
    on_estimate: dict[str, np.ndarray] = field(default_factory=dict)
    """Threshold criterion -> models that passed on an estimated score."""
    p_meet: dict[str, np.ndarray] = field(default_factory=dict)
    """Threshold criterion -> P(score >= threshold) for estimated scores (NaN for observed)."""
    notes: list[str] = field(default_factory=list)
    """Global notes, e.g. a screen that had no data to work on."""
    memory: np.ndarray | None = None
    memory_bits: np.ndarray | None = None
    cost: np.ndarray | None = None

    def fail(self, check: Check) -> None:
        """Record a criterion's failures (nothing when no model failed)."""
        if len(check.positions):
            self.checks.append(check)

    def warn(self, mask: np.ndarray, text: str | Callable[[int], str]) -> None:
        """Attach a warning to every model in ``mask``.

        ``text`` is one string, or a function of a model's position that writes its line:
        it runs only for the models a view shows, never for all of them.
        """
        if mask.any():
            self.warnings.append((np.flatnonzero(mask), text))

    def exit_step(self) -> np.ndarray:
        """Per model: the index of the first step it failed (len(STEPS) when it passed)."""
        out = np.full(self.n, len(STEPS))
        for check in self.checks:
            np.minimum.at(out, check.positions, check.step)
        return out

    def funnel(self) -> list[tuple[str, int]]:
        """(step, models remaining after it), starting with the whole catalogue."""
        exit_step = self.exit_step()
        return [("catalogue", self.n)] + [(step, int((exit_step > i).sum())) for i, step in enumerate(STEPS)]

    def failures(self) -> pd.DataFrame:
        """Every failure as one row: position, step, criterion, label, actual, required, margin, kind, near_ok."""
        frames = []
        for c in self.checks:
            values = c.actual() if callable(c.actual) else c.actual
            actual = (
                np.array([c.fmt.format(v) for v in values], dtype=object)
                if values.dtype.kind in "fi"
                else values.astype(object)
            )
            frames.append(
                pd.DataFrame(
                    {
                        "position": c.positions,
                        "step": c.step,
                        "criterion": c.criterion,
                        "label": c.label,
                        "actual": actual,
                        "required": c.required,
                        "margin": c.margin.astype(float),
                        "kind": c.kind,
                        "near_ok": c.near_ok if c.near_ok is not None else np.zeros(len(c.positions), dtype=bool),
                    }
                )
            )
        columns = ["position", "step", "criterion", "label", "actual", "required", "margin", "kind", "near_ok"]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def memory_bits(models: pd.DataFrame, quantisation_bits: int | None) -> np.ndarray:
    """Bits per parameter for the memory estimate: the user's choice, else the native format, else 16."""
    if quantisation_bits is not None:
        return np.full(len(models), float(quantisation_bits))
    native = models["weights_precision"].map(PRECISION_BITS).to_numpy(dtype=float)
    return np.where(np.isfinite(native), native, 16.0)


def memory_estimate_gb(params_b: Any, bits: Any) -> Any:
    """Self-hosting memory estimate in GB: params x bytes/param x (1 + overhead)."""
    return params_b * (np.asarray(bits, dtype=float) / 8.0) * (1.0 + MEMORY_OVERHEAD)


def monthly_cost(price_in: Any, price_out: Any, input_tokens: int, output_tokens: int) -> Any:
    """USD per month at the given token volume (NaN where a price is unknown)."""
    return price_in * input_tokens / 1e6 + price_out * output_tokens / 1e6


class _Screener:
    """Applies one rubric to the models frame and the score table."""

    def __init__(self, models: pd.DataFrame, scores: ScoreTable, rubric: Rubric, latency: np.ndarray | None):
        self.m = models
        self.scores = scores
        self.rubric = rubric
        self.latency = latency
        self.policy = rubric.policy.missing_data
        self.out = Screening(n=len(models))

    def check(
        self,
        step: str,
        criterion: str,
        label: str,
        actual: np.ndarray,
        ok: np.ndarray,
        required: str,
        *,
        margin: np.ndarray | None = None,
        kind: str = "below",
        fmt: str = "{:g}",
        near_ok: np.ndarray | None = None,
        unknown: np.ndarray | None = None,
        missing_text: str | None = None,
    ) -> None:
        """Failures for ``~ok``; the missing-data policy for ``unknown`` (default: NaN actuals)."""
        index = STEPS.index(step)
        if unknown is None:
            unknown = pd.isna(actual) if actual.dtype.kind not in "fi" else np.isnan(actual)
        fail = ~ok & ~unknown
        if fail.any():
            self.out.fail(
                Check(
                    index,
                    criterion,
                    label,
                    np.flatnonzero(fail),
                    actual[fail],
                    required,
                    margin[fail] if margin is not None else np.full(int(fail.sum()), np.nan),
                    kind,
                    fmt,
                    near_ok[fail] if near_ok is not None else None,
                )
            )
        if unknown.any():
            self.unknown(index, criterion, label, unknown, required, missing_text)

    def unknown(
        self, index: int, criterion: str, label: str, mask: np.ndarray, required: str, text: str | None = None
    ) -> None:
        """Apply the missing-data policy to models whose value is unknown."""
        if self.policy == "warn":
            self.out.warn(mask, f"{label}: unknown, passed only because the missing-data policy is 'warn'")
            return
        count = int(mask.sum())
        self.out.fail(
            Check(
                index,
                criterion,
                label,
                np.flatnonzero(mask),
                np.array([text or "unknown"] * count, dtype=object),
                required,
                np.full(count, np.nan),
                "missing" if self.policy == "fail" else "no-data",
            )
        )

    # ------------------------------------------------------------------ steps

    def openness(self) -> None:
        m, policy = self.m, self.rubric.openness
        for dim, level in policy.min_levels.items():
            actual = m[f"lvl_{dim}"].to_numpy()
            need = level.rank
            self.check(
                "openness",
                f"openness.{dim}",
                f"{DIMENSION_LABELS[dim]} openness",
                np.array([LEVEL_ORDER[int(r)].value for r in actual], dtype=object),
                actual >= need,
                level.value,
                margin=(need - actual).astype(float),
                kind="level",
                near_ok=(need - actual) <= 1,
                unknown=np.zeros(len(m), dtype=bool),
            )
        allowed = {c.value for c in policy.license_classes}
        if len(allowed) < len(LICENSE_LADDER):
            classes = m["license_class"].to_numpy(dtype=object)
            self.check(
                "openness",
                "openness.license_class",
                "licence class",
                classes,
                np.isin(classes, list(allowed)),
                " or ".join(c.value for c in policy.license_classes),
                kind="category",
                unknown=np.zeros(len(m), dtype=bool),
            )
        if policy.min_mof_class:
            need = MOF_RANK[policy.min_mof_class]
            released = m["lvl_weights"].to_numpy() >= Level.inspectable.rank
            known = m["mof_known"].to_numpy(dtype=bool)
            klass = m["mof_class"].to_numpy(dtype=float)
            # no released weights, or evidence that meets no class: known to have no class
            actual = np.where(~released | (known & np.isnan(klass)), 4.0, np.where(known, klass, np.nan))
            labels = np.array(
                [MOF_LABELS.get(v, "unknown") if np.isfinite(v) else "unknown" for v in actual], dtype=object
            )
            self.check(
                "openness",
                "openness.mof_class",
                "MOF class (derived)",
                labels,
                np.nan_to_num(actual, nan=99.0) <= need,
                f"{policy.min_mof_class} or better",
                margin=actual - need,
                kind="level",
                near_ok=(actual - need) <= 1,
                unknown=np.isnan(actual),
                missing_text="unknown (no Model Openness Tool component list for these weights)",
            )

    def threshold(self, step: str, cid: str, threshold: float, lenient: bool) -> None:
        """A minimum score: observed values with their noise, estimated values by probability."""
        s = self.scores
        k = s.col(cid)
        crit = s.criteria[cid]
        value, se, observed = s.value[:, k], s.se[:, k], s.observed[:, k]
        estimated = ~observed & np.isfinite(value)
        ok = observed & (value >= threshold)
        border = np.zeros(len(value), dtype=bool)
        if lenient:
            border = observed & ~ok & (value + Z95 * se >= threshold)
            ok = ok | border
        p = np.full(len(value), np.nan)
        if estimated.any() and s.calibration is not None and s.posterior is not None:
            eff_mean, eff_sd = s.posterior.take(estimated).effective(s.calibration, cid)
            p[estimated] = prob_at_least(s.calibration, cid, eff_mean, eff_sd, threshold)
        on_estimate = estimated & (np.nan_to_num(p) >= ON_ESTIMATE)
        ok = ok | on_estimate
        self.out.borderline[cid] = border
        self.out.on_estimate[cid] = on_estimate
        self.out.p_meet[cid] = p
        margin = np.abs(value - threshold) / threshold if threshold else np.zeros(len(value))
        self.check(
            step,
            cid,
            crit.name,
            value,
            ok | ~observed,
            f"{threshold:g}",
            margin=margin,
            fmt="{:.1f}",
            unknown=np.zeros(len(value), dtype=bool),
        )
        # an estimate that is not sure enough: known to be uncertain, handled like unknown
        unsure = estimated & ~on_estimate
        if unsure.any():
            if self.policy == "warn":
                self.out.warn(
                    unsure,
                    lambda i: (
                        f"{crit.name}: no score; estimated {estimate_text(value[i], se[i])} "
                        f"(P(≥ {threshold:g}) = {np.nan_to_num(p[i]):.0%}); passed only because the "
                        "missing-data policy is 'warn'"
                    ),
                )
            else:

                def actual(
                    v: np.ndarray = value[unsure], e: np.ndarray = se[unsure], q: np.ndarray = p[unsure]
                ) -> np.ndarray:
                    return np.array(
                        [
                            f"no score; estimated {estimate_text(a, b)}, P(≥ {threshold:g}) = {c:.0%}"
                            for a, b, c in zip(v, e, q, strict=True)
                        ],
                        dtype=object,
                    )

                self.out.fail(
                    Check(
                        STEPS.index(step),
                        cid,
                        crit.name,
                        np.flatnonzero(unsure),
                        actual,
                        f"{threshold:g}",
                        np.abs(value[unsure] - threshold) / max(threshold, 1e-9),
                        "estimate" if self.policy == "fail" else "no-data",
                    )
                )
        unknown = ~np.isfinite(value)
        if unknown.any():
            self.unknown(
                STEPS.index(step), cid, crit.name, unknown, f"{threshold:g}", "no score, and it cannot be estimated"
            )
        if lenient:
            self.out.warn(
                border,
                lambda i: (
                    f"{crit.name} {value[i]:.1f} is below {threshold:g} but inside its 95% interval "
                    f"(±{Z95 * se[i]:.1f}): borderline"
                ),
            )
        self.out.warn(
            on_estimate,
            lambda i: (
                f"{crit.name}: no score; passes {threshold:g} on estimate ({estimate_text(value[i], se[i])}, "
                f"P = {np.nan_to_num(p[i]):.0%})"
            ),
        )

    def baselines(self) -> None:
        lenient = self.rubric.baselines.mode == "lenient"
        for cid, threshold in self.rubric.baselines.thresholds.items():
            self.threshold("baselines", cid, threshold, lenient)

    def domain(self) -> None:
        rubric, s = self.rubric, self.scores
        for cid, threshold in rubric.domain.evidence_thresholds.items():
            self.threshold("domain", cid, threshold, rubric.baselines.mode == "lenient")
        weights = {cid: w for cid, w in rubric.domain.weights.items() if w > 0}
        if weights and rubric.policy.min_coverage > 0:
            w = np.array([weights[c] for c in weights])
            observed = s.observed[:, [s.col(c) for c in weights]]
            coverage = observed @ w / w.sum() * 100.0
            need = rubric.policy.min_coverage * 100.0
            self.check(
                "domain",
                "domain.coverage",
                "share of the ranking weight with an observed score (%)",
                coverage,
                coverage >= need - 1e-9,
                f">= {need:.0f}",
                margin=np.abs(coverage - need) / need,
                fmt="{:.0f}",
            )
        # a weighted criterion that is neither reported nor estimable is no floor: it counts at the
        # bottom of its scale in the ranking (never rewarded), with a warning (see ranking, explain)

    def practical(self) -> None:
        m, prac = self.m, self.rubric.practical
        price_in = m["price_in"].to_numpy(dtype=float)
        price_out = m["price_out"].to_numpy(dtype=float)
        cost = monthly_cost(price_in, price_out, prac.monthly_input_tokens, prac.monthly_output_tokens)
        bits = memory_bits(m, prac.quantisation_bits)
        memory = memory_estimate_gb(m["params_total_b"].to_numpy(dtype=float), bits)
        self.out.cost, self.out.memory, self.out.memory_bits = cost, memory, bits
        hosted = m["hosted_api"].to_numpy(dtype=bool)
        selfhost = m["self_hostable"].to_numpy(dtype=bool)
        usable = hosted | selfhost
        self.check(
            "practical",
            "practical.available",
            "available",
            np.where(usable, "yes", "neither a hosted API nor downloadable weights").astype(object),
            usable,
            "a hosted API or downloadable weights",
            kind="status",
            unknown=np.zeros(len(m), dtype=bool),
        )
        for cap, actual, name, label in (
            (prac.max_input_usd_per_mtok, price_in, "input_price", "input price (USD/M tokens)"),
            (prac.max_output_usd_per_mtok, price_out, "output_price", "output price (USD/M tokens)"),
            (prac.max_monthly_cost_usd, cost, "monthly_cost", "monthly cost (USD)"),
        ):
            if cap is not None:
                self.check(
                    "practical",
                    f"practical.{name}",
                    label,
                    actual,
                    actual <= cap,
                    f"<= {cap:,.2f}",
                    margin=(actual - cap) / cap if cap else None,
                    fmt="{:,.2f}",
                    missing_text="unknown (no price in the catalogue)",
                )
        if prac.min_context is not None:
            ctx = m["context_window"].to_numpy(dtype=float)
            self.check(
                "practical",
                "practical.context",
                "context window (tokens)",
                ctx,
                ctx >= prac.min_context,
                f">= {prac.min_context:,}",
                margin=(prac.min_context - ctx) / prac.min_context,
                fmt="{:,.0f}",
                missing_text="unknown (no context window in the catalogue)",
            )
        if prac.deployment == "api":
            self.check(
                "practical",
                "practical.deployment",
                "hosted API",
                np.where(hosted, "yes", "no").astype(object),
                hosted,
                "a hosted API",
                kind="category",
                unknown=np.zeros(len(m), dtype=bool),
            )
        elif prac.deployment == "self-host":
            self.check(
                "practical",
                "practical.deployment",
                "self-hosting",
                np.where(selfhost, "weights available", "weights not released").astype(object),
                selfhost,
                "downloadable weights",
                kind="category",
                unknown=np.zeros(len(m), dtype=bool),
            )
        if prac.gpu_memory_gb and prac.deployment != "api":
            # self-host must fit; "either" only needs to fit when there is no hosted API
            need_fit = selfhost & (~hosted if prac.deployment == "either" else True)
            label = "self-hosting memory (estimate, GB)"
            self.check(
                "practical",
                "practical.memory",
                label,
                np.where(need_fit, memory, 0.0),
                ~need_fit | (memory <= prac.gpu_memory_gb),
                f"<= {prac.gpu_memory_gb:g}",
                margin=(memory - prac.gpu_memory_gb) / prac.gpu_memory_gb,
                fmt="{:.0f}",
                unknown=need_fit & np.isnan(memory),
                missing_text="unknown (no parameter count in the catalogue)",
            )
        if prac.max_ttft_s is not None:
            ttft = self.latency if self.latency is not None else np.full(len(m), np.nan)
            if not np.isfinite(ttft).any():
                self.out.notes.append(
                    "max time to first token is set, but no model has a latency measurement: the catalogue holds "
                    "none, so latency can only be screened on your own measurements (import them on step 3, "
                    "criterion ttft_s)"
                )
            self.check(
                "practical",
                "practical.latency",
                "time to first token (s)",
                ttft,
                ttft <= prac.max_ttft_s,
                f"<= {prac.max_ttft_s:g}",
                margin=(ttft - prac.max_ttft_s) / prac.max_ttft_s,
                fmt="{:.2f}",
                missing_text="no latency measurement (import your own on step 3)",
            )


def screen(models: pd.DataFrame, scores: ScoreTable, rubric: Rubric, *, latency: np.ndarray | None = None) -> Screening:
    """Screen every model with the rubric's hard criteria, in the wizard's order."""
    screener = _Screener(models, scores, rubric, latency)
    screener.openness()
    screener.baselines()
    screener.domain()
    screener.practical()
    return screener.out
