"""Step 4: cost at your volume, context, deployment, self-hosting memory and latency.

Labels, help texts and bounds come from the rubric's schema (:func:`tui.core.fields.field_spec`),
so the form and the preset file can never disagree on what a value may be.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.events import DescendantFocus
from textual.widgets import DataTable, Input, Label, Select

from tui.app.screens.step_base import StepScreen, lock_note
from tui.app.widgets import FieldError
from tui.core.engine import Evaluation
from tui.core.fields import FieldSpec, field_spec
from tui.core.rubric import Practical
from tui.core.wizard import WizardState

TYPED = (
    "monthly_input_tokens",
    "monthly_output_tokens",
    "max_monthly_cost_usd",
    "max_input_usd_per_mtok",
    "max_output_usd_per_mtok",
    "min_context",
    "gpu_memory_gb",
    "max_ttft_s",
)
"""The Practical fields typed as numbers, in form order."""
SPECS: dict[str, FieldSpec] = {name: field_spec(Practical, name) for name in TYPED}
COST_ROWS = 40


class PracticalScreen(StepScreen):
    """Practical limits, with a live monthly-cost estimate for the models still in the funnel."""

    STEP = 3
    TITLE_TEXT = "4 · Practical factors"
    INTRO = (
        "Cost at your volume, context length, how you will run it. Costs use list prices; the table below "
        "updates as you type. A limit fails a model whose value is unknown."
    )

    def compose_form(self) -> ComposeResult:
        for name, spec in SPECS.items():
            with Horizontal(classes="row field-row"):
                yield Label(spec.label, classes="label")
                yield Input(
                    id=f"p-{name}", classes="field short", placeholder="none" if spec.optional else "", compact=True
                )
                yield FieldError("", id=f"perr-{name}", classes="error")
        with Horizontal(classes="row"):
            yield Label(field_spec(Practical, "deployment").label, classes="label")
            yield Select(
                [
                    ("hosted API or self-hosted", "either"),
                    ("hosted API only", "api"),
                    ("self-hosted only", "self-host"),
                ],
                id="deployment",
                allow_blank=False,
                value=self.state.rubric.practical.deployment,
                classes="field",
                compact=True,
            )
        with Horizontal(classes="row"):
            yield Label(field_spec(Practical, "quantisation_bits").label, classes="label")
            yield Select(
                [("native format", 0), ("16-bit", 16), ("8-bit", 8), ("4-bit", 4)],
                id="bits",
                allow_blank=False,
                value=self.state.rubric.practical.quantisation_bits or 0,
                classes="field",
                compact=True,
            )
        yield Label("[b]Monthly cost of the models still in the funnel[/b]", classes="section")
        yield DataTable(id="costs", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#costs", DataTable).add_columns("model", "monthly cost", "context", "memory (est.)")
        super().on_mount()

    def load_state(self, state: WizardState) -> None:
        practical = state.rubric.practical
        with self.prevent(Input.Changed, Select.Changed):
            for name in SPECS:
                value = getattr(practical, name)
                field = self.query_one(f"#p-{name}", Input)
                field.value = "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))
                if state.locked(f"practical.{name}") is not None:
                    field.tooltip = "locked: may be tightened, not loosened"
            self.query_one("#deployment", Select).value = practical.deployment
            self.query_one("#deployment", Select).disabled = state.locked("practical.deployment") is not None
            self.query_one("#bits", Select).value = practical.quantisation_bits or 0
        self.side(self._help("monthly_input_tokens"))

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        name = str(event.input.id).removeprefix("p-")
        dotted = f"practical.{name}"
        error = self.query_one(f"#perr-{name}", Label)
        value, message = SPECS[name].parse(event.value)
        if message:
            error.update(f"⚠ {message}")
            self.problem(dotted, message)
            self.show_blocked(f"{SPECS[name].label}: {message}")
            return
        if self.edit(dotted, value):
            error.update("")
        else:
            error.update("⚠ " + self.state.problems.get(dotted, ""))

    @on(Select.Changed)
    def _select(self, event: Select.Changed) -> None:
        if event.select.id == "bits":
            self.edit("practical.quantisation_bits", event.value or None)
        else:
            self.edit("practical.deployment", event.value)

    def evaluation_changed(self, evaluation: Evaluation) -> None:
        table = self.query_one("#costs", DataTable)
        table.clear()
        for row in evaluation.cheapest(COST_ROWS):
            cost = "unknown" if row.monthly_cost_usd is None else f"${row.monthly_cost_usd:,.2f}"
            memory = (
                "—"
                if row.memory_gb_estimate is None
                else (
                    f"~{row.memory_gb_estimate:.0f} GB"
                    + (f" ({row.weights_precision})" if row.weights_precision else "")
                )
            )
            context = "unknown" if row.context_window is None else f"{row.context_window:,}"
            table.add_row(row.name, cost, context, memory, key=row.id)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.wizard.show_model(str(event.row_key.value))

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        name = str(event.widget.id or "").removeprefix("p-")
        if name in SPECS:
            self.side(self._help(name))
        elif name == "deployment":
            self.side(
                "[b]Deployment[/b]\n\nhosted API: someone else runs it; you pay per token.\nself-hosted: "
                "you download the weights and need the GPU memory.\neither: both are acceptable; with a GPU "
                "memory figure, a model without an API must fit it." + lock_note(self.state, "practical.deployment")
            )
        elif name == "bits":
            spec = field_spec(Practical, "quantisation_bits")
            self.side(f"[b]{spec.label}[/b]\n\n{spec.help}")

    def _help(self, name: str) -> str:
        spec = SPECS[name]
        p = self.state.rubric.practical
        return (
            f"[b]{spec.label}[/b]\n\n{spec.help}\n\n[dim]Allowed: {spec.expected()}"
            f"{'; empty for none' if spec.optional else ''}.[/dim]\n\nCurrent volume: {p.monthly_input_tokens:,} in "
            f"+ {p.monthly_output_tokens:,} out tokens a month." + lock_note(self.state, f"practical.{name}")
        )
