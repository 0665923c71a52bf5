"""The result: a ranked shortlist with reasons, exclusions, a Pareto chart, and actions."""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Footer, Header, Static, TabbedContent, TabPane

from tui.app.links import linked
from tui.app.screens.step_base import StepScreen
from tui.app.widgets import FunnelBar, ParetoChart, Stepper
from tui.core.engine import Evaluation
from tui.core.errors import InputError
from tui.core.report import critical_text
from tui.core.results import ShortlistItem


def item_text(item: ShortlistItem, evaluation: Evaluation) -> Text:
    """The reasons panel for one shortlisted model; data text is never read as markup, URLs are links."""
    head = [
        f"[b]{escape(item.rank_label)} {escape(item.name)}[/b]  [dim]{escape(item.id)}[/dim]",
        f"score {item.score_text} · P(first) {item.p_first:.0%}"
        + (
            ""
            if item.capability is None
            else f" · capability {item.capability:.2f} ± {1.96 * (item.capability_se or 0):.2f} "
            f"from {item.results} results"
        ),
    ]
    if item.tied_with:
        head.append(f"[b]Not significantly different[/b] from {escape(', '.join(item.tied_with))}")
    estimated = [v for v in item.values if not v.observed and v.value is not None]
    if estimated:
        head.append("[b]Estimated, not reported:[/b] " + escape(", ".join(f"{v.name} {v.label}" for v in estimated)))
    out = Text("\n").join(Text.from_markup(line) for line in head)
    out.append("\n\n")
    out.append("Why it is here", style="bold")
    for reason in item.reasons:
        out.append("\n✓ ")
        out.append_text(linked(reason))
    if item.warnings:
        out.append("\n\n")
        out.append("Warnings", style="bold")
        for warning in item.warnings:
            out.append("\n⚠ ")
            out.append_text(linked(warning))
    critical = critical_text(evaluation)
    if critical and item.position == 1:
        out.append("\n\n")
        out.append("Robustness", style="bold")
        out.append_text(linked(f": {critical}."))
    out.append("\n\nEnter: every number with its source · c: choose this model", style="dim")
    return out


NAME_WIDTH = 26
"""Model names longer than this are cut in the table (the full name is in the reasons and details)."""


class ShortlistScreen(StepScreen):
    """Ranked models (shared ranks marked '='), reasons, near misses and exclusions, Pareto front."""

    STEP = 4
    TITLE_TEXT = "Shortlist"
    BINDINGS = [
        Binding(
            "c",
            "choose",
            "Choose & save record",
            id="shortlist.choose",
            tooltip="Save a decision record (status proposed) for the highlighted model",
        ),
        Binding(
            "x",
            "toggle_excluded",
            "Excluded",
            id="shortlist.excluded",
            tooltip="Show or hide near misses and excluded models",
        ),
        Binding("g", "pareto", "Pareto", id="shortlist.pareto", tooltip="Capability against monthly cost"),
        Binding("e", "export", "Export", id="shortlist.export", tooltip="Export md, json or csv"),
        Binding(
            "p", "save_preset", "Save preset", id="shortlist.preset", tooltip="Save these settings as a team preset"
        ),
        Binding("enter", "detail", "Details", id="shortlist.detail", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Stepper(id="stepper")
        yield FunnelBar(id="funnel")
        with TabbedContent(id="tabs", initial="ranked"):
            with TabPane("Ranked", id="ranked"), Horizontal(id="main"):
                yield DataTable(id="table", cursor_type="row", zebra_stripes=True)
                with VerticalScroll(id="reasons-box", classes="side"):
                    yield Static("", id="reasons")
            with TabPane("Near misses & excluded", id="excluded"):
                yield DataTable(id="excluded-table", cursor_type="row", zebra_stripes=True)
                yield Static("", id="excluded-reasons")
            with TabPane("Pareto", id="pareto"):
                yield ParetoChart(id="chart")
        with Horizontal(id="nav"):
            yield Button("◀ Back", id="back", compact=True)
            yield Static(id="blocked")
            yield Button("Choose & save", id="choose", variant="primary", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#table", DataTable).add_columns("rank", "model", "score ±95%", "P(1st)", "est.", "$/month", "⚠")
        self.query_one("#excluded-table", DataTable).add_columns("model", "status", "step", "why")
        self._excluded_for: Evaluation | None = None
        self._plotted_for: Evaluation | None = None
        self.query_one("#reasons", Static).update("Ranking…")
        super().on_mount()

    def evaluation_changed(self, evaluation: Evaluation) -> None:
        table = self.query_one("#table", DataTable)
        table.clear()
        for item in evaluation.shortlist:
            cost = "unknown" if item.monthly_cost_usd is None else f"{item.monthly_cost_usd:,.2f}"
            table.add_row(
                item.rank_label,
                item.name if len(item.name) <= NAME_WIDTH else item.name[: NAME_WIDTH - 1] + "…",
                item.score_text,
                f"{item.p_first:.0%}",
                str(len(item.estimated)) if item.estimated else "",
                cost,
                str(len(item.warnings)) if item.warnings else "",
                key=item.id,
            )
        active = self.query_one("#tabs", TabbedContent).active
        if active == "excluded":
            self._fill_excluded(evaluation)
        elif active == "pareto":
            self._plot(evaluation)
        if not evaluation.shortlist:
            self.query_one("#reasons", Static).update(
                f"[b]No model qualifies.[/b]\n\nThe funnel emptied at [b]{evaluation.emptied_at}[/b]. Go back (PgUp) "
                "and loosen that step, or press x to see the near misses: models that failed one criterion by a "
                "small margin." + "".join(f"\n\n⚠ {escape(w)}" for w in evaluation.warnings)
            )
        else:
            self._show(evaluation.shortlist[0].id)

    def _plot(self, evaluation: Evaluation) -> None:
        """The Pareto chart is drawn only when its tab is shown."""
        if self._plotted_for is not evaluation:
            self._plotted_for = evaluation
            self.query_one("#chart", ParetoChart).plot(evaluation.pareto)

    def _fill_excluded(self, evaluation: Evaluation) -> None:
        """Reasons for excluded models are built only when this tab is shown."""
        if self._excluded_for is evaluation:
            return
        self._excluded_for = evaluation
        excluded = self.query_one("#excluded-table", DataTable)
        excluded.clear()
        near_ids = {n.id for n in evaluation.near_misses}
        for near in evaluation.near_misses:
            excluded.add_row(near.name, "near miss", near.step, near.reasons[0], key=f"n:{near.id}")
        for item in evaluation.excluded:
            if item.id not in near_ids:
                excluded.add_row(item.name, "excluded", item.step, "; ".join(item.reasons), key=f"x:{item.id}")

    @on(TabbedContent.TabActivated)
    def _tab(self, event: TabbedContent.TabActivated) -> None:
        if self.wizard.evaluation is None:
            return
        if event.pane.id == "excluded":
            self._fill_excluded(self.wizard.evaluation)
        elif event.pane.id == "pareto":
            self._plot(self.wizard.evaluation)

    @on(DataTable.RowHighlighted, "#table")
    def _highlight(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value:
            self._show(str(event.row_key.value))

    @on(DataTable.RowHighlighted, "#excluded-table")
    def _excluded_highlight(self, event: DataTable.RowHighlighted) -> None:
        evaluation = self.wizard.evaluation
        if evaluation is None or event.row_key is None or not event.row_key.value:
            return
        kind, model_id = str(event.row_key.value).split(":", 1)
        items = evaluation.near_misses if kind == "n" else evaluation.excluded
        item = next((i for i in items if i.id == model_id), None)
        if item is not None:
            label = "Near miss" if kind == "n" else f"Excluded at {item.step}"
            self.query_one("#excluded-reasons", Static).update(
                Text.from_markup(f"[b]{escape(item.name)}[/b] · {escape(label)}")
                + Text("\n").join([Text(""), *(linked(f"✗ {r}") for r in item.reasons)])
            )

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.wizard.show_model(str(event.row_key.value).split(":", 1)[-1])

    def _show(self, model_id: str) -> None:
        evaluation = self.wizard.evaluation
        item = evaluation.item(model_id) if evaluation else None
        if evaluation is not None and item is not None:
            self.query_one("#reasons", Static).update(item_text(item, evaluation))

    def _highlighted(self) -> str | None:
        table = self.query_one("#table", DataTable)
        if table.row_count == 0:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_toggle_excluded(self) -> None:
        tabs = self.query_one("#tabs", TabbedContent)
        tabs.active = "ranked" if tabs.active == "excluded" else "excluded"

    def action_pareto(self) -> None:
        tabs = self.query_one("#tabs", TabbedContent)
        tabs.active = "ranked" if tabs.active == "pareto" else "pareto"

    def action_detail(self) -> None:
        model_id = self._highlighted()
        if model_id:
            self.wizard.show_model(model_id)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "choose":
            self.action_choose()
        else:
            super().on_button_pressed(event)

    def action_next(self) -> None:
        self.action_choose()

    @work
    async def action_choose(self) -> None:
        from tui.app.screens.domaintest import record_section
        from tui.app.screens.modals import SaveRecordModal

        evaluation, session = self.wizard.evaluation, self.session
        model_id = self._highlighted()
        if evaluation is None or session is None or model_id is None or evaluation.item(model_id) is None:
            self.wizard.notify("no shortlisted model to choose", severity="warning")
            return
        item = evaluation.item(model_id)
        assert item is not None
        answer = await self.wizard.push_screen_wait(SaveRecordModal(item.name))
        if answer is None:
            return
        try:
            path = session.record(
                evaluation,
                self.state.resolved(),
                chosen=model_id,
                title=answer.title,
                decision_makers=list(answer.decision_makers),
                folder=answer.folder,
                domain_test=record_section(self.wizard),
            )
        except (InputError, OSError) as exc:
            self.wizard.notify(str(exc), title="Record not saved", severity="error", timeout=10)
            return
        self.wizard.notify(f"saved {path}", title="Decision record saved (status: proposed)", timeout=10)
        self.query_one("#blocked", Static).update(f"✓ saved {path}")

    @work
    async def action_export(self) -> None:
        import warnings
        from pathlib import Path

        from tui.app.screens.modals import ExportModal
        from tui.core import prefs
        from tui.core.paths import atomic_write

        evaluation, session = self.wizard.evaluation, self.session
        if evaluation is None or session is None:
            return
        project = prefs.project_root()
        with warnings.catch_warnings(record=True) as problems:
            warnings.simplefilter("always", prefs.PrefsWarning)
            folder = prefs.last_export_dir(project) or Path("exports")
        for problem in problems:
            self.wizard.notify(str(problem.message), severity="warning")
        answer = await self.wizard.push_screen_wait(ExportModal(folder / "shortlist.md"))
        if answer is None:
            return
        if answer.path.exists() and not answer.overwrite:
            self.wizard.notify(f"{answer.path} exists; tick 'overwrite' to replace it", severity="warning")
            return
        try:
            atomic_write(answer.path, session.report(evaluation, self.state.resolved(), answer.format))
        except OSError as exc:
            self.wizard.notify(str(exc), title="Export failed", severity="error")
            return
        with warnings.catch_warnings(record=True) as problems:
            warnings.simplefilter("always", prefs.PrefsWarning)
            prefs.remember_export_dir(project, answer.path.parent)
        for problem in problems:
            self.wizard.notify(str(problem.message), severity="warning")
        self.wizard.notify(f"exported {answer.path}")

    @work
    async def action_save_preset(self) -> None:
        from tui.app.screens.modals import SavePresetModal
        from tui.core.presetio import save_preset

        answer = await self.wizard.push_screen_wait(SavePresetModal(self.state.rubric.id))
        if answer is None:
            return
        rubric = self.state.rubric.model_copy(
            update={"id": answer.id, "version": answer.version, "locks": list(self.state.locks)}
        )
        try:
            path = save_preset(rubric, answer.where, overwrite=answer.overwrite)
        except (InputError, OSError) as exc:
            self.wizard.notify(str(exc), title="Preset not saved", severity="error", timeout=10)
            return
        self.wizard.notify(f"saved {path}", title="Team preset saved")
