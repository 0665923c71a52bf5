"""A team's own domain test: its examples, and the inspect_ai task folder written from them.

``shortlist domain-test init`` reads examples from CSV or JSONL (``input``, ``target``,
optional ``id`` and ``metadata``) and writes a folder that is ordinary inspect_ai code:

* ``task.py``: one ``@task`` reading ``samples.jsonl`` with ``json_dataset``, the system
  prompt from ``system_prompt.txt`` and the scorer the team chose;
* ``samples.jsonl``: the examples as inspect ``Sample`` records;
* ``system_prompt.txt``: the system prompt, for the team to edit;
* ``shortlist.toml``: the task's name, the scorer and the output-token allowance that the
  cost estimate uses (see :mod:`tui.core.domainplan`).

This module never imports inspect_ai: it writes text. Running the task is
:mod:`tui.evals`'s job.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tui.core.errors import MAX_FILE_BYTES, InputError, read_toml

COLUMNS = ("input", "target", "id", "metadata")
REQUIRED = ("input", "target")
MAX_EXAMPLES = 10_000
MAX_EXAMPLES_BYTES = 8 * MAX_FILE_BYTES
SCORERS = ("exact", "includes", "pattern", "model-graded")
ScorerKind = Literal["exact", "includes", "pattern", "model-graded"]
OUTPUT_TOKENS = 256
"""Output tokens allowed per example in the cost estimate: a stated allowance, not a measurement
(models answer at more length than a short target; raise it in shortlist.toml for long answers)."""
CHARS_PER_TOKEN = 4
"""The usual rule of thumb for English text; token counts in the estimate are characters / 4."""
TASK_FILES = ("task.py", "samples.jsonl", "system_prompt.txt", "shortlist.toml")
DEFAULT_SYSTEM_PROMPT = (
    "You are a support assistant for a software company. Answer with the requested value only, without explanation.\n"
)


@dataclass(frozen=True)
class Example:
    """One example: what the model is asked, and what a correct answer is."""

    input: str
    target: str | list[str]
    id: str | int | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def sample(self) -> dict[str, Any]:
        """The example as an inspect_ai Sample record (a line of samples.jsonl)."""
        out: dict[str, Any] = {}
        if self.id is not None:
            out["id"] = self.id
        out["input"] = self.input
        out["target"] = self.target
        if self.metadata:
            out["metadata"] = self.metadata
        return out


@dataclass(frozen=True)
class Scorer:
    """The scorer the team chose, with its regex or grader model."""

    kind: ScorerKind = "includes"
    regex: str | None = None
    grader: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in SCORERS:
            raise InputError(f"unknown scorer {self.kind!r}; choose one of {', '.join(SCORERS)}")
        if self.kind == "pattern":
            if not self.regex:
                raise InputError("the pattern scorer needs --regex REGEX")
            try:
                re.compile(self.regex)
            except re.error as exc:
                raise InputError(f"--regex {self.regex!r} is not a valid regular expression: {exc}") from None
        elif self.regex:
            raise InputError("--regex is only for --scorer pattern")
        if self.kind == "model-graded":
            if not self.grader or not re.fullmatch(r"[a-z][a-z0-9_-]*/\S+", self.grader):
                raise InputError("the model-graded scorer needs --grader PROVIDER/MODEL (an inspect_ai model name)")
        elif self.grader:
            raise InputError("--grader is only for --scorer model-graded")

    def describe(self) -> str:
        """One phrase, e.g. ``pattern r'\\d+'`` or ``model-graded by openai/gpt-4o-mini``."""
        if self.kind == "pattern":
            return f"pattern {self.regex!r}"
        if self.kind == "model-graded":
            return f"model-graded by {self.grader}"
        return self.kind


# ----------------------------------------------------------------------------- examples


def _check_text(value: Any, column: str, path: Path, line: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{column!r} must be non-empty text", path=path, line=line)
    return value


def _check_target(value: Any, path: Path, line: int) -> str | list[str]:
    if isinstance(value, list):
        if not value or not all(isinstance(v, str) and v.strip() for v in value):
            raise InputError("'target' must be non-empty text or a list of non-empty texts", path=path, line=line)
        return value
    return _check_text(value, "target", path, line)


def _check_id(value: Any, path: Path, line: int) -> str | int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InputError("'id' must be text or a whole number", path=path, line=line)
    return value


def _example(record: dict[str, Any], path: Path, line: int) -> Example:
    unknown = sorted(set(record) - set(COLUMNS))
    if unknown:
        raise InputError(
            f"unknown column {unknown[0]!r}; the columns are input, target, id (optional) and metadata (optional)",
            path=path,
            line=line,
        )
    for key in REQUIRED:
        if key not in record:
            raise InputError(f"missing {key!r}", path=path, line=line)
    metadata = record.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise InputError("'metadata' must be a JSON object", path=path, line=line)
    return Example(
        input=_check_text(record["input"], "input", path, line),
        target=_check_target(record["target"], path, line),
        id=_check_id(record.get("id"), path, line),
        metadata=metadata,
    )


def _csv_records(text: str, path: Path) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader, [])]
        if not header or not any(header):
            raise InputError("the CSV has no header; it needs the columns input and target", path=path, line=1)
        for key in REQUIRED:
            if key not in header:
                raise InputError(f"the CSV header has no {key!r} column (got {','.join(header)})", path=path, line=1)
        out = []
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                raise InputError(f"{len(cells)} columns; the header has {len(header)}", path=path, line=line)
            record: dict[str, Any] = dict(zip(header, cells, strict=True))
            if record.get("metadata"):
                try:
                    record["metadata"] = json.loads(record["metadata"])
                except json.JSONDecodeError:
                    raise InputError("'metadata' must be a JSON object", path=path, line=line) from None
            out.append((line, record))
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", path=path, line=reader.line_num) from None
    return out


def _jsonl_records(text: str, path: Path) -> list[tuple[int, dict[str, Any]]]:
    out = []
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(f"malformed JSON: {exc.msg}", path=path, line=line) from None
        except RecursionError:
            raise InputError("malformed JSON: nested too deeply", path=path, line=line) from None
        if not isinstance(record, dict):
            raise InputError("each line must be a JSON object with input and target", path=path, line=line)
        out.append((line, record))
    return out


def read_examples(path: Path) -> list[Example]:
    """The examples in a CSV or JSONL file; any problem is one InputError naming the file and line."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".jsonl"):
        raise InputError("examples must be a .csv or .jsonl file", path=path)
    if not path.is_file():
        raise InputError("examples file not found" if not path.exists() else "is a folder, expected a file", path=path)
    if path.stat().st_size > MAX_EXAMPLES_BYTES:
        raise InputError(f"examples file is larger than {MAX_EXAMPLES_BYTES // 2**20} MiB", path=path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("file is not UTF-8 text", path=path) from None
    records = _csv_records(text, path) if suffix == ".csv" else _jsonl_records(text, path)
    if not records:
        raise InputError("no examples in the file", path=path)
    if len(records) > MAX_EXAMPLES:
        raise InputError(f"more than {MAX_EXAMPLES:,} examples", path=path, line=records[MAX_EXAMPLES][0])
    examples = []
    seen: dict[str | int, int] = {}
    for line, record in records:
        example = _example(record, path, line)
        if example.id is not None:
            if example.id in seen:
                raise InputError(f"duplicate id {example.id!r} (also on line {seen[example.id]})", path=path, line=line)
            seen[example.id] = line
        examples.append(example)
    return examples


# --------------------------------------------------------------------------- task folder


def task_name(folder: Path) -> str:
    """A Python identifier from the folder name: ``support-tickets`` -> ``support_tickets``."""
    name = re.sub(r"[^a-z0-9_]+", "_", folder.resolve().name.lower()).strip("_")
    if not name or name[0].isdigit():
        name = f"domain_{name}".rstrip("_")
    return name


def _scorer_code(scorer: Scorer) -> tuple[str, str]:
    """The import line and the expression of the chosen scorer."""
    if scorer.kind == "exact":
        return "exact", "exact()"
    if scorer.kind == "includes":
        return "includes", "includes()"
    if scorer.kind == "pattern":
        return "pattern", f"pattern({scorer.regex!r})"
    return "model_graded_qa", "model_graded_qa()"


def task_source(name: str, scorer: Scorer) -> str:
    """The text of task.py: short, ordinary inspect_ai code the team can change by hand."""
    imported, expression = _scorer_code(scorer)
    grader = ""
    roles = ""
    if scorer.kind == "model-graded":
        grader = (
            "\n# The grader model (an inspect_ai model name); `inspect eval task.py -T grader=...` overrides it.\n"
            f"GRADER = {json.dumps(scorer.grader)}\n"
        )
        roles = '\n        model_roles={"grader": grader},'
    return f'''"""The team's domain test `{name}`, written by `shortlist domain-test init`.

Run it on one model:   inspect eval task.py --model openai/gpt-4o-mini
Run it on the shortlist: shortlist domain-test run . --rubric default
Edit the examples in samples.jsonl, the system prompt in system_prompt.txt, and the scorer below.
"""

from pathlib import Path

from inspect_ai import Task, task
from inspect_ai.dataset import json_dataset
from inspect_ai.scorer import {imported}
from inspect_ai.solver import generate, system_message

HERE = Path(__file__).parent
{grader}

@task
def {name}({"grader: str = GRADER" if scorer.kind == "model-graded" else ""}) -> Task:
    return Task(
        dataset=json_dataset(str(HERE / "samples.jsonl")),
        solver=[system_message((HERE / "system_prompt.txt").read_text(encoding="utf-8")), generate()],
        scorer={expression},{roles}
    )
'''


def settings_text(name: str, scorer: Scorer, examples: int, output_tokens: int = OUTPUT_TOKENS) -> str:
    """The text of shortlist.toml: what `domain-test run` needs to know about the task."""
    lines = [
        "# Read by `shortlist domain-test run`; inspect_ai ignores this file.",
        f'task = "{name}"',
        f'scorer = "{scorer.kind}"',
    ]
    if scorer.regex is not None:
        lines.append(f"regex = {json.dumps(scorer.regex)}")
    if scorer.grader is not None:
        lines.append(f'grader = "{scorer.grader}"')
    lines += [
        f"examples = {examples}",
        "",
        "# The cost estimate is an estimate: input tokens are counted as characters / 4 of the system",
        "# prompt plus each example's input; each answer is allowed this many output tokens.",
        f"output_tokens = {output_tokens}",
        "",
    ]
    return "\n".join(lines)


def write_task_folder(
    folder: Path,
    examples: list[Example],
    scorer: Scorer,
    *,
    force: bool = False,
    system_prompt: str = DEFAULT_SYSTEM_PROMPT,
) -> list[Path]:
    """Write the task folder; refuse a non-empty folder unless ``force``. Returns the files written."""
    from tui.core.paths import atomic_write

    if folder.exists() and not folder.is_dir():
        raise InputError("exists and is not a folder", path=folder)
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise InputError("folder is not empty; pass --force to write the task files into it", path=folder)
    folder.mkdir(parents=True, exist_ok=True)
    name = task_name(folder)
    texts = {
        "samples.jsonl": "".join(json.dumps(e.sample(), ensure_ascii=False) + "\n" for e in examples),
        "system_prompt.txt": system_prompt,
        "shortlist.toml": settings_text(name, scorer, len(examples)),
        "task.py": task_source(name, scorer),
    }
    written = []
    for filename, text in texts.items():
        atomic_write(folder / filename, text)
        written.append(folder / filename)
    return written


@dataclass(frozen=True)
class TaskFolder:
    """A task folder as `domain-test run` reads it."""

    folder: Path
    name: str
    scorer: Scorer
    output_tokens: int
    system_prompt: str
    samples: list[dict[str, Any]]

    @property
    def task_file(self) -> Path:
        return self.folder / "task.py"

    @property
    def logs(self) -> Path:
        return self.folder / "logs"

    def input_tokens(self, limit: int | None = None) -> list[int]:
        """Estimated input tokens of each example run (system prompt + input, characters / 4)."""
        chosen = self.samples[:limit] if limit else self.samples
        return [-(-(len(self.system_prompt) + len(str(s.get("input", "")))) // CHARS_PER_TOKEN) for s in chosen]

    def target_tokens(self, limit: int | None = None) -> list[int]:
        chosen = self.samples[:limit] if limit else self.samples
        return [-(-len(json.dumps(s.get("target", ""), ensure_ascii=False)) // CHARS_PER_TOKEN) for s in chosen]


def read_task_folder(folder: Path) -> TaskFolder:
    """The task folder written by :func:`write_task_folder` (and perhaps edited by hand)."""
    if not folder.is_dir():
        raise InputError("task folder not found; make one with `shortlist domain-test init`", path=folder)
    for filename in TASK_FILES:
        if not (folder / filename).is_file():
            raise InputError(
                f"the task folder has no {filename}; make one with `shortlist domain-test init`", path=folder
            )
    settings_path = folder / "shortlist.toml"
    settings = read_toml(settings_path)
    name = settings.get("task")
    if not isinstance(name, str) or not name.isidentifier():
        raise InputError("'task' must be the name of the @task function in task.py", path=settings_path)
    tokens = settings.get("output_tokens", OUTPUT_TOKENS)
    if isinstance(tokens, bool) or not isinstance(tokens, int) or not 1 <= tokens <= 1_000_000:
        raise InputError("'output_tokens' must be a whole number from 1 to 1,000,000", path=settings_path)
    try:
        scorer = Scorer(settings.get("scorer", "includes"), settings.get("regex"), settings.get("grader"))
    except InputError as exc:
        raise InputError(exc.detail, path=settings_path) from None
    samples_path = folder / "samples.jsonl"
    samples = [record for _, record in _jsonl_records(samples_path.read_text(encoding="utf-8"), samples_path)]
    if not samples:
        raise InputError("no samples", path=samples_path)
    prompt = (folder / "system_prompt.txt").read_text(encoding="utf-8")
    return TaskFolder(folder, name, scorer, tokens, prompt, samples)


# ------------------------------------------------------------------------ sample examples

EXAMPLE_ROWS = [
    ("t01", "Ticket: I was charged twice for order #A1001 this month. Please refund one charge.", "billing"),
    ("t02", "Ticket: The app crashes when I open the settings page on my phone.", "bug"),
    ("t03", "Ticket: How do I export my invoices as PDF?", "how-to"),
    ("t04", "Ticket: Please close my account and delete my data.", "account"),
    ("t05", "Ticket: The dashboard shows yesterday's numbers even after a refresh.", "bug"),
    ("t06", "Ticket: Can I pay yearly instead of monthly?", "billing"),
    ("t07", "Ticket: I forgot my password and the reset email never arrives.", "account"),
    ("t08", "Ticket: Where can I change the language of the interface?", "how-to"),
    ("t09", "Ticket: My card was declined although it works elsewhere.", "billing"),
    ("t10", "Ticket: Uploading a 5 MB file fails with 'error 413'.", "bug"),
]
"""Ten invented support tickets (no real customer data), each with the category a triager would pick."""

EXAMPLE_PROMPT = (
    "Classify the support ticket into exactly one category: billing, bug, how-to or account. "
    "Answer with the category only."
)


def example_csv() -> str:
    """The text of the sample examples file that `domain-test init --example` writes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "input", "target", "metadata"])
    for ident, text, label in EXAMPLE_ROWS:
        writer.writerow([ident, f"{EXAMPLE_PROMPT}\n\n{text}", label, json.dumps({"synthetic": True})])
    return buffer.getvalue()
