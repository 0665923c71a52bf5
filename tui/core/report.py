"""Render an evaluation as the stable JSON contract, Markdown or CSV (no rich, no textual)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from tui.core.catalog import Catalog
from tui.core.engine import STEP_TITLES, Evaluation
from tui.core.presets import ResolvedRubric

JSON_SCHEMA_VERSION = 1
"""Version of the ``shortlist run --format json`` contract. Additive changes keep it."""


def to_dict(evaluation: Evaluation, catalog: Catalog, resolved: ResolvedRubric | None = None,
            top: int | None = None, evidence: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The JSON contract: schema_version, catalog, rubric, funnel, shortlist, near_misses,
    excluded, pareto, robustness, warnings."""
    shortlist = evaluation.shortlist[:top] if top else evaluation.shortlist
    rubric = evaluation.rubric
    out: dict[str, Any] = {
        "schema_version": JSON_SCHEMA_VERSION,
        "catalog": {
            "models": len(catalog.entries),
            "sha256": catalog.sha256,
            "as_of": catalog.meta.as_of.isoformat(),
            "version": catalog.meta.version,
            "overlay": str(catalog.overlay) if catalog.overlay else None,
        },
        "rubric": {
            "id": rubric.id,
            "version": rubric.version,
            "ref": rubric.ref,
            "chain": list(resolved.chain) if resolved else [rubric.ref],
            "locks": [lock.model_dump() for lock in rubric.locks],
            "resolved": rubric.model_dump(mode="json"),
        },
        "funnel": [{"step": step, "remaining": count} for step, count in evaluation.funnel],
        "emptied_at": evaluation.emptied_at,
        "shortlist": [
            {key: item[key] for key in (
                "id", "name", "rank", "tied_with", "score", "score_se", "p_first",
                "monthly_cost_usd", "memory_gb_estimate", "reasons", "warnings")}
            for item in shortlist
        ],
        "near_misses": evaluation.near_misses,
        "excluded": [{"id": e["id"], "step": e["step"], "reasons": e["reasons"]} for e in evaluation.excluded],
        "pareto": evaluation.pareto,
        "robustness": {k: v for k, v in evaluation.robustness.items()},
        "warnings": list(evaluation.warnings) + (list(resolved.warnings) if resolved else []),
    }
    if evidence:
        out["evidence"] = evidence
    return out


def to_json(data: dict[str, Any]) -> str:
    """Stable JSON text (sorted keys are not used: the contract's order is meaningful)."""
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


def funnel_line(evaluation: Evaluation) -> str:
    """``Catalogue 120 > 1 Openness 80 > ...``."""
    return " > ".join(f"{STEP_TITLES[step]} {count}" for step, count in evaluation.funnel)


def _rank_label(item: dict[str, Any], shortlist: list[dict[str, Any]]) -> str:
    same = [x for x in shortlist if x["tie_group"] == item["tie_group"]]
    return f"={same[0]['rank']}" if len(same) > 1 else str(item["rank"])


def to_markdown(data: dict[str, Any], evaluation: Evaluation) -> str:
    """A Markdown report: funnel, shortlist table, reasons, near misses, exclusions."""
    lines = [f"# Shortlist: {data['rubric']['ref']}", ""]
    lines.append(f"Catalogue {data['catalog']['version']} ({data['catalog']['models']} models, as of "
                 f"{data['catalog']['as_of']}, sha256 `{data['catalog']['sha256'][:12]}`).")
    lines.append("")
    lines.append("Funnel: " + funnel_line(evaluation))
    lines.append("")
    if not evaluation.shortlist:
        lines.append(f"No model qualifies: the funnel emptied at **{evaluation.emptied_at}**.")
    else:
        lines += ["| rank | model | score | P(first) | monthly cost | warnings |", "|---|---|---|---|---|---|"]
        for item in evaluation.shortlist[: len(data["shortlist"])]:
            cost = "unknown" if item["monthly_cost_usd"] is None else f"${item['monthly_cost_usd']:,.2f}"
            lines.append(
                f"| {_rank_label(item, evaluation.shortlist)} | {item['name']} (`{item['id']}`) | "
                f"{item['score']:.3f} ± {1.96 * item['score_se']:.3f} | {item['p_first']:.0%} | {cost} | "
                f"{len(item['warnings'])} |"
            )
        lines.append("")
        for item in evaluation.shortlist[: len(data["shortlist"])]:
            lines.append(f"## {item['rank']}. {item['name']}")
            if item["tied_with"]:
                lines.append(f"Tied with: {', '.join(item['tied_with'])}.")
            lines += [f"- {reason}" for reason in item["reasons"]]
            lines += [f"- ⚠ {warning}" for warning in item["warnings"]]
            lines.append("")
    critical = evaluation.robustness.get("critical_weight_change")
    if critical:
        lines.append(
            f"Robustness: {critical['criterion']} weight from {critical['from_share']:.0%} to "
            f"{critical['to_share']:.0%} would swap #1 and #2 ({evaluation.robustness['draws']} draws, seed "
            f"{evaluation.robustness['seed']})."
        )
        lines.append("")
    if evaluation.near_misses:
        lines.append("## Near misses")
        lines += [f"- {n['name']} (`{n['id']}`): {n['reasons'][0]}" for n in evaluation.near_misses]
        lines.append("")
    lines.append("## Excluded")
    lines += [f"- {e['name']} (`{e['id']}`), at {e['step']}: {'; '.join(e['reasons'])}" for e in evaluation.excluded]
    lines.append("")
    return "\n".join(lines)


def to_csv(evaluation: Evaluation) -> str:
    """One row per shortlisted model, then one per excluded model."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["status", "rank", "id", "name", "score", "score_se", "p_first", "monthly_cost_usd",
                     "tied_with", "step", "reasons", "warnings"])
    for item in evaluation.shortlist:
        writer.writerow(["shortlisted", item["rank"], item["id"], item["name"], item["score"], item["score_se"],
                         item["p_first"], item["monthly_cost_usd"], " ".join(item["tied_with"]), "",
                         " | ".join(item["reasons"]), " | ".join(item["warnings"])])
    for item in evaluation.excluded:
        writer.writerow(["excluded", "", item["id"], item["name"], "", "", "", "", "", item["step"],
                         " | ".join(item["reasons"]), ""])
    return buffer.getvalue()
