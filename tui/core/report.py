"""Render an evaluation as the stable JSON contract, Markdown or CSV (no rich, no textual).

JSON contract version 2 (see the README): ranks are "1 + the number of models
significantly better", values say whether they were observed or estimated, and the
robustness block names the new #1 of the critical weight change. Output is strict JSON:
no NaN or Infinity ever appears.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from tui.core.results import STEP_TITLES

if TYPE_CHECKING:
    from tui.core.catalog import Catalog
    from tui.core.engine import Evaluation
    from tui.core.presets import ResolvedRubric

JSON_SCHEMA_VERSION = 2
"""Version of the ``shortlist run --format json`` contract. Additive changes keep it."""

ITEM_KEYS = (
    "id",
    "name",
    "rank",
    "rank_label",
    "position",
    "tied_with",
    "score",
    "score_se",
    "p_first",
    "capability",
    "capability_se",
    "results",
    "monthly_cost_usd",
    "memory_gb_estimate",
    "values",
    "reasons",
    "warnings",
    "beyond_cut",
)


def _clean(value: Any) -> Any:
    """Tuples to lists and non-finite floats to None, recursively (strict JSON)."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def to_dict(
    evaluation: Evaluation,
    catalog: Catalog,
    resolved: ResolvedRubric | None = None,
    top: int | None = None,
    evidence: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The JSON contract: schema_version, catalog, rubric, funnel, shortlist, near_misses,
    excluded, pareto, robustness, warnings (and evidence when imported)."""
    shortlist = evaluation.shortlist[:top] if top else evaluation.shortlist
    rubric = evaluation.rubric
    robustness = asdict(evaluation.robustness) if evaluation.robustness else None
    if robustness is not None:
        robustness.pop("notes", None)
    out: dict[str, Any] = {
        "schema_version": JSON_SCHEMA_VERSION,
        "catalog": {
            "models": len(catalog.entries),
            "sha256": catalog.sha256,
            "as_of": catalog.as_of.isoformat(),
            "version": catalog.meta.version,
            "overlay": str(catalog.overlay) if catalog.overlay else None,
            "calibration": evaluation.calibration,
        },
        "rubric": {
            "id": rubric.id,
            "version": rubric.version,
            "ref": rubric.ref,
            "chain": list(resolved.chain) if resolved else [rubric.ref],
            "locks": [lock.model_dump() for lock in (resolved.locks if resolved else rubric.locks)],
            "resolved": rubric.model_dump(mode="json"),
        },
        "funnel": [{"step": f.step, "remaining": f.remaining} for f in evaluation.funnel],
        "emptied_at": evaluation.emptied_at,
        "shortlist": [_item(item) for item in shortlist],
        "tied_outside": list(evaluation.tied_outside),
        "near_misses": [asdict(n) for n in evaluation.near_misses],
        "excluded": [{"id": e.id, "step": e.step, "reasons": list(e.reasons)} for e in evaluation.excluded],
        "pareto": [asdict(p) for p in evaluation.pareto],
        "robustness": robustness,
        "warnings": list(evaluation.warnings) + (list(resolved.warnings) if resolved else []),
    }
    if evidence:
        out["evidence"] = evidence
    return _clean(out)


def _item(item: Any) -> dict[str, Any]:
    row = asdict(item)
    return {k: row[k] for k in ITEM_KEYS}


def to_json(data: dict[str, Any]) -> str:
    """Strict JSON text (the contract's key order is meaningful, so keys are not sorted)."""
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False, default=str) + "\n"


def funnel_line(evaluation: Evaluation) -> str:
    """``Catalogue 120 > 1 Openness 80 > ...``."""
    return " > ".join(f"{STEP_TITLES[f.step]} {f.remaining}" for f in evaluation.funnel)


def critical_text(evaluation: Evaluation) -> str | None:
    """One sentence on the critical weight change, or None."""
    rob = evaluation.robustness
    crit = rob.critical_weight_change if rob else None
    if crit is None or rob is None:
        return None
    return (
        f"moving the {crit.criterion} weight's share from {crit.from_share:.0%} to {crit.to_share:.0%} "
        f"would make {crit.new_first} #1 instead of {rob.first}"
    )


def to_markdown(data: dict[str, Any], evaluation: Evaluation) -> str:
    """A Markdown report: funnel, shortlist table, reasons, near misses, exclusions."""
    lines = [f"# Shortlist: {data['rubric']['ref']}", ""]
    lines.append(
        f"Catalogue {data['catalog']['version']} ({data['catalog']['models']} models, as of "
        f"{data['catalog']['as_of']}, sha256 `{data['catalog']['sha256'][:12]}`)."
    )
    lines += ["", "Funnel: " + funnel_line(evaluation), ""]
    listed = evaluation.shortlist[: len(data["shortlist"])]
    if not evaluation.shortlist:
        lines.append(f"No model qualifies: the funnel emptied at **{evaluation.emptied_at}**.")
    else:
        lines += ["| rank | model | score | P(first) | monthly cost | warnings |", "|---|---|---|---|---|---|"]
        for item in listed:
            cost = "unknown" if item.monthly_cost_usd is None else f"${item.monthly_cost_usd:,.2f}"
            lines.append(
                f"| {item.rank_label} | {item.name} (`{item.id}`) | {item.score:.3f} ± {item.interval:.3f} | "
                f"{item.p_first:.0%} | {cost} | {len(item.warnings)} |"
            )
        lines.append("")
        for item in listed:
            lines.append(f"## {item.rank_label}. {item.name}")
            if item.tied_with:
                lines.append(f"Not significantly different from: {', '.join(item.tied_with)}.")
            lines += [f"- {reason}" for reason in item.reasons]
            lines += [f"- ⚠ {warning}" for warning in item.warnings]
            lines.append("")
    critical = critical_text(evaluation)
    if critical and evaluation.robustness:
        lines += [
            f"Robustness: {critical} ({evaluation.robustness.draws} draws, seed {evaluation.robustness.seed}).",
            "",
        ]
    if data["warnings"]:
        lines += ["## Warnings", ""] + [f"- {w}" for w in data["warnings"]] + [""]
    if evaluation.near_misses:
        lines.append("## Near misses")
        lines += [f"- {n.name} (`{n.id}`): {n.reasons[0]}" for n in evaluation.near_misses]
        lines.append("")
    lines.append("## Excluded")
    lines += [f"- {e.name} (`{e.id}`), at {e.step}: {'; '.join(e.reasons)}" for e in evaluation.excluded]
    lines.append("")
    return "\n".join(lines)


def to_csv(evaluation: Evaluation, top: int | None = None) -> str:
    """One row per shortlisted model, then one per excluded model."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "status",
            "rank",
            "id",
            "name",
            "score",
            "score_se",
            "p_first",
            "monthly_cost_usd",
            "tied_with",
            "step",
            "reasons",
            "warnings",
        ]
    )
    for item in evaluation.shortlist[:top] if top else evaluation.shortlist:
        writer.writerow(
            [
                "shortlisted",
                item.rank_label,
                item.id,
                item.name,
                item.score,
                item.score_se,
                item.p_first,
                "" if item.monthly_cost_usd is None else item.monthly_cost_usd,
                " ".join(item.tied_with),
                "",
                " | ".join(item.reasons),
                " | ".join(item.warnings),
            ]
        )
    for e in evaluation.excluded:
        writer.writerow(["excluded", "", e.id, e.name, "", "", "", "", "", e.step, " | ".join(e.reasons), ""])
    return buffer.getvalue()
