"""Decision records: MADR 4.0 Markdown files with a machine-readable block, and replay.

A record is written once, as ``NNNN-slug.md`` in a decisions folder, with status
"proposed" (a human accepts it in review). Its last section holds a JSON block with the
fully resolved rubric, the catalogue's hash and date, the results and the chosen model,
so ``shortlist record replay`` can re-run it against today's catalogue.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui import __version__
from tui.core.catalog import Catalog
from tui.core.engine import STEP_TITLES, Evaluation, evaluate
from tui.core.errors import InputError
from tui.core.paths import atomic_write
from tui.core.presets import ResolvedRubric, rubric_from_dict

RECORD_SCHEMA_VERSION = 1
MARKER = "<!-- shortlist-record: machine-readable, do not edit by hand -->"
_BLOCK = re.compile(re.escape(MARKER) + r"\s*```json\n(.*?)\n```", re.S)


def slugify(title: str) -> str:
    """Lower-case words joined by dashes, as adr-tools and MADR name files."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return (slug or "decision")[:60].rstrip("-")


def next_record_path(folder: Path, title: str) -> Path:
    """The next free ``NNNN-slug.md`` in ``folder``."""
    numbers = [int(p.name[:4]) for p in folder.glob("[0-9][0-9][0-9][0-9]-*.md")] if folder.is_dir() else []
    return folder / f"{max(numbers, default=0) + 1:04d}-{slugify(title)}.md"


def _snapshot(evaluation: Evaluation, catalog: Catalog) -> dict[str, Any]:
    """Per surviving model: the price and scores the decision was based on."""
    frames = catalog.frame
    models = frames.models
    results = frames.results
    crit = list(evaluation.criteria)
    out: dict[str, Any] = {}
    for mid in evaluation.ranked.index:
        scores = results[(results["model_id"] == mid) & (results["bench"].isin(crit))]
        out[mid] = {
            "price_in": _num(models.at[mid, "price_in"]),
            "price_out": _num(models.at[mid, "price_out"]),
            "scores": {f"{r.bench}|{r.reported_by}|{r.setting}": r.value for r in scores.itertuples()},
        }
    return out


def _num(value: Any) -> float | None:
    try:
        return None if value != value else float(value)  # NaN check
    except (TypeError, ValueError):
        return None


def build_record_data(
    evaluation: Evaluation,
    catalog: Catalog,
    resolved: ResolvedRubric,
    *,
    chosen: str,
    title: str,
    decision_makers: list[str],
    evidence: list[dict[str, Any]] | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """The machine-readable part of a record."""
    ids = [item["id"] for item in evaluation.shortlist]
    if chosen not in ids:
        raise InputError(f"--choose {chosen!r} is not on the shortlist ({', '.join(ids) or 'empty'})")
    return {
        "record_schema_version": RECORD_SCHEMA_VERSION,
        "shortlist_version": __version__,
        "date": (today or dt.date.today()).isoformat(),
        "title": title,
        "status": "proposed",
        "decision_makers": decision_makers,
        "chosen": chosen,
        "catalog": {
            "sha256": catalog.sha256,
            "as_of": catalog.meta.as_of.isoformat(),
            "version": catalog.meta.version,
            "models": len(catalog.entries),
            "overlay": str(catalog.overlay) if catalog.overlay else None,
        },
        "rubric": {
            "ref": resolved.rubric.ref,
            "chain": list(resolved.chain),
            "locks": [lock.model_dump() for lock in resolved.locks],
            "resolved": resolved.rubric.model_dump(mode="json"),
        },
        "results": {
            "funnel": [{"step": s, "remaining": c} for s, c in evaluation.funnel],
            "shortlist": [
                {k: item[k] for k in ("id", "rank", "tied_with", "score", "p_first", "monthly_cost_usd")}
                for item in evaluation.shortlist
            ],
            "near_misses": [n["id"] for n in evaluation.near_misses],
            "excluded": len(evaluation.excluded),
            "critical_weight_change": evaluation.robustness.get("critical_weight_change"),
            "snapshot": _snapshot(evaluation, catalog),
        },
        "evidence": evidence or [],
    }


def render_record(data: dict[str, Any], evaluation: Evaluation) -> str:
    """The MADR 4.0 Markdown text of a record."""
    chosen = next(item for item in evaluation.shortlist if item["id"] == data["chosen"])
    rubric = evaluation.rubric
    makers = ", ".join(f'"{m}"' for m in data["decision_makers"])
    funnel = " > ".join(f"{STEP_TITLES[f['step']]} {f['remaining']}" for f in data["results"]["funnel"])
    lines = [
        "---",
        'status: "proposed"',
        f"date: {data['date']}",
        f"decision-makers: [{makers}]",
        "consulted: []",
        "informed: []",
        "---",
        "",
        f"# {data['title']}",
        "",
        "## Context and Problem Statement",
        "",
        f"We need to choose a large language model. shortlist screened the bundled catalogue "
        f"(version {data['catalog']['version']}, {data['catalog']['models']} models, as of "
        f"{data['catalog']['as_of']}) with the rubric preset `{data['rubric']['ref']}`"
        + (f" (inherits {' <- '.join(data['rubric']['chain'])})" if len(data['rubric']['chain']) > 1 else "")
        + ".",
        "",
        f"Funnel: {funnel}.",
        "",
        "## Decision Drivers",
        "",
    ]
    pol = rubric.openness
    if pol.min_levels:
        lines.append("- Openness minimums: " + ", ".join(f"{d.replace('_', ' ')} >= {lvl.value}" for d, lvl in pol.min_levels.items()))
    lines.append("- Licence classes allowed: " + ", ".join(c.value for c in pol.license_classes))
    if pol.min_mof_class:
        lines.append(f"- MOF class {pol.min_mof_class} or better (derived)")
    if rubric.baselines.thresholds:
        lines.append(f"- Baseline thresholds ({rubric.baselines.mode}): " + ", ".join(f"{k} >= {v:g}" for k, v in rubric.baselines.thresholds.items()))
    weights = {**rubric.domain.weights, "cost": rubric.domain.cost_weight, "openness": rubric.domain.openness_weight}
    lines.append("- Ranking weights: " + ", ".join(f"{k} {v:g}" for k, v in weights.items() if v > 0))
    prac = rubric.practical
    lines.append(f"- Volume: {prac.monthly_input_tokens:,} input + {prac.monthly_output_tokens:,} output tokens a month; deployment: {prac.deployment}")
    for lock in data["rubric"]["locks"]:
        lines.append(f"- Locked by {lock['owner']}: `{lock['field']}` ({lock['reason']})")
    lines += ["", "## Considered Options", ""]
    for item in evaluation.shortlist:
        lines.append(f"- {item['name']} (`{item['id']}`)")
    lines += [
        "",
        "## Decision Outcome",
        "",
        f'Chosen option: "{chosen["name"]}", because it passed every screening step and ranked '
        f"#{chosen['rank']} (score {chosen['score']:.3f}, P(first) {chosen['p_first']:.0%})"
        + (f"; it is statistically tied with {', '.join(chosen['tied_with'])}" if chosen["tied_with"] else "")
        + ".",
        "",
        "### Consequences",
        "",
    ]
    lines += [f"- Good, because {reason}" for reason in chosen["reasons"]]
    lines += [f"- Bad, because {warning}" for warning in chosen["warnings"]]
    critical = data["results"]["critical_weight_change"]
    lines += ["", "### Confirmation", ""]
    lines.append("- Evaluate the chosen model and the runner-up on the team's own tasks before rollout.")
    if critical:
        lines.append(
            f"- The ranking of #1 and #2 flips if the {critical['criterion']} weight moves from "
            f"{critical['from_share']:.0%} to {critical['to_share']:.0%}: confirm that weight."
        )
    lines.append("- Replay this record when the catalogue changes: `shortlist record replay <this file>`.")
    lines += ["", "## Pros and Cons of the Options", ""]
    for item in evaluation.shortlist:
        lines.append(f"### {item['name']}")
        lines.append("")
        lines += [f"- Good, because {reason}" for reason in item["reasons"][:6]]
        lines += [f"- Bad, because {warning}" for warning in item["warnings"][:6]]
        lines.append("")
    if evaluation.near_misses:
        lines += ["## More Information", "", "Near misses (failed one criterion by a small margin):", ""]
        lines += [f"- {n['name']}: {n['reasons'][0]}" for n in evaluation.near_misses]
        lines.append("")
    lines += ["## Machine-readable record", "", MARKER, "```json", json.dumps(data, indent=2, ensure_ascii=False, default=str), "```", ""]
    return "\n".join(lines)


def save_record(folder: Path, text: str, title: str) -> Path:
    """Write a new record atomically; never overwrite an existing file."""
    for _ in range(100):
        path = next_record_path(folder, title)
        try:
            atomic_write(path, text, exclusive=True)
            return path
        except FileExistsError:
            continue
    raise InputError("could not find a free record number", path=folder)


def read_record(path: Path) -> dict[str, Any]:
    """Read the machine-readable block of a record file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("record file not found", path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read record ({exc})", path=path) from None
    match = _BLOCK.search(text)
    if not match:
        raise InputError("no machine-readable shortlist block found (was it edited by hand?)", path=path)
    line = text[: match.start(1)].count("\n") + 1
    try:
        data = json.loads(match.group(1))
    except json.JSONDecodeError as exc:
        raise InputError(f"machine-readable block is not valid JSON: {exc.msg}", path=path, line=line + exc.lineno - 1) from None
    version = data.get("record_schema_version")
    if not isinstance(version, int):
        raise InputError("record_schema_version is missing", path=path, line=line)
    if version > RECORD_SCHEMA_VERSION:
        raise InputError(
            f"written by a newer shortlist (record schema {version}; this one reads up to "
            f"{RECORD_SCHEMA_VERSION}): upgrade shortlist to replay it",
            path=path,
            line=line,
        )
    return data


@dataclass
class ReplayReport:
    """What changed between a record and a re-run against the current catalogue."""

    record: dict[str, Any]
    evaluation: Evaluation
    catalog_changed: bool
    new_qualifiers: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    changed_prices: list[str] = field(default_factory=list)
    changed_scores: list[str] = field(default_factory=list)
    old_first: str | None = None
    new_first: str | None = None
    chosen_status: str = ""
    evidence_changes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when anything a reviewer should look at changed."""
        return bool(self.new_qualifiers or self.lost or self.changed_prices or self.changed_scores
                    or self.old_first != self.new_first or self.evidence_changes)

    def lines(self) -> list[str]:
        """A plain-text summary, one finding a line."""
        out = [f"record: {self.record['title']} ({self.record['date']}), rubric {self.record['rubric']['ref']}"]
        out.append("catalogue: " + ("changed since the record" if self.catalog_changed else "unchanged (same sha256)"))
        out.append(f"chosen {self.record['chosen']}: {self.chosen_status}")
        if self.old_first != self.new_first:
            out.append(f"#1 changed: {self.old_first} -> {self.new_first}")
        else:
            out.append(f"#1 unchanged: {self.new_first}")
        out += [f"new qualifier: {m}" for m in self.new_qualifiers]
        out += [f"no longer qualifies: {m}" for m in self.lost]
        out += [f"price changed: {m}" for m in self.changed_prices]
        out += [f"score changed: {m}" for m in self.changed_scores]
        out += [f"evidence: {m}" for m in self.evidence_changes]
        if not self.changed:
            out.append("nothing changed that affects this decision")
        return out


def replay(record: dict[str, Any], catalog: Catalog, *, seed: int = 0, today: dt.date | None = None,
           extra_results=None, team_criteria=None, evidence: list[dict[str, Any]] | None = None) -> ReplayReport:
    """Re-run the record's resolved rubric against ``catalog`` and compare."""
    rubric = rubric_from_dict(record["rubric"]["resolved"], source="record")
    evaluation = evaluate(catalog, rubric, seed=seed, today=today, extra_results=extra_results,
                          team_criteria=team_criteria)
    old = record["results"]
    old_snapshot: dict[str, Any] = old.get("snapshot", {})
    old_ids = set(old_snapshot)
    new_snapshot = _snapshot(evaluation, catalog)
    new_ids = set(new_snapshot)
    report = ReplayReport(record=record, evaluation=evaluation,
                          catalog_changed=record["catalog"]["sha256"] != catalog.sha256)
    report.new_qualifiers = sorted(new_ids - old_ids)
    report.lost = sorted(old_ids - new_ids)
    for mid in sorted(old_ids & new_ids):
        before, after = old_snapshot[mid], new_snapshot[mid]
        for key in ("price_in", "price_out"):
            if before.get(key) != after.get(key):
                report.changed_prices.append(f"{mid} {key.replace('price_', '')} {before.get(key)} -> {after.get(key)} USD/M tokens")
        for key in sorted(set(before["scores"]) | set(after["scores"])):
            a, b = before["scores"].get(key), after["scores"].get(key)
            if a != b:
                report.changed_scores.append(f"{mid} {key.split('|')[0]} ({key.split('|', 1)[1].replace('|', ', ')}): {a} -> {b}")
    report.old_first = old["shortlist"][0]["id"] if old["shortlist"] else None
    report.new_first = evaluation.shortlist[0]["id"] if evaluation.shortlist else None
    chosen = record["chosen"]
    now = next((item for item in evaluation.shortlist if item["id"] == chosen), None)
    if now is not None:
        report.chosen_status = f"still shortlisted, now #{now['rank']}"
    elif chosen in new_ids:
        report.chosen_status = "still qualifies but is no longer on the shortlist"
    elif chosen not in catalog.by_id:
        report.chosen_status = "no longer in the catalogue"
    else:
        reasons = next((e["reasons"] for e in evaluation.excluded if e["id"] == chosen), [])
        report.chosen_status = "no longer qualifies: " + "; ".join(reasons)
    if evidence is not None:
        old_hashes = {e["path"]: e["sha256"] for e in record.get("evidence", [])}
        new_hashes = {e["path"]: e["sha256"] for e in evidence}
        for path in sorted(set(old_hashes) | set(new_hashes)):
            if old_hashes.get(path) != new_hashes.get(path):
                report.evidence_changes.append(f"{path} changed" if path in old_hashes and path in new_hashes
                                               else f"{path} {'added' if path in new_hashes else 'missing now'}")
    return report
