"""Step 3: what the model is for: use-case profiles, weights, and the team's own results."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.events import DescendantFocus
from textual.validation import Number
from textual.widgets import Button, Checkbox, Input, Label, Static

from tui.app.screens.step_base import StepScreen, lock_note
from tui.core.wizard import PROFILES, WizardState, profile_weights


def _slug(name: str) -> str:
    return name.replace(" ", "-")


class DomainScreen(StepScreen):
    """Benchmark weights from use-case profiles, editable, plus imported evidence."""

    STEP = 2
    TITLE_TEXT = "3 · Domain scenarios"
    INTRO = "Pick the use cases that matter; each sets benchmark weights, which you can then edit. Weights are relative: 2 counts twice as much as 1."

    def compose_form(self) -> ComposeResult:
        yield Label("[b]Use-case profiles[/b]", classes="section")
        for name in PROFILES:
            yield Checkbox(name, value=name in self.state.rubric.domain.profiles, id=f"pro-{_slug(name)}",
                           classes="check", compact=True)
        yield Label("[b]Weights[/b]", classes="section", id="weights-title")
        catalog = self.wizard.catalog
        names = {bid: info.name for bid, info in (catalog.registry.items() if catalog else [])}
        names.update({"cost": "Low monthly cost", "openness": "Overall openness"})
        if self.wizard.evidence:
            names.update({cid: c.name for cid, c in self.wizard.evidence.criteria.items()})
        for key, label in names.items():
            with Horizontal(classes="row"):
                yield Label(label, classes="label")
                yield Input(placeholder="0", id=f"w-{key.replace(':', '__')}", classes="field short",
                            validators=[Number(minimum=0, maximum=1000)], valid_empty=True, compact=True)
                yield Label("", id=f"werr-{key.replace(':', '__')}", classes="error")
        yield Label("[b]Your own evaluation results[/b] (lm-eval JSON, inspect_ai JSON log, or CSV)", classes="section")
        with Horizontal(classes="row"):
            yield Input(placeholder="path/to/results.json", id="evidence-path", classes="wide", compact=True)
            yield Button("Import", id="import")
        yield Static("", id="evidence-status")

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
            status = "Imported: " + ", ".join(state.evidence)
        self.query_one("#evidence-status", Static).update(status)
        self.query_one("#weights-title", Label).update("[b]Weights[/b]" + lock_note(state, "domain.weights"))
        self.side(self._explain())

    @staticmethod
    def _dotted(key: str) -> str:
        return {"cost": "domain.cost_weight", "openness": "domain.openness_weight"}.get(key, "domain.weights")

    @on(Checkbox.Changed)
    def _profile(self, event: Checkbox.Changed) -> None:
        chosen = [name for name in PROFILES if self.query_one(f"#pro-{_slug(name)}", Checkbox).value]
        weights = profile_weights(chosen)
        if not weights:
            weights = {k: v for k, v in self.state.rubric.domain.weights.items()}
        team = {k: v for k, v in self.state.rubric.domain.weights.items() if k.startswith("team:")}
        try:
            state = self.state.with_field("domain.profiles", chosen).with_field("domain.weights", {**weights, **team})
        except Exception as exc:  # noqa: BLE001 - shown to the user
            self.wizard.notify(str(exc), severity="warning")
            return
        self.wizard.set_state(state)
        self.load_state(self.wizard.state)

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
        error.update("")
        self.problem(f"domain.{key}", None)
        value = float(event.value) if event.value.strip() else 0.0
        if dotted == "domain.weights":
            weights = dict(self.state.rubric.domain.weights)
            if value:
                weights[key] = value
            else:
                weights.pop(key, None)
            new_value: object = weights
        else:
            new_value = value
        total = self._total_after(dotted, new_value)
        if total <= 0:
            self.problem("domain.total", "give at least one criterion a weight")
            self.show_blocked("give at least one criterion a weight")
            return
        self.problem("domain.total", None)
        self.edit(dotted, new_value)
        self.side(self._explain())

    def _total_after(self, dotted: str, value: object) -> float:
        domain = self.state.rubric.domain
        weights = value if dotted == "domain.weights" else domain.weights
        cost = value if dotted == "domain.cost_weight" else domain.cost_weight
        openness = value if dotted == "domain.openness_weight" else domain.openness_weight
        return sum(weights.values()) + float(cost) + float(openness)  # type: ignore[union-attr, arg-type]

    @on(Button.Pressed, "#import")
    def _import(self) -> None:
        path = self.query_one("#evidence-path", Input).value.strip()
        if not path:
            self.wizard.notify("type the path of a results file first", severity="warning")
            return
        paths = list(self.state.evidence) + [path]
        unmatched = self.wizard.import_evidence(paths)
        message = "Imported: " + ", ".join(paths)
        if unmatched:
            message += "\n" + "\n".join(f"⚠ {line}" for line in unmatched)
        self.query_one("#evidence-status", Static).update(message)
        self.wizard.goto(self.STEP)  # rebuild the weights list with the new criteria

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        self.side(self._explain())

    def _explain(self) -> str:
        domain = self.state.rubric.domain
        weights = {**domain.weights, "cost": domain.cost_weight, "openness": domain.openness_weight}
        total = sum(weights.values()) or 1.0
        lines = ["[b]How the ranking counts[/b]", "",
                 "Each criterion is scored from 0 to 1 on fixed bounds (a benchmark from its chance level to "
                 "100, cost from $0 to the cost bound), then weighted. Bounds never depend on which models are "
                 "in the catalogue, so adding a model cannot reorder the others.", ""]
        for key, value in sorted(weights.items(), key=lambda kv: -kv[1]):
            if value > 0:
                bar = "█" * max(1, round(value / total * 30))
                lines.append(f"{key:<20} {value / total:5.0%} {bar}")
        catalog = self.wizard.catalog
        if catalog is not None:
            results = catalog.frame.results
            lines.append("")
            for key, value in weights.items():
                if value > 0 and key in catalog.registry:
                    count = results.loc[results["bench"] == key, "model_id"].nunique()
                    lines.append(f"[dim]{catalog.registry[key].name}: reported by {count} models[/dim]")
        return "\n".join(lines)
