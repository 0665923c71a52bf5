"""Step 3's "Your domain tests": run the team's inspect_ai task on the shortlist from the wizard.

:class:`DomainTestPanel` is the section on the domain step (a task folder and a button);
:class:`DomainTestModal` shows the plan with its cost estimate, runs it in a thread worker
with progress, and can be cancelled between models. The calls are the ones
``shortlist domain-test run`` makes (:func:`~tui.core.domainplan.plan_run`, then
:func:`~tui.evals.run_domain_tests`); the logs written (all of them, or those finished
before a cancel) are imported when the dialog closes, through the App's evidence import,
so the ``team:<task>`` criterion joins the weights list like any imported result.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, ProgressBar, Static
from textual.worker import Worker, WorkerCancelled, WorkerFailed

from tui.app.screens.modals import FormModal
from tui.core.errors import InputError

if TYPE_CHECKING:
    from tui.app.app import ShortlistApp
    from tui.core.catalog import Catalog
    from tui.core.domainplan import RunPlan
    from tui.core.domaintest import TaskFolder
    from tui.evals import ModelRun, RunOutcome

MOCK_LABEL = "MOCK evidence: not real results"


@dataclass(frozen=True)
class DomainTestResult:
    """A finished (or cancelled) run: the plan, what happened, and the record's domain-test section."""

    plan: RunPlan
    outcome: RunOutcome
    section: dict[str, Any] | None
    """:func:`~tui.core.domainplan.domain_test_section` of the logs written; None when there are none."""

    @property
    def criterion(self) -> str:
        from tui.core.domainplan import criterion_slug

        return f"team:{criterion_slug(self.plan.task.name)}"


def _cell(text: str) -> Text:
    return Text(text, overflow="fold")


def _sentence(line: str) -> str:
    """The CLI's line as a line of the dialog: capitalised."""
    return line[:1].upper() + line[1:]


def plan_renderable(plan: RunPlan) -> Group:
    """The plan as the dialog shows it: the task, the MOCK banner, the per-model costs, skips, missing keys."""
    from tui.core.domainplan import MOCK_BANNER, display_path

    task = plan.task
    parts: list[Any] = [
        Text(
            f"Task {task.name}: {plan.examples} examples, scorer {task.scorer.describe()}, "
            f"file {display_path(task.task_file)}"
        )
    ]
    if plan.mock:
        parts.append(Text(MOCK_BANNER, style="bold reverse"))
    parts.append(Text(_sentence(plan.estimate_note())))
    table = Table(expand=True, box=None, padding=(0, 1), show_edge=False)
    for column in ("model", "inspect_ai name", "route", "price in/out", "cost"):
        table.add_column(column, overflow="fold")
    for row in plan.cost_rows():
        table.add_row(*(_cell(c) for c in row))
    parts.append(table)
    parts.append(Text(_sentence(plan.total_line()), style="bold"))
    parts += [Text(_sentence(line)) for line in plan.skip_lines()]
    return Group(*parts)


def _run_line(run: ModelRun) -> str:
    if run.error is not None or run.log is None:
        return f"✗ {run.model_id} ({run.inspect_model}) failed: {run.error}"
    from tui.core.domainplan import display_path

    return f"✓ ran {run.model_id} ({run.inspect_model}): {display_path(run.log)}"


class DomainTestModal(FormModal[DomainTestResult | None]):
    """The plan and its cost; Run starts a worker with progress; Cancel stops after the current model.

    Dismissed with the result when a run wrote logs (the caller imports them), else None.
    """

    DEFAULT_CSS = """
    DomainTestModal #dt-dialog {
        width: 100;
        height: 90%;
    }
    DomainTestModal #dt-body {
        height: 1fr;
    }
    DomainTestModal #dt-buttons {
        dock: bottom;
    }
    DomainTestModal #dt-progress, DomainTestModal #dt-close {
        display: none;
    }
    DomainTestModal .-started #dt-progress {
        display: block;
    }
    DomainTestModal .-done #dt-close {
        display: block;
    }
    DomainTestModal .-done #dt-run, DomainTestModal .-done #cancel {
        display: none;
    }
    DomainTestModal #dt-problem {
        color: $error;
    }
    """

    def __init__(self, task: TaskFolder, catalog: Catalog, ids: list[str], env: Mapping[str, str] | None = None):
        super().__init__()
        self.task_folder = task
        self.catalog = catalog
        self.ids = ids
        self.env = dict(os.environ if env is None else env)
        self.plan: RunPlan | None = None
        """The plan the Run button would run (None when it cannot be made)."""
        self.cancel_event = threading.Event()
        """Set by Cancel during a run; the runner checks it before each model."""
        self.running = False
        self.result: DomainTestResult | None = None
        """The run's result once it has finished or been cancelled."""
        self.lines: list[str] = []
        """One line per finished model: ran, or failed with the reason."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="dt-dialog"):
            yield Static(f"[b]Run our domain tests[/b] on the {len(self.ids)} shortlisted models")
            with VerticalScroll(id="dt-body"):
                yield Checkbox("Mock run (offline rehearsal; not real evidence)", id="dt-mock", compact=True)
                yield Static(id="dt-plan")
                yield Static(id="dt-problem")
                yield ProgressBar(total=1, show_eta=False, id="dt-progress")
                yield Static(id="dt-log")
                yield Static(id="dt-status")
            with Horizontal(classes="buttons", id="dt-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Run", id="dt-run", variant="primary")
                yield Button("Close", id="dt-close", variant="primary")

    def on_mount(self) -> None:
        self._replan()

    def on_unmount(self) -> None:
        """Quitting the wizard mid-run stops the run after the current model (it would go on, unseen)."""
        self.cancel_event.set()

    @on(Checkbox.Changed, "#dt-mock")
    def _replan(self) -> None:
        """Plan again (on open, and when mock is ticked or unticked)."""
        from tui.core.domainplan import plan_run
        from tui.evals import require_inspect

        mock = self.query_one("#dt-mock", Checkbox).value
        problem = ""
        try:
            self.plan = plan_run(self.task_folder, self.catalog, self.ids, self.env, mock=mock)
        except InputError as exc:
            self.plan, problem = None, str(exc)
        if self.plan is not None:
            self.query_one("#dt-plan", Static).update(plan_renderable(self.plan))
            if not self.plan.running:
                problem = "no model to run: every model was skipped (see above)"
        try:
            require_inspect()
        except InputError as exc:
            problem = str(exc)
        self.query_one("#dt-problem", Static).update(Text(f"⚠ {problem}" if problem else ""))
        self.query_one("#dt-run", Button).disabled = bool(problem)

    @on(Button.Pressed, "#dt-run")
    def _start(self) -> None:
        plan = self.plan
        if plan is None or self.running or self.result is not None:
            return
        self.running = True
        self.query_one("#dt-run", Button).disabled = True
        self.query_one("#dt-mock", Checkbox).disabled = True
        self.query_one("#dt-progress", ProgressBar).update(total=len(plan.running), progress=0)
        self.query_one("#dt-dialog").add_class("-started")
        self.query_one("#dt-status", Static).update(
            f"Running {len(plan.running)} models one at a time (the first waits for inspect_ai to start)…"
        )
        self._run(plan)

    @work(thread=True, exclusive=True, group="domain-test", exit_on_error=False, description="run the domain tests")
    def _run(self, plan: RunPlan) -> None:
        """Run the plan off the UI thread; inspect_ai's own display is off ("none") under Textual."""
        from tui.core.domainplan import domain_test_section
        from tui.evals import RunOutcome, run_domain_tests

        def progress(run: ModelRun, done: int, total: int) -> None:
            self.app.call_from_thread(self._model_done, run, done, total)

        try:
            outcome = run_domain_tests(plan, cancel=self.cancel_event, on_progress=progress, display="none")
            runs = [(r.model_id, r.log) for r in outcome.runs if r.log is not None]
            section = domain_test_section(plan.task, runs, mock=plan.mock) if runs else None
        except Exception as exc:  # noqa: BLE001 - the dialog must end in a closable state, with the reason shown
            message = str(exc) if isinstance(exc, InputError) else f"{type(exc).__name__}: {exc}"
            self.app.call_from_thread(self.query_one("#dt-problem", Static).update, Text(f"⚠ {message}"))
            outcome, section = RunOutcome(cancelled=self.cancel_event.is_set()), None
        self.app.call_from_thread(self._finished, DomainTestResult(plan, outcome, section))

    def _model_done(self, run: ModelRun, done: int, total: int) -> None:
        """One model finished: advance the bar and add its line (ran, or failed with the reason)."""
        self.query_one("#dt-progress", ProgressBar).update(total=total, progress=done)
        self.lines.append(_run_line(run))
        self.query_one("#dt-log", Static).update(Text("\n".join(self.lines)))

    def _finished(self, result: DomainTestResult) -> None:
        self.running = False
        self.result = result
        outcome = result.outcome
        total = len(result.plan.running)
        ok, failed = len(outcome.logs), len(outcome.failures)
        if outcome.cancelled:
            head = f"Cancelled after {len(outcome.runs)} of {total} models ({ok} ran, {failed} failed)."
        else:
            head = f"Finished: {ok} ran, {failed} failed."
        if ok:
            mock = f" ({MOCK_LABEL})" if result.plan.mock else ""
            tail = f" The {ok} log(s) are imported as {result.criterion}{mock} when you close this dialog."
        else:
            tail = " No model finished, so nothing is imported."
        self.query_one("#dt-status", Static).update(Text(head + tail))
        self.query_one("#dt-dialog").add_class("-done")
        self.query_one("#dt-close", Button).focus()

    @on(Button.Pressed, "#dt-close")
    def _close(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        """Before a run: close. During: stop after the current model. After: close (and import)."""
        if self.running:
            if not self.cancel_event.is_set():
                self.cancel_event.set()
                self.query_one("#cancel", Button).disabled = True
                self.query_one("#dt-status", Static).update(
                    "Cancelling: the run stops after the current model (inspect_ai finishes the model it is on)…"
                )
            return
        result = self.result
        self.dismiss(result if result is not None and result.outcome.logs else None)


class DomainTestPanel(Vertical):
    """The "Your domain tests" section: a task folder and the button that opens :class:`DomainTestModal`."""

    DEFAULT_CSS = """
    DomainTestPanel {
        height: auto;
    }
    """

    @property
    def wizard(self) -> ShortlistApp:
        return cast("ShortlistApp", self.app)

    def compose(self) -> ComposeResult:
        yield Label(
            "[b]Your domain tests[/b] (a task folder made by [i]shortlist domain-test init[/i])", classes="section"
        )
        with Horizontal(classes="row"):
            yield Input(placeholder="path/to/task-folder", id="dt-folder", classes="wide", compact=True)
            yield Button("Run our domain tests…", id="dt-open", compact=True)
        yield Static("", id="dt-error", classes="error")

    @on(Button.Pressed, "#dt-open")
    @on(Input.Submitted, "#dt-folder")
    def _open(self, event: Button.Pressed | Input.Submitted) -> None:
        """Read the folder, take the shortlist, and show the plan (or say in one line why not)."""
        from tui.core.domaintest import read_task_folder

        event.stop()
        error = self.query_one("#dt-error", Static)
        text = self.query_one("#dt-folder", Input).value.strip()
        if not text:
            error.update(Text("⚠ type the task folder first (make one with shortlist domain-test init)"))
            return
        try:
            task = read_task_folder(Path(text).expanduser())
        except InputError as exc:
            error.update(Text(f"⚠ {exc}"))
            return
        session, evaluation = self.wizard.session, self.wizard.evaluation
        if session is None or evaluation is None:
            error.update(Text("⚠ no shortlist yet: wait until the ranking is ready"))
            return
        ids = [item.id for item in evaluation.shortlist]
        if not ids:
            error.update(Text("⚠ no model is on the shortlist: loosen the earlier steps first"))
            return
        error.update("")
        self.wizard.push_screen(DomainTestModal(task, session.catalog, ids), callback=self._modal_closed)

    def _modal_closed(self, result: DomainTestResult | None) -> None:
        if result is not None:
            import_results(self.wizard, result)


def import_results(app: ShortlistApp, result: DomainTestResult) -> None:
    """Append the run's logs to the evidence files (the Import button's path) and say what was imported."""
    from tui.core.domainplan import display_path

    state = app.state
    if state is None:
        return
    paths = list(dict.fromkeys([*state.evidence, *(display_path(p) for p in result.outcome.logs)]))
    app.domain_test = result.section
    worker = app.import_evidence(paths, state.aliases, notify=False)
    app.run_worker(_notify_imported(app, worker, result), group="domain-test-import", exit_on_error=False)


async def _notify_imported(app: ShortlistApp, worker: Worker[None], result: DomainTestResult) -> None:
    try:
        await worker.wait()
    except (WorkerCancelled, WorkerFailed):
        return
    session = app.session
    if session is None or session.evidence is None or result.criterion not in session.evidence.criteria:
        return  # the import fell back without the files, and said why
    count = len(result.outcome.logs)
    mock = f" ({MOCK_LABEL})" if result.plan.mock else ""
    app.notify(
        f"imported {result.criterion} from {count} domain-test log(s){mock}; set its weight on this step",
        title="Domain tests",
        severity="warning" if result.plan.mock else "information",
        timeout=10,
    )


def record_section(app: ShortlistApp) -> dict[str, Any] | None:
    """The latest domain test's record section, while every log it names is still among the evidence files."""
    section, state = app.domain_test, app.state
    if section is None or state is None:
        return None
    logs = {str(log["path"]) for log in section.get("logs", [])}
    return section if logs and logs <= set(state.evidence) else None
