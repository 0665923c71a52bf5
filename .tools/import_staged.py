#!/usr/bin/env python3
"""Import staged public benchmark results into the model catalogue.

Reads the staged copies under ``--sources`` (default /work/shared/sources), maps source
model ids to catalogue ids (catalogue ``id``/``aliases`` plus the hand-reviewed table
``.tools/source_ids.toml``), and appends new ``[[benchmarks]]`` tables to
``<catalog>/models/<id>.toml``. Every value is written with its public citation (the
pinned GitHub URL of the origin file, or the developer's / evaluator's own page); no
source file is ever copied.

Idempotent: a second run adds nothing. ``--dry-run`` writes nothing. See README.md in
this folder for every mapping rule.

Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import sys
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CATALOG = HERE.parent / "catalog"
DEFAULT_SOURCES = Path("/work/shared/sources")
DEFAULT_MAP = HERE / "source_ids.toml"

EPOCH_SNAPSHOT_DATE = dt.date(2025, 12, 3)  # commit f87d3cc8 of epoch-research/benchmark-stitching

EFFORT_RE = re.compile(r"^(?P<base>.+?)_(?P<effort>minimal|low|medium|high|thinking|\d+K)$")

# --------------------------------------------------------------------------- helpers


def dec(text: str) -> Decimal:
    return Decimal(text.strip())


def fmt_num(d: Decimal) -> str:
    """A Decimal as a TOML float literal without exponent or trailing zeros."""
    d = d.normalize()
    s = format(d, "f")
    if "." not in s:
        s += ".0"
    return s


def x100(text: str) -> Decimal:
    """A printed 0-1 fraction times 100, exactly (0.862 -> 86.2)."""
    return (dec(text) * 100).normalize()


def pct(text: str) -> Decimal:
    """A printed percentage ('77.0%', '88.000', '42%') as a number."""
    return dec(text.strip().rstrip("%"))


def toml_str(s: str) -> str:
    # JSON string escapes (\" \\ \n \t \uXXXX) are valid TOML basic-string escapes.
    return json.dumps(s, ensure_ascii=False)


def parse_started_at(text: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    return dt.datetime.strptime(text, "%d %B %Y %I:%M%p").date()


@dataclass
class Result:
    """One generated benchmark result, before it is checked against the file."""

    source: str  # importer source key: epoch_runs / epoch_external / llm_stats / olb_v1 / olb_v2
    source_model: str  # the source's model id (for the report)
    target: str  # catalogue id
    bench: str
    value: Decimal
    setting: str
    reported_by: str
    evaluator: str
    url: str
    as_of: dt.date
    note: str
    stderr: Decimal | None = None

    def as_existing(self) -> dict:
        return {"id": self.bench, "value": float(self.value), "reported_by": self.reported_by,
                "source": self.url, "evaluator": self.evaluator, "setting": self.setting}

    def key(self) -> tuple[str, str, str, str]:
        return (self.bench, self.setting, self.reported_by, self.url)

    def to_toml(self) -> str:
        lines = [
            "[[benchmarks]]",
            f"id = {toml_str(self.bench)}",
            f"value = {fmt_num(self.value)}",
            f"setting = {toml_str(self.setting)}",
            f"reported_by = {toml_str(self.reported_by)}",
        ]
        if self.evaluator:
            lines.append(f"evaluator = {toml_str(self.evaluator)}")
        lines += [f"source = {toml_str(self.url)}", f"as_of = {self.as_of.isoformat()}"]
        if self.stderr is not None:
            lines.append(f"stderr = {fmt_num(self.stderr)}")
        lines.append(f"note = {toml_str(self.note)}")
        return "\n".join(lines) + "\n"


@dataclass
class SourceStats:
    rows: int = 0
    mapped: int = 0  # rows that produced a result for a catalogue id
    skipped: Counter = field(default_factory=Counter)  # reason -> rows
    unmapped: Counter = field(default_factory=Counter)  # source model id -> rows
    skipped_models: dict = field(default_factory=lambda: defaultdict(Counter))  # reason -> Counter(model)


# --------------------------------------------------------------------------- catalogue


class Catalog:
    def __init__(self, root: Path, planned: list[str]):
        self.root = root
        self.models_dir = root / "models"
        self.entries: dict[str, dict] = {}
        for path in sorted(self.models_dir.glob("*.toml")):
            with path.open("rb") as fh:
                self.entries[path.stem] = tomllib.load(fh)
        self.planned = [p for p in planned]
        self.registry = set()
        reg = root / "benchmarks.toml"
        if reg.exists():
            with reg.open("rb") as fh:
                self.registry = {b["id"] for b in tomllib.load(fh).get("benchmarks", [])}
        # alias index: exact (lower-cased) id/alias, and the basename of HF-style aliases
        self.exact: dict[str, set[str]] = defaultdict(set)
        self.base: dict[str, set[str]] = defaultdict(set)
        for cid, data in self.entries.items():
            self.exact[cid.lower()].add(cid)
            for alias in data.get("aliases", []):
                self.exact[alias.strip().lower()].add(cid)
                if "/" in alias:
                    self.base[alias.strip().rsplit("/", 1)[1].lower()].add(cid)
        for cid in self.planned:
            self.exact[cid.lower()].add(cid)

    def known(self, cid: str) -> bool:
        return cid in self.entries or cid in self.planned

    def exists(self, cid: str) -> bool:
        return cid in self.entries

    def aliases(self, cid: str) -> list[str]:
        return [a.lower() for a in self.entries.get(cid, {}).get("aliases", [])] + [cid.lower()]

    def organisation(self, cid: str) -> str:
        return self.entries.get(cid, {}).get("organisation", "")


class Mapper:
    """Source model id -> catalogue id, through source_ids.toml first, then aliases."""

    def __init__(self, catalog: Catalog, table: dict):
        self.catalog = catalog
        self.table = table
        self.review: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)  # source -> {src id: (target, how)}

    def resolve(self, section: str, source_id: str, *, basename_ok: bool = True) -> tuple[str | None, str]:
        """(catalogue id or None, reason). Reason is 'explicit', 'alias', 'basename', or why not."""
        sid = source_id.strip()
        entries = self.table.get(section, {})
        lowered = {k.lower(): v for k, v in entries.items()}
        if sid.lower() in lowered:
            spec = lowered[sid.lower()]
            if isinstance(spec, str):
                target, guard = spec, []
            else:
                target, guard = spec["target"], spec.get("requires_alias", [])
            if target == "skip":
                return None, "skip (source_ids.toml)"
            if not self.catalog.known(target):
                return None, f"target {target!r} is not a catalogue or planned id"
            if guard:
                if not self.catalog.exists(target):
                    return target, "explicit (version guard pending: file missing)"
                if not set(g.lower() for g in guard) & set(self.catalog.aliases(target)):
                    return None, f"version guard not met: {target} aliases lack any of {guard}"
            self.review[section][sid] = (target, "explicit")
            return target, "explicit"
        hits = self.catalog.exact.get(sid.lower(), set())
        if len(hits) == 1:
            target = next(iter(hits))
            self.review[section][sid] = (target, "alias")
            return target, "alias"
        if len(hits) > 1:
            return None, f"ambiguous alias ({sorted(hits)})"
        if basename_ok:
            hits = self.catalog.base.get(sid.lower(), set())
            if len(hits) == 1:
                target = next(iter(hits))
                self.review[section][sid] = (target, "basename")
                return target, "basename"
            if len(hits) > 1:
                return None, f"ambiguous basename ({sorted(hits)})"
        return None, "unmapped"


# --------------------------------------------------------------------------- manifest


def load_manifest(sources: Path) -> dict[str, str]:
    """Local path under sources/ -> pinned public GitHub URL."""
    out = {}
    with (sources / "MANIFEST.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            rel = row["path"]
            if rel.startswith("sources/"):
                rel = rel[len("sources/"):]
            out[rel] = f"https://github.com/{row['origin_repo']}/blob/{row['origin_commit']}/{row['origin_path']}"
    return out


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


# --------------------------------------------------------------------------- source 1: Epoch runs

EPOCH_TASKS = {
    "GPQA diamond": "gpqa_diamond",
    "MATH level 5": "math_lvl5",
    "OTIS Mock AIME 2024-2025": "otis_mock_aime",
    "FrontierMath-2025-02-28-Private": "frontiermath",
    "SWE-Bench verified": "swe_bench_verified",
}
EPOCH_SKIP_TASKS = {
    "FrontierMath-2025-02-28-Public": "FrontierMath public sample (not the private Tiers 1-3 set)",
    "FrontierMath-Tier-4-2025-07-01-Private": "FrontierMath Tier 4 (a different set)",
    "FrontierMath-Tier-4-2025-07-01-Public": "FrontierMath Tier 4 public sample (a different set)",
}
EPOCH_VARIANT = {
    "gpqa_diamond": "Diamond, 0-shot CoT",
    "math_lvl5": "Level 5 (1,324 test problems), 0-shot CoT, Epoch AI Inspect run, best of its three scorers",
    "otis_mock_aime": "OTIS Mock AIME 2024-2025 (45 problems), 0-shot CoT, Epoch AI Inspect run",
    "frontiermath": "Tiers 1-3 private set (FrontierMath-2025-02-28-Private), Epoch AI Inspect run with Python tool",
    "swe_bench_verified": "Verified, Epoch AI Inspect agent scaffold",
}

CLAUDE_HYBRID = re.compile(r"^claude-(3-7-sonnet|sonnet-4|opus-4|haiku-4)")


def effort_text(model_base: str, effort: str | None, external: bool = False) -> str:
    if effort is None:
        if external:
            return "no reasoning effort or thinking budget in Epoch's model id"
        if CLAUDE_HYBRID.match(model_base):
            return "no extended thinking"
        return "no reasoning setting in the model id"
    if effort.endswith("K"):
        return f"extended thinking {effort}-token budget"
    if effort == "thinking":
        return "thinking mode"
    return f"reasoning effort {effort}"


def split_effort(model: str) -> tuple[str, str | None]:
    m = EFFORT_RE.match(model.strip())
    if m:
        return m.group("base"), m.group("effort")
    return model.strip(), None


def parse_scores(scores: str, best: str) -> tuple[Decimal | None, str, str]:
    """(stderr in points, the scorer part used, why) from e.g. 'choice:0.86±0.02'."""
    parts = [p.strip() for p in scores.split(",") if p.strip()]
    target = dec(best).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    chosen = None
    for p in parts:
        m = re.fullmatch(r"([A-Za-z_]+):([0-9.]+)±([0-9.]+)", p)
        if not m:
            continue
        if dec(m.group(2)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) == target:
            chosen = (p, m)
    if chosen is None:
        return None, "", "no scorer in the Scores column matches the best score"
    p, m = chosen
    se = dec(m.group(3))
    if se == 0:
        return None, p, f"the stderr printed in '{p}' is 0 (rounded to 2 dp), so no stderr is recorded"
    return (se * 100).normalize(), p, ""


def import_epoch_runs(ctx) -> list[Result]:
    rel = "epoch-benchmarks/data/benchmarks_runs.csv"
    url_csv = ctx.manifest[rel]
    stats = ctx.stats["epoch_runs"]
    out = []
    row_skips = {k.lower(): v for k, v in ctx.table.get("epoch_rows_skip", {}).items()}
    for row in read_csv(ctx.sources / rel):
        stats.rows += 1
        task = row["task"]
        if row["Status"] != "Success":
            stats.skipped["Status is not Success"] += 1
            continue
        if task in EPOCH_SKIP_TASKS:
            stats.skipped[f"task skipped: {EPOCH_SKIP_TASKS[task]}"] += 1
            continue
        bench = EPOCH_TASKS.get(task)
        if bench is None:
            stats.skipped[f"task not mapped: {task}"] += 1
            continue
        run_id = row["id"].strip()
        if run_id.lower() in row_skips:
            stats.skipped[f"row skipped in source_ids.toml: {row_skips[run_id.lower()]}"] += 1
            continue
        model = row["model"].strip()
        base, effort = split_effort(model)
        target, how = ctx.mapper.resolve("epoch", base)
        if target is None:
            if how == "unmapped":
                stats.unmapped[model] += 1
            else:
                stats.skipped[how] += 1
                stats.skipped_models[how][model] += 1
            continue
        started = parse_started_at(row["started_at"])
        if started is None:
            stats.skipped["no started_at date"] += 1
            continue
        best = row["Best score (across scorers)"].strip()
        value = x100(best)
        stderr, part, why = parse_scores(row["Scores"], best)
        setting = f"{EPOCH_VARIANT[bench]}, {effort_text(base, effort)}"
        if bench == "frontiermath":
            setting += f", task version {row['task version'].strip()}"
        if target in ctx.snapshot_ids:
            setting += f" ({base})"
        viewer = row["log viewer"].strip()
        if viewer and not viewer.startswith("https://logs.epoch.ai/"):
            viewer = ""
        url = viewer or url_csv
        note = (
            f"Epoch AI run {run_id} of model '{model}' in benchmarks_runs.csv ({url_csv}); "
            f"task '{task}', task version {row['task version'].strip()}; "
            f"Best score (across scorers) {best} x 100"
        )
        if part:
            note += f" (scorer {part.split(':')[0]})"
        note += f"; Scores column '{row['Scores'].strip()}'"
        if stderr is not None:
            note += f", stderr taken from '{part}' x 100"
        elif why:
            note += f"; {why}"
        note += f"; as_of = the run's started_at ({row['started_at'].strip()})."
        if not viewer:
            note += " The run has no public log viewer link (its log is private), so the source is the pinned CSV."
        if bench == "math_lvl5":
            note += " Epoch's MATH Level 5 run is not the Open LLM Leaderboard 4-shot setting; compare within one harness only."
        out.append(Result("epoch_runs", model, target, bench, value, setting, "independent",
                          "Epoch AI (Inspect)", url, started, note, stderr))
        stats.mapped += 1
    return out


# --------------------------------------------------------------------------- source 2: Epoch external

EXTERNAL = {
    # file name: (benchmark id, score column)
    "mmlu": ("mmlu", "EM"),
    "gsm8k": ("gsm8k", "EM"),
    "bbh": ("bbh", "Average"),
    "hellaswag": ("hellaswag", "Overall accuracy"),
    "winogrande": ("winogrande", "Accuracy"),
    "arc_ai2": ("arc_challenge", "Challenge score"),
    "aider_polyglot": ("aider_polyglot", "Percent correct"),
    "livebench": ("livebench", "Global average"),
    "terminal_bench": ("terminal_bench", "Accuracy mean"),
    "simple_bench": ("simplebench", "Score (AVG@5)"),
    "arc_agi": ("arc_agi_1", "Score"),
}
CLASSIC_FILES = {"mmlu", "gsm8k", "bbh", "hellaswag", "winogrande", "arc_ai2"}
NOTE_PROTOCOL = {
    # Epoch 'Notes' texts that describe the protocol and belong in the setting
    "cot": "CoT",
    "5-shot cot": "CoT",
    "3-shot; cot": "CoT",
    "5-shot top-1": "top-1",
}


def shots_text(shots: str) -> str:
    s = shots.strip()
    if not s:
        return "shots not stated"
    if s.endswith("-shot"):
        return s
    if s == "few":
        return "few-shot"
    if s.isdigit():
        return f"{s}-shot"
    return f"shots '{s}'"


def import_epoch_external(ctx) -> list[Result]:
    stats = ctx.stats["epoch_external"]
    srcmap = ctx.table.get("epoch_external_sources", {})
    row_skips = {k.lower(): v for k, v in ctx.table.get("epoch_rows_skip", {}).items()}
    out = []
    for name, (bench, col) in EXTERNAL.items():
        rel = f"epoch-benchmarks/data/external_benchmark_{name}.csv"
        url_csv = ctx.manifest[rel]
        for row in read_csv(ctx.sources / rel):
            stats.rows += 1
            rid = row["id"].strip()
            raw = (row.get(col) or "").strip()
            if not raw:
                stats.skipped[f"{name}: empty '{col}'"] += 1
                continue
            model = (row.get("Model version") or "").strip()
            if not model:
                stats.skipped[f"{name}: empty 'Model version'"] += 1
                continue
            if rid.lower() in row_skips or f"{name}:{rid}".lower() in row_skips:
                why = row_skips.get(rid.lower()) or row_skips.get(f"{name}:{rid}".lower())
                stats.skipped[f"row skipped in source_ids.toml: {why}"] += 1
                continue
            base, effort = split_effort(model)
            target, how = ctx.mapper.resolve("epoch", base)
            if target is None:
                if how == "unmapped":
                    stats.unmapped[model] += 1
                else:
                    stats.skipped[how] += 1
                    stats.skipped_models[how][model] += 1
                continue
            rname = (row.get("Name") or "").strip()
            rnotes = (row.get("Notes") or "").strip()
            if (re.search(r"\bbase\b", rname, re.I) or "for pre-trained models" in rnotes.lower()) \
                    and target not in ctx.base_models:
                why = "row is about a base/pre-trained model (Name or Notes say so) but maps to a non-base entry"
                stats.skipped[why] += 1
                stats.skipped_models[why][f"{name}:{rid} {rname!r} -> {target}"] += 1
                continue
            src = (row.get("Source") or "").strip()
            link = (row.get("Source link") or row.get("Source link (site from table)") or "").strip()
            info = srcmap.get(src)
            if not src or info is None:
                stats.skipped[f"{name}: Source {src!r} not described in source_ids.toml"] += 1
                continue
            dev_org = info.get("developer", "")
            org = ctx.catalog.organisation(target)
            if dev_org and org and dev_org == org:
                reported_by, evaluator = "developer", ""
            elif dev_org and not org:
                # planned model without a file yet: decided when the file exists
                reported_by, evaluator = "independent", info["evaluator"]
            else:
                reported_by, evaluator = "independent", info["evaluator"]
            label = info.get("label", src)
            value = pct(raw)
            stderr = None
            notes_txt = (row.get("Notes") or "").strip()
            conv = f"'{col}' {raw}"
            if raw.endswith("%"):
                conv += " (percent, copied as printed)"
            else:
                conv += " (percent, copied as printed)"
            if name in CLASSIC_FILES:
                setting = shots_text(row.get("Shots", ""))
                extra = NOTE_PROTOCOL.get(notes_txt.lower())
                if extra:
                    setting += f" {extra}"
                if "couldn't find shot count" in notes_txt.lower():
                    setting = "shots not stated"
                setting += f", {label}"
                if bench == "arc_challenge":
                    setting = "Challenge set, " + setting
            elif name == "aider_polyglot":
                setting = f"Polyglot (225 Exercism exercises), edit format {row['Edit format'].strip()}"
            elif name == "livebench":
                setting = f"{row['LiveBench Version'].strip()} release, global average, LiveBench model '{rid}'"
            elif name == "terminal_bench":
                setting = f"Terminal-Bench 1.0 leaderboard (tbench.ai), {row['Agent'].strip()} agent"
                se = (row.get("Accuracy SE") or "").strip()
                if se:
                    stderr = pct(se)
                    conv += f"; stderr = 'Accuracy SE' {se}"
            elif name == "simple_bench":
                setting = "SimpleBench leaderboard, AVG@5 (mean of 5 runs)"
            elif name == "arc_agi":
                setting = f"ARC-AGI-1 semi-private evaluation (ARC Prize leaderboard entry '{row['Name'].strip()}')"
            else:  # pragma: no cover
                raise AssertionError(name)
            if name == "livebench" or name == "arc_agi" or name in CLASSIC_FILES:
                # LiveBench and ARC Prize name the model variant themselves (in the setting);
                # the classic files have no reasoning settings
                if effort and name not in ("livebench", "arc_agi"):
                    setting += f", {effort_text(base, effort, external=True)}"
            else:
                setting += f", {effort_text(base, effort, external=True)}"
            if target in ctx.snapshot_ids:
                setting += f" ({base})"
            note = (
                f"Epoch AI compiled this from {src} ({link}); row id {rid} of external_benchmark_{name}.csv, "
                f"Model version '{model}'; {conv}."
            )
            if notes_txt:
                note += f" Epoch's note: '{' '.join(notes_txt.split())}'."
            note += (
                f" as_of = commit date of the Epoch snapshot ({EPOCH_SNAPSHOT_DATE.isoformat()}); "
                "the file has no date column."
            )
            if reported_by == "independent" and dev_org:
                note += f" The source is by {dev_org}, not by this model's developer, so it is an independent result."
            out.append(Result("epoch_external", model, target, bench, value, setting, reported_by,
                              evaluator, url_csv, EPOCH_SNAPSHOT_DATE, note, stderr))
            stats.mapped += 1
    return out


# --------------------------------------------------------------------------- source 3: llm-stats

LLMSTATS_BENCH = {
    "gpqa": "gpqa_diamond",  # only with 'diamond' in the method text or name (see rule below)
    "mmlu": "mmlu",
    "mmlu-pro": "mmlu_pro",
    "humaneval": "humaneval",
    "gsm8k": "gsm8k",
    "ifeval": "ifeval",
    "swe-bench-verified": "swe_bench_verified",
    "truthfulqa": "truthfulqa",
    "big-bench-hard": "bbh",
    "bbh": "bbh",
    "hellaswag": "hellaswag",
    "winogrande": "winogrande",
    "arc-c": "arc_challenge",
    "aime-2024": "aime_2024",
    "aime-2025": "aime_2025",
    "simpleqa": "simpleqa",
    "aider-polyglot": "aider_polyglot",
    "terminal-bench": "terminal_bench",
    "livebench": "livebench",
    "humanity's-last-exam": "hle",
    "hle": "hle",
    "livecodebench": "livecodebench",
    "livecodebench-v5": "livecodebench",
    "livecodebench-v6": "livecodebench",
}
UNINFORMATIVE = {"", "-", "n/a", "standard", "score", "accuracy", "not specified"}


def llmstats_setting(bid: str, bench: str, method: str) -> str:
    """The developer's setting as llm-stats transcribes it, with the variant the benchmark id implies."""
    m = " ".join(method.split()).rstrip(".")
    prefix = ""
    if bench == "gpqa_diamond" and "diamond" not in m.lower():
        prefix = "Diamond"
    if bid == "livecodebench-v5":
        prefix = "LiveCodeBench v5"
    elif bid == "livecodebench-v6":
        prefix = "LiveCodeBench v6"
    elif bench == "terminal_bench":
        prefix = "Terminal-Bench 1.0"
    if m.lower() not in UNINFORMATIVE:
        core = f"llm-stats method text: '{m}'"
    elif m:
        core = f"setting not stated (llm-stats method text: '{m}')"
    else:
        core = "setting not stated in llm-stats"
    return f"{prefix}, {core}" if prefix else core


def import_llm_stats(ctx) -> list[Result]:
    stats = ctx.stats["llm_stats"]
    row_skips = ctx.table.get("llm_stats_rows_skip", {})
    link_skips = ctx.table.get("llm_stats_links_skip", {})
    root = ctx.sources / "llm-stats/data/organizations"
    out = []
    for bpath in sorted(root.glob("*/models/*/benchmarks.json")):
        mdir = bpath.parent
        rel_b = str(bpath.relative_to(ctx.sources))
        url_b = ctx.manifest[rel_b]
        with (mdir / "model.json").open(encoding="utf-8") as fh:
            meta = json.load(fh)
        with bpath.open(encoding="utf-8") as fh:
            rows = json.load(fh)
        model_id = meta.get("model_id") or mdir.name
        for r in rows:
            stats.rows += 1
            bid = r["benchmark_id"]
            bench = LLMSTATS_BENCH.get(bid)
            if bench is None:
                stats.skipped["benchmark not imported (not in the mapping)"] += 1
                continue
            method = (r.get("analysis_method") or "").strip()
            name = (r.get("benchmark_name") or "").strip()
            if bid == "gpqa" and "diamond" not in (method + " " + name).lower():
                stats.skipped["gpqa row without 'Diamond' in benchmark_name/analysis_method"] += 1
                stats.skipped_models["gpqa row without 'Diamond'"][model_id] += 1
                continue
            rk = f"{model_id}:{bid}:{r.get('model_benchmark_id')}"
            why = row_skips.get(rk) or row_skips.get(f"{model_id}:{bid}") or row_skips.get(f"{model_id}:*")
            if why:
                stats.skipped[f"row skipped in source_ids.toml: {why}"] += 1
                continue
            link0 = (r.get("self_reported_source_link") or "").strip()
            lwhy = next((v for k, v in link_skips.items() if link0.startswith(k)), None)
            if lwhy:
                stats.skipped[f"source link skipped in source_ids.toml: {lwhy}"] += 1
                stats.skipped_models["source link skipped"][f"{model_id}:{bid}"] += 1
                continue
            if bench == "livebench" and "coding" in method.lower():
                stats.skipped["livebench row whose method text says 'coding' (a category score, not the global average)"] += 1
                continue
            target, how = ctx.mapper.resolve("llm_stats", model_id, basename_ok=False)
            if target is None:
                if how == "unmapped":
                    stats.unmapped[model_id] += 1
                else:
                    stats.skipped[how] += 1
                    stats.skipped_models[how][model_id] += 1
                continue
            link = (r.get("self_reported_source_link") or "").strip()
            if not re.match(r"^https?://\S+$", link) or "example.com" in link:
                stats.skipped["no usable self_reported_source_link"] += 1
                continue
            date_field = "announcement_date" if meta.get("announcement_date") else "release_date"
            if not meta.get(date_field):
                stats.skipped["model.json has no announcement/release date"] += 1
                continue
            as_of = dt.date.fromisoformat(meta[date_field][:10])
            # the date of the cited page wins over model.json's date, which is sometimes wrong
            # (deepseek-v3.1: 2025-01-10) or older than the page (o3-mini figures in the GPT-4.1 post)
            page_date = ctx.table.get("llm_stats_page_dates", {}).get(link) or ctx.table.get(
                "llm_stats_model_dates", {}
            ).get(model_id)
            if page_date:
                as_of = dt.date.fromisoformat(str(page_date))
            score_txt = repr(score) if isinstance(score, float) else str(score)
            value = x100(score_txt)
            if value != value.quantize(Decimal("0.01")):
                value_note = f"score {score_txt} x 100 = {fmt_num(value)}"
            else:
                value_note = f"score {score_txt} x 100"
            self_rep = bool(r.get("is_self_reported"))
            reported_by = "developer" if self_rep else "independent"
            evaluator = ""
            if not self_rep:
                evaluator = ctx.table.get("llm_stats_evaluators", {}).get(link, "")
                if not evaluator:
                    stats.skipped["independent row whose evaluator is not named in source_ids.toml"] += 1
                    stats.skipped_models["independent row, evaluator unknown"][f"{model_id}:{bid}"] += 1
                    continue
            setting = llmstats_setting(bid, bench, method)
            if target in ctx.snapshot_ids:
                setting += f" ({model_id})"
            note = (
                f"transcribed via llm-stats {url_b} (stores {score_txt}); "
                f"llm-stats method text: '{' '.join(method.split())}'; benchmark_id '{bid}' ('{name}'); "
                f"{value_note}; "
                + (
                    f"as_of = the date of the cited page ({as_of}); llm-stats' model.json gives {meta[date_field][:10]}."
                    if page_date
                    else f"as_of = the model's {date_field.replace('_', ' ')} in model.json ({meta[date_field][:10]})."
                )
            )
            if bid == "gpqa":
                note += " llm-stats 'gpqa' mixes GPQA variants; imported as Diamond because the method text or name says Diamond."
            out.append(Result("llm_stats", model_id, target, bench, value, setting, reported_by,
                              evaluator, link, as_of, note))
            stats.mapped += 1
    return out


# --------------------------------------------------------------------------- source 4: Open LLM Leaderboard

OLB_V1 = [  # column, benchmark id, setting
    ("arc", "arc_challenge", "25-shot"),
    ("hellaswag", "hellaswag", "10-shot"),
    ("mmlu", "mmlu", "5-shot"),
    ("truthfulqa", "truthfulqa", "MC2, 0-shot"),
    ("winogrande", "winogrande", "5-shot"),
    ("gsm8k", "gsm8k", "5-shot"),
]
OLB_V2 = [
    ("ifeval", "ifeval", "0-shot, Open LLM Leaderboard v2 (mean of prompt- and instruction-level strict accuracy)"),
    ("bbh", "bbh", "3-shot"),
    ("math", "math_lvl5", "4-shot"),
    ("mmlu_pro", "mmlu_pro", "5-shot"),
]


def olb_targets(ctx, names: set[str]) -> dict[str, str]:
    """Official repo id (lower) -> catalogue id, for every repo named in the rows."""
    out = {}
    for n in names:
        target, how = ctx.mapper.resolve("olb", n, basename_ok=False)
        if target:
            out[n.lower()] = target
    return out


def import_olb(ctx) -> list[Result]:
    out = []
    # ---- v1
    rel = "open-llm-leaderboard/csv/huggingface_v1.csv"
    url = ctx.manifest[rel]
    stats = ctx.stats["olb_v1"]
    rows = read_csv(ctx.sources / rel)
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        stats.rows += 1
        groups[row["fullname"].strip()].append(row)
    orgs = {a.split("/", 1)[0].lower() for d in ctx.catalog.entries.values() for a in d.get("aliases", [])
            if a.count("/") == 1 and not a.startswith("@")}
    for name, grp in groups.items():
        target, how = ctx.mapper.resolve("olb", name, basename_ok=False)
        if target is None:
            if how != "unmapped":
                stats.skipped[how] += len(grp)
                stats.skipped_models[how][name] += len(grp)
            elif "/" in name and name.split("/", 1)[0].lower() in orgs:
                # a repo of an organisation the catalogue already uses: listed so it can be mapped later
                stats.unmapped[name] += len(grp)
            else:
                stats.skipped["community repo (organisation not used by any catalogue alias); not listed"] += len(grp)
            continue
        # rule: newest submission date; ties -> first in file
        grp_sorted = sorted(grp, key=lambda r: r["date"], reverse=True)
        row = grp_sorted[0]
        stats.skipped["older duplicate row of the same repo (newest row used)"] += len(grp) - 1
        date = dt.date.fromisoformat(row["date"][:10])
        for col, bench, setting in OLB_V1:
            raw = row[col].strip()
            if not raw:
                continue
            note = (
                f"Row fullname {row['fullname'].strip()}, precision {row['precision'].strip()}, model_sha "
                f"{row['model_sha'].strip()}, submitted {row['date'].strip()}; column '{col}' (%)."
            )
            if len(grp) > 1:
                note += f" The repo has {len(grp)} v1 rows; the newest submission is used."
            out.append(Result("olb_v1", name, target, bench, pct(raw), setting, "independent",
                              "Open LLM Leaderboard v1 (lm-evaluation-harness)", url, date, note))
        stats.mapped += 1
    # ---- v2
    rel = "open-llm-leaderboard/csv/huggingface_v2.csv"
    url = ctx.manifest[rel]
    stats = ctx.stats["olb_v2"]
    rows = read_csv(ctx.sources / rel)
    groups = defaultdict(list)
    for row in rows:
        stats.rows += 1
        groups[row["model_name"].strip()].append(row)
    for name, grp in groups.items():
        target, how = ctx.mapper.resolve("olb", name, basename_ok=False)
        if target is None:
            if how != "unmapped":
                stats.skipped[how] += len(grp)
                stats.skipped_models[how][name] += len(grp)
            elif any(r["features_is_official_provider"].strip().upper() == "TRUE" for r in grp):
                # an official-provider repo: listed so it can be mapped later
                stats.unmapped[name] += len(grp)
            else:
                stats.skipped["not an official-provider repo (features_is_official_provider FALSE); not listed"] += len(grp)
            continue
        # rule: prefer model_has_chat_template TRUE, then the newest submission date, then file order
        grp_sorted = sorted(
            grp,
            key=lambda r: (r["model_has_chat_template"].strip().upper() == "TRUE", r["metadata_submission_date"]),
            reverse=True,
        )
        row = grp_sorted[0]
        stats.skipped["other row of the same repo (rule: chat template, then newest)"] += len(grp) - 1
        date = dt.date.fromisoformat(row["metadata_submission_date"][:10])
        chat = row["model_has_chat_template"].strip().upper()
        for col, bench, setting in OLB_V2:
            raw = row[f"evaluations_{col}_value"].strip()
            if not raw:
                continue
            value = (dec(raw) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            note = (
                f"Row id {row['id'].strip()}; evaluations_{col}_value {raw} (raw 0-1 fraction) x 100, "
                f"rounded to 2 dp; normalized_score not used. model_has_chat_template = {chat}."
            )
            if len(grp) > 1:
                note += (
                    f" The repo has {len(grp)} v2 rows; rule: the row with a chat template, then the newest "
                    "submission."
                )
            else:
                note += " This is the only v2 row for this repo."
            if chat != "TRUE" and "instruct" in name.lower() + target:
                note += " Run without the chat template, which depresses IFEval in particular."
            out.append(Result("olb_v2", name, target, bench, value, setting, "independent",
                              "Open LLM Leaderboard v2 (lm-evaluation-harness)", url, date, note))
        stats.mapped += 1
    return out


# --------------------------------------------------------------------------- merge & write


def fnum(x) -> float:
    return float(x)


def insert_point(text: str) -> int:
    """Character offset where new [[benchmarks]] tables go."""
    lines = text.splitlines(keepends=True)
    header = re.compile(r"^\s*\[")
    last_bench = None
    for i, line in enumerate(lines):
        if re.match(r"^\s*\[\[\s*benchmarks\s*\]\]", line):
            last_bench = i
    if last_bench is not None:
        j = len(lines)
        for k in range(last_bench + 1, len(lines)):
            if header.match(lines[k]):
                j = k
                break
        while j - 1 > last_bench and (lines[j - 1].strip() == "" or lines[j - 1].lstrip().startswith("#")):
            j -= 1
        return sum(len(l) for l in lines[:j])
    for k, line in enumerate(lines):
        if re.match(r"^\s*\[\[\s*(prices|latency)\s*\]\]", line):
            j = k
            while j - 1 >= 0 and (lines[j - 1].strip() == "" or lines[j - 1].lstrip().startswith("#")):
                j -= 1
            return sum(len(l) for l in lines[:j])
    return len(text)


def splice(text: str, new_tables: list[str]) -> str:
    pos = insert_point(text)
    before, after = text[:pos], text[pos:]
    if before and not before.endswith("\n"):
        before += "\n"
    block = "\n".join(new_tables)
    if before.strip():
        block = "\n" + block
    if after and not after.startswith("\n"):
        block += "\n"
    return before + block + after


BENCH_WORDS = {
    "mmlu": ["MMLU"], "mmlu_pro": ["MMLU-Pro", "MMLU Pro"], "humaneval": ["HumanEval"], "gsm8k": ["GSM8K", "GSM8k"],
    "truthfulqa": ["TruthfulQA"], "bbh": ["BBH", "BIG-Bench", "Big-Bench"], "gpqa_diamond": ["GPQA"],
    "ifeval": ["IFEval"], "swe_bench_verified": ["SWE-bench", "SWE-Bench"], "math_lvl5": ["MATH"],
    "arc_challenge": ["ARC"], "hellaswag": ["HellaSwag"], "winogrande": ["Winogrande", "WinoGrande"],
    "otis_mock_aime": ["OTIS", "AIME"], "frontiermath": ["FrontierMath"], "aime_2024": ["AIME"],
    "aime_2025": ["AIME"], "aider_polyglot": ["Aider", "aider"], "livebench": ["LiveBench"],
    "terminal_bench": ["Terminal-Bench", "Terminal-bench", "Terminal Bench"], "simplebench": ["SimpleBench"],
    "arc_agi_1": ["ARC-AGI", "ARC Prize"], "simpleqa": ["SimpleQA"], "hle": ["HLE", "Humanity"],
    "livecodebench": ["LiveCodeBench"],
}


def value_in_notes(entry: dict, r: Result) -> bool:
    """True when the file's free-text `notes` name this value close to this benchmark's name.

    Curators write there which transcribed figures they rejected and why (e.g. "llm-stats also lists
    MMLU 92.5 ... not recorded"); such a value is never re-imported automatically.
    """
    text = " ".join(entry.get("notes", []))
    if not text:
        return False
    forms = {fmt_num(r.value)}
    v = r.value.normalize()
    forms.add(format(v.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), "f"))
    forms.add(format(v.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), "f"))
    words = BENCH_WORDS.get(r.bench, [r.bench])
    for f in forms:
        for m in re.finditer(r"(?<![\d.])" + re.escape(f) + r"(?![\d]|\.\d)", text):
            window = text[max(0, m.start() - 160): m.end() + 40]
            if any(wd in window for wd in words):
                return True
    return False


def same_fact(existing: dict, r: Result) -> bool:
    if existing.get("id") != r.bench or existing.get("reported_by") != r.reported_by:
        return False
    if abs(float(existing.get("value", -999)) - float(r.value)) > 0.05 + 1e-9:
        return False
    if existing.get("source") == r.url:
        return True
    ev = existing.get("evaluator", "")
    if ev and ev == r.evaluator:
        return True
    if r.reported_by == "developer":
        return True  # same developer-reported number, entered by hand from another page
    return False


class Ctx:
    pass


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--catalog", type=Path, default=DEFAULT_CATALOG, help="catalogue folder (with models/)")
    ap.add_argument("--sources", type=Path, default=DEFAULT_SOURCES, help="staged sources folder")
    ap.add_argument("--map", type=Path, default=DEFAULT_MAP, help="source_ids.toml")
    ap.add_argument("--dry-run", action="store_true", help="print what would be added; write nothing")
    ap.add_argument("--report", type=Path, help="also write the report to this file")
    ap.add_argument("--list-new", action="store_true", help="print every new result (id, value, setting)")
    args = ap.parse_args(argv)

    with args.map.open("rb") as fh:
        table = tomllib.load(fh)
    planned = table.get("catalog", {}).get("planned", [])
    catalog = Catalog(args.catalog, planned)
    ctx = Ctx()
    ctx.sources = args.sources
    ctx.catalog = catalog
    ctx.table = table
    ctx.mapper = Mapper(catalog, table)
    ctx.manifest = load_manifest(args.sources)
    ctx.snapshot_ids = set(table.get("catalog", {}).get("snapshot_in_setting", []))
    ctx.base_models = set(table.get("catalog", {}).get("base_models", []))
    ctx.stats = defaultdict(SourceStats)

    results: list[Result] = []
    results += import_epoch_runs(ctx)
    results += import_epoch_external(ctx)
    results += import_llm_stats(ctx)
    results += import_olb(ctx)

    # ---------------------------------------------------------------- decide per result
    by_target: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_target[r.target].append(r)
    # two source rows with the same key for one entry (e.g. the same Epoch task run under two model
    # ids that map to one entry): name the source model id in the setting
    for target, rs in by_target.items():
        groups: dict[tuple, set] = defaultdict(set)
        for r in rs:
            groups[r.key()].add(r.source_model)
        for r in rs:
            if len(groups[r.key()]) > 1 and r.source_model.lower() not in r.setting.lower():
                r.setting += f" (model id '{r.source_model}')"

    to_add: dict[str, list[Result]] = defaultdict(list)
    pending: list[Result] = []  # planned ids without a file yet
    unregistered: Counter = Counter()
    dup_existing = Counter()
    conflicts: list[str] = []
    dup_within = Counter()
    in_notes: list[str] = []
    unreg_results: list[Result] = []
    for target, rs in sorted(by_target.items()):
        if not catalog.exists(target):
            pending.extend(rs)
            continue
        existing = catalog.entries[target].get("benchmarks", [])
        ex_keys = {(b.get("id"), b.get("setting"), b.get("reported_by"), b.get("source")): b for b in existing}
        chosen: list[Result] = []
        seen_keys: dict[tuple, Result] = {}
        for r in rs:
            if r.bench not in catalog.registry:
                unregistered[r.bench] += 1
                unreg_results.append(r)
                continue
            if r.key() in ex_keys:
                b = ex_keys[r.key()]
                if abs(float(b.get("value")) - float(r.value)) <= 0.05 + 1e-9:
                    dup_existing[r.source] += 1
                else:
                    conflicts.append(
                        f"{target}: {r.bench} [{r.setting}] {r.reported_by} {r.url}: file has {b.get('value')}, "
                        f"{r.source} gives {fmt_num(r.value)} (not written)"
                    )
                continue
            if any(same_fact(b, r) for b in existing):
                dup_existing[r.source] += 1
                continue
            if value_in_notes(catalog.entries[target], r):
                in_notes.append(
                    f"{target}: {r.bench} = {fmt_num(r.value)} [{r.setting}] {r.reported_by} "
                    f"({r.source}: {r.source_model}) -- this value is named in the file's notes"
                )
                continue
            if any(same_fact(c.as_existing(), r) for c in chosen):
                dup_within[r.source] += 1
                continue
            if r.key() in seen_keys:
                o = seen_keys[r.key()]
                conflicts.append(
                    f"{target}: two source rows give the same key {r.bench} [{r.setting}] {r.reported_by} {r.url}: "
                    f"{fmt_num(o.value)} ({o.source_model}) vs {fmt_num(r.value)} ({r.source_model}); neither written"
                )
                chosen.remove(o)
                continue
            seen_keys[r.key()] = r
            chosen.append(r)
        if chosen:
            to_add[target] = chosen

    # ---------------------------------------------------------------- write
    written_files = []
    for target, rs in sorted(to_add.items()):
        path = catalog.models_dir / f"{target}.toml"
        text = path.read_text(encoding="utf-8")
        new_text = splice(text, [r.to_toml() for r in rs])
        # verify: parses, benchmarks = old + new, everything else unchanged
        old = tomllib.loads(text)
        new = tomllib.loads(new_text)
        assert new["benchmarks"][: len(old.get("benchmarks", []))] == old.get("benchmarks", []), path
        assert len(new["benchmarks"]) == len(old.get("benchmarks", [])) + len(rs), path
        assert {k: v for k, v in new.items() if k != "benchmarks"} == {
            k: v for k, v in old.items() if k != "benchmarks"
        }, path
        for added, r in zip(new["benchmarks"][len(old.get("benchmarks", [])):], rs):
            assert added["id"] == r.bench and abs(added["value"] - float(r.value)) < 1e-9, path
        if not args.dry_run:
            path.write_text(new_text, encoding="utf-8")
            with path.open("rb") as fh:
                tomllib.load(fh)
        written_files.append(path)

    # ---------------------------------------------------------------- report
    rep = report(ctx, catalog, results, to_add, pending, unregistered, dup_existing, dup_within,
                 conflicts, in_notes, args, unreg_results)
    print(rep)
    if args.report:
        args.report.write_text(rep + "\n", encoding="utf-8")
    return 0


def coverage(entries: dict[str, dict], extra: dict[str, list[Result]] | None = None) -> dict[str, tuple[int, int]]:
    models: dict[str, set] = defaultdict(set)
    count: Counter = Counter()
    for cid, data in entries.items():
        for b in data.get("benchmarks", []):
            models[b["id"]].add(cid)
            count[b["id"]] += 1
    for cid, rs in (extra or {}).items():
        for r in rs:
            models[r.bench].add(cid)
            count[r.bench] += 1
    return {b: (len(models[b]), count[b]) for b in set(models) | set(count)}


def report(ctx, catalog, results, to_add, pending, unregistered, dup_existing, dup_within, conflicts, in_notes,
           args, unreg_results=()) -> str:
    out = []
    w = out.append
    mode = "DRY RUN (nothing written)" if args.dry_run else "written"
    n_new = sum(len(v) for v in to_add.values())
    w(f"# import_staged report ({mode})")
    w(f"catalogue: {catalog.root}  sources: {ctx.sources}")
    w(f"catalogue models: {len(catalog.entries)} files; planned ids without a file yet: "
      f"{len([p for p in catalog.planned if not catalog.exists(p)])}")
    w(f"generated results: {len(results)}; new results added: {n_new} in {len(to_add)} files; "
      f"already in the catalogue (same fact): {sum(dup_existing.values())} {dict(dup_existing)}; "
      f"same fact from two sources in this run (first kept): {sum(dup_within.values())} {dict(dup_within)}")
    w("")
    # pending: group by planned target, dedupe within
    pend_by: dict[str, list[Result]] = defaultdict(list)
    for r in pending:
        pend_by[r.target].append(r)
    before = coverage(catalog.entries)
    after = coverage(catalog.entries, to_add)
    extra: dict[str, list[Result]] = defaultdict(list)
    for cid, rs in to_add.items():
        extra[cid].extend(rs)
    for r in list(pending) + list(unreg_results):
        extra[r.target].append(r)
    potential = coverage(catalog.entries, extra)
    w("## Coverage per benchmark id (catalogue models with >=1 result / results)")
    w("potential = after + results waiting for planned ids whose files do not exist yet + results for benchmark ids")
    w("            not in the registry (both before the duplicate check)")
    w(f"{'benchmark':22} {'before':>12} {'after':>12} {'potential':>12}  registry")
    for b in sorted(set(before) | set(after) | set(potential)):
        bm, bc = before.get(b, (0, 0))
        am, ac = after.get(b, (0, 0))
        pm, pc = potential.get(b, (0, 0))
        reg = "yes" if b in catalog.registry else "NOT IN REGISTRY (not written)"
        w(f"{b:22} {bm:>5}/{bc:<6} {am:>5}/{ac:<6} {pm:>5}/{pc:<6}  {reg}")
    if unregistered:
        w(f"results not written because the benchmark id is not in benchmarks.toml: {dict(unregistered)}")
    w("")
    w("## Per source")
    for key in ["epoch_runs", "epoch_external", "llm_stats", "olb_v1", "olb_v2"]:
        s = ctx.stats[key]
        w(f"### {key}: {s.rows} rows; mapped (rows giving a result for a catalogue or planned id): {s.mapped}")
        for reason, n in s.skipped.most_common():
            w(f"  skipped {n:5}  {reason}")
        for reason, c in s.skipped_models.items():
            w(f"    [{reason}] " + ", ".join(f"{m} ({n})" for m, n in c.most_common()))
        if s.unmapped:
            w(f"  unmapped source model ids ({len(s.unmapped)} ids, {sum(s.unmapped.values())} rows):")
            w("    " + ", ".join(f"{m} ({n})" for m, n in sorted(s.unmapped.items(), key=lambda x: (-x[1], x[0]))))
    w("")
    w("## Mapped source ids (review): source id -> catalogue id (how)")
    for section, m in sorted(ctx.mapper.review.items()):
        w(f"[{section}] " + "; ".join(f"{k} -> {v[0]} ({v[1]})" for k, v in sorted(m.items(), key=lambda x: x[1][0])))
    w("")
    w("## Results waiting for planned ids (files not there yet; not written)")
    for cid in sorted(pend_by):
        rs = pend_by[cid]
        w(f"  {cid}: {len(rs)} results " + str(dict(Counter(r.bench for r in rs))))
    missing = [p for p in catalog.planned if not catalog.exists(p) and p not in pend_by]
    if missing:
        w(f"  planned ids with no staged result at all: {', '.join(missing)}")
    w("")
    snaps = [(t, r) for t, rs in to_add.items() for r in rs if t in ctx.snapshot_ids]
    snaps += [(r.target, r) for r in pending if r.target in ctx.snapshot_ids]
    if snaps:
        w("## Multi-snapshot entries: every snapshot mapped (named in the setting)")
        c = Counter((t, r.source_model, r.source) for t, r in snaps)
        for (t, m, s), n in sorted(c.items()):
            w(f"  {t} <- {m} [{s}]: {n} results")
        w("")
    w("## Conflicts (not written)")
    if conflicts:
        for c in conflicts:
            w("  " + c)
    else:
        w("  none")
    w("")
    w("## Not written: the value is named in the model file's `notes` (a curator's decision; check by hand)")
    for c in in_notes or ["none"]:
        w("  " + c)
    w("")
    w("## New results per file")
    for cid, rs in sorted(to_add.items()):
        w(f"  {cid}: +{len(rs)} " + str(dict(Counter(r.bench for r in rs))))
        if args.list_new:
            for r in rs:
                w(f"      {r.bench} = {fmt_num(r.value)} [{r.setting}] {r.reported_by} {r.evaluator} ({r.source}: {r.source_model})")
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
