"""The start screen: a new decision from a preset, resume a draft, or replay a record."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, LoadingIndicator, OptionList, Static
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from tui.app.app import ShortlistApp
    from tui.core.presets import PresetFile
    from tui.core.wizard import DraftLoad
    from tui.core.workflow import Session

WELCOME = (
    "Picking an LLM is picking the brain of a product. shortlist screens a sourced catalogue on openness, "
    "capability and practical limits, ranks what is left with the uncertainty shown, and writes a decision "
    "record your team can review."
)


def _home(path: Path) -> str:
    """A path with the home folder shown as ~."""
    home = Path.home()
    return f"~/{path.relative_to(home)}" if path.is_relative_to(home) else str(path)


class StartScreen(Screen[None]):
    """Choose what to do."""

    BINDINGS = [
        Binding("n", "new", "New from preset", id="start.new", tooltip="Start a decision from the highlighted preset"),
        Binding("r", "resume", "Resume draft", id="start.resume", tooltip="Continue the autosaved draft"),
        Binding("o", "open_record", "Replay record", id="start.open", tooltip="Replay a decision record"),
    ]

    @property
    def wizard(self) -> ShortlistApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="start"):
            with Vertical(id="presets-box"):
                yield Static(f"[b]Welcome to shortlist[/b]\n{WELCOME}", id="welcome")
                yield Static("[b]Start a new decision from a preset[/b] (Enter)")
                yield OptionList(id="presets")
                with Horizontal(id="start-buttons"):
                    yield Button("New decision", id="new", variant="primary", compact=True)
                    yield Button("Resume draft", id="resume", disabled=True, compact=True)
                    yield Button("Replay record…", id="open", compact=True)
                yield Static(id="draft-status")
            with Vertical(id="preset-side", classes="side"):
                yield Static(id="preset-info")
                yield Static(id="catalog-status")
                yield Static(id="where", classes="where")
                yield LoadingIndicator(id="loading")
        yield Footer()

    def on_mount(self) -> None:
        self._presets: list[PresetFile] = []
        self._draft: DraftLoad | None = None
        self.ready = False
        """True once presets and the draft status are shown."""
        self._prepare()
        self.watch(self.wizard, "session", self._session_changed)
        self.watch(self.wizard, "load_error", self._load_failed)

    @work(thread=True, exclusive=True, group="start", exit_on_error=False, description="start")
    def _prepare(self) -> None:
        """Read presets and the draft off the UI thread (it imports pydantic: ~0.4 s)."""
        from tui.core.presets import list_presets
        from tui.core.wizard import load_draft

        presets, problems = list_presets(with_problems=True)
        draft = load_draft(self.wizard.draft)
        self.app.call_from_thread(self._prepared, presets, problems, draft)

    def _prepared(self, presets: list[PresetFile], problems: list[str], draft: DraftLoad) -> None:
        for problem in problems:
            self.wizard.notify(problem, title="A preset was skipped", severity="warning", timeout=10)
        options = self.query_one("#presets", OptionList)
        options.clear_options()
        seen: set[str] = set()
        self._presets = []
        for preset in presets:
            if preset.id in seen:
                continue
            seen.add(preset.id)
            self._presets.append(preset)
            options.add_option(Option(f"{preset.id}  [dim]{preset.origin} · v{preset.version}[/dim]", id=preset.id))
        if self._presets:
            options.highlighted = next((i for i, p in enumerate(self._presets) if p.id == "default"), 0)
        self._draft = draft
        button = self.query_one("#resume", Button)
        state = draft.state
        button.disabled = state is None
        status = f"[b]⚠[/b] {draft.message}\n" if draft.message else ""
        if state is not None:
            from tui.core.wizard import STEP_LABELS

            status += (
                f"[b]Draft[/b]: {state.preset_ref or 'custom'}, step {state.step + 1} "
                f"({STEP_LABELS[state.step]}): r resumes it"
            )
        self.query_one("#draft-status", Static).update(status)
        self.query_one("#where", Static).update(self._where())
        self.ready = True

    def _where(self) -> str:
        """Where the draft and the team presets live (so nobody has to guess)."""
        from tui.core.paths import draft_path, project_rubrics_dir, user_rubrics_dir

        draft = self.wizard.draft or draft_path()
        project = project_rubrics_dir()
        lines = [
            "",
            f"[dim]Draft (autosaved): {_home(draft)}",
            f"Your presets: {_home(user_rubrics_dir())}",
            f"Project presets: {_home(project) if project else '.shortlist/rubrics (none here)'}[/dim]",
        ]
        return "\n".join(lines)

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        preset = self._presets[event.option_index]
        shadows = f"\n[b]⚠ shadows[/b] {', '.join(preset.shadows)}" if preset.shadows else ""
        extends = f"\nextends {preset.extends}" if preset.extends else ""
        self.query_one("#preset-info", Static).update(
            f"[b]{preset.name or preset.id}[/b]  v{preset.version}\n[dim]{preset.origin}"
            f"{'' if preset.origin == 'bundled' else ': ' + str(preset.path)}[/dim]"
            f"{extends}\n\n{preset.description}{shadows}"
        )

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_new()

    def _session_changed(self, session: Session | None) -> None:
        if session is None:
            self.query_one("#loading", LoadingIndicator).display = True
            self.query_one("#catalog-status", Static).update("[dim]Loading the catalogue…[/dim]")
            return
        catalog = session.catalog
        self.query_one("#loading", LoadingIndicator).display = False
        open_weights = sum(1 for e in catalog.entries if e.deployment.self_hostable)
        self.query_one("#catalog-status", Static).update(
            f"\n[b]Catalogue[/b] {catalog.meta.version}: {len(catalog.entries)} models ({open_weights} with open "
            f"weights), {len(catalog.registry)} benchmarks, as of {catalog.as_of}."
            + (f"\nOverlay: {catalog.overlay}" if catalog.overlay else "")
        )

    def _load_failed(self, message: str | None) -> None:
        if message:
            self.query_one("#loading", LoadingIndicator).display = False
            self.query_one("#catalog-status", Static).update(f"\n[b]The catalogue could not be loaded:[/b]\n{message}")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        {"new": self.action_new, "resume": self.action_resume, "open": self.action_open_record}[str(event.button.id)]()

    @work
    async def action_new(self) -> None:
        from tui.app.screens.modals import ConfirmModal
        from tui.core.wizard import discard_draft

        options = self.query_one("#presets", OptionList)
        if options.highlighted is None or not self._presets:
            return
        preset_id = self._presets[options.highlighted].id
        if self.wizard.load_error:
            self.wizard.notify(self.wizard.load_error, title="The catalogue could not be loaded", severity="error")
            return
        if self._draft is not None and self._draft.state is not None and self.wizard.autosave:
            state = self._draft.state
            replace = await self.wizard.push_screen_wait(
                ConfirmModal(
                    f"Start a new decision from '{preset_id}'? Your autosaved draft ({state.preset_ref or 'custom'}, "
                    f"step {state.step + 1}) will be discarded.",
                    yes="Discard and start",
                )
            )
            if not replace:
                return
            discard_draft(self.wizard.draft)
            self._draft = None
        if self.wizard.session is None:
            # start as soon as the catalogue is in (the App picks this up when it loads)
            self.wizard.initial_rubric = preset_id
            self.query_one("#catalog-status", Static).update(
                f"[dim]Loading the catalogue… the decision starts from '{preset_id}' when it is ready.[/dim]"
            )
            return
        self.wizard.start_from_preset(preset_id)

    def action_resume(self) -> None:
        state = self._draft.state if self._draft else None
        if state is None:
            self.wizard.notify("there is no autosaved draft", severity="warning")
            return
        if self.wizard.session is None:
            self.wizard.notify("the catalogue is still loading; one moment", severity="warning")
            return
        self.wizard.resume(state)

    @work
    async def action_open_record(self) -> None:
        from tui.app.screens.modals import OpenRecordModal, ReplayModal
        from tui.core.errors import InputError
        from tui.core.records import read_record

        path = await self.wizard.push_screen_wait(OpenRecordModal())
        session = self.wizard.session
        if path is None or session is None:
            return
        try:
            report = session.with_bundle(None).replay(read_record(path))
        except InputError as exc:
            self.wizard.notify(str(exc), title="Cannot replay", severity="error", timeout=10)
            return
        self.wizard.push_screen(ReplayModal(report.lines()))

    def on_screen_resume(self) -> None:
        if getattr(self, "ready", False):
            self._prepare()
