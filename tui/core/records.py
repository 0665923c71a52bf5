"""Decision records: MADR 4.0 Markdown files with a machine-readable block, and replay.

A record is written once, as ``NNNN-slug.md`` in a decisions folder, with status
"proposed" (a human accepts it in review). Its last section holds a JSON block with the
fully resolved rubric, the catalogue's hash and date, the calibration, the results and the
chosen model, so ``shortlist record replay`` can re-run it against today's catalogue.

Integrity: every user string in the front matter is written as a quoted scalar (JSON
strings are valid YAML), the body never lets a title or a name open a code block, the
machine block is the file's last fenced block, and the front matter carries the sha256 of
that block. Replay refuses a record whose block is not last or does not match its hash.
Numbering holds an exclusive lock on the folder, so concurrent writers never share a number.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError

from tui import __version__
from tui.core.errors import InputError, explain_validation_error
from tui.core.paths import atomic_write
from tui.core.presets import ResolvedRubric, rubric_from_dict
from tui.core.report import critical_text
from tui.core.results import STEP_TITLES

if TYPE_CHECKING:
    from tui.core.catalog import Catalog
    from tui.core.engine import Evaluation
    from tui.core.workflow import Session

RECORD_SCHEMA_VERSION = 2
READS = (1, 2)
"""Record schema versions replay understands."""
MARKER = "<!-- shortlist-record: machine-readable, do not edit by hand -->"
HASH_KEY = "shortlist-record-sha256"
_FENCE = re.compile(r"^```json\n(.*?)\n```[ \t]*$", re.S | re.M)
_NUMBERED = re.compile(r"^(\d{4,})-.*\.md$")
MAX_RECORD_BYTES = 8 * 1024 * 1024


def slugify(title: str) -> str:
    """Lower-case words joined by dashes, as adr-tools and MADR name files."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return (slug or "decision")[:60].rstrip("-")


def _one_line(text: str) -> str:
    """A user string made safe for a Markdown line: one line, no code fence."""
    text = " ".join(str(text).split())
    return text.replace("```", "'''")


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(str(text), ensure_ascii=False)


def next_number(folder: Path) -> int:
    """One more than the highest record number in ``folder``."""
    numbers = [int(m.group(1)) for p in folder.iterdir() if (m := _NUMBERED.match(p.name))] if folder.is_dir() else []
    return max(numbers, default=0) + 1


def next_record_path(folder: Path, title: str) -> Path:
    """The next free ``NNNN-slug.md`` in ``folder`` (at least four digits, more past 9999)."""
    return folder / f"{next_number(folder):04d}-{slugify(title)}.md"


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock on the decisions folder, released when the process ends."""
    lock = folder / ".shortlist-records.lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
        except ImportError:  # pragma: no cover - Windows
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # type: ignore[attr-defined]
        yield
    finally:
        os.close(fd)


def _snapshot(evaluation: Evaluation, catalog: Catalog) -> dict[str, Any]:
    """Per surviving model: the price and scores the decision was based on."""
    frames = catalog.frame
    models = frames.models
    results = frames.results
    crit = list(evaluation.criteria)
    ids = [row.id for row in evaluation.survivors]
    subset = results[results["model_id"].isin(ids) & results["bench"].isin(crit)]
    scores: dict[str, dict[str, float]] = {m: {} for m in ids}
    for mid, bench, who, setting, value in zip(
        subset["model_id"], subset["bench"], subset["reported_by"], subset["setting"], subset["value"], strict=True
    ):
        scores[str(mid)][f"{bench}|{who}|{setting}"] = float(value)
    return {
        mid: {
            "price_in": _num(models.at[mid, "price_in"]),
            "price_out": _num(models.at[mid, "price_out"]),
            "scores": scores[mid],
        }
        for mid in ids
    }


def _num(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None


def build_record_data(
    evaluation: Evaluation,
    catalog: Catalog,
    resolved: ResolvedRubric,
    *,
    chosen: str,
    title: str,
    decision_makers: list[str],
    evidence: list[dict[str, Any]] | None = None,
    today: dt.date,
    domain_test: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The machine-readable part of a record (``domain_test``: the team's task and logs, with hashes)."""
    ids = [item.id for item in evaluation.shortlist]
    if chosen not in ids:
        raise InputError(f"--choose {chosen!r} is not on the shortlist ({', '.join(ids) or 'empty'})")
    if not title.strip():
        raise InputError("the record needs a title")
    rob = evaluation.robustness
    critical = rob.critical_weight_change if rob else None
    return {
        "record_schema_version": RECORD_SCHEMA_VERSION,
        "shortlist_version": __version__,
        "date": today.isoformat(),
        "title": title,
        "status": "proposed",
        "decision_makers": list(decision_makers),
        "chosen": chosen,
        "catalog": {
            "sha256": catalog.sha256,
            "as_of": catalog.as_of.isoformat(),
            "version": catalog.meta.version,
            "models": len(catalog.entries),
            "overlay": str(catalog.overlay) if catalog.overlay else None,
            "calibration": evaluation.calibration,
        },
        "rubric": {
            "ref": resolved.rubric.ref,
            "chain": list(resolved.chain),
            "locks": [lock.model_dump() for lock in resolved.locks],
            "resolved": evaluation.rubric.model_dump(mode="json"),
        },
        "results": {
            "funnel": [{"step": f.step, "remaining": f.remaining} for f in evaluation.funnel],
            "shortlist": [
                {
                    "id": i.id,
                    "rank": i.rank,
                    "rank_label": i.rank_label,
                    "tied_with": list(i.tied_with),
                    "score": i.score,
                    "score_se": i.score_se,
                    "p_first": i.p_first,
                    "monthly_cost_usd": i.monthly_cost_usd,
                    "estimated": list(i.estimated),
                }
                for i in evaluation.shortlist
            ],
            "near_misses": [n.id for n in evaluation.near_misses],
            "excluded": len(evaluation.excluded),
            "critical_weight_change": None
            if critical is None
            else {
                "criterion": critical.criterion,
                "from_share": critical.from_share,
                "to_share": critical.to_share,
                "delta": critical.delta,
                "new_first": critical.new_first,
            },
            "draws": rob.draws if rob else None,
            "seed": rob.seed if rob else None,
            "snapshot": _snapshot(evaluation, catalog),
        },
        "evidence": evidence or [],
        **({"domain_test": domain_test} if domain_test else {}),
    }


def _domain_test_lines(section: dict[str, Any] | None) -> list[str]:
    """The Context paragraph on the team's domain test, when the record carries one."""
    if not section:
        return []
    mock = (
        " **MOCK run** (inspect_ai's mockllm provider): the results are not real evidence."
        if section.get("mock")
        else ""
    )
    return [
        f"Team domain test `{_one_line(str(section.get('task')))}` (`{_one_line(str(section.get('file')))}`, "
        f"sha256 {str(section.get('sha256'))[:12]}…): {len(section.get('logs', []))} inspect_ai logs imported as "
        f"`team:{_one_line(str(section.get('task')))}`.{mock}",
        "",
    ]


def domain_test_changes(section: dict[str, Any] | None) -> list[str]:
    """The task and log files of a record's domain test that changed or went missing since it was made.

    Paths are as the record stores them (relative ones from the current folder).
    """
    if not section:
        return []
    files = [section.get("file"), section.get("samples")] + [log.get("path") for log in section.get("logs", [])]
    hashes = [section.get("sha256"), section.get("samples_sha256")] + [
        log.get("sha256") for log in section.get("logs", [])
    ]
    out = []
    for path, digest in zip(files, hashes, strict=True):
        if not path or not digest:
            continue
        target = Path(path)
        if not target.is_file():
            out.append(f"domain test: {path} missing now")
        elif hashlib.sha256(target.read_bytes()).hexdigest() != digest:
            out.append(f"domain test: {path} changed since the record (sha256 differs)")
    return out


def render_record(data: dict[str, Any], evaluation: Evaluation) -> str:
    """The MADR 4.0 Markdown text of a record (its machine block last, hashed in the front matter)."""
    chosen = next(item for item in evaluation.shortlist if item.id == data["chosen"])
    rubric = evaluation.rubric
    block = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False, default=str)
    digest = hashlib.sha256(block.encode("utf-8")).hexdigest()
    funnel = " > ".join(f"{STEP_TITLES[f['step']]} {f['remaining']}" for f in data["results"]["funnel"])
    chain = data["rubric"]["chain"]
    lines = [
        "---",
        'status: "proposed"',
        f"date: {data['date']}",
        f"decision-makers: [{', '.join(_quoted(m) for m in data['decision_makers'])}]",
        "consulted: []",
        "informed: []",
        f"{HASH_KEY}: {_quoted(digest)}",
        "---",
        "",
        f"# {_one_line(data['title'])}",
        "",
        "## Context and Problem Statement",
        "",
        f"We need to choose a large language model. shortlist screened the bundled catalogue (version "
        f"{data['catalog']['version']}, {data['catalog']['models']} models, as of {data['catalog']['as_of']}) with "
        f"the rubric preset `{_one_line(data['rubric']['ref'])}`"
        + (f" (inherits {' <- '.join(_one_line(c) for c in chain)})" if len(chain) > 1 else "")
        + ".",
        "",
        f"Funnel: {funnel}.",
        "",
        *_domain_test_lines(data.get("domain_test")),
        "## Decision Drivers",
        "",
    ]
    pol = rubric.openness
    if pol.min_levels:
        lines.append(
            "- Openness minimums: "
            + ", ".join(f"{d.replace('_', ' ')} >= {lvl.value}" for d, lvl in pol.min_levels.items())
        )
    lines.append("- Licence classes allowed: " + ", ".join(c.value for c in pol.license_classes))
    if pol.min_mof_class:
        lines.append(f"- MOF class {pol.min_mof_class} or better (derived)")
    if rubric.baselines.thresholds:
        lines.append(
            f"- Baseline thresholds ({rubric.baselines.mode}): "
            + ", ".join(f"{k} >= {v:g}" for k, v in rubric.baselines.thresholds.items())
        )
    weights = {**rubric.domain.weights, "cost": rubric.domain.cost_weight, "openness": rubric.domain.openness_weight}
    lines.append("- Ranking weights: " + ", ".join(f"{k} {v:g}" for k, v in weights.items() if v > 0))
    prac = rubric.practical
    lines.append(
        f"- Volume: {prac.monthly_input_tokens:,} input + {prac.monthly_output_tokens:,} output tokens a "
        f"month; deployment: {prac.deployment}"
    )
    lines.append(
        f"- Missing data: {rubric.policy.missing_data}"
        + (
            " (unknown values passed their screens: an explicit opt-out)"
            if rubric.policy.missing_data == "warn"
            else ""
        )
    )
    for lock in data["rubric"]["locks"]:
        lines.append(
            f"- Locked by {_one_line(lock['owner'])}: `{_one_line(lock['field'])}` ({_one_line(lock['reason'])})"
        )
    lines += ["", "## Considered Options", ""]
    lines += [f"- {_one_line(item.name)} (`{item.id}`)" for item in evaluation.shortlist]
    estimated = f"; estimated, not reported: {', '.join(chosen.estimated)}" if chosen.estimated else ""
    lines += [
        "",
        "## Decision Outcome",
        "",
        f'Chosen option: "{_one_line(chosen.name)}", because it passed every screening step and ranked '
        f"{chosen.rank_label} (score {chosen.score:.3f} ± {chosen.interval:.3f}, P(first) {chosen.p_first:.0%})"
        + (f"; it is not significantly different from {', '.join(chosen.tied_with)}" if chosen.tied_with else "")
        + estimated
        + ".",
        "",
        "### Consequences",
        "",
    ]
    lines += [f"- Good, because {_one_line(reason)}" for reason in chosen.reasons]
    lines += [f"- Bad, because {_one_line(warning)}" for warning in chosen.warnings]
    lines += [
        "",
        "### Confirmation",
        "",
        "- Evaluate the chosen model and the runner-up on the team's own tasks before rollout.",
    ]
    critical = critical_text(evaluation)
    if critical:
        lines.append(f"- Robustness: {critical}; confirm that weight.")
    lines.append("- Replay this record when the catalogue changes: `shortlist record replay <this file>`.")
    lines += ["", "## Pros and Cons of the Options", ""]
    for item in evaluation.shortlist:
        lines += [f"### {_one_line(item.name)}", ""]
        lines += [f"- Good, because {_one_line(reason)}" for reason in item.reasons[:6]]
        lines += [f"- Bad, because {_one_line(warning)}" for warning in item.warnings[:6]]
        lines.append("")
    if evaluation.near_misses:
        lines += ["## More Information", "", "Near misses (failed one criterion by a small margin):", ""]
        lines += [f"- {_one_line(n.name)}: {_one_line(n.reasons[0])}" for n in evaluation.near_misses]
        lines.append("")
    lines += ["## Machine-readable record", "", MARKER, "```json", block, "```", ""]
    return "\n".join(lines)


def save_record(folder: Path, text: str, title: str) -> Path:
    """Write a new record atomically under the next number; never overwrite a file."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with _folder_lock(folder):
            for _ in range(1000):
                path = next_record_path(folder, title)
                try:
                    atomic_write(path, text, exclusive=True)
                    return path
                except FileExistsError:
                    continue
    except PermissionError as exc:
        raise InputError(f"cannot write a record here ({exc.strerror})", path=exc.filename or folder) from None
    raise InputError("could not find a free record number", path=folder)


class _Loose(BaseModel):
    model_config = ConfigDict(extra="allow")


class _Catalog(_Loose):
    sha256: str


class _Rubric(_Loose):
    ref: str
    chain: list[str]
    locks: list[dict[str, Any]]
    resolved: dict[str, Any]


class _Snapshot(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    price_in: float | None
    price_out: float | None
    scores: dict[str, float]


class _Listed(_Loose):
    id: str


class _Results(_Loose):
    shortlist: list[_Listed]
    snapshot: dict[str, _Snapshot]


class _EvidenceValue(_Loose):
    model_id: str | None = None
    criterion: str
    value: float
    date: str
    setting: str = ""


class _EvidenceFile(_Loose):
    path: str
    sha256: str
    values: list[_EvidenceValue] = []


class RecordData(_Loose):
    """The parts of a record's machine block that replay relies on."""

    record_schema_version: int
    title: str
    date: str
    chosen: str
    catalog: _Catalog
    rubric: _Rubric
    results: _Results
    evidence: list[_EvidenceFile] = []


def read_record(path: Path) -> dict[str, Any]:
    """Read and check the machine-readable block of a record file."""
    try:
        if path.stat().st_size > MAX_RECORD_BYTES:
            raise InputError(f"record is larger than {MAX_RECORD_BYTES:,} bytes", path=path)
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("record file not found", path=path) from None
    except IsADirectoryError:
        raise InputError("is a folder, expected a record file", path=path) from None
    except PermissionError:
        raise InputError("cannot read the record (permission denied)", path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the record ({exc})", path=path) from None
    marker = text.rfind(MARKER)
    if marker < 0:
        raise InputError("no machine-readable shortlist block found (was it edited by hand?)", path=path)
    fences = list(_FENCE.finditer(text))
    if not fences or fences[-1].start() < marker or text[fences[-1].end() :].strip():
        raise InputError(
            "the machine-readable block is not the record's last section (was it edited by hand?)", path=path
        )
    match = fences[-1]
    line = text[: match.start(1)].count("\n") + 1
    block = match.group(1)
    stated = re.search(rf'^{HASH_KEY}: "([0-9a-f]{{64}})"$', text[: text.find("\n---", 3) + 1], re.M)
    if stated is None:
        if not re.search(r'"record_schema_version": 1\b', block):
            raise InputError(f"the front matter has no {HASH_KEY}; the record cannot be checked", path=path)
    elif hashlib.sha256(block.encode("utf-8")).hexdigest() != stated.group(1):
        raise InputError(
            "the machine-readable block does not match the hash in the front matter (it was edited "
            "after the record was saved)",
            path=path,
            line=line,
        )
    try:
        data = json.loads(block, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(f"{c} is not allowed")))
    except json.JSONDecodeError as exc:
        raise InputError(
            f"machine-readable block is not valid JSON: {exc.msg}", path=path, line=line + exc.lineno - 1
        ) from None
    except (ValueError, RecursionError) as exc:
        raise InputError(f"machine-readable block is not valid JSON: {exc}", path=path, line=line) from None
    if not isinstance(data, dict):
        raise InputError("machine-readable block is not a JSON object", path=path, line=line)
    version = data.get("record_schema_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > max(READS):
        raise InputError(
            f"written by a newer shortlist (record schema {version}; this one reads up to "
            f"{max(READS)}): upgrade shortlist to replay it",
            path=path,
            line=line,
        )
    try:
        RecordData.model_validate(data)
    except ValidationError as exc:
        raise explain_validation_error(exc, RecordData, path) from None
    if version not in READS:
        raise InputError(
            f"record_schema_version {version!r} is not supported (reads {', '.join(map(str, READS))})",
            path=path,
            line=line,
        )
    data["_path"] = str(path)
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
        return bool(
            self.new_qualifiers
            or self.lost
            or self.changed_prices
            or self.changed_scores
            or self.old_first != self.new_first
            or self.evidence_changes
        )

    def lines(self) -> list[str]:
        """A plain-text summary, one finding a line."""
        out = [
            f"record: {_one_line(self.record['title'])} ({self.record['date']}), rubric {self.record['rubric']['ref']}"
        ]
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


def replay(
    record: dict[str, Any], session: Session, *, seed: int, today: dt.date, evidence: list[dict[str, Any]] | None = None
) -> ReplayReport:
    """Re-run the record's resolved rubric in ``session`` and compare."""
    rubric = rubric_from_dict(record["rubric"]["resolved"], source=record.get("_path", "record") + " (rubric.resolved)")
    evaluation = session.evaluate(rubric, seed=seed, today=today)
    catalog = session.catalog
    old = record["results"]
    old_snapshot: dict[str, Any] = old.get("snapshot", {})
    new_snapshot = _snapshot(evaluation, catalog)
    old_ids, new_ids = set(old_snapshot), set(new_snapshot)
    report = ReplayReport(
        record=record, evaluation=evaluation, catalog_changed=record["catalog"]["sha256"] != catalog.sha256
    )
    report.new_qualifiers = sorted(new_ids - old_ids)
    report.lost = sorted(old_ids - new_ids)
    for mid in sorted(old_ids & new_ids):
        before, after = old_snapshot[mid], new_snapshot[mid]
        for key in ("price_in", "price_out"):
            if before.get(key) != after.get(key):
                report.changed_prices.append(
                    f"{mid} {key.replace('price_', '')} {before.get(key)} -> {after.get(key)} USD/M tokens"
                )
        for key in sorted(set(before["scores"]) | set(after["scores"])):
            a, b = before["scores"].get(key), after["scores"].get(key)
            if a != b:
                bench, rest = key.split("|", 1)
                report.changed_scores.append(f"{mid} {bench} ({rest.replace('|', ', ')}): {a} -> {b}")
    report.old_first = old["shortlist"][0]["id"] if old["shortlist"] else None
    report.new_first = evaluation.shortlist[0].id if evaluation.shortlist else None
    chosen = record["chosen"]
    now = evaluation.item(chosen)
    if now is not None:
        report.chosen_status = f"still shortlisted, now ranked {now.rank_label}"
    elif chosen in new_ids:
        report.chosen_status = "still qualifies but is no longer on the shortlist"
    elif chosen not in catalog.by_id:
        report.chosen_status = "no longer in the catalogue"
    else:
        reasons = next((e.reasons for e in evaluation.excluded if e.id == chosen), ())
        report.chosen_status = "no longer qualifies: " + "; ".join(reasons)
    report.evidence_changes += domain_test_changes(record.get("domain_test"))
    if evidence is not None:
        old_hashes = {e["path"]: e["sha256"] for e in record.get("evidence", [])}
        new_hashes = {e["path"]: e["sha256"] for e in evidence}
        for path in sorted(set(old_hashes) | set(new_hashes)):
            if old_hashes.get(path) != new_hashes.get(path):
                report.evidence_changes.append(
                    f"{path} changed"
                    if path in old_hashes and path in new_hashes
                    else f"{path} {'added' if path in new_hashes else 'missing now'}"
                )
    return report
