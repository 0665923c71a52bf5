"""The base of every step screen: stepper, funnel, side panel, back and next.

A step screen reads the App's reactives (``state``, ``funnel``, ``evaluation``) through
watchers, and changes the state only through :meth:`StepScreen.edit` and
:meth:`StepScreen.problem`, which hand a new frozen state to the App.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Static

from tui.app.widgets import FunnelBar, Stepper
from tui.core.errors import InputError
from tui.core.wizard import LockedError

if TYPE_CHECKING:
    from tui.app.app import ShortlistApp
    from tui.core.engine import Evaluation
    from tui.core.results import FunnelStep
    from tui.core.wizard import WizardState
    from tui.core.workflow import Session


class StepScreen(Screen[None]):
    """A wizard step: subclasses provide ``compose_form`` and react to new evaluations."""

    STEP = 0
    TITLE_TEXT = ""
    INTRO = ""
    BINDINGS = [
        Binding(
            "pagedown,f6",
            "next",
            "Next",
            id="step.next",
            priority=True,
            tooltip="Go to the next step (blocked while a field is invalid)",
        ),
        Binding("pageup,f5", "back", "Back", id="step.back", priority=True, tooltip="Go to the previous step"),
    ]

    @property
    def wizard(self) -> ShortlistApp:
        """The App, typed."""
        return self.app  # type: ignore[return-value]

    @property
    def state(self) -> WizardState:
        """The current wizard state."""
        state = self.wizard.state
        assert state is not None
        return state

    @property
    def session(self) -> Session | None:
        """The loaded catalogue and evidence (None while loading)."""
        return self.wizard.session

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
        self.load_state(self.state)
        self.watch(self.wizard, "funnel", self._funnel_changed)
        self.watch(self.wizard, "evaluation", self._evaluation_changed)

    def load_state(self, state: WizardState) -> None:
        """Fill the form from the state (on mount)."""

    def _funnel_changed(self, funnel: tuple[FunnelStep, ...] | None) -> None:
        evaluation = self.wizard.evaluation
        busy = evaluation is None or tuple(evaluation.funnel) != funnel
        self.query_one("#funnel", FunnelBar).show(funnel, busy=busy)

    def _evaluation_changed(self, evaluation: Evaluation | None) -> None:
        if evaluation is None:
            return
        self.query_one("#funnel", FunnelBar).show(tuple(evaluation.funnel))
        self.evaluation_changed(evaluation)

    def evaluation_changed(self, evaluation: Evaluation) -> None:
        """A new evaluation of the current state arrived."""

    def show_blocked(self, reason: str) -> None:
        """Say why Next is refused (empty clears it)."""
        self.query_one("#blocked", Static).update(f"⚠ {reason}" if reason else "")
        self.query_one(Stepper).show(self.STEP, blocked="fix the highlighted field" if reason else "")

    def side(self, text: str) -> None:
        """Replace the side panel's text."""
        self.query_one("#side", Static).update(text)

    def edit(self, dotted: str, value: Any, problem_key: str | None = None) -> bool:
        """Apply one field change; a refused change becomes an inline problem, never a revert.

        A value that would loosen a locked field is kept in the input and reported, so a
        threshold can be tightened key by key (typing 45 over a lock at 40 passes through 4).
        """
        key = problem_key or dotted
        try:
            new = self.state.with_field(dotted, value)
        except LockedError as exc:
            self.problem(key, exc.detail)
            self.show_blocked(exc.detail)
            return False
        except InputError as exc:
            self.problem(key, exc.detail)
            self.show_blocked(exc.detail)
            return False
        self.wizard.update_state(new.with_problem(key, None))
        self.show_blocked("")
        return True

    def problem(self, dotted: str, message: str | None) -> None:
        """Record an inline validation problem (or clear it)."""
        self.wizard.update_state(self.state.with_problem(dotted, message))

    def action_next(self) -> None:
        reason = self.wizard.try_next()
        if reason:
            self.show_blocked(reason)

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
