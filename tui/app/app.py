"""The shortlist wizard: one App, one screen per step, state in one frozen value.

The App owns four reactives the screens watch: ``session`` (the loaded catalogue and
evidence), ``state`` (the user's choices), ``funnel`` and ``evaluation`` (the latest
results for ``state``). Every computation goes through the use-case layer
(:class:`tui.core.workflow.Session`), the same one the command line calls, in thread
workers: the event loop never waits for pandas or the engine.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import var
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import Worker, WorkerState, get_current_worker

from tui.app.commands import WizardCommands
from tui.core.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from tui.core.engine import Evaluation
    from tui.core.results import FunnelStep
    from tui.core.wizard import WizardState
    from tui.core.workflow import Session

DEBOUNCE_S = 0.01
"""Edits closer together than this are evaluated once (the last one wins)."""


class ShortlistApp(App[int]):
    """Walks the four steps to a reasoned shortlist and a saved decision record."""

    CSS_PATH = "app.tcss"
    TITLE = "shortlist"
    SUB_TITLE = "choose an LLM, and defend the choice"
    COMMANDS = App.COMMANDS | {WizardCommands}
    BINDINGS = [
        Binding("f1,question_mark", "help", "Help", id="app.help", tooltip="Keys and what each step means"),
        Binding(
            "ctrl+p,f4",
            "command_palette",
            "Commands",
            id="app.palette",
            show=False,
            priority=True,
            tooltip="Jump to a step, load a preset, open a model",
        ),
        Binding("ctrl+q,f10", "quit", "Quit", id="app.quit", priority=True, tooltip="Quit; your draft is autosaved"),
    ]

    session: var[Session | None] = var(None, init=False, always_update=True)
    """The loaded catalogue and imported evidence; None until the loading worker finishes."""
    state: var[WizardState | None] = var(None, init=False, always_update=True)
    """The user's choices; replaced, never mutated."""
    funnel: var[tuple[FunnelStep, ...] | None] = var(None, init=False)
    """The funnel for ``state`` (it arrives before the full ranking)."""
    evaluation: var[Evaluation | None] = var(None, init=False, always_update=True)
    """The latest full evaluation of ``state``."""
    load_error: var[str | None] = var(None, init=False)
    """Why the catalogue could not be loaded, if it could not."""

    def __init__(
        self,
        rubric: str | None = None,
        catalog_dir: str | None = None,
        overlay: str | None = None,
        *,
        autosave: bool = True,
        draft: Path | None = None,
    ) -> None:
        super().__init__()
        self.initial_rubric = rubric
        """A preset named on the command line, opened as soon as the catalogue loads."""
        self.catalog_dir = catalog_dir
        self.overlay = overlay
        self.autosave = autosave
        """Write the state to the user data folder after every change."""
        self.draft = draft
        """Where the autosave goes (None: the user data folder)."""
        self._pending: Timer | None = None
        self.domain_test: dict[str, Any] | None = None
        """The latest wizard domain test's record section (task, logs, hashes); see screens/domaintest.py."""

    # ------------------------------------------------------------------ start-up

    NARROW = 112
    """Below this many columns the shortlist gives its side panel's room to the table."""
    TINY = 80
    """Below this many columns the steps' side panels are hidden, so fields keep their width."""

    def on_mount(self) -> None:
        from tui.app.screens.start import StartScreen

        self.set_class(self.size.width < self.NARROW, "-narrow")
        self.set_class(self.size.width < self.TINY, "-tiny")
        self.push_screen(StartScreen())
        # after the first frame: importing pandas in a thread still competes for the GIL
        self.call_after_refresh(self.load_session)

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < self.NARROW, "-narrow")
        self.set_class(event.size.width < self.TINY, "-tiny")

    @work(thread=True, exclusive=True, group="catalog", exit_on_error=False, description="load the catalogue")
    def load_session(self, overlay: Path | None = None, then: WizardState | None = None) -> None:
        """Load and validate the catalogue off the UI thread (pandas and the engine included)."""
        from tui.core.workflow import Session

        session = Session.open(catalog_dir=self.catalog_dir, overlay=overlay or self.overlay)
        session.catalog.frame  # noqa: B018 - build the frames now, not on the first keystroke
        session.capabilities()
        self.call_from_thread(self._session_ready, session, then)

    def _session_ready(self, session: Session, then: WizardState | None) -> None:
        self.load_error = None
        self.session = session
        if then is not None:
            self.begin(then)
        elif self.initial_rubric:
            spec, self.initial_rubric = self.initial_rubric, None
            self.start_from_preset(spec)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """One place for worker errors: a one-line message, never a traceback."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        message = str(error) if isinstance(error, InputError) else f"{type(error).__name__}: {error}"
        if event.worker.group == "catalog":
            self.load_error = message
        self.notify(message, title="Problem", severity="error", timeout=10)

    # ------------------------------------------------------------------ state

    def start_from_preset(self, spec: str) -> None:
        """Begin a new decision from a preset (a name or a path)."""
        from tui.core.presets import resolve
        from tui.core.wizard import WizardState
        from tui.core.workflow import overlay_for

        try:
            resolved = resolve(spec)
        except InputError as exc:
            self.notify(str(exc), title="Cannot load preset", severity="error", timeout=10)
            return
        state = WizardState.start(resolved)
        wanted = overlay_for(self.overlay, resolved)
        current = self.session.catalog.overlay if self.session else None
        if self.session is not None and wanted != current:
            self.session = None
            self.load_session(wanted, state)  # a preset with its own overlay: reload, then begin
            return
        if self.session is not None and self.session.evidence is not None:
            self.session = self.session.with_bundle(None)
        self.begin(state)

    def resume(self, state: WizardState) -> None:
        """Continue a restored draft: its evidence is loaded before the first ranking."""
        self.import_evidence(list(state.evidence), state.aliases, state=state, notify=False)

    def begin(self, state: WizardState) -> None:
        """Show the wizard at the state's step."""
        self.state = state
        self._persist()
        self.goto(state.step)
        self.schedule_evaluation()

    def update_state(self, state: WizardState) -> None:
        """Replace the state after an edit: autosave, and re-evaluate when the rubric changed."""
        previous = self.state
        self.state = state
        self._persist()
        if previous is None or previous.rubric != state.rubric:
            self.schedule_evaluation()

    def _persist(self) -> None:
        if self.autosave and self.state is not None:
            from tui.core.wizard import save_draft

            try:
                save_draft(self.state, self.draft)
            except OSError as exc:  # a full disk must not take the session down
                self.notify(f"autosave failed: {exc}", severity="warning")

    def goto(self, step: int) -> None:
        """Switch to a step screen (0-4)."""
        from tui.app.screens import step_screen
        from tui.app.screens.step_base import StepScreen

        if self.state is None:
            return
        self.state = self.state.go(step)
        self._persist()
        screen = step_screen(self.state.step)
        if isinstance(self.screen, StepScreen):
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def try_next(self) -> str | None:
        """Advance unless the current step has invalid input; returns the reason when refused."""
        if self.state is None:
            return None
        problems = self.state.step_problems()
        if problems:
            self.notify(problems[0], title="Fix this step first", severity="warning")
            return problems[0]
        self.goto(self.state.step + 1)
        return None

    # ------------------------------------------------------------------ evaluation

    def schedule_evaluation(self) -> None:
        """Evaluate the current state shortly (edits in quick succession are evaluated once)."""
        if self._pending is not None:
            self._pending.stop()
        self._pending = self.set_timer(DEBOUNCE_S, self._evaluate_now)

    def _evaluate_now(self) -> None:
        self._pending = None
        if self.state is not None and self.session is not None:
            self.evaluate_state(self.session, self.state)

    @work(thread=True, exclusive=True, group="evaluate", exit_on_error=False, description="evaluate")
    def evaluate_state(self, session: Session, state: WizardState) -> None:
        """The funnel first (fast), then the full ranking; a newer edit cancels this one."""
        worker = get_current_worker()
        try:
            quick = session.evaluate(state.rubric, funnel_only=True)
        except InputError as exc:
            self.call_from_thread(self.notify, str(exc), title="Cannot evaluate", severity="warning")
            return
        self.call_from_thread(self._funnel_ready, state, tuple(quick.funnel))
        if worker.is_cancelled:
            return
        from tui.core.engine import Cancelled

        try:
            evaluation = session.evaluate(state.rubric, cancelled=lambda: worker.is_cancelled)
        except Cancelled:
            return  # a newer edit is being evaluated
        if not worker.is_cancelled:
            self.call_from_thread(self._evaluated, state, evaluation)

    def _funnel_ready(self, state: WizardState, funnel: tuple[FunnelStep, ...]) -> None:
        if self.state is not None and state.rubric == self.state.rubric:
            self.funnel = funnel

    def _evaluated(self, state: WizardState, evaluation: Evaluation) -> None:
        if self.state is not None and state.rubric == self.state.rubric:
            self.evaluation = evaluation

    # ------------------------------------------------------------------ evidence

    @work(thread=True, exclusive=True, group="evidence", exit_on_error=False, description="import evidence")
    def import_evidence(
        self, paths: list[str], aliases: str | None = None, *, state: WizardState | None = None, notify: bool = True
    ) -> None:
        """Load team evidence files in a worker; the state takes their criteria (weight 1 each)."""
        from dataclasses import replace

        from tui.core.evidence import with_default_weights

        session = self.session
        base = state or self.state
        if session is None or base is None:
            return
        try:
            loaded = session.with_evidence(list(paths) or None, aliases)
        except InputError as exc:
            self.call_from_thread(
                self.notify,
                f"{exc}; continuing without the imported results",
                title="Evidence not loaded",
                severity="warning",
                timeout=10,
            )
            loaded = session.with_evidence(None)
            paths, aliases = [], None
        rubric = with_default_weights(base.rubric, loaded.evidence.criteria) if loaded.evidence else base.rubric
        new = replace(base, rubric=rubric, evidence=tuple(paths), aliases=aliases)
        lines = loaded.evidence.warning_lines() if loaded.evidence else []
        self.call_from_thread(self._evidence_ready, loaded, new, state is not None, lines, notify)

    def _evidence_ready(
        self, session: Session, state: WizardState, resume: bool, lines: list[str], notify: bool
    ) -> None:
        self.session = session
        if resume:
            self.begin(state)
        else:
            self.update_state(state)
            self.goto(state.step)  # rebuild the weights list with the new criteria
        for line in lines:
            self.notify(line, title="Evidence", severity="warning", timeout=10)
        if notify and session.evidence is not None:
            self.notify(f"imported {len(session.evidence.criteria)} criteria from {len(state.evidence)} file(s)")

    # ------------------------------------------------------------------ actions

    def action_help(self) -> None:
        from tui.app.screens.modals import HelpScreen

        self.push_screen(HelpScreen())

    def show_model(self, model_id: str) -> None:
        """Open the model detail modal."""
        from tui.app.screens.modals import ModelDetailModal
        from tui.core.detail import model_detail

        session = self.session
        if session is None or model_id not in session.catalog.by_id:
            return
        item = self.evaluation.item(model_id) if self.evaluation else None
        self.push_screen(ModelDetailModal(model_detail(session.catalog, model_id, session.capabilities()), item))

    async def wait_until_idle(self) -> None:
        """Wait until no background work runs (for scripts and tests driving the App)."""
        import asyncio

        from textual.worker import WorkerCancelled

        for _ in range(200):
            while self._pending is not None:  # a debounced evaluation is about to start
                await asyncio.sleep(DEBOUNCE_S / 2)
            try:
                await self.workers.wait_for_complete()
            except WorkerCancelled:  # an exclusive worker superseded by a newer edit
                continue
            if self._pending is None and not any(w.is_running for w in self.workers):
                return

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help", "Keys and what each step means", self.action_help)
