"""Step 2: minimum scores on public benchmarks, with their uncertainty."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.events import DescendantFocus
from textual.validation import Number
from textual.widgets import Input, Label, Select

from tui.app.screens.step_base import StepScreen, lock_note
from tui.app.widgets import FieldError
from tui.core.views import interval_at, reporting_counts, threshold_notes
from tui.core.wizard import WizardState


class BaselinesScreen(StepScreen):
    """A threshold per benchmark and how scores near it are judged."""

    STEP = 1
    TITLE_TEXT = "2 · Baseline capability thresholds"
    INTRO = (
        "A model must reach each threshold you set. Leave a field empty for no threshold. Differences inside a "
        "score's noise are not meaningful: lenient mode passes them as borderline. A model that did not report "
        "a benchmark passes only when its estimated score clears the threshold with 95% probability."
    )

    def compose_form(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label("Uncertainty", classes="label")
            yield Select(
                [("lenient (95% interval)", "lenient"), ("strict (point value)", "strict")],
                id="mode",
                allow_blank=False,
                value=self.state.rubric.baselines.mode,
                classes="field",
                compact=True,
            )
        with Horizontal(classes="row"):
            yield Label("Prefer results", classes="label")
            yield Select(
                [("independent runs", "independent"), ("developer-reported", "developer")],
                id="prefer",
                allow_blank=False,
                value=self.state.rubric.baselines.prefer,
                classes="field",
                compact=True,
            )
        registry = self.session.catalog.registry if self.session else {}
        for bench_id, info in registry.items():
            with Horizontal(classes="row field-row"):
                yield Label(info.name, classes="label")
                yield Input(
                    placeholder="no threshold",
                    id=f"th-{bench_id}",
                    classes="field short",
                    validators=[Number(minimum=0, maximum=100)],
                    valid_empty=True,
                    compact=True,
                )
                yield FieldError("", id=f"err-{bench_id}", classes="error")

    def on_mount(self) -> None:
        self._reporting = reporting_counts(self.session.catalog) if self.session else {}
        super().on_mount()

    def load_state(self, state: WizardState) -> None:
        thresholds = state.rubric.baselines.thresholds
        locked = state.locked("baselines.thresholds") is not None
        with self.prevent(Input.Changed, Select.Changed):
            self.query_one("#mode", Select).value = state.rubric.baselines.mode
            self.query_one("#mode", Select).disabled = state.locked("baselines.mode") is not None
            self.query_one("#prefer", Select).value = state.rubric.baselines.prefer
            self.query_one("#prefer", Select).disabled = state.locked("baselines.prefer") is not None
            for field in self.query(Input):
                bench = str(field.id).removeprefix("th-")
                if bench in thresholds:
                    field.value = f"{thresholds[bench]:g}"
                if locked and bench in thresholds:
                    field.tooltip = "locked: may be raised, not lowered or removed"
        first = next(iter(self.session.catalog.registry), None) if self.session else None
        if first:
            self.side(self._explain(first))

    @on(Select.Changed)
    def _select(self, event: Select.Changed) -> None:
        field = {"mode": "baselines.mode", "prefer": "baselines.prefer"}[str(event.select.id)]
        self.edit(field, event.value)

    @on(Input.Changed)
    def _threshold(self, event: Input.Changed) -> None:
        bench = str(event.input.id).removeprefix("th-")
        error = self.query_one(f"#err-{bench}", Label)
        key = f"baselines.thresholds.{bench}"
        result = event.validation_result
        if result is not None and not result.is_valid:
            message = "a number from 0 to 100"
            error.update(f"⚠ {message}")
            self.problem(key, message)
            self.show_blocked(f"{bench}: {message}")
            return
        thresholds = dict(self.state.rubric.baselines.thresholds)
        if event.value.strip():
            thresholds[bench] = float(event.value)
        else:
            thresholds.pop(bench, None)
        if self.edit("baselines.thresholds", thresholds, problem_key=key):
            error.update("")
            self.side(self._explain(bench))
        else:
            error.update("⚠ " + self.state.problems.get(key, ""))

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        widget_id = str(event.widget.id or "")
        if widget_id.startswith("th-"):
            self.side(self._explain(widget_id.removeprefix("th-")))
        elif widget_id == "mode":
            self.side(
                "[b]Uncertainty mode[/b]\n\nEvery score is measured on a finite set of questions, so it has "
                "sampling noise: about ±7 points on HumanEval's 164 problems at 50%, under ±1 on MMLU's "
                "14,042. Strict compares the point value. Lenient passes a model whose 95% interval reaches "
                "the threshold, and flags it as borderline." + lock_note(self.state, "baselines.mode")
            )
        elif widget_id == "prefer":
            self.side(
                "[b]Prefer results[/b]\n\nWhen a model has both an independent result and one its developer "
                "reported, which counts. Either way the figure is put on one scale: developer-reported and "
                "multi-attempt figures are adjusted by offsets calibrated on the whole catalogue."
                + lock_note(self.state, "baselines.prefer")
            )

    def _explain(self, bench: str) -> str:
        session = self.session
        if session is None or bench not in session.catalog.registry:
            return ""
        info = session.catalog.registry[bench]
        threshold = self.state.rubric.baselines.thresholds.get(bench)
        lines = [
            f"[b]{info.name}[/b]  ({info.category})",
            "",
            info.measures,
            "",
            f"Items: {info.items:,} · metric: {info.metric}",
        ]
        if info.chance is not None:
            lines.append(f"Chance level: {info.chance:g}")
        for base in info.baselines:
            lines.append(f"Baseline: {base.who} {base.value:g}")
        lines.append(
            f"Catalogue models reporting it: {self._reporting.get(bench, 0)} of "
            f"{len(session.catalog.entries)}; the others are estimated"
        )
        if threshold is not None:
            half = interval_at(threshold, info.items)
            lines.append(
                f"At {threshold:g}, the 95% interval is ±{half:.1f} points "
                f"({threshold - half:.1f}-{threshold + half:.1f})."
            )
        if info.contamination_note:
            lines.append(f"[dim]Contamination: {info.contamination_note}[/dim]")
        if info.caveats:
            lines.append(f"[dim]Caveats: {info.caveats}[/dim]")
        lines += [f"[b]⚠ {w}[/b]" for w in threshold_notes(info, threshold)]
        if info.successors:
            lines.append(f"Successors: {', '.join(info.successors)}")
        return "\n".join(lines) + lock_note(self.state, "baselines.thresholds")
