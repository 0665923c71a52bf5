"""Step 4: cost at your volume, context, deployment and latency."""

from __future__ import annotations

import pandas as pd
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.events import DescendantFocus
from textual.widgets import DataTable, Input, Label, Select

from tui.app.screens.step_base import StepScreen, lock_note
from tui.core.engine import Evaluation
from tui.core.wizard import WizardState

FIELDS = [
    # (field, label, integer?, minimum, help)
    ("monthly_input_tokens", "Input tokens / month", True, 0, "Tokens you send each month (prompts, context, documents)."),
    ("monthly_output_tokens", "Output tokens / month", True, 0, "Tokens the model writes each month."),
    ("max_monthly_cost_usd", "Budget, USD / month", False, 0, "Models whose list price at this volume is higher are excluded. Empty: no budget."),
    ("max_input_usd_per_mtok", "Max input price $/M", False, 0, "A cap on the price per million input tokens. Empty: no cap."),
    ("max_output_usd_per_mtok", "Max output price $/M", False, 0, "A cap on the price per million output tokens. Empty: no cap."),
    ("min_context", "Minimum context (tokens)", True, 1, "The longest prompt plus history you need to fit, in tokens."),
    ("gpu_memory_gb", "GPU memory, GB", False, 1, "Memory available for self-hosting. The need is estimated from the parameter count (weights plus 20% for cache and runtime) and always labelled as an estimate."),
    ("max_ttft_s", "Max time to first token, s", False, 0, "Only models with a measured latency are screened; others get a warning."),
]
def parse_amount(text: str, name: str) -> tuple[int | float | None, str | None]:
    """The field's value from what was typed (1,000 and 1_000 accepted), or an error message."""
    _, _, integer, minimum, _ = next(f for f in FIELDS if f[0] == name)
    cleaned = text.strip().replace(",", "").replace("_", "")
    if not cleaned:
        return (None, None) if name in OPTIONAL else (None, "required")
    try:
        number = float(cleaned)
    except ValueError:
        return None, f"a number, {minimum} or more"
    if number != number or number < minimum or (integer and not number.is_integer()):
        return None, f"a {'whole ' if integer else ''}number, {minimum} or more"
    return (int(number) if integer else number), None


OPTIONAL = {"max_monthly_cost_usd", "max_input_usd_per_mtok", "max_output_usd_per_mtok", "min_context", "gpu_memory_gb", "max_ttft_s"}


class PracticalScreen(StepScreen):
    """Practical limits, with a live monthly-cost estimate for the models still in the funnel."""

    STEP = 3
    TITLE_TEXT = "4 · Practical factors"
    INTRO = "Cost at your volume, context length, how you will run it. Costs use list prices; the table below updates as you type."

    def compose_form(self) -> ComposeResult:
        for name, label, integer, minimum, _ in FIELDS:
            with Horizontal(classes="row"):
                yield Label(label, classes="label")
                yield Input(id=f"p-{name}", classes="field short", placeholder="none" if name in OPTIONAL else "",
                            compact=True)
                yield Label("", id=f"perr-{name}", classes="error")
        with Horizontal(classes="row"):
            yield Label("Deployment", classes="label")
            yield Select([("hosted API or self-hosted", "either"), ("hosted API only", "api"),
                          ("self-hosted only", "self-host")], id="deployment", allow_blank=False,
                         value=self.state.rubric.practical.deployment,
                         classes="field", compact=True)
        with Horizontal(classes="row"):
            yield Label("Weight precision", classes="label")
            yield Select([("16-bit", 16), ("8-bit", 8), ("4-bit", 4)], id="bits", allow_blank=False,
                         value=self.state.rubric.practical.quantisation_bits,
                         classes="field", compact=True)
        yield Label("[b]Monthly cost of the models still in the funnel[/b]", classes="section")
        yield DataTable(id="costs", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#costs", DataTable)
        table.add_columns("model", "monthly cost", "context", "memory (est.)")
        super().on_mount()
        if self.wizard.evaluation:
            self.evaluation_changed(self.wizard.evaluation)

    def load_state(self, state: WizardState) -> None:
        practical = state.rubric.practical
        with self.prevent(Input.Changed, Select.Changed):
            for name, *_ in FIELDS:
                value = getattr(practical, name)
                field = self.query_one(f"#p-{name}", Input)
                field.value = "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))
                field.disabled = state.locked(f"practical.{name}") is not None
            self.query_one("#deployment", Select).value = practical.deployment
            self.query_one("#bits", Select).value = practical.quantisation_bits
        self.side(self._help("monthly_input_tokens"))

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        name = str(event.input.id).removeprefix("p-")
        dotted = f"practical.{name}"
        value, message = parse_amount(event.value, name)
        self.query_one(f"#perr-{name}", Label).update(f"⚠ {message}" if message else "")
        self.problem(dotted, message)
        if message:
            self.show_blocked(f"{name.replace('_', ' ')}: {message}")
            return
        self.edit(dotted, value)

    @on(Select.Changed)
    def _select(self, event: Select.Changed) -> None:
        field = {"deployment": "practical.deployment", "bits": "practical.quantisation_bits"}[str(event.select.id)]
        self.edit(field, event.value)

    def evaluation_changed(self, evaluation: Evaluation) -> None:
        super().evaluation_changed(evaluation)
        table = self.query_one("#costs", DataTable)
        table.clear()
        ranked = evaluation.ranked
        if ranked.empty:
            return
        models = self.wizard.catalog.frame.models if self.wizard.catalog else None
        for model_id, row in ranked.sort_values("monthly_cost", na_position="last").head(40).iterrows():
            cost = "unknown" if row["monthly_cost"] != row["monthly_cost"] else f"${row['monthly_cost']:,.2f}"
            memory = "—" if row["memory_gb"] != row["memory_gb"] else f"~{row['memory_gb']:.0f} GB"
            context = "unknown"
            window = models.at[model_id, "context_window"] if models is not None else None
            if window is not None and not pd.isna(window):
                context = f"{int(window):,}"
            table.add_row(row["name"], cost, context, memory, key=model_id)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.wizard.show_model(str(event.row_key.value))

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        name = str(event.widget.id or "").removeprefix("p-")
        if any(f[0] == name for f in FIELDS):
            self.side(self._help(name))
        elif name == "deployment":
            self.side("[b]Deployment[/b]\n\nhosted API: someone else runs it; you pay per token.\nself-hosted: "
                      "you download the weights and need the GPU memory.\neither: both are acceptable; with a GPU "
                      "memory figure, a model without an API must fit it." + lock_note(self.state, "practical.deployment"))

    def _help(self, name: str) -> str:
        label, text = next((f[1], f[4]) for f in FIELDS if f[0] == name)
        p = self.state.rubric.practical
        return (f"[b]{label}[/b]\n\n{text}\n\nCurrent volume: {p.monthly_input_tokens:,} in + "
                f"{p.monthly_output_tokens:,} out tokens a month." + lock_note(self.state, f"practical.{name}"))
