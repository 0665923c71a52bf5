"""Step 3: what the model is for: use-case profiles, weights, and the team's own results."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.events import DescendantFocus
from textual.validation import Number
from textual.widgets import Button, Checkbox, Input, Label, Static

from tui.app.screens.step_base import StepScreen, lock_note
from tui.app.widgets import FieldError
from tui.core.errors import InputError
from tui.core.wizard import PROFILES, WizardState, profile_weights, toggle_profile


def _slug(name: str) -> str:
    return name.replace(" ", "-")


class DomainScreen(StepScreen):
    """Benchmark weights from use-case profiles, editable, plus imported evidence."""

    STEP = 2
    TITLE_TEXT = "3 · Domain scenarios"
    INTRO = (
        "Tick the use cases that matter: each adds its benchmark weights to the current ones, and "
        "unticking takes them away again; your own edits stay. Weights are relative: 2 counts twice as "
        "much as 1."
    )

    def compose_form(self) -> ComposeResult:
        yield Label("[b]Use-case profiles[/b]", classes="section")
        for name in PROFILES:
            yield Checkbox(
                name,
                value=name in self.state.rubric.domain.profiles,
                id=f"pro-{_slug(name)}",
                classes="check",
                compact=True,
            )
        yield Button("Weights from the ticked profiles only", id="profiles-only", compact=True)
        yield Label("[b]Weights[/b]", classes="section", id="weights-title")
        session = self.session
        names = {bid: info.name for bid, info in (session.catalog.registry.items() if session else [])}
        names.update({"cost": "Low monthly cost", "openness": "Overall openness"})
        if session is not None and session.evidence is not None:
            names.update({cid: c.name for cid, c in session.evidence.criteria.items()})
        for key, label in names.items():
            with Horizontal(classes="row field-row"):
                yield Label(label, classes="label")
                yield Input(
                    placeholder="0",
                    id=f"w-{key.replace(':', '__')}",
                    classes="field short",
                    validators=[Number(minimum=0, maximum=1000)],
                    valid_empty=True,
                    compact=True,
                )
                yield FieldError("", id=f"werr-{key.replace(':', '__')}", classes="error")
        yield Label("[b]Your own evaluation results[/b] (lm-eval JSON, inspect_ai JSON log, or CSV)", classes="section")
        with Horizontal(classes="row"):
            yield Input(
                placeholder="path/to/results.json (several: separate with spaces)",
                id="evidence-path",
                classes="wide",
                compact=True,
            )
            yield Button("Import", id="import", compact=True)
        with Horizontal(classes="row"):
            yield Input(
                placeholder="optional alias table: aliases.toml", id="aliases-path", classes="wide", compact=True
            )
        yield Static("", id="evidence-status")
        yield from self.compose_domain_tests()

    def compose_domain_tests(self) -> ComposeResult:
        """The team's own inspect_ai task, run on the shortlist (its own module)."""
        from tui.app.screens.domaintest import DomainTestPanel

        yield DomainTestPanel(id="domain-tests")

    def load_state(self, state: WizardState) -> None:
        domain = state.rubric.domain
        with self.prevent(Input.Changed, Checkbox.Changed):
            for name in PROFILES:
                self.query_one(f"#pro-{_slug(name)}", Checkbox).value = name in domain.profiles
            values = dict(domain.weights)
            values["cost"] = domain.cost_weight
            values["openness"] = domain.openness_weight
            for field in self.query(Input):
                if not str(field.id).startswith("w-"):
                    continue
                key = str(field.id).removeprefix("w-").replace("__", ":")
                weight = values.get(key)
                field.value = f"{weight:g}" if weight else ""
                field.disabled = state.locked(self._dotted(key)) is not None
        status = ""
        if state.evidence:
            status = (
                "Imported: " + ", ".join(state.evidence) + (f" (aliases: {state.aliases})" if state.aliases else "")
            )
        self.query_one("#evidence-status", Static).update(status)
        if state.aliases:
            with self.prevent(Input.Changed):
                self.query_one("#aliases-path", Input).value = state.aliases
        self.query_one("#weights-title", Label).update("[b]Weights[/b]" + lock_note(state, "domain.weights"))
        self.side(self._explain())

    @staticmethod
    def _dotted(key: str) -> str:
        return {"cost": "domain.cost_weight", "openness": "domain.openness_weight"}.get(key, "domain.weights")

    @on(Checkbox.Changed)
    def _profile(self, event: Checkbox.Changed) -> None:
        """Ticking adds the profile's weights to the current ones; unticking takes them away."""
        name = next(n for n in PROFILES if f"pro-{_slug(n)}" == event.checkbox.id)
        chosen = [n for n in PROFILES if self.query_one(f"#pro-{_slug(n)}", Checkbox).value]
        known = set(self.session.catalog.registry) if self.session else None
        weights = toggle_profile(dict(self.state.rubric.domain.weights), name, event.value, known)
        self._set_weights(chosen, weights, "Profile not applied")

    @on(Button.Pressed, "#profiles-only")
    def _profiles_only(self) -> None:
        """Replace the benchmark weights by the ticked profiles' (imported criteria keep theirs)."""
        chosen = [n for n in PROFILES if self.query_one(f"#pro-{_slug(n)}", Checkbox).value]
        known = set(self.session.catalog.registry) if self.session else None
        team = {k: v for k, v in self.state.rubric.domain.weights.items() if k.startswith("team:")}
        self._set_weights(chosen, {**profile_weights(chosen, known), **team}, "Weights not replaced")

    def _set_weights(self, chosen: list[str], weights: dict[str, float], refused: str) -> None:
        try:
            state = self.state.with_field("domain.profiles", chosen).with_field("domain.weights", weights)
        except InputError as exc:
            self.wizard.notify(exc.detail, title=refused, severity="warning")
            self.load_state(self.state)
            return
        self.wizard.update_state(state)
        self.load_state(state)

    @on(Input.Changed)
    def _weight(self, event: Input.Changed) -> None:
        field_id = str(event.input.id)
        if not field_id.startswith("w-"):
            return
        key = field_id.removeprefix("w-").replace("__", ":")
        error = self.query_one(f"#werr-{field_id.removeprefix('w-')}", Label)
        dotted = self._dotted(key)
        result = event.validation_result
        if result is not None and not result.is_valid:
            error.update("⚠ a number from 0 to 1000")
            self.problem(f"domain.{key}", "weights are numbers from 0 to 1000")
            self.show_blocked(f"{key}: a number from 0 to 1000")
            return
        value = float(event.value) if event.value.strip() else 0.0
        if dotted == "domain.weights":
            weights = dict(self.state.rubric.domain.weights)
            if value:
                weights[key] = value
            else:
                weights.pop(key, None)
            new_value: dict[str, float] | float = weights
        else:
            new_value = value
        total = self._total_after(dotted, new_value)
        if total <= 0:
            self.problem("domain.total", "give at least one criterion a weight")
            self.show_blocked("give at least one criterion a weight")
            return
        self.problem("domain.total", None)
        if self.edit(dotted, new_value, problem_key=f"domain.{key}"):
            error.update("")
        else:
            error.update("⚠ " + self.state.problems.get(f"domain.{key}", ""))
        self.side(self._explain())

    def _total_after(self, dotted: str, value: dict[str, float] | float) -> float:
        domain = self.state.rubric.domain
        weights = value if isinstance(value, dict) else domain.weights
        cost = value if dotted == "domain.cost_weight" and isinstance(value, float) else domain.cost_weight
        openness = value if dotted == "domain.openness_weight" and isinstance(value, float) else domain.openness_weight
        return sum(weights.values()) + cost + openness

    @on(Button.Pressed, "#import")
    def _import(self) -> None:
        import shlex

        text = self.query_one("#evidence-path", Input).value.strip()
        if not text:
            self.wizard.notify("type the path of a results file first", severity="warning")
            return
        try:
            new = shlex.split(text)
        except ValueError as exc:
            self.wizard.notify(f"cannot read the paths: {exc}", severity="warning")
            return
        aliases = self.query_one("#aliases-path", Input).value.strip() or None
        paths = list(dict.fromkeys([*self.state.evidence, *new]))
        self.query_one("#evidence-status", Static).update("Importing " + ", ".join(paths) + " …")
        self.wizard.import_evidence(paths, aliases)

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        self.side(self._explain())

    def _explain(self) -> str:
        domain = self.state.rubric.domain
        weights = {**domain.weights, "cost": domain.cost_weight, "openness": domain.openness_weight}
        total = sum(weights.values()) or 1.0
        lines = [
            "[b]How the ranking counts[/b]",
            "",
            "Each criterion is scored from 0 to 1 on fixed bounds (a benchmark from its chance level to "
            "100, cost from $0 to the cost bound), then weighted. Bounds never depend on which models are "
            "in the catalogue, so adding a model cannot reorder the others. A score a model did not report "
            "is estimated from its other results, with its uncertainty; it is never left out.",
            "",
        ]
        for key, value in sorted(weights.items(), key=lambda kv: -kv[1]):
            if value > 0:
                bar = "█" * max(1, round(value / total * 30))
                lines.append(f"{key:<20} {value / total:5.0%} {bar}")
        session = self.session
        if session is not None:
            from tui.core.views import reporting_counts

            counts = reporting_counts(session.catalog)
            lines.append("")
            for key, value in weights.items():
                if value > 0 and key in session.catalog.registry:
                    lines.append(
                        f"[dim]{session.catalog.registry[key].name}: reported by {counts.get(key, 0)} of "
                        f"{len(session.catalog.entries)} models; estimated for the others[/dim]"
                    )
        return "\n".join(lines)
