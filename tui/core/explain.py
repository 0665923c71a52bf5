"""Explanations: why each shortlisted model is there, and why every other model is not.

Reasons for shortlisted models name every number with its source, setting and date, say
when a figure was adjusted to the common scale, and label estimated values as estimates
with their interval. Reasons for excluded models are built from the screening arrays
only when they are shown or exported.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tui.core.results import STEPS, CriterionValue, ExcludedItem, NearMiss, estimate_text
from tui.core.schema import LEVEL_ORDER, LICENSE_LADDER
from tui.core.screening import DIMENSION_LABELS, MEMORY_OVERHEAD

if TYPE_CHECKING:
    from tui.core.rubric import Rubric
    from tui.core.scores import ScoreTable
    from tui.core.screening import Screening


def fmt_money(value: float | None) -> str:
    """``$1,234.50`` (or ``$12,345`` from $100 up), ``unknown`` for a missing value."""
    if value is None or not np.isfinite(value):
        return "unknown"
    return f"${value:,.2f}" if value < 100 else f"${value:,.0f}"


def describe_result(row: Any) -> str:
    """Who measured a result, how, where and when."""
    if row["reported_by"] == "independent":
        who = "independent" + (f" ({row['evaluator']})" if row.get("evaluator") else "")
    else:
        who = "developer-reported"
    return f"{who}, {row['setting']}, {row['source']}, as of {row['as_of']}"


def _adjustment_text(scores: ScoreTable, cid: str, row: Any, raw: float, value: float) -> str:
    if abs(value - raw) < 0.05:
        return ""
    why = []
    if row["reported_by"] == "developer":
        why.append("developer-reported")
    # every result row carries its families, read once when the frame (or the evidence) was built
    why += [f.replace("_", " ") for f in row["families"]]
    return f"; {value:.1f} on the independent, standard-setting scale ({value - raw:+.1f} for {', '.join(why)})"


def criterion_value(scores: ScoreTable, position: int, cid: str) -> CriterionValue:
    """One model's value on one criterion, with where it came from."""
    k = scores.col(cid)
    crit = scores.criteria[cid]
    value, se = scores.value[position, k], scores.se[position, k]
    if scores.observed[position, k]:
        row = scores.result(scores.ids[position], cid)
        raw = float(scores.raw[position, k])
        return CriterionValue(
            cid,
            crit.name,
            round(float(value), 2),
            round(float(se), 2),
            True,
            raw=raw,
            adjustment=round(float(value) - raw, 2),
            source=describe_result(row),
        )
    if np.isfinite(value):
        n = int(scores.cap_n[position])
        how = (
            f"estimated from {n} benchmark result{'s' if n != 1 else ''} of this model"
            if n
            else "no benchmark result: the catalogue's population prior"
        )
        return CriterionValue(
            cid, crit.name, round(float(value), 2), round(float(se), 2), False, based_on=n, source=how
        )
    return CriterionValue(cid, crit.name, None, None, False, source="no score, and it cannot be estimated")


def met_reasons(m: pd.DataFrame, rubric: Rubric, scores: ScoreTable, screening: Screening, position: int) -> list[str]:
    """Why a shortlisted model passed each criterion and how it scores on the weighted ones."""
    reasons: list[str] = []
    row = m.iloc[position]
    for dim, level in rubric.openness.min_levels.items():
        actual = LEVEL_ORDER[int(row[f"lvl_{dim}"])].value
        reasons.append(f"{DIMENSION_LABELS[dim]} openness {actual} (needs {level.value} or better)")
    if len(rubric.openness.license_classes) < len(LICENSE_LADDER):
        reasons.append(f"licence {row['license_id']} is {row['license_class']}")
    if rubric.openness.min_mof_class and np.isfinite(row["mof_class"]):
        roman = {1: "I", 2: "II", 3: "III"}[int(row["mof_class"])]
        reasons.append(f"MOF class {roman} (derived; needs {rubric.openness.min_mof_class} or better)")
    thresholds = {**rubric.baselines.thresholds, **rubric.domain.evidence_thresholds}
    for cid, threshold in thresholds.items():
        reasons.append(_threshold_reason(scores, screening, position, cid, threshold))
    for cid, weight in rubric.domain.weights.items():
        if weight > 0 and cid not in thresholds:
            reasons.append(_weighted_reason(scores, position, cid, weight))
    prac = rubric.practical
    cost = screening.cost[position] if screening.cost is not None else np.nan
    if np.isfinite(cost):
        reasons.append(
            f"monthly cost {fmt_money(cost)} at {prac.monthly_input_tokens:,} input + {prac.monthly_output_tokens:,} "
            f"output tokens ({row['price_provider']} list price, {row['price_source']}, as of {row['price_as_of']})"
        )
    ctx = row["context_window"]
    if prac.min_context and np.isfinite(ctx):
        reasons.append(f"context window {int(ctx):,} tokens (needs {prac.min_context:,})")
    memory = screening.memory[position] if screening.memory is not None else np.nan
    if row["self_hostable"] and np.isfinite(memory):
        bits = float(screening.memory_bits[position]) if screening.memory_bits is not None else 16.0
        native = row["weights_precision"]
        how = (
            f"{bits:g}-bit as chosen"
            if prac.quantisation_bits is not None
            else f"its native {native.upper()} weights, {bits:g} bits"
            if isinstance(native, str)
            else "16-bit (native format unknown)"
        )
        reasons.append(
            f"self-hosting needs about {memory:.0f} GB at {how} (estimate: {row['params_total_b']:g}B "
            f"parameters x {bits / 8:g} bytes + {MEMORY_OVERHEAD:.0%})"
        )
    return reasons


def _threshold_reason(scores: ScoreTable, screening: Screening, position: int, cid: str, threshold: float) -> str:
    k = scores.col(cid)
    crit = scores.criteria[cid]
    value = scores.value[position, k]
    if scores.observed[position, k]:
        row = scores.result(scores.ids[position], cid)
        raw = float(scores.raw[position, k])
        border = screening.borderline.get(cid)
        tag = " borderline" if border is not None and border[position] else ""
        return (
            f"{crit.name} {raw:g} vs {threshold:g} ({value - threshold:+.1f}{tag}); {describe_result(row)}"
            + _adjustment_text(scores, cid, row, raw, float(value))
        )
    if np.isfinite(value):
        p = screening.p_meet.get(cid, np.full(position + 1, np.nan))[position]
        n = int(scores.cap_n[position])
        return (
            f"{crit.name}: no score; estimated {estimate_text(value, scores.se[position, k])} from {n} other "
            f"result{'s' if n != 1 else ''}, P(≥ {threshold:g}) = {np.nan_to_num(p):.0%}"
            + (": passes on estimate" if np.nan_to_num(p) >= 0.95 else "")
        )
    return f"{crit.name}: unknown (needs {threshold:g}); passed under the missing-data policy 'warn'"


def _weighted_reason(scores: ScoreTable, position: int, cid: str, weight: float) -> str:
    k = scores.col(cid)
    crit = scores.criteria[cid]
    value = scores.value[position, k]
    if scores.observed[position, k]:
        row = scores.result(scores.ids[position], cid)
        raw = float(scores.raw[position, k])
        return f"{crit.name} {raw:g} (weight {weight:g}); {describe_result(row)}" + _adjustment_text(
            scores, cid, row, raw, float(value)
        )
    if np.isfinite(value):
        estimate = criterion_value(scores, position, cid)
        return f"{crit.name} {estimate.label} (weight {weight:g}), {estimate.source}"
    return f"{crit.name}: no score (weight {weight:g}); counted at the bottom of its scale"


ESTIMATED = ": not reported; the value is an estimate"
ON_ESTIMATE = ": no score; passes "


def merge_warnings(screening: list[str], data: list[str]) -> list[str]:
    """Screening warnings, then data warnings, one per missing score.

    A criterion whose threshold passed on estimate is already said to be estimated (with its
    value and P) by the screening; its data warning "not reported; the value is an estimate"
    would say the same thing again.
    """
    on_estimate = {w.split(ON_ESTIMATE, 1)[0] for w in screening if ON_ESTIMATE in w}
    return screening + [w for w in data if not (ESTIMATED in w and w.split(ESTIMATED, 1)[0] in on_estimate)]


def data_warnings(rubric: Rubric, scores: ScoreTable, positions: list[int], today: dt.date) -> dict[int, list[str]]:
    """Stale, self-reported-only, saturated, estimated and mixed-setting warnings per listed model."""
    out: dict[int, list[str]] = {p: [] for p in positions}
    used = [
        c
        for c in scores.columns
        if c in rubric.baselines.thresholds
        or c in rubric.domain.evidence_thresholds
        or rubric.domain.weights.get(c, 0) > 0
    ]
    limit = dt.timedelta(days=rubric.policy.stale_after_days)
    settings: dict[str, dict[str, str]] = {}
    for cid in used:
        k = scores.col(cid)
        seen = {}
        for p in positions:
            if scores.observed[p, k]:
                row = scores.result(scores.ids[p], cid)
                seen[scores.ids[p]] = (
                    f"{row['setting']} ({'developer' if row['reported_by'] == 'developer' else 'independent'})"
                )
        if len(set(seen.values())) > 1:
            settings[cid] = seen
    for p in positions:
        mid = scores.ids[p]
        warns = out[p]
        if scores.cap_n[p] == 0 and not scores.observed[p].any():
            warns.append(
                "no benchmark evidence at all: every score is the catalogue's prior, so it is ranked after "
                "every model with evidence"
            )
        for cid in used:
            k = scores.col(cid)
            crit = scores.criteria[cid]
            if not scores.observed[p, k]:
                if np.isfinite(scores.value[p, k]):
                    warns.append(f"{crit.name}{ESTIMATED} ({estimate_text(scores.value[p, k], scores.se[p, k])})")
                else:
                    warns.append(f"{crit.name}: no score and no estimate; counted at the bottom of its scale")
                continue
            row = scores.result(mid, cid)
            as_of = row["as_of"]
            if isinstance(as_of, dt.date) and today - as_of > limit:
                warns.append(f"{crit.name}: result from {as_of} is older than {rubric.policy.stale_after_days} days")
            if (
                rubric.policy.warn_self_reported
                and row["reported_by"] == "developer"
                and not bool(row["has_independent"])
                and not crit.team
            ):
                warns.append(f"{crit.name}: self-reported by the developer only")
            if cid in settings:
                mine = settings[cid].get(mid)
                others = sorted({s for o, s in settings[cid].items() if o != mid and s != mine})
                if others:
                    warns.append(
                        f"{crit.name}: this figure is {mine}; others on the shortlist are "
                        + "; ".join(others[:3])
                        + (" …" if len(others) > 3 else "")
                        + " (put on one scale by the calibrated offsets where they apply; compare with care)"
                    )
            if crit.saturated:
                warns.append(f"{crit.name}: saturated benchmark; small differences carry little information")
    return out


def screening_warnings(screening: Screening, positions: list[int]) -> dict[int, list[str]]:
    """The warnings screening attached to the models at ``positions``."""
    wanted = np.asarray(positions, dtype=int)
    out: dict[int, list[str]] = {}
    for where, text in screening.warnings:
        for p in np.intersect1d(where, wanted):
            out.setdefault(int(p), []).append(text if isinstance(text, str) else text(int(p)))
    return out


_TEMPLATES = {
    "missing": "{label}: {actual}; needs {required}",
    "no-data": "{label}: {actual}; set aside under the missing-data policy 'exclude'",
    "estimate": "{label}: {actual}; needs {required}",
    "category": "{label} is {actual}; allowed: {required}",
    "status": "{label}: {actual}; needs {required}",
    "level": "{label} is {actual}; needs {required}",
}


def failure_texts(failures: pd.DataFrame) -> list[str]:
    """One plain-language line per failure."""
    out = []
    for label, actual, required, margin, kind in zip(
        failures["label"].to_numpy(dtype=object),
        failures["actual"].to_numpy(dtype=object),
        failures["required"].to_numpy(dtype=object),
        failures["margin"].to_numpy(dtype=float),
        failures["kind"].to_numpy(dtype=object),
        strict=True,
    ):
        template = _TEMPLATES.get(kind)
        if template is not None:
            out.append(template.format(label=label, actual=actual, required=required))
        elif kind == "below" and margin == margin:  # not NaN
            out.append(f"{label} {actual}; needs {required} (off by {round(abs(margin) * 100):d}%)")
        else:
            out.append(f"{label} {actual}; needs {required}")
    return out


def excluded(
    screening: Screening, ids: pd.Index, names: np.ndarray, near_margin: float
) -> tuple[list[ExcludedItem], list[NearMiss]]:
    """Every excluded model with all its reasons; near misses failed one criterion narrowly."""
    failures = screening.failures()
    if failures.empty:
        return [], []
    failures = failures.sort_values(["position", "step"], kind="stable")
    positions = failures["position"].to_numpy()
    starts = np.flatnonzero(np.r_[True, positions[1:] != positions[:-1]])
    ends = np.r_[starts[1:], len(positions)]
    texts = failure_texts(failures)
    steps = failures["step"].to_numpy()
    first_step = np.minimum.reduceat(steps, starts)
    id_of = ids.to_numpy(dtype=object)
    kinds = failures["kind"].to_numpy()
    margins = failures["margin"].to_numpy(dtype=float)
    near_ok = failures["near_ok"].to_numpy(dtype=bool)
    criteria = failures["criterion"].to_numpy()
    items: list[ExcludedItem] = []
    near: list[NearMiss] = []
    for s, e in zip(starts, ends, strict=True):
        p = int(positions[s])
        step = STEPS[int(first_step[len(items)])]
        reasons = tuple(texts[s:e])
        items.append(ExcludedItem(id=str(id_of[p]), name=str(names[p]), step=step, reasons=reasons))
        if e - s == 1:
            small = (kinds[s] == "below" and np.isfinite(margins[s]) and abs(margins[s]) <= near_margin) or (
                kinds[s] == "level" and near_ok[s]
            )
            if small:
                near.append(
                    NearMiss(
                        id=str(id_of[p]),
                        name=str(names[p]),
                        step=step,
                        reasons=reasons,
                        criterion=str(criteria[s]),
                        margin=None if not np.isfinite(margins[s]) else round(float(margins[s]), 4),
                    )
                )
    items.sort(key=lambda x: x.id)
    near.sort(key=lambda x: x.id)
    return items, near
