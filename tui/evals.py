"""Run a team's domain test with inspect_ai, one model at a time (the optional ``evals`` extra).

This is the one module that imports inspect_ai, and only inside its functions, so the core
install stays light: without inspect_ai, :func:`require_inspect` raises one line saying how
to install it.

:func:`run_domain_tests` runs the task of a :class:`~tui.core.domainplan.RunPlan` on every
model the plan runs, through inspect_ai's Python API with inspect's own progress display,
and writes JSON logs under ``DIR/logs``. Each log's ``eval.metadata.shortlist`` carries the
catalogue id (and whether the run was a mock), so importing the log needs no name-guessing;
``DIR/logs/manifest.json`` lists the run's logs. A model that fails is reported and the
others go on. It can be cancelled between models through a ``threading.Event``, so a
Textual worker can call it.

``--mock`` routes every model through inspect_ai's ``mockllm`` provider: a deterministic
stand-in that answers a share of the examples with their target (the share depends on the
catalogue id), so the whole loop runs offline. Its results are labelled MOCK everywhere.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.core.domainplan import MOCK_PROVIDER, PlannedModel, RunPlan
from tui.core.errors import InputError

INSTALL_HINT = "domain tests need inspect_ai: pip install 'llm-shortlist[evals]'"
MANIFEST = "manifest.json"
MOCK_WRONG = "I am not sure."


def require_inspect() -> None:
    """Raise one line when inspect_ai is not installed."""
    try:
        import inspect_ai  # noqa: F401
    except ImportError:
        raise InputError(INSTALL_HINT) from None


@dataclass
class ModelRun:
    """What happened to one model."""

    model_id: str
    inspect_model: str
    log: Path | None = None
    error: str | None = None


@dataclass
class RunOutcome:
    """The logs written, the failures, and the manifest."""

    runs: list[ModelRun] = field(default_factory=list)
    manifest: Path | None = None
    cancelled: bool = False

    @property
    def logs(self) -> list[Path]:
        return [r.log for r in self.runs if r.log is not None]

    @property
    def failures(self) -> list[ModelRun]:
        return [r for r in self.runs if r.error is not None]


def _share(text: str) -> float:
    """A stable number in [0, 1) from a text (not Python's salted hash)."""
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16) / 2**32


def mock_accuracy(model_id: str) -> float:
    """The share of examples the mock answers correctly for this catalogue model: 0.35-0.95."""
    return 0.35 + 0.6 * _share(f"accuracy:{model_id}")


def _mock_answers(plan: RunPlan, model_id: str) -> Callable[..., Any]:
    """A mockllm output function: the target for a deterministic share of the examples."""
    from inspect_ai.model import ModelOutput

    targets = {str(s["input"]): s["target"] for s in plan.task.samples}
    accuracy = mock_accuracy(model_id)

    def answer(messages: list[Any], tools: Any, tool_choice: Any, config: Any) -> Any:
        text = messages[-1].text if messages else ""
        target = targets.get(text)
        right = target is not None and _share(f"{model_id}:{text}") < accuracy
        content = (target[0] if isinstance(target, list) else target) if right else MOCK_WRONG
        return _with_usage(
            ModelOutput.from_content(model=f"{MOCK_PROVIDER}/{model_id}", content=str(content)), messages
        )

    return answer


def _mock_grader(messages: list[Any], tools: Any, tool_choice: Any, config: Any) -> Any:
    """A mock grader for model_graded_qa: correct unless the answer is the mock's wrong answer."""
    from inspect_ai.model import ModelOutput

    text = messages[-1].text if messages else ""
    output = ModelOutput.from_content(
        model=f"{MOCK_PROVIDER}/grader", content="GRADE: I" if MOCK_WRONG in text else "GRADE: C"
    )
    return _with_usage(output, messages)


def _with_usage(output: Any, messages: list[Any]) -> Any:
    """Token usage set on a mock output (characters / 4), so mockllm does not count with tiktoken,
    whose encoding files would be downloaded: the mock stays offline."""
    from inspect_ai.model import ModelUsage

    prompt = sum(len(m.text) for m in messages) // 4 + 1
    completion = len(output.completion) // 4 + 1
    output.usage = ModelUsage(input_tokens=prompt, output_tokens=completion, total_tokens=prompt + completion)
    return output


def _model(plan: RunPlan, planned: PlannedModel) -> Any:
    from inspect_ai.model import get_model

    assert planned.inspect_model is not None
    if plan.mock:
        return get_model(
            f"{MOCK_PROVIDER}/{planned.inspect_model}", custom_outputs=_mock_answers(plan, planned.model_id)
        )
    return get_model(planned.inspect_model)


def _one_line(exc: BaseException | Any) -> str:
    """An inspect error as one plain line (rich markup removed, lines joined)."""
    import re

    text = re.sub(r"\[/?[a-z ]+\]", "", str(getattr(exc, "message", None) or exc))
    text = " ".join(line.strip() for line in text.splitlines() if line.strip())
    return (text or type(exc).__name__)[:300]


def _run_one(plan: RunPlan, planned: PlannedModel, display: str | None) -> ModelRun:
    from inspect_ai import eval as inspect_eval
    from inspect_ai.model import get_model

    assert planned.inspect_model is not None
    run = ModelRun(planned.model_id, planned.inspect_model)
    roles: dict[str, Any] = {}
    task_args: dict[str, Any] = {}
    if plan.mock and plan.task.scorer.kind == "model-graded":
        roles["grader"] = get_model(f"{MOCK_PROVIDER}/grader", custom_outputs=_mock_grader)
        task_args["grader"] = f"{MOCK_PROVIDER}/grader"  # so the task does not load the real grader's provider
    try:
        logs = inspect_eval(
            os.path.relpath(plan.task.task_file),  # inspect_ai resolves task files relative to the current folder
            model=_model(plan, planned),
            model_roles=roles or None,
            task_args=task_args,
            limit=plan.limit,
            log_dir=str(plan.task.logs),
            log_format="json",
            display=display,  # type: ignore[arg-type]
            metadata={
                "shortlist": {"catalog_id": planned.model_id, "inspect_model": planned.inspect_model, "mock": plan.mock}
            },
        )
    except Exception as exc:  # noqa: BLE001 - one model failing (a server down, a bad key) must not stop the others
        run.error = _one_line(exc)
        return run
    log = logs[0] if logs else None
    if log is None or log.status != "success" or log.results is None:
        error = getattr(log, "error", None) if log is not None else None
        run.error = _one_line(error) if error else f"inspect_ai status {getattr(log, 'status', 'unknown')}"
        return run
    run.log = Path(log.location)
    return run


def _relative(path: Path, folder: Path) -> str:
    try:
        return str(path.resolve().relative_to(folder.resolve()))
    except ValueError:
        return str(path)


def write_manifest(plan: RunPlan, outcome: RunOutcome) -> Path:
    """DIR/logs/manifest.json: the task, its hash, and each model's log (paths relative to DIR)."""
    from tui.core.paths import atomic_write

    folder = plan.task.folder
    data = {
        "task": plan.task.name,
        "task_file": "task.py",
        "task_sha256": hashlib.sha256(plan.task.task_file.read_bytes()).hexdigest(),
        "mock": plan.mock,
        "limit": plan.limit,
        "runs": [
            {
                "model_id": r.model_id,
                "inspect_model": r.inspect_model,
                "log": _relative(r.log, folder) if r.log else None,
                "error": r.error,
            }
            for r in outcome.runs
        ],
        "skipped": [{"model_id": m.model_id, "reason": m.skipped} for m in plan.skipped],
    }
    path = plan.task.logs / MANIFEST
    atomic_write(path, json.dumps(data, indent=2) + "\n")
    return path


def run_domain_tests(
    plan: RunPlan,
    *,
    cancel: threading.Event | None = None,
    on_progress: Callable[[ModelRun, int, int], None] | None = None,
    display: str | None = None,
) -> RunOutcome:
    """Run the plan's task on each model it runs; JSON logs under DIR/logs, and a manifest.

    ``display``: inspect_ai's display ("rich" by default, "none" in tests and workers).
    ``on_progress(run, done, total)`` is called after each model; ``cancel`` is checked
    before each one.
    """
    require_inspect()
    plan.task.logs.mkdir(parents=True, exist_ok=True)
    outcome = RunOutcome()
    todo = plan.running
    for index, planned in enumerate(todo, start=1):
        if cancel is not None and cancel.is_set():
            outcome.cancelled = True
            break
        run = _run_one(plan, planned, display)
        outcome.runs.append(run)
        if on_progress is not None:
            on_progress(run, index, len(todo))
    outcome.manifest = write_manifest(plan, outcome)
    return outcome
