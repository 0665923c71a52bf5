"""The result: a ranked shortlist with reasons, exclusions, a Pareto chart, and actions."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Static, TabbedContent, TabPane

from tui.app.screens.step_base import StepScreen
from tui.app.widgets import ParetoChart
from tui.core.engine import Evaluation


class ShortlistScreen(StepScreen):
    """Ranked models (ties grouped), reasons, near misses and exclusions, Pareto front."""

    STEP = 4
    TITLE_TEXT = "Shortlist"
    BINDINGS = [
        Binding("c", "choose", "Choose & save record", id="shortlist.choose",
                tooltip="Save a decision record (status proposed) for the highlighted model"),
        Binding("x", "toggle_excluded", "Excluded", id="shortlist.excluded",
                tooltip="Show or hide near misses and excluded models"),
        Binding("g", "pareto", "Pareto", id="shortlist.pareto", tooltip="Capability against monthly cost"),
        Binding("e", "export", "Export", id="shortlist.export", tooltip="Export md, json or csv"),
        Binding("p", "save_preset", "Save preset", id="shortlist.preset", tooltip="Save these settings as a team preset"),
        Binding("enter", "detail", "Details", id="shortlist.detail", show=False),
    ]

    def compose(self) -> ComposeResult:
        from textual.widgets import Footer, Header

        from tui.app.widgets import FunnelBar, Stepper

        yield Header()
        yield Stepper(id="stepper")
        yield FunnelBar(id="funnel")
        with TabbedContent(id="tabs", initial="ranked"):
            with TabPane("Ranked", id="ranked"):
                with Horizontal(id="main"):
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
        table = self.query_one("#table", DataTable)
        table.add_columns("rank", "model", "score ±95%", "P(1st)", "$/month", "⚠")
        self.query_one("#excluded-table", DataTable).add_columns("model", "status", "step", "why")
        super().on_mount()
        if self.wizard.evaluation:
            self.evaluation_changed(self.wizard.evaluation)
        else:
            self.query_one("#reasons", Static).update("Ranking…")

    def load_state(self, state) -> None:
        pass

    def evaluation_changed(self, evaluation: Evaluation) -> None:
        super().evaluation_changed(evaluation)
        table = self.query_one("#table", DataTable)
        table.clear()
        groups: dict[int, list[int]] = {}
        for item in evaluation.shortlist:
            groups.setdefault(item["tie_group"], []).append(item["rank"])
        for item in evaluation.shortlist:
            members = groups[item["tie_group"]]
            rank = f"={members[0]}" if len(members) > 1 else str(item["rank"])
            cost = "unknown" if item["monthly_cost_usd"] is None else f"{item['monthly_cost_usd']:,.2f}"
            table.add_row(rank, item["name"], f"{item['score']:.3f} ±{1.96 * item['score_se']:.3f}",
                          f"{item['p_first']:.0%}", cost, str(len(item["warnings"])) if item["warnings"] else "",
                          key=item["id"])
        excluded = self.query_one("#excluded-table", DataTable)
        excluded.clear()
        near_ids = {n["id"] for n in evaluation.near_misses}
        for item in evaluation.near_misses:
            excluded.add_row(item["name"], "near miss", item["step"], item["reasons"][0], key=f"n:{item['id']}")
        for item in evaluation.excluded:
            if item["id"] not in near_ids:
                excluded.add_row(item["name"], "excluded", item["step"], "; ".join(item["reasons"]), key=f"x:{item['id']}")
        self.query_one("#chart", ParetoChart).plot(evaluation.pareto)
        if not evaluation.shortlist:
            self.query_one("#reasons", Static).update(
                f"[b]No model qualifies.[/b]\n\nThe funnel emptied at [b]{evaluation.emptied_at}[/b]. Go back (PgUp) "
                "and loosen that step, or press x to see the near misses: models that failed one criterion by a "
                "small margin.")
        else:
            self._show(evaluation.shortlist[0]["id"])

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
        item = next((i for i in items if i["id"] == model_id), None)
        if item is not None:
            label = "Near miss" if kind == "n" else f"Excluded at {item['step']}"
            self.query_one("#excluded-reasons", Static).update(
                f"[b]{item['name']}[/b] · {label}\n" + "\n".join(f"✗ {r}" for r in item["reasons"]))

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        key = str(event.row_key.value)
        self.wizard.show_model(key.split(":", 1)[-1])

    def _show(self, model_id: str) -> None:
        evaluation = self.wizard.evaluation
        if evaluation is None:
            return
        item = next((i for i in evaluation.shortlist if i["id"] == model_id), None)
        if item is None:
            return
        lines = [f"[b]#{item['rank']} {item['name']}[/b]  [dim]{item['id']}[/dim]",
                 f"score {item['score']:.3f} ± {1.96 * item['score_se']:.3f} · P(first) {item['p_first']:.0%}"]
        if item["tied_with"]:
            lines.append(f"[b]Tied[/b] with {', '.join(item['tied_with'])} (within combined uncertainty)")
        lines += ["", "[b]Why it is here[/b]"] + [f"✓ {r}" for r in item["reasons"]]
        if item["warnings"]:
            lines += ["", "[b]Warnings[/b]"] + [f"⚠ {w}" for w in item["warnings"]]
        critical = evaluation.robustness.get("critical_weight_change")
        if critical and item["rank"] <= 2:
            lines += ["", f"[b]Robustness[/b]: moving the {critical['criterion']} weight from "
                          f"{critical['from_share']:.0%} to {critical['to_share']:.0%} would swap #1 and #2."]
        lines += ["", "[dim]Enter: every number with its source · c: choose this model[/dim]"]
        self.query_one("#reasons", Static).update("\n".join(lines))

    def _highlighted(self) -> str | None:
        table = self.query_one("#table", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return str(key.value)

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
        from tui.app.screens.modals import SaveRecordModal
        from tui.core.errors import InputError
        from tui.core.presets import ResolvedRubric
        from tui.core.records import build_record_data, render_record, save_record

        evaluation = self.wizard.evaluation
        model_id = self._highlighted()
        if evaluation is None or model_id is None:
            self.wizard.notify("no shortlisted model to choose", severity="warning")
            return
        name = next(i["name"] for i in evaluation.shortlist if i["id"] == model_id)
        answer = await self.wizard.push_screen_wait(SaveRecordModal(name))
        if answer is None:
            return
        state = self.state
        resolved = ResolvedRubric(rubric=evaluation.rubric, chain=state.chain or (state.rubric.ref,), path=None,
                                  origin="wizard", locks=state.locks)
        evidence = self.wizard.evidence.meta() if self.wizard.evidence else None
        try:
            from tui.core.clock import today

            data = build_record_data(evaluation, self.wizard.catalog, resolved, chosen=model_id,
                                     title=answer["title"], decision_makers=answer["makers"], evidence=evidence,
                                     today=today())
            path = save_record(answer["folder"], render_record(data, evaluation), answer["title"])
        except (InputError, OSError) as exc:
            self.wizard.notify(str(exc), title="Record not saved", severity="error", timeout=10)
            return
        self.wizard.finish()
        self.wizard.notify(f"saved {path}", title="Decision record saved (status: proposed)", timeout=10)
        self.query_one("#blocked", Static).update(f"✓ saved {path}")

    @work
    async def action_export(self) -> None:
        from tui.app.screens.modals import ExportModal
        from tui.core import report
        from tui.core.paths import atomic_write
        from tui.core.presets import ResolvedRubric

        evaluation = self.wizard.evaluation
        if evaluation is None:
            return
        answer = await self.wizard.push_screen_wait(ExportModal())
        if answer is None:
            return
        state = self.state
        resolved = ResolvedRubric(rubric=evaluation.rubric, chain=state.chain or (state.rubric.ref,), path=None,
                                  origin="wizard", locks=state.locks)
        data = report.to_dict(evaluation, self.wizard.catalog, resolved)
        text = {"json": lambda: report.to_json(data), "md": lambda: report.to_markdown(data, evaluation),
                "csv": lambda: report.to_csv(evaluation)}[answer["format"]]()
        path = answer["path"]
        if path.exists() and not answer["overwrite"]:
            self.wizard.notify(f"{path} exists; tick 'overwrite' to replace it", severity="warning")
            return
        try:
            atomic_write(path, text)
        except OSError as exc:
            self.wizard.notify(str(exc), title="Export failed", severity="error")
            return
        self.wizard.notify(f"exported {path}")

    @work
    async def action_save_preset(self) -> None:
        from tui.app.screens.modals import SavePresetModal
        from tui.core.errors import InputError
        from tui.core.presetio import save_preset

        answer = await self.wizard.push_screen_wait(SavePresetModal(self.state.rubric.id))
        if answer is None:
            return
        rubric = self.state.rubric.model_copy(update={"id": answer["id"], "version": answer["version"],
                                                      "locks": list(self.state.locks)})
        try:
            path = save_preset(rubric, answer["where"], overwrite=answer["overwrite"])
        except (InputError, OSError, FileExistsError) as exc:
            self.wizard.notify(str(exc), title="Preset not saved", severity="error", timeout=10)
            return
        self.wizard.notify(f"saved {path}", title="Team preset saved")
