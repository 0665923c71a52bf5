"""The start screen: a new decision from a preset, resume a draft, or replay a record."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, LoadingIndicator, OptionList, Static
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from tui.app.app import ShortlistApp

WELCOME = ("Picking an LLM is picking the brain of a product. shortlist screens a sourced catalogue on openness, "
           "capability and practical limits, ranks what is left with the uncertainty shown, and writes a decision "
           "record your team can review.")


class StartScreen(Screen):
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
                    yield Button("New decision", id="new", variant="primary")
                    yield Button("Resume draft", id="resume")
                    yield Button("Replay record…", id="open")
            with Vertical(id="preset-side", classes="side"):
                yield Static(id="preset-info")
                yield Static(id="catalog-status")
                yield LoadingIndicator(id="loading")
        yield Footer()

    def on_mount(self) -> None:
        self._presets: list[Any] = []
        self.ready = False
        """True once presets and the draft status are shown."""
        self._prepare()
        if self.wizard.catalog is not None:
            self.catalog_ready(self.wizard.catalog)
        elif self.wizard.load_error:
            self.catalog_failed(self.wizard.load_error)
        else:
            self.query_one("#catalog-status", Static).update("[dim]Loading the catalogue…[/dim]")

    @work(thread=True, exclusive=True, group="start", exit_on_error=False)
    def _prepare(self) -> None:
        """Read presets and the draft off the UI thread (it imports pydantic: ~0.4 s)."""
        from tui.core.errors import InputError
        from tui.core.presets import list_presets
        from tui.core.wizard import load_draft

        problem = None
        try:
            presets = list_presets()
        except InputError as exc:
            presets, problem = [], str(exc)
        try:
            draft = load_draft(self.wizard.draft)
        except InputError:
            draft = None
        self.app.call_from_thread(self._prepared, presets, draft, problem)

    def _prepared(self, presets: list[Any], draft: Any, problem: str | None) -> None:
        if problem:
            self.wizard.notify(problem, title="A preset folder has a problem", severity="error", timeout=10)
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
        button = self.query_one("#resume", Button)
        button.disabled = draft is None
        button.label = "Resume draft" if draft is None else f"Resume draft ({draft.preset_ref or 'custom'}, step {draft.step + 1})"
        self.ready = True

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        preset = self._presets[event.option_index]
        shadows = f"\n[b]⚠ shadows[/b] {', '.join(preset.shadows)}" if preset.shadows else ""
        extends = f"\nextends {preset.extends}" if preset.extends else ""
        self.query_one("#preset-info", Static).update(
            f"[b]{preset.name or preset.id}[/b]  v{preset.version}\n[dim]{preset.origin}"
            f"{'' if preset.origin == 'bundled' else ': ' + str(preset.path)}[/dim]"
            f"{extends}\n\n{preset.description}{shadows}")

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_new()

    def catalog_ready(self, catalog: Any) -> None:
        self.query_one("#loading", LoadingIndicator).display = False
        open_weights = sum(1 for e in catalog.entries if e.deployment.self_hostable)
        self.query_one("#catalog-status", Static).update(
            f"\n[b]Catalogue[/b] {catalog.meta.version}: {len(catalog.entries)} models ({open_weights} with open "
            f"weights), {len(catalog.registry)} benchmarks, as of {catalog.meta.as_of}."
            + (f"\nOverlay: {catalog.overlay}" if catalog.overlay else ""))

    def catalog_failed(self, message: str) -> None:
        self.query_one("#loading", LoadingIndicator).display = False
        self.query_one("#catalog-status", Static).update(f"\n[b]The catalogue could not be loaded:[/b]\n{message}")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        {"new": self.action_new, "resume": self.action_resume, "open": self.action_open_record}[str(event.button.id)]()

    def action_new(self) -> None:
        options = self.query_one("#presets", OptionList)
        if options.highlighted is None or not self._presets:
            return
        preset_id = self._presets[options.highlighted].id
        if self.wizard.load_error:
            self.wizard.notify(self.wizard.load_error, title="The catalogue could not be loaded", severity="error")
            return
        if self.wizard.catalog is None:
            # start as soon as the catalogue is in (the App picks this up when it loads)
            self.wizard.initial_rubric = preset_id
            self.query_one("#catalog-status", Static).update(
                f"[dim]Loading the catalogue… the decision starts from '{preset_id}' when it is ready.[/dim]")
            return
        self.wizard.start_from_preset(preset_id)

    def action_resume(self) -> None:
        if self.query_one("#resume", Button).disabled:
            self.wizard.notify("there is no autosaved draft", severity="warning")
            return
        if self.wizard.catalog is None:
            self.wizard.notify("the catalogue is still loading; one moment", severity="warning")
            return
        self.wizard.resume_draft()

    @work
    async def action_open_record(self) -> None:
        from tui.app.screens.modals import OpenRecordModal, ReplayModal
        from tui.core.errors import InputError
        from tui.core.evidence import bundle_from_record
        from tui.core.records import read_record, replay

        path = await self.wizard.push_screen_wait(OpenRecordModal())
        if path is None or self.wizard.catalog is None:
            return
        try:
            record = read_record(path)
            bundle = bundle_from_record(record, self.wizard.catalog)
            report = replay(record, self.wizard.catalog, extra_results=bundle.results if bundle else None,
                            team_criteria=bundle.criteria if bundle else None)
        except InputError as exc:
            self.wizard.notify(str(exc), title="Cannot replay", severity="error", timeout=10)
            return
        self.wizard.push_screen(ReplayModal(report.lines()))

    def on_screen_resume(self) -> None:
        if getattr(self, "ready", False):
            self._prepare()
