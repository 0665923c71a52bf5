"""Import a team's own evaluation results as extra criteria.

Three formats are read, each as its tool writes it:

* **lm-evaluation-harness** results JSON (``lm_eval --output_path``, the
  ``results_<timestamp>.json`` file): ``results`` maps a task or group to
  ``"<metric>,<filter>"`` keys with fractions and ``"<metric>_stderr,<filter>"`` (a number,
  or the string ``"N/A"`` when no standard error was computed); ``group_subtasks`` says
  which tasks a group aggregates (a group with a score stands for its subtasks, which are
  not imported separately); ``higher_is_better`` excludes metrics such as perplexity; the
  model comes from ``model_name`` or ``config.model_args`` (a ``pretrained=...`` string or,
  from the Python API, a table); ``n-samples[task].effective`` gives the item count.
* **inspect_ai** evaluation logs: JSON logs (``--log-format=json``), or the header of a
  ``.eval`` log (the default; zstd-compressed from inspect 0.3.206), read with inspect's own
  reader when the ``evals`` extra is installed, else with ``zipfile`` and ``zstandard``
  (:mod:`tui.core.eval_archive`). ``status`` must be ``success`` (``error``, ``cancelled`` and
  ``started`` logs are refused for their status). The headline score (``results.headline``,
  else the task's ``eval.headline_metric``, else the first metric of the first score, as
  inspect resolves it) is ``team:<task>``; every other scorer is ``team:<task>-<scorer>``
  (``-<scorer>-<score>`` for a scorer with named scores), plus ``-<reducer>`` when the epochs
  have several reducers. One scorer is imported once: its other reducer views are noted, not
  imported. The item count is the score's ``scored_samples`` (else ``completed_samples``
  over the epochs); fewer than the dataset's samples is a partial run, reported as a warning.
* **CSV** with the header ``model_id,criterion,value,stderr,n,source,date``; values on a
  0-100 scale.

The scale comes from what a metric is, never from its value (:mod:`tui.core.evidence_scale`):
fractions (accuracy, exact match, F1, pass@k, ...) become points (x100), chrF, BLEU and TER
are points already, and a metric of unknown range (a custom scorer's mean, an LLM judge) is
refused until the alias table's ``[scales]`` gives its range. lm-eval makes up a model name
when a run names none (seeded, so the same for every such run): that name is reported and
never matched. Every imported
criterion gets the id ``team:<name>``. Models are matched to catalogue ids through the
user's alias table, then the catalogue's own ids and aliases (also after dropping a
provider prefix such as ``openai/`` or ``vllm/``); a model that matches nothing is
reported, never dropped silently.
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
from tui.core.clock import today as clock_today
from tui.core.errors import MAX_FILE_BYTES, InputError, read_toml
from tui.core.eval_archive import read_eval_header
from tui.core.evidence_scale import Scale, inspect_scale, lm_eval_scale, load_scales, unknown_range
from tui.core.frame import RESULT_COLUMNS
from tui.core.rubric import Rubric
from tui.core.scores import Criterion

METRIC_PREFERENCE = (
    "acc_norm",
    "acc",
    "exact_match",
    "pass@1",
    "pass_at_1",
    "prompt_level_strict_acc",
    "inst_level_strict_acc",
    "mc2",
    "mc1",
    "f1",
    "em",
    "bleu",
    "accuracy",
    "mean",
)
FILTER_PREFERENCE = ("none", "strict-match")
"""lm-eval filters tried first when a metric is reported under several (gsm8k: strict, then flexible)."""
LOWER_IS_BETTER = {"perplexity", "word_perplexity", "byte_perplexity", "bits_per_byte", "ter", "loss", "brier_score"}
"""lm-eval metrics where lower is better, for files without a ``higher_is_better`` table."""
INSPECT_SPREAD = {"stderr", "bootstrap_stderr", "std", "var"}
"""inspect_ai metrics that describe spread, never the score itself."""
CSV_HEADER = ["model_id", "criterion", "value", "stderr", "n", "source", "date"]
LATENCY = "latency:ttft_s"
"""The criterion id of a time-to-first-token measurement (seconds, not a 0-100 score)."""
LATENCY_NAMES = {"ttft_s", "latency:ttft_s", "team:ttft_s"}
"""CSV criterion names read as latency measurements."""
MAX_EVIDENCE_BYTES = 64 * MAX_FILE_BYTES
MOCK_LABEL = "MOCK run, not real evidence"
"""How a result from inspect_ai's mock provider is labelled wherever it appears."""


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
    generated: bool = False
    """The model name was made up by the tool (lm-eval without a model name): never matched."""


@dataclass
class EvidenceBundle:
    """Imported results ready for the engine, and what could not be matched."""

    results: pd.DataFrame
    criteria: dict[str, Criterion]
    files: list[dict[str, Any]]
    unmatched: dict[str, list[str]] = field(default_factory=dict)
    """Imported model name -> the files it came from, for models no catalogue id matched."""
    notes: list[str] = field(default_factory=list)
    """What a reader skipped on purpose (e.g. a lower-is-better metric), one line each."""
    latency: dict[str, float] = field(default_factory=dict)
    """Catalogue id -> the lowest measured time to first token, in seconds."""

    def unmatched_lines(self) -> list[str]:
        """One line per unmatched model, saying how to fix it."""
        return [
            f"evidence for {name!r} ({', '.join(files)}) matches no catalogue model; add it to the alias "
            "table, or add the model through a catalogue overlay"
            for name, files in sorted(self.unmatched.items())
        ]

    def warning_lines(self) -> list[str]:
        """Everything the user should hear about: unmatched models, then skipped tasks."""
        return self.unmatched_lines() + list(self.notes)

    def meta(self) -> list[dict[str, Any]]:
        """What a decision record embeds: file hashes and the imported values."""
        return self.files


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _slug(text: str) -> str:
    """A criterion id part: lower-case letters, digits, '_' and '-' (no '.', so ``--set`` can name it)."""
    return re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-") or "criterion"


def _number(value: Any) -> float | None:
    """A finite number, or None for anything else (lm-eval's "N/A", null, NaN, a string)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _check_size(path: Path) -> None:
    if not path.exists():
        raise InputError("evidence file not found", path=path)
    if not path.is_file():
        raise InputError("is a folder, expected an evidence file", path=path)
    if path.stat().st_size > MAX_EVIDENCE_BYTES:
        raise InputError(
            "evidence file is larger than 64 MiB; for an inspect log pass the .eval file (only its "
            "header is read) or log with --no-log-samples",
            path=path,
        )


def _load_json(path: Path) -> Any:
    _check_size(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise InputError("file is not UTF-8 text", path=path) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON: {exc.msg}", path=path, line=exc.lineno) from None
    except RecursionError:
        raise InputError("malformed JSON: nested too deeply", path=path) from None


# ------------------------------------------------------------------ lm-evaluation-harness


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    """``data[key]`` when it is a table, else an empty one (tools leave parts out)."""
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _lm_eval_model(data: dict[str, Any]) -> str | None:
    name = data.get("model_name")
    if isinstance(name, str) and name.strip():
        return name.strip()
    config = _table(data, "config")
    args = config.get("model_args")
    keys = ("pretrained", "model", "model_name", "engine", "path")
    if isinstance(args, dict):
        for key in keys:
            value = args.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    elif isinstance(args, str):
        for key in keys:
            match = re.search(rf"(?:^|,)\s*{key}=([^,]+)", args)
            if match and match.group(1).strip():
                return match.group(1).strip()
    return None  # config.model is the backend ("hf", "vllm"), not the model


LM_EVAL_NAME_KEYS = ("peft", "delta", "pretrained", "model", "path", "engine")
"""What lm-eval 0.4.13 looks for in ``model_args`` to name the model (``GeneralConfigTracker._get_model_name``)."""


def _lm_eval_name_generated(data: dict[str, Any]) -> bool:
    """True when lm-eval made up ``model_name``: ``model_args`` named no model.

    lm-eval (``loggers/evaluation_tracker.py``) takes the name from the first of
    :data:`LM_EVAL_NAME_KEYS` in ``model_args`` (a key of a table, or ``key=`` anywhere in a
    string) and otherwise calls ``random_name_id()``: 8 random letters and digits drawn after
    ``simple_evaluate`` seeded ``random`` with 0, so every such run gets the same name.
    """
    config = _table(data, "config")
    if "model_args" not in config or not data.get("model_name"):
        return False  # an older file, or no name at all: nothing was generated
    args = config["model_args"]
    if isinstance(args, dict):
        return not any(key in args for key in LM_EVAL_NAME_KEYS)
    if isinstance(args, str):
        return not any(f"{key}=" in args for key in LM_EVAL_NAME_KEYS)
    return args is None


def _lm_eval_date(data: dict[str, Any], path: Path) -> dt.date:
    """The run's date from lm-eval's ``date`` (a Unix time); today when the file has none."""
    stamp = data.get("date")
    if isinstance(stamp, str):
        try:
            stamp = float(stamp)
        except ValueError:
            stamp = None
    if isinstance(stamp, (int, float)) and not isinstance(stamp, bool) and math.isfinite(stamp):
        try:
            return dt.datetime.fromtimestamp(float(stamp), dt.UTC).date()
        except (OverflowError, OSError, ValueError):
            raise InputError(f"date = {stamp!r} is not a Unix time in range", path=path) from None
    return clock_today()


def _choose_metric(values: dict[str, float]) -> str:
    def filter_rank(key: str) -> tuple[int, str]:
        filt = key.split(",", 1)[1]
        return (FILTER_PREFERENCE.index(filt) if filt in FILTER_PREFERENCE else len(FILTER_PREFERENCE), filt)

    for metric in METRIC_PREFERENCE:
        keys = sorted((k for k in values if k.split(",", 1)[0] == metric), key=filter_rank)
        if keys:
            return keys[0]
    return sorted(values, key=lambda k: (k.split(",", 1)[0], filter_rank(k)))[0]


def read_lm_eval(path: Path, data: dict[str, Any], scales: dict[str, Scale]) -> tuple[list[Row], list[str]]:
    """Rows from an lm-evaluation-harness results file, and notes on what was skipped."""
    results = data.get("results")
    if not isinstance(results, dict) or not results:
        raise InputError("lm-eval results file has no 'results' table", path=path)
    model = _lm_eval_model(data)
    if not model:
        raise InputError(
            "cannot tell which model was evaluated (no model_name or pretrained=/model= in config.model_args)",
            path=path,
        )
    generated = _lm_eval_name_generated(data)
    notes = []
    if generated:
        notes.append(
            f"{path.name}: lm-eval generated the model name {model!r} because the run named no model "
            "(--model_args had no pretrained=, model=, path= or engine=); every such run gets the same name, so "
            "it is not matched to a catalogue model: re-run with --model_args pretrained=NAME"
        )
    date = _lm_eval_date(data, path)
    n_shot = _table(data, "n-shot")
    n_samples = _table(data, "n-samples")
    higher = _table(data, "higher_is_better")
    subtasks = _table(data, "group_subtasks")
    parents: dict[str, list[str]] = {}
    for group, members in subtasks.items():
        for member in members if isinstance(members, list) else []:
            parents.setdefault(str(member), []).append(str(group))

    def usable(task: str, metrics: Any) -> dict[str, float]:
        if not isinstance(metrics, dict):
            raise InputError(f"results.{task}: expected a table of metrics", path=path)
        table = _table(higher, task)
        out = {}
        for key, raw in metrics.items():
            if "," not in key or "_stderr," in key:
                continue
            value = _number(raw)
            metric = key.split(",", 1)[0]
            lower_better = table.get(metric) is False or (metric not in table and metric in LOWER_IS_BETTER)
            if value is not None and not lower_better:
                out[key] = value
        return out

    scored = {task: usable(task, metrics) for task, metrics in results.items()}

    def covered(task: str, seen: frozenset[str] = frozenset()) -> bool:
        """True when a group above ``task`` has its own score (and so stands for it)."""
        for group in parents.get(task, []):
            if group in seen:
                continue
            if scored.get(group) or covered(group, seen | {task}):
                return True
        return False

    def leaves(task: str, seen: frozenset[str] = frozenset()) -> list[str]:
        members = subtasks.get(task)
        if not isinstance(members, list) or not members or task in seen:
            return [task]
        return [leaf for m in members for leaf in leaves(str(m), seen | {task})]

    def item_count(task: str, metrics: dict[str, Any]) -> int | None:
        counts: list[int] = []
        for leaf in leaves(task):
            entry = n_samples.get(leaf)
            count = entry.get("effective", entry.get("original")) if isinstance(entry, dict) else None
            if not isinstance(count, int) or isinstance(count, bool) or count <= 0:
                counts = []
                break
            counts.append(count)
        if counts:
            return sum(counts)
        fallback = metrics.get("sample_len")
        return fallback if isinstance(fallback, int) and not isinstance(fallback, bool) and fallback > 0 else None

    rows = []
    for task, metrics in results.items():
        values = scored[task]
        if not values:
            if isinstance(metrics, dict) and any("," in k and "_stderr," not in k for k in metrics):
                notes.append(f"{path.name}: task {task!r} skipped: it has no higher-is-better numeric metric")
            continue  # otherwise a group header without its own score: its subtasks are imported
        if covered(task):
            continue  # a subtask of a scored group: the group's aggregate is the criterion
        chosen = _choose_metric(values)
        metric, filt = chosen.split(",", 1)
        scale = lm_eval_scale(metric, scales)
        if scale is None:
            raise InputError(unknown_range(f"results.{task}.{chosen}", metric), path=path)
        value = scale.points(values[chosen], f"results.{task}.{chosen}", path)
        stderr = _number(metrics.get(f"{metric}_stderr,{filt}"))
        if stderr is not None and stderr < 0:
            raise InputError(f"results.{task}.{metric}_stderr,{filt} = {stderr:g} is negative", path=path)
        shots = n_shot.get(task)
        setting = f"lm-evaluation-harness {metric} ({filt})" + (
            f", {shots}-shot" if isinstance(shots, int) and not isinstance(shots, bool) else ""
        )
        rows.append(
            Row(
                model,
                f"team:{_slug(task)}",
                value,
                scale.spread(stderr) if stderr is not None else None,
                item_count(task, metrics),
                setting,
                date,
                path.name,
                generated,
            )
        )
    if not rows:
        raise InputError("lm-eval results file has no task with a higher-is-better numeric metric", path=path)
    return rows, notes


# ------------------------------------------------------------------------------ inspect_ai


def _inspect_status(path: Path, data: dict[str, Any]) -> None:
    """Refuse a log that is not finished: ``error``, ``cancelled`` or ``started``."""
    status = data.get("status")
    if status in (None, "success"):
        return
    error = data.get("error")
    message = error.get("message") if isinstance(error, dict) else None
    detail = f" ({str(message).strip().splitlines()[0][:160]})" if message and str(message).strip() else ""
    raise InputError(
        f"inspect log status is {status!r}{detail}; only a finished evaluation (status "
        "'success') counts as evidence: retry it with `inspect eval-retry`",
        path=path,
    )


def _headline(scores: list[dict[str, Any]], results: dict[str, Any], ev: dict[str, Any]) -> tuple[int, str | None]:
    """The headline score's index and metric, resolved as inspect_ai does (``log/_headline.py``).

    ``results.headline`` (resolved when the log was scored) or else the task's declared
    ``eval.headline_metric`` narrows the scores by reducer, scorer and score name, then picks
    the metric; a declaration that matches nothing falls back to the first metric of the first
    score, as inspect does.
    """
    declared = results.get("headline") or ev.get("headline_metric")
    if isinstance(declared, dict):
        candidates = list(range(len(scores)))
        for field_name, key in (("reducer", "reducer"), ("scorer", "scorer"), ("score", "name")):
            wanted = declared.get(field_name)
            if wanted is not None:
                candidates = [i for i in candidates if scores[i].get(key) == wanted]
        metric = declared.get("metric")
        if candidates and metric is not None:
            found = next((i for i in candidates if metric in _table(scores[i], "metrics")), None)
            if found is not None:
                return found, str(metric)
        elif candidates:
            return candidates[0], None
    return 0, None


def _main_metric(metrics: dict[str, Any], wanted: str | None) -> str | None:
    if wanted is not None:
        return wanted
    return next((k for k in metrics if k not in INSPECT_SPREAD), None)


def _inspect_names(scores: list[dict[str, Any]], head: int, task: str, reducers: int) -> dict[int, str]:
    """Score index -> criterion id, one per scorer (and score), never one scorer twice.

    The headline is ``team:<task>``. Every other scorer gets ``team:<task>-<scorer>`` (a
    scorer returning several named scores: ``-<scorer>-<score>``), read under the headline's
    reducer when it has that view, else its first; with several epoch reducers the reducer
    is named too (``-<reducer>``). A scorer's other reducer views are not imported: they
    would count the same samples twice.
    """

    def label(score: dict[str, Any]) -> str:
        scorer, name = str(score.get("scorer") or score.get("name")), str(score.get("name") or score.get("scorer"))
        return _slug(scorer if name == scorer else f"{scorer}-{name}")

    def key(score: dict[str, Any]) -> tuple[str, str]:
        return (str(score.get("scorer")), str(score.get("name")))

    head_reducer = scores[head].get("reducer")
    chosen = {key(scores[head]): head}
    for score in scores:
        if key(score) not in chosen:
            views = [i for i, other in enumerate(scores) if key(other) == key(score)]
            chosen[key(score)] = next((i for i in views if scores[i].get("reducer") == head_reducer), views[0])
    names = {head: f"team:{_slug(task)}"}
    for index in sorted(set(chosen.values()) - {head}):
        score = scores[index]
        name = f"team:{_slug(task)}-{label(score)}"
        if reducers > 1 and score.get("reducer"):
            name += f"-{_slug(str(score['reducer']))}"
        while name in names.values():
            name += "-2"
        names[index] = name
    return names


def read_inspect(path: Path, data: dict[str, Any], scales: dict[str, Scale]) -> tuple[list[Row], list[str]]:
    """Rows from an inspect_ai evaluation log (JSON, or the header of a .eval log), and notes."""
    _inspect_status(path, data)
    ev = data.get("eval")
    if not isinstance(ev, dict):
        raise InputError("inspect log has no 'eval' table", path=path)
    task = str(ev.get("task") or "").strip()
    model = str(ev.get("model") or "").strip()
    if not task or not model:
        raise InputError("inspect log has no eval.task or eval.model", path=path)
    task = task.rsplit("/", 1)[-1]  # "inspect_evals/gsm8k" -> "gsm8k"
    model, label = _shortlist_run(ev, model)
    results = _table(data, "results")
    scores = results.get("scores")
    if not isinstance(scores, list) or not scores:
        raise InputError("inspect log has no results.scores (was the task scored?)", path=path)
    for index, score in enumerate(scores):
        if not isinstance(score, dict) or not isinstance(score.get("metrics"), dict):
            raise InputError(f"results.scores[{index}] has no metrics table", path=path)
    try:
        date = dt.date.fromisoformat(str(ev.get("created") or "")[:10])
    except ValueError:
        date = clock_today()
    config = _table(ev, "config")
    epochs = config.get("epochs")
    epochs = epochs if isinstance(epochs, int) and not isinstance(epochs, bool) and epochs > 1 else 1
    reducer_list = config.get("epochs_reducer")
    reducers = len(reducer_list) if isinstance(reducer_list, list) else 1
    total = results.get("total_samples")
    done = results.get("completed_samples") or total
    items = int(total) // epochs if isinstance(total, int) and not isinstance(total, bool) and total > 0 else None
    n_done = int(done) // epochs if isinstance(done, int) and not isinstance(done, bool) and done > 0 else None
    head, head_metric = _headline(scores, results, ev)
    names = _inspect_names(scores, head, task, reducers)
    rows = []
    notes = []
    for index, score in enumerate(scores):
        scorer = str(score.get("scorer") or score.get("name") or "score")
        view = f"{scorer} ({score['reducer']} over {epochs} epochs)" if score.get("reducer") and epochs > 1 else scorer
        if index not in names:
            counted = next(names[i] for i in names if scores[i].get("scorer") == score.get("scorer"))
            notes.append(f"{path.name}: {view} not imported: {scorer} already counts once, as {counted}")
            continue
        metrics = score["metrics"]
        name = _main_metric(metrics, head_metric if index == head else None)
        main = metrics.get(name) if name is not None else None
        if not isinstance(main, dict) or "value" not in main:
            raise InputError(f"results.scores[{index}].metrics has no value", path=path)
        value = _number(main["value"])
        if value is None:
            notes.append(f"{path.name}: {view} not imported: its {name} is not a number (nothing was scored)")
            continue
        where = f"results.scores[{index}].metrics.{name}"
        scale = inspect_scale(scorer, str(score.get("name") or scorer), str(name), scales)
        if scale is None:
            raise InputError(unknown_range(f"{where} ({scorer})", scorer.rsplit("/", 1)[-1]), path=path)
        points = scale.points(value, where, path)
        spread: dict[str, Any] = next(
            (metrics[k] for k in ("stderr", "bootstrap_stderr") if isinstance(metrics.get(k), dict)), {}
        )
        stderr = _number(spread.get("value"))
        if stderr is not None and stderr < 0:
            raise InputError(f"results.scores[{index}].metrics.stderr = {stderr:g} is negative", path=path)
        scored = score.get("scored_samples")
        n = scored if isinstance(scored, int) and not isinstance(scored, bool) and scored > 0 else n_done
        if items and n and n < items:
            notes.append(
                f"{path.name}: partial run: {view} scored {n} of {items} samples (the rest failed or were not "
                f"run); {names[index]} covers only those {n}"
            )
        reducer = f", {score['reducer']} over {epochs} epochs" if epochs > 1 and score.get("reducer") else ""
        rows.append(
            Row(
                model,
                names[index],
                points,
                scale.spread(stderr) if stderr is not None else None,
                n,
                f"inspect_ai {scorer} {name}{reducer}{label}",
                date,
                path.name,
            )
        )
    if not rows:
        raise InputError("inspect log has no numeric score (every metric is NaN)", path=path)
    return rows, notes


def _shortlist_run(ev: dict[str, Any], model: str) -> tuple[str, str]:
    """The model to match and a setting label, from a log `shortlist domain-test run` wrote.

    Such a log names its catalogue id in ``eval.metadata.shortlist.catalog_id``, so no name
    has to be guessed; a mock run (inspect_ai's mockllm provider) is labelled as such.
    """
    meta = _table(_table(ev, "metadata"), "shortlist")
    catalog_id = meta.get("catalog_id")
    if not isinstance(catalog_id, str) or not catalog_id.strip():
        return model, ""
    return catalog_id.strip(), f", {MOCK_LABEL}" if meta.get("mock") is True else ""


# ------------------------------------------------------------------------------------- CSV


MAX_CSV_ROWS = 100_000
"""Rows one CSV may hold (a team's results are models x criteria; the README states the limit)."""


def _cell(record: dict[str, str], key: str, path: Path, line: int) -> str:
    if not record.get(key):
        raise InputError(f"column {key!r} is empty", path=path, line=line)
    return record[key]


def _csv_row(record: dict[str, str], path: Path, line: int) -> Row:
    """One CSV line as a Row, or an InputError naming the line."""
    criterion = _cell(record, "criterion", path, line)
    latency = criterion.strip().lower() in LATENCY_NAMES
    try:
        value = float(_cell(record, "value", path, line))
    except ValueError:
        raise InputError(f"value {record['value']!r} is not a number", path=path, line=line) from None
    if latency:
        if not (math.isfinite(value) and 0 < value <= 3600):
            raise InputError(
                f"time to first token {record['value']} is not a number of seconds in (0, 3600]", path=path, line=line
            )
    elif not 0 <= value <= 100:  # also refuses nan and inf
        raise InputError(f"value {record['value']} is outside 0-100", path=path, line=line)
    try:
        stderr = float(record["stderr"]) if record.get("stderr") else None
        n = int(record["n"]) if record.get("n") else None
    except ValueError:
        raise InputError("stderr must be a number and n a whole number", path=path, line=line) from None
    if (stderr is not None and not (math.isfinite(stderr) and 0 <= stderr <= 100)) or (n is not None and n <= 0):
        raise InputError("stderr must be from 0 to 100 and n above 0", path=path, line=line)
    try:
        date = dt.date.fromisoformat(_cell(record, "date", path, line))
    except ValueError:
        raise InputError(f"date {record['date']!r} is not YYYY-MM-DD", path=path, line=line) from None
    cid = LATENCY if latency else f"team:{_slug(criterion.removeprefix('team:'))}"
    return Row(
        _cell(record, "model_id", path, line),
        cid,
        value,
        stderr,
        n,
        "team CSV",
        date,
        record.get("source") or path.name,
    )


def read_csv(path: Path) -> list[Row]:
    """Rows from the plain CSV format, read line by line (at most :data:`MAX_CSV_ROWS`)."""
    _check_size(path)
    rows: list[Row] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, skipinitialspace=True)
            try:
                header = [h.strip() for h in next(reader, [])]
                if header[: len(CSV_HEADER)] != CSV_HEADER:
                    raise InputError(
                        f"CSV header must be {','.join(CSV_HEADER)} (got {','.join(header) or 'nothing'})",
                        path=path,
                        line=1,
                    )
                for cells in reader:
                    line = reader.line_num
                    if not any(c.strip() for c in cells):
                        continue
                    if len(cells) > len(header):
                        raise InputError(f"{len(cells)} columns; the header has {len(header)}", path=path, line=line)
                    if len(rows) >= MAX_CSV_ROWS:
                        raise InputError(
                            f"more than {MAX_CSV_ROWS:,} rows; split the file (one per evaluation run)",
                            path=path,
                            line=line,
                        )
                    record = {key: (cells[i].strip() if i < len(cells) else "") for i, key in enumerate(header)}
                    rows.append(_csv_row(record, path, line))
            except csv.Error as exc:
                raise InputError(f"malformed CSV: {exc}", path=path, line=reader.line_num) from None
    except UnicodeDecodeError:
        raise InputError("file is not UTF-8 text", path=path) from None
    if not rows:
        raise InputError("CSV has a header but no rows", path=path)
    return rows


def read_file(path: Path, scales: dict[str, Scale] | None = None) -> tuple[str, list[Row]]:
    """Detect the format of one evidence file and read it."""
    fmt, rows, _ = read_file_with_notes(path, scales)
    return fmt, rows


def read_file_with_notes(path: Path, scales: dict[str, Scale] | None = None) -> tuple[str, list[Row], list[str]]:
    """Detect the format of one evidence file and read it; also return notes (skipped, partial, generated)."""
    scales = scales or {}
    if path.suffix.lower() == ".csv":
        return "csv", read_csv(path), []
    _check_size(path)
    with path.open("rb") as handle:
        zipped = handle.read(4) == b"PK\x03\x04"
    if zipped or path.suffix.lower() == ".eval":
        data = read_eval_header(path, MAX_EVIDENCE_BYTES)
        if "eval" not in data:
            raise InputError("header.json in the .eval log has no 'eval' table", path=path)
        rows, notes = read_inspect(path, data, scales)
        return "inspect", rows, notes
    data = _load_json(path)
    if isinstance(data, dict) and "eval" in data:
        rows, notes = read_inspect(path, data, scales)
        return "inspect", rows, notes
    if isinstance(data, dict) and isinstance(data.get("results"), dict):
        rows, notes = read_lm_eval(path, data, scales)
        return "lm-eval", rows, notes
    raise InputError(
        "not an lm-evaluation-harness results file or an inspect_ai log (expected a 'results' "
        "table or an 'eval' table)",
        path=path,
    )


def load_aliases(path: Path | None) -> dict[str, str]:
    """The user's alias table: ``[aliases] "imported name" = "catalogue-id"``."""
    if path is None:
        return {}
    data = read_toml(path)
    unknown = set(data) - {"aliases", "scales"}
    if unknown:
        raise InputError(f"unknown key {sorted(unknown)[0]!r}; the tables are [aliases] and [scales]", path=path)
    table = data.get("aliases", {})
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise InputError("[aliases] must map imported names to catalogue ids (strings)", path=path)
    return {k.lower(): v for k, v in table.items()}


def _candidates(name: str) -> list[str]:
    """``vllm/meta-llama/Llama-3.1-8B`` -> itself, ``meta-llama/llama-3.1-8b``, ``llama-3.1-8b``."""
    parts = [p for p in name.strip().lower().split("/") if p]
    return ["/".join(parts[i:]) for i in range(len(parts))]


def match_model(name: str, catalog: Catalog, aliases: dict[str, str]) -> str | None:
    """Catalogue id for an imported model name, or None.

    The full name is tried first, then without each leading path part in turn (inspect's
    provider prefix ``openai/``, ``hf/``, ``vllm/``; then an organisation). At each step the
    user's alias table wins over the catalogue's ids, which win over its aliases.
    """
    alias_index: dict[str, str] = {}
    for entry in catalog.entries:
        for alias in entry.aliases:
            alias_index.setdefault(alias.lower(), entry.id)
    for key in _candidates(name):
        if key in aliases:
            return aliases[key] if aliases[key] in catalog.by_id else None
        if key in catalog.by_id:
            return key
        if key in alias_index:
            return alias_index[key]
    return None


def load_evidence(paths: list[Path], catalog: Catalog, aliases: Path | None = None) -> EvidenceBundle:
    """Read, match and combine evidence files into engine rows and criteria."""
    table = load_aliases(aliases)
    scales = load_scales(read_toml(aliases), aliases) if aliases is not None else {}
    for name, target in table.items():
        if target not in catalog.by_id:
            raise InputError(f"alias {name!r} points to unknown catalogue id {target!r}", path=aliases)
    frames = []
    files = []
    criteria: dict[str, Criterion] = {}
    unmatched: dict[str, list[str]] = {}
    notes: list[str] = []
    latency: dict[str, float] = {}
    for path in paths:
        fmt, rows, skipped = read_file_with_notes(path, scales)
        notes += skipped
        values = []
        for row in rows:
            model_id = None if row.generated else match_model(row.model, catalog, table)
            values.append(
                {
                    "model": row.model,
                    "model_id": model_id,
                    "criterion": row.criterion,
                    "value": row.value,
                    "stderr": row.stderr,
                    "n": row.n,
                    "setting": row.setting,
                    "date": row.date.isoformat(),
                }
            )
            if model_id is None and row.generated:
                continue  # the note on the generated name says what to do
            if model_id is None:
                unmatched.setdefault(row.model, [])
                if path.name not in unmatched[row.model]:
                    unmatched[row.model].append(path.name)
                continue
            if row.criterion == LATENCY:
                latency[model_id] = min(latency.get(model_id, math.inf), row.value)
                continue
            frames.append(
                (
                    model_id,
                    row.criterion,
                    row.value,
                    row.setting,
                    "independent",
                    f"team ({path.name})",
                    row.stderr,
                    float(row.n) if row.n else math.nan,
                    row.date,
                    row.source,
                    "",
                )
            )
            known = criteria.get(row.criterion)
            items = max(filter(None, [row.n, known.items if known else None]), default=None)
            criteria[row.criterion] = Criterion(
                row.criterion, f"{row.criterion.removeprefix('team:')} (team)", 0.0, items, team=True
            )
        files.append({"path": str(path), "sha256": _sha256(path), "format": fmt, "values": values})
    results = pd.DataFrame(frames, columns=RESULT_COLUMNS)
    if not results.empty:
        results["stderr"] = results["stderr"].astype(float)
    return EvidenceBundle(
        results=results, criteria=criteria, files=files, unmatched=unmatched, notes=notes, latency=latency
    )


def bundle_from_record(record: dict[str, Any], catalog: Catalog) -> EvidenceBundle | None:
    """Rebuild evidence from the values a record embeds (when the files are not given)."""
    files = record.get("evidence") or []
    if not files:
        return None
    rows = []
    criteria: dict[str, Criterion] = {}
    latency: dict[str, float] = {}
    for item in files:
        for value in item.get("values", []):
            if value.get("model_id") in catalog.by_id and value["criterion"] == LATENCY:
                latency[value["model_id"]] = min(latency.get(value["model_id"], math.inf), float(value["value"]))
            elif value.get("model_id") in catalog.by_id:
                rows.append(
                    (
                        value["model_id"],
                        value["criterion"],
                        value["value"],
                        value["setting"],
                        "independent",
                        f"team ({Path(item['path']).name})",
                        value.get("stderr"),
                        float(value["n"]) if value.get("n") else math.nan,
                        dt.date.fromisoformat(value["date"]),
                        Path(item["path"]).name,
                        "embedded in record",
                    )
                )
                known = criteria.get(value["criterion"])
                items = max(filter(None, [value.get("n"), known.items if known else None]), default=None)
                criteria[value["criterion"]] = Criterion(
                    value["criterion"], f"{value['criterion'].removeprefix('team:')} (team)", 0.0, items, team=True
                )
    results = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    if not results.empty:
        results["stderr"] = results["stderr"].astype(float)
    return EvidenceBundle(results=results, criteria=criteria, files=files, latency=latency)


def with_default_weights(rubric: Rubric, criteria: dict[str, Criterion]) -> Rubric:
    """A rubric that also weighs imported criteria it does not mention (weight 1)."""
    missing = {cid: 1.0 for cid in criteria if cid not in rubric.domain.weights}
    if not missing:
        return rubric
    domain = rubric.domain.model_copy(update={"weights": {**rubric.domain.weights, **missing}})
    return rubric.model_copy(update={"domain": domain})
