"""The base of every step screen: stepper, funnel, side panel, back and next."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Header, Static

from tui.app.app import StepScreenMarker
from tui.app.widgets import FunnelBar, Stepper
from tui.core.errors import InputError

if TYPE_CHECKING:
    from tui.app.app import ShortlistApp
    from tui.core.engine import Evaluation
    from tui.core.wizard import WizardState


class StepScreen(StepScreenMarker):
    """A wizard step: subclasses provide ``compose_form`` and react to state changes."""

    STEP = 0
    TITLE_TEXT = ""
    INTRO = ""
    BINDINGS = [
        Binding("pagedown,f6", "next", "Next", id="step.next", priority=True,
                tooltip="Go to the next step (blocked while a field is invalid)"),
        Binding("pageup,f5", "back", "Back", id="step.back", priority=True, tooltip="Go to the previous step"),
    ]

    @property
    def wizard(self) -> ShortlistApp:
        """The App, typed."""
        return self.app  # type: ignore[return-value]

    @property
    def state(self) -> WizardState:
        """The current wizard state."""
        assert self.wizard.state is not None
        return self.wizard.state

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="bar"):
            yield Stepper(id="stepper")
        yield FunnelBar(id="funnel")
        with Horizontal(id="main"):
            with VerticalScroll(id="form"):
                yield Static(f"[b]{self.TITLE_TEXT}[/b]\n{self.INTRO}", classes="intro")
                yield from self.compose_form()
            yield Static(id="side", classes="side")
        with Horizontal(id="nav"):
            yield Button("◀ Back", id="back", disabled=self.STEP == 0, compact=True)
            yield Static(id="blocked")
            yield Button("Next ▶", id="next", variant="primary", compact=True)
        yield Footer()

    def compose_form(self) -> ComposeResult:  # pragma: no cover - overridden
        yield from ()

    def on_mount(self) -> None:
        self.query_one(Stepper).show(self.STEP)
        self.query_one(FunnelBar).show(self.wizard.evaluation.funnel if self.wizard.evaluation else None)
        self.load_state(self.state)

    def load_state(self, state: WizardState) -> None:
        """Fill the form from the state (on mount)."""

    def state_changed(self, state: WizardState) -> None:
        """Called by the App after every edit."""
        self.query_one("#funnel", FunnelBar).show(
            self.wizard.evaluation.funnel if self.wizard.evaluation else None, busy=True)
        self.show_blocked("")

    def funnel_changed(self, funnel: list[tuple[str, int]]) -> None:
        """Called by the App as soon as the new funnel counts are known."""
        self.query_one("#funnel", FunnelBar).show(funnel, busy=True)

    def evaluation_changed(self, evaluation: Evaluation) -> None:
        """Called by the App when a new evaluation arrives."""
        self.query_one("#funnel", FunnelBar).show(evaluation.funnel)

    def catalog_ready(self, catalog: Any) -> None:
        """The catalogue finished loading."""
        self.wizard.evaluate_state()

    def show_blocked(self, reason: str) -> None:
        """Say why Next is refused (empty clears it)."""
        self.query_one("#blocked", Static).update(f"⚠ {reason}" if reason else "")
        self.query_one(Stepper).show(self.STEP, blocked="fix the highlighted field" if reason else "")

    def side(self, text: str) -> None:
        """Replace the side panel's text."""
        self.query_one("#side", Static).update(text)

    def edit(self, dotted: str, value: Any) -> bool:
        """Apply one field change; shows the reason and returns False when it is refused."""
        try:
            self.wizard.set_state(self.state.with_field(dotted, value))
            return True
        except InputError as exc:
            self.wizard.notify(exc.detail, title=f"{dotted} not changed", severity="warning")
            self.load_state(self.state)
            return False

    def problem(self, dotted: str, message: str | None) -> None:
        """Record an inline validation problem (or clear it)."""
        self.wizard.state = self.state.with_problem(dotted, message)

    def action_next(self) -> None:
        self.wizard.try_next()

    def action_back(self) -> None:
        if self.STEP > 0:
            self.wizard.goto(self.STEP - 1)
        else:
            self.wizard.pop_screen()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "next":
            self.action_next()
        elif event.button.id == "back":
            self.action_back()


def lock_note(state: WizardState, dotted: str) -> str:
    """' 🔒 owner: reason' for a locked field, else ''."""
    lock = state.locked(dotted)
    return f" [b]🔒 locked by {lock.owner}[/b]: {lock.reason}" if lock else ""
