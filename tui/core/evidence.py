"""Import a team's own evaluation results as extra criteria.

Three formats are read, each as its tool writes it:

* **lm-evaluation-harness** results JSON (``lm_eval --output_path``): ``results`` maps a
  task to ``"<metric>,<filter>"`` keys with fractions and ``"<metric>_stderr,<filter>"``;
  the model comes from ``model_name`` or ``config.model_args`` (``pretrained=...``);
  ``n-samples`` gives the item count.
* **inspect_ai** evaluation logs in JSON form: ``eval.task``, ``eval.model``,
  ``results.scores[].metrics`` (``accuracy``/``mean`` and ``stderr``) and
  ``results.completed_samples`` / ``total_samples``.
* **CSV** with the header ``model_id,criterion,value,stderr,n,source,date``; values on a
  0-100 scale.

Every imported criterion gets the id ``team:<name>``. Models are matched to catalogue ids
through the user's alias table, then the catalogue's own ids and aliases; a model that
matches nothing is reported, never dropped silently.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from tui.core.catalog import Catalog
from tui.core.engine import Criterion
from tui.core.errors import MAX_FILE_BYTES, InputError, read_toml
from tui.core.frame import RESULT_COLUMNS

METRIC_PREFERENCE = ("acc_norm", "acc", "exact_match", "pass@1", "pass_at_1", "prompt_level_strict_acc",
                     "inst_level_strict_acc", "mc2", "mc1", "f1", "em", "bleu", "accuracy", "mean")
CSV_HEADER = ["model_id", "criterion", "value", "stderr", "n", "source", "date"]


@dataclass(frozen=True)
class Row:
    """One imported score before matching."""

    model: str
    criterion: str
    value: float
    stderr: float | None
    n: int | None
    setting: str
    date: dt.date
    source: str


@dataclass
class EvidenceBundle:
    """Imported results ready for the engine, and what could not be matched."""

    results: pd.DataFrame
    criteria: dict[str, Criterion]
    files: list[dict[str, Any]]
    unmatched: dict[str, list[str]] = field(default_factory=dict)
    """Imported model name -> the files it came from, for models no catalogue id matched."""

    def unmatched_lines(self) -> list[str]:
        """One line per unmatched model, saying how to fix it."""
        return [
            f"evidence for {name!r} ({', '.join(files)}) matches no catalogue model; add it to the alias "
            "table, or add the model through a catalogue overlay"
            for name, files in sorted(self.unmatched.items())
        ]

    def meta(self) -> list[dict[str, Any]]:
        """What a decision record embeds: file hashes and the imported values."""
        return self.files


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_.-]+", "-", text.lower()).strip("-") or "criterion"


def _fraction_to_points(value: Any, path: Path, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise InputError(f"{where}: expected a number, got {value!r}", path=path)
    return float(value) * 100.0 if 0.0 <= value <= 1.0 else float(value)


def _load_json(path: Path) -> Any:
    if not path.is_file():
        raise InputError("evidence file not found", path=path)
    if path.stat().st_size > 64 * MAX_FILE_BYTES:
        raise InputError("evidence file is larger than 64 MiB", path=path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise InputError("file is not UTF-8 text", path=path) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON: {exc.msg}", path=path, line=exc.lineno) from None


def read_lm_eval(path: Path, data: dict[str, Any]) -> list[Row]:
    """Rows from an lm-evaluation-harness results file."""
    results = data.get("results")
    if not isinstance(results, dict) or not results:
        raise InputError("lm-eval results file has no 'results' table", path=path)
    config = data.get("config") or {}
    model = data.get("model_name")
    if not model:
        args = str(config.get("model_args") or "")
        match = re.search(r"(?:pretrained|model|model_name|engine)=([^,]+)", args)
        model = match.group(1) if match else config.get("model")
    if not model:
        raise InputError("cannot tell which model was evaluated (no model_name or config.model_args)", path=path)
    stamp = data.get("date")
    date = dt.datetime.fromtimestamp(float(stamp), dt.timezone.utc).date() if isinstance(stamp, (int, float)) else dt.date.today()
    n_shot = data.get("n-shot") or {}
    n_samples = data.get("n-samples") or {}
    rows = []
    for task, metrics in results.items():
        if not isinstance(metrics, dict):
            raise InputError(f"results.{task}: expected a table of metrics", path=path)
        values = {k: v for k, v in metrics.items() if "," in k and "_stderr" not in k and isinstance(v, (int, float))}
        if not values:
            continue  # a group header without its own score
        chosen = None
        for metric in METRIC_PREFERENCE:
            chosen = next((k for k in values if k.split(",", 1)[0] == metric), None)
            if chosen:
                break
        chosen = chosen or sorted(values)[0]
        metric, filt = chosen.split(",", 1)
        stderr_raw = metrics.get(f"{metric}_stderr,{filt}")
        stderr = _fraction_to_points(stderr_raw, path, f"results.{task}") if isinstance(stderr_raw, (int, float)) else None
        count = (n_samples.get(task) or {}).get("effective") if isinstance(n_samples.get(task), dict) else None
        shots = n_shot.get(task)
        setting = f"lm-evaluation-harness {metric} ({filt})" + (f", {shots}-shot" if shots is not None else "")
        rows.append(Row(str(model), f"team:{_slug(task)}", _fraction_to_points(values[chosen], path, f"results.{task}.{chosen}"),
                        stderr, int(count) if count else None, setting, date, path.name))
    if not rows:
        raise InputError("lm-eval results file has no task with a numeric metric", path=path)
    return rows


def read_inspect(path: Path, data: dict[str, Any]) -> list[Row]:
    """Rows from an inspect_ai evaluation log in JSON form."""
    ev = data.get("eval") or {}
    task = ev.get("task")
    model = ev.get("model")
    if not task or not model:
        raise InputError("inspect log has no eval.task or eval.model", path=path)
    if data.get("status") not in (None, "success"):
        raise InputError(f"inspect log status is {data.get('status')!r}, not 'success'", path=path)
    results = data.get("results") or {}
    scores = results.get("scores") or []
    if not scores:
        raise InputError("inspect log has no results.scores", path=path)
    created = str(ev.get("created") or "")[:10]
    try:
        date = dt.date.fromisoformat(created)
    except ValueError:
        date = dt.date.today()
    n = results.get("completed_samples") or results.get("total_samples")
    rows = []
    for index, score in enumerate(scores):
        metrics = score.get("metrics") or {}
        main = next((metrics[k] for k in ("accuracy", "mean", "pass_at_1") if k in metrics), None)
        if main is None:
            main = next((m for k, m in metrics.items() if k != "stderr"), None)
        if not isinstance(main, dict) or "value" not in main:
            raise InputError(f"results.scores[{index}].metrics has no value", path=path)
        stderr = metrics.get("stderr", {}).get("value") if isinstance(metrics.get("stderr"), dict) else None
        scorer = score.get("name") or score.get("scorer") or "score"
        criterion = f"team:{_slug(task)}" if len(scores) == 1 else f"team:{_slug(task)}-{_slug(scorer)}"
        rows.append(Row(str(model), criterion, _fraction_to_points(main["value"], path, f"results.scores[{index}]"),
                        _fraction_to_points(stderr, path, "stderr") if isinstance(stderr, (int, float)) else None,
                        int(n) if n else None, f"inspect_ai {scorer} {main.get('name', '')}".strip(), date, path.name))
    return rows


def read_csv(path: Path) -> list[Row]:
    """Rows from the plain CSV format."""
    if not path.is_file():
        raise InputError("evidence file not found", path=path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("file is not UTF-8 text", path=path) from None
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in (reader.fieldnames or [])]
    if header[: len(CSV_HEADER)] != CSV_HEADER:
        raise InputError(f"CSV header must be {','.join(CSV_HEADER)} (got {','.join(header) or 'nothing'})", path=path, line=1)
    rows = []
    for number, record in enumerate(reader, start=2):
        def need(key: str) -> str:
            value = (record.get(key) or "").strip()
            if not value:
                raise InputError(f"column {key!r} is empty", path=path, line=number)
            return value
        try:
            value = float(need("value"))
        except ValueError:
            raise InputError(f"value {record.get('value')!r} is not a number", path=path, line=number) from None
        if not 0 <= value <= 100:
            raise InputError(f"value {value:g} is outside 0-100", path=path, line=number)
        stderr_text = (record.get("stderr") or "").strip()
        n_text = (record.get("n") or "").strip()
        try:
            stderr = float(stderr_text) if stderr_text else None
            n = int(n_text) if n_text else None
        except ValueError:
            raise InputError("stderr must be a number and n a whole number", path=path, line=number) from None
        if stderr is not None and stderr < 0 or n is not None and n <= 0:
            raise InputError("stderr must be >= 0 and n > 0", path=path, line=number)
        try:
            date = dt.date.fromisoformat(need("date"))
        except ValueError:
            raise InputError(f"date {record.get('date')!r} is not YYYY-MM-DD", path=path, line=number) from None
        criterion = need("criterion")
        rows.append(Row(need("model_id"), criterion if criterion.startswith("team:") else f"team:{_slug(criterion)}",
                        value, stderr, n, "team CSV", date, (record.get("source") or "").strip() or path.name))
    if not rows:
        raise InputError("CSV has a header but no rows", path=path)
    return rows


def read_file(path: Path) -> tuple[str, list[Row]]:
    """Detect the format of one evidence file and read it."""
    if path.suffix.lower() == ".csv":
        return "csv", read_csv(path)
    data = _load_json(path)
    if isinstance(data, dict) and "results" in data and isinstance(data.get("results"), dict) and "eval" not in data:
        return "lm-eval", read_lm_eval(path, data)
    if isinstance(data, dict) and "eval" in data:
        return "inspect", read_inspect(path, data)
    raise InputError("not an lm-evaluation-harness results file or an inspect_ai JSON log", path=path)


def load_aliases(path: Path | None) -> dict[str, str]:
    """The user's alias table: ``[aliases] "imported name" = "catalogue-id"``."""
    if path is None:
        return {}
    data = read_toml(path)
    unknown = set(data) - {"aliases"}
    if unknown:
        raise InputError(f"unknown key {sorted(unknown)[0]!r}; the table is [aliases]", path=path)
    table = data.get("aliases", {})
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise InputError("[aliases] must map imported names to catalogue ids (strings)", path=path)
    return {k.lower(): v for k, v in table.items()}


def match_model(name: str, catalog: Catalog, aliases: dict[str, str]) -> str | None:
    """Catalogue id for an imported model name, or None."""
    key = name.strip().lower()
    if key in aliases:
        return aliases[key] if aliases[key] in catalog.by_id else None
    if key in catalog.by_id:
        return key
    for entry in catalog.entries:
        if key in (a.lower() for a in entry.aliases):
            return entry.id
    tail = key.rsplit("/", 1)[-1]
    if tail in catalog.by_id:
        return tail
    for entry in catalog.entries:
        if tail in (a.lower().rsplit("/", 1)[-1] for a in entry.aliases):
            return entry.id
    return None


def load_evidence(paths: list[Path], catalog: Catalog, aliases: Path | None = None) -> EvidenceBundle:
    """Read, match and combine evidence files into engine rows and criteria."""
    table = load_aliases(aliases)
    for name, target in table.items():
        if target not in catalog.by_id:
            raise InputError(f"alias {name!r} points to unknown catalogue id {target!r}", path=aliases)
    frames = []
    files = []
    criteria: dict[str, Criterion] = {}
    unmatched: dict[str, list[str]] = {}
    for path in paths:
        fmt, rows = read_file(path)
        values = []
        for row in rows:
            model_id = match_model(row.model, catalog, table)
            values.append({"model": row.model, "model_id": model_id, "criterion": row.criterion,
                           "value": row.value, "stderr": row.stderr, "n": row.n, "setting": row.setting,
                           "date": row.date.isoformat()})
            if model_id is None:
                unmatched.setdefault(row.model, [])
                if path.name not in unmatched[row.model]:
                    unmatched[row.model].append(path.name)
                continue
            frames.append((model_id, row.criterion, row.value, row.setting, "independent", f"team ({path.name})",
                           row.stderr, float(row.n) if row.n else math.nan, row.date, row.source, ""))
            known = criteria.get(row.criterion)
            items = max(filter(None, [row.n, known.items if known else None]), default=None)
            criteria[row.criterion] = Criterion(row.criterion, f"{row.criterion.removeprefix('team:')} (team)",
                                                0.0, items, team=True)
        files.append({"path": str(path), "sha256": _sha256(path), "format": fmt, "values": values})
    results = pd.DataFrame(frames, columns=RESULT_COLUMNS)
    if not results.empty:
        results["stderr"] = results["stderr"].astype(float)
    return EvidenceBundle(results=results, criteria=criteria, files=files, unmatched=unmatched)


def bundle_from_record(record: dict[str, Any], catalog: Catalog) -> EvidenceBundle | None:
    """Rebuild evidence from the values a record embeds (when the files are not given)."""
    files = record.get("evidence") or []
    if not files:
        return None
    rows = []
    criteria: dict[str, Criterion] = {}
    for item in files:
        for value in item.get("values", []):
            if value.get("model_id") in catalog.by_id:
                rows.append((value["model_id"], value["criterion"], value["value"], value["setting"], "independent",
                             f"team ({Path(item['path']).name})", value.get("stderr"),
                             float(value["n"]) if value.get("n") else math.nan,
                             dt.date.fromisoformat(value["date"]), Path(item["path"]).name, "embedded in record"))
                criteria[value["criterion"]] = Criterion(value["criterion"], f"{value['criterion'].removeprefix('team:')} (team)",
                                                         0.0, value.get("n"), team=True)
    results = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    if not results.empty:
        results["stderr"] = results["stderr"].astype(float)
    return EvidenceBundle(results=results, criteria=criteria, files=files)


def with_default_weights(rubric, criteria: dict[str, Criterion]):
    """A rubric that also weighs imported criteria it does not mention (weight 1)."""
    missing = {cid: 1.0 for cid in criteria if cid not in rubric.domain.weights}
    if not missing:
        return rubric
    domain = rubric.domain.model_copy(update={"weights": {**rubric.domain.weights, **missing}})
    return rubric.model_copy(update={"domain": domain})
