"""The shortlist wizard: one App, one screen per step, state in one frozen value."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from tui.app.commands import WizardCommands
from tui.core.errors import InputError

if TYPE_CHECKING:
    from tui.core.wizard import WizardState
    from tui.core.catalog import Catalog
    from tui.core.engine import Evaluation
    from tui.core.evidence import EvidenceBundle


class ShortlistApp(App[int]):
    """Walks the four steps to a reasoned shortlist and a saved decision record."""

    CSS_PATH = "app.tcss"
    TITLE = "shortlist"
    SUB_TITLE = "choose an LLM, and defend the choice"
    COMMANDS = App.COMMANDS | {WizardCommands}
    BINDINGS = [
        Binding("f1,question_mark", "help", "Help", id="app.help", tooltip="Keys and what each step means"),
        Binding("f4", "command_palette", "Commands", id="app.palette", show=False,
                tooltip="Jump to a step, load a preset, open a model (also ctrl+p)"),
        Binding("ctrl+q,f10", "quit", "Quit", id="app.quit", tooltip="Quit; your draft is autosaved"),
    ]

    def __init__(self, rubric: str | None = None, catalog_dir: str | None = None, overlay: str | None = None,
                 *, autosave: bool = True, draft: Path | None = None) -> None:
        super().__init__()
        self.initial_rubric = rubric
        """A preset named on the command line, opened straight away once the catalogue loads."""
        self.catalog_dir = catalog_dir
        self.overlay = overlay
        self.autosave = autosave
        """Write the state to the user data folder after every change."""
        self.draft = draft
        """Where the autosave goes (None: the user data folder)."""
        self.catalog: Catalog | None = None
        """The loaded catalogue; None until the loading worker finishes."""
        self.state: WizardState | None = None
        """The user's choices; replaced, never mutated."""
        self.evaluation: Evaluation | None = None
        """The latest evaluation of ``state`` against the catalogue."""
        self.evidence: EvidenceBundle | None = None
        """Imported team results, if any."""
        self.load_error: str | None = None
        self.funnel_for: WizardState | None = None
        """The state the funnel on screen was computed for (it arrives before the full ranking)."""

    # ------------------------------------------------------------------ start-up

    def on_mount(self) -> None:
        from tui.app.screens.start import StartScreen

        # NO_COLOR: Textual applies its own monochrome filter to the normal theme, which stays
        # legible; an ANSI theme under that filter would render dark on dark.
        self.push_screen(StartScreen())
        # after the first frame: importing pandas in a thread still competes for the GIL
        self.call_after_refresh(self.load_catalog)

    @work(thread=True, exclusive=True, group="catalog", exit_on_error=False)
    def load_catalog(self) -> None:
        """Load and validate the catalogue off the UI thread (pandas import included)."""
        from tui.core.catalog import load_catalog
        from tui.core.resources import catalog_root

        root = Path(self.catalog_dir) if self.catalog_dir else catalog_root()
        catalog = load_catalog(root, Path(self.overlay) if self.overlay else None)
        catalog.frame  # build the frames now, not on the first keystroke
        self.call_from_thread(self._catalog_loaded, catalog)

    def _catalog_loaded(self, catalog: Catalog) -> None:
        self.catalog = catalog
        for screen in self.screen_stack:
            if hasattr(screen, "catalog_ready"):
                screen.catalog_ready(catalog)
        if self.initial_rubric:
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
            for screen in self.screen_stack:
                if hasattr(screen, "catalog_failed"):
                    screen.catalog_failed(message)
        self.notify(message, title="Problem", severity="error", timeout=10)

    # ------------------------------------------------------------------ state

    def start_from_preset(self, spec: str) -> None:
        """Begin a new decision from a preset (a name or a path)."""
        from tui.core.presets import resolve

        try:
            resolved = resolve(spec)
        except InputError as exc:
            self.notify(str(exc), title="Cannot load preset", severity="error", timeout=10)
            return
        from tui.core.wizard import WizardState

        state = WizardState(rubric=resolved.rubric, preset_ref=resolved.rubric.ref, chain=resolved.chain,
                            locks=resolved.locks)
        self.evidence = None
        self.begin(state)

    def resume_draft(self) -> None:
        """Continue from the autosaved draft."""
        from tui.core.wizard import load_draft

        try:
            state = load_draft(self.draft)
        except InputError as exc:
            self.notify(str(exc), severity="error")
            return
        if state is None:
            return
        self.evidence = None
        if state.evidence:  # before the first evaluation, so it ranks with the team's criteria
            from tui.core.evidence import load_evidence

            try:
                self.evidence = load_evidence([Path(p) for p in state.evidence], self.catalog)
            except InputError as exc:
                self.notify(f"{exc}; continuing without the imported results", title="Evidence not loaded",
                            severity="warning", timeout=10)
        self.begin(state)

    def begin(self, state: WizardState) -> None:
        """Show the wizard at the state's step."""
        self.state = state
        self._persist()
        self.goto(state.step)
        self.evaluate_state()

    def set_state(self, state: WizardState) -> None:
        """Replace the state (after an edit): autosave, re-evaluate, refresh the screen."""
        self.state = state
        self._persist()
        self.evaluate_state()
        screen = self.screen
        if hasattr(screen, "state_changed"):
            screen.state_changed(state)

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

        if self.state is None:
            return
        self.state = self.state.go(step)
        self._persist()
        screen = step_screen(self.state.step)
        if isinstance(self.screen, StepScreenMarker):
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def try_next(self) -> None:
        """Advance unless the current step has invalid input; say why when refused."""
        if self.state is None:
            return
        problems = self.state.step_problems()
        if problems:
            if hasattr(self.screen, "show_blocked"):
                self.screen.show_blocked(problems[0])
            self.notify(problems[0], title="Fix this step first", severity="warning")
            return
        self.goto(self.state.step + 1)

    @work(thread=True, exclusive=True, group="evaluate", exit_on_error=False)
    def evaluate_state(self) -> None:
        """Re-run the engine for the current state (latest edit wins)."""
        from tui.core.engine import evaluate

        state, catalog = self.state, self.catalog
        if state is None or catalog is None:
            return
        extra = self.evidence.results if self.evidence else None
        team = self.evidence.criteria if self.evidence else None
        # imported criteria whose files could not be loaded are left out rather than failing the run
        unknown = state.rubric.criteria_ids() - set(catalog.registry) - set(team or {})
        rubric = state.rubric.without(unknown)
        if rubric.total_weight() <= 0:
            self.call_from_thread(self.notify, "every weighted criterion comes from imported results that are "
                                  "not loaded; import them on step 3 or give a benchmark a weight",
                                  title="Nothing to rank on", severity="warning")
            return
        from tui.core.clock import today

        day = today()
        quick = evaluate(catalog, rubric, extra_results=extra, team_criteria=team, funnel_only=True, today=day)
        self.call_from_thread(self._funnel_ready, state, quick.funnel)
        if state is not self.state:
            return  # superseded by a newer edit; its own worker will rank
        evaluation = evaluate(catalog, rubric, extra_results=extra, team_criteria=team, draws=1000, today=day)
        self.call_from_thread(self._evaluated, state, evaluation)

    def _funnel_ready(self, state: WizardState, funnel: list[tuple[str, int]]) -> None:
        """The funnel counts come first (fast); the ranking follows."""
        if state is not self.state:
            return
        self.funnel_for = state
        screen = self.screen
        if hasattr(screen, "funnel_changed"):
            screen.funnel_changed(funnel)

    def _evaluated(self, state: WizardState, evaluation: Evaluation) -> None:
        if state is not self.state:
            return  # a newer edit is being evaluated
        self.evaluation = evaluation
        screen = self.screen
        if hasattr(screen, "evaluation_changed"):
            screen.evaluation_changed(evaluation)

    def import_evidence(self, paths: list[str], notify: bool = True) -> list[str]:
        """Load team evidence files; returns the unmatched-model lines."""
        from tui.core.evidence import load_evidence, with_default_weights

        if self.catalog is None or self.state is None:
            return []
        try:
            bundle = load_evidence([Path(p) for p in paths], self.catalog)
        except InputError as exc:
            self.notify(str(exc), title="Cannot import", severity="error", timeout=10)
            return []
        self.evidence = bundle
        rubric = with_default_weights(self.state.rubric, bundle.criteria)
        self.set_state(replace(self.state, rubric=rubric, evidence=tuple(paths)))
        if notify:
            self.notify(f"imported {len(bundle.criteria)} criteria from {len(paths)} file(s)")
        return bundle.warning_lines()

    def finish(self) -> None:
        """A record was saved: the draft has done its job."""
        if self.autosave:
            from tui.core.wizard import discard_draft

            discard_draft(self.draft)

    # ------------------------------------------------------------------ actions

    def action_help(self) -> None:
        from tui.app.screens.modals import HelpScreen

        self.push_screen(HelpScreen())

    def show_model(self, model_id: str) -> None:
        """Open the model detail modal."""
        from tui.app.screens.modals import ModelDetailModal

        if self.catalog and model_id in self.catalog.by_id:
            self.push_screen(ModelDetailModal(self.catalog, model_id))

    async def wait_until_idle(self) -> None:
        """Wait until no background work runs (for scripts and tests driving the App)."""
        from textual.worker import WorkerCancelled

        for _ in range(100):
            try:
                await self.workers.wait_for_complete()
                return
            except WorkerCancelled:  # an exclusive worker superseded by a newer edit
                continue

    def get_system_commands(self, screen: Screen) -> Any:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help", "Keys and what each step means", self.action_help)


class StepScreenMarker(Screen):
    """Base of the step screens, so the App can tell them from the start screen."""
