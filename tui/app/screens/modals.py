"""Typed modal dialogs: help, model detail, save record, export, save preset, open record."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from tui.core.detail import ModelDetail
from tui.core.results import ShortlistItem

ResultT = TypeVar("ResultT")


@dataclass(frozen=True)
class RecordRequest:
    """What the save-record dialog asks for."""

    title: str
    decision_makers: tuple[str, ...]
    folder: Path


@dataclass(frozen=True)
class ExportRequest:
    """What the export dialog asks for."""

    format: str
    path: Path
    overwrite: bool


@dataclass(frozen=True)
class PresetRequest:
    """What the save-preset dialog asks for."""

    id: str
    version: str
    where: str
    overwrite: bool


HELP_STEPS = (
    ("1 Openness", "the least openness you accept on seven dimensions, licence classes, MOF class."),
    ("2 Baselines", "minimum benchmark scores; differences inside a score's noise count as ties."),
    ("3 Domain", "what the model is for: profiles add weights; import your own results or run domain tests."),
    ("4 Practical", "cost at your volume, context, deployment, GPU memory, latency."),
    ("Shortlist", "ranked models with reasons; choose one and save a decision record."),
)
HELP_KEYS = (
    ("PgDn / F6", "next step"),
    ("PgUp / F5", "previous step"),
    ("Tab, Shift+Tab", "next / previous field"),
    ("Enter", "open, select; a model's details"),
    ("c", "choose the highlighted model and save a record"),
    ("x", "near misses and exclusions"),
    ("g", "Pareto chart"),
    ("e", "export md, json or csv"),
    ("p", "save the current settings as a team preset"),
    ("ctrl+p / F4", "command palette (jump to a step, load a preset, open a model)"),
    ("F1 / ?", "this help"),
    ("ctrl+q / F10", "quit (the draft is kept)"),
)
"""The keys, as the README's table lists them (a test holds the two together)."""


def help_text() -> Group:
    """The help: steps and keys in two-column grids whose first column never wraps."""

    def grid(rows: tuple[tuple[str, str], ...]) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True, style="bold")
        table.add_column(overflow="fold")
        for key, what in rows:
            table.add_row(key, what)
        return table

    return Group(
        Text.from_markup("[b]shortlist[/b] walks four steps to a reasoned shortlist.\n"),
        grid(HELP_STEPS),
        Text.from_markup("\n[b]Keys[/b]"),
        grid(HELP_KEYS),
        Text(
            "\nEverything you type is autosaved; start shortlist again to resume. Numbers come from the bundled "
            "catalogue: every value has a source and a date (Enter on a model)."
        ),
    )


class HelpScreen(ModalScreen[None]):
    """Keys and what each step means."""

    BINDINGS = [Binding("escape,f1,question_mark,q", "dismiss", "Close", id="help.close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(help_text())
            yield Button("Close", id="close", variant="primary")

    def on_button_pressed(self) -> None:
        self.dismiss(None)


class ModelDetailModal(ModalScreen[None]):
    """Every number of one model with its source, setting and date, and how it was used."""

    BINDINGS = [Binding("escape,q", "dismiss", "Close", id="detail.close")]

    def __init__(self, detail: ModelDetail, item: ShortlistItem | None = None) -> None:
        super().__init__()
        self.detail = detail
        self.item = item

    def compose(self) -> ComposeResult:
        d = self.detail
        head = (
            f"[b]{d.name}[/b]  [dim]{d.id} · {d.organisation}[/dim]\n{d.facts}\n[dim]{d.facts_source}[/dim]\n"
            f"licence [b]{d.licence}[/b] [dim]{d.licence_source}[/dim]\n"
            f"stitched capability [b]{d.capability}[/b]"
        )
        if d.mof:
            head += f"\nMOF: {d.mof}"
        if d.developer_only:
            head += "\n[b]⚠ every benchmark result is developer-reported[/b] (the calibrated developer offset applies)"
        if d.overridden:
            head += f"\n[b]overridden by overlay:[/b] {', '.join(d.overridden)}"
        openness = Table(title="Openness", expand=True, title_justify="left")
        for column in ("dimension", "level", "evidence", "as of"):
            openness.add_column(column, overflow="fold")
        for o in d.openness:
            openness.add_row(o.dimension, o.level, o.evidence, o.as_of)
        bench = Table(title="Benchmarks", expand=True, title_justify="left")
        for column in ("benchmark", "value", "setting", "by", "source", "as of"):
            bench.add_column(column, overflow="fold")
        for b in d.benchmarks:
            bench.add_row(b.benchmark, b.value, b.setting, b.reported_by, b.source, b.as_of)
        with VerticalScroll(classes="dialog wide"):
            yield Static(head)
            if self.item is not None:
                yield Static(self._used())
            yield Static(openness)
            yield Static(bench if d.benchmarks else "[dim]No benchmark results in the catalogue.[/dim]")
            yield Static("\n".join(f"price {p}" for p in d.prices) or "price: unknown")
            if d.notes:
                yield Static("\n".join(f"note: {n}" for n in d.notes))
            yield Button("Close", id="close", variant="primary")

    def _used(self) -> str:
        """The values this evaluation used, observed or estimated, and why."""
        assert self.item is not None
        lines = ["[b]In this shortlist[/b]"]
        for v in self.item.values:
            if v.observed:
                adjusted = (
                    f" (published {v.raw:g}, {v.adjustment:+.1f} to the independent scale)"
                    if abs(v.adjustment) >= 0.05
                    else ""
                )
                lines.append(f"  {v.name}: {v.label}{adjusted}; {v.source}")
            elif v.value is not None:
                lines.append(f"  {v.name}: [b]{v.label}[/b], {v.source}")
            else:
                lines.append(f"  {v.name}: unknown ({v.source})")
        if any(not v.observed and v.value is not None for v in self.item.values):
            lines.append(
                "  [dim]≈: not reported. The stitched model reads the model's capability off its other results "
                "and predicts the score from it; the 95% interval includes the benchmark's own noise.[/dim]"
            )
        return "\n".join(lines)

    def on_button_pressed(self) -> None:
        self.dismiss(None)


class FormModal(ModalScreen[ResultT]):
    """A small form dialog: Escape or Cancel dismisses it with None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="form.cancel")]

    def on_mount(self) -> None:
        # one-line fields and buttons: every dialog fits 80x24 with its buttons visible
        for widget in self.query("Input, Select, Checkbox, Button"):
            widget.compact = True  # type: ignore[attr-defined]

    def buttons(self, ok_id: str, ok_label: str) -> ComposeResult:
        """The Cancel and OK buttons, right-aligned."""
        with Horizontal(classes="buttons"):
            yield Button("Cancel", id="cancel")
            yield Button(ok_label, id=ok_id, variant="primary")

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        """Close without an answer."""
        self.dismiss(None)


class SaveRecordModal(FormModal[RecordRequest | None]):
    """Title, decision-makers and folder for a new decision record."""

    def __init__(self, model_name: str) -> None:
        super().__init__()
        self.model_name = model_name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                f"[b]Save a decision record[/b]: choose {self.model_name}\nStatus starts as 'proposed'; "
                "a reviewer accepts it in a pull request."
            )
            yield Label("Title")
            yield Input(value=f"Use {self.model_name}", id="title")
            yield Label("Decision-makers (comma-separated)")
            yield Input(placeholder="Ada Lovelace, Lin Chen", id="makers")
            yield Label("Folder")
            yield Input(value="decisions", id="folder")
            yield Static("", id="error", classes="error")
            yield from self.buttons("save", "Save")

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def _save(self) -> None:
        title = self.query_one("#title", Input).value.strip()
        folder = self.query_one("#folder", Input).value.strip()
        if not title or not folder:
            self.query_one("#error", Static).update("⚠ title and folder are required")
            return
        makers = [m.strip() for m in self.query_one("#makers", Input).value.split(",") if m.strip()]
        self.dismiss(RecordRequest(title, tuple(makers), Path(folder).expanduser()))


class ExportModal(FormModal[ExportRequest | None]):
    """Format and path for an export; the path starts in the folder this project exported to last."""

    def __init__(self, default_path: Path | None = None) -> None:
        super().__init__()
        self.default_path = default_path or Path("exports") / "shortlist.md"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("[b]Export the shortlist[/b]")
            yield Select(
                [("Markdown", "md"), ("JSON", "json"), ("CSV", "csv")], value="md", allow_blank=False, id="format"
            )
            yield Input(value=str(self.default_path), id="path")
            yield Checkbox("overwrite if the file exists", id="overwrite")
            yield from self.buttons("export", "Export")

    @on(Select.Changed)
    def _format(self, event: Select.Changed) -> None:
        path = self.query_one("#path", Input)
        stem = Path(path.value or "shortlist").with_suffix("")
        path.value = f"{stem}.{event.value}"

    @on(Button.Pressed, "#export")
    @on(Input.Submitted)
    def _export(self) -> None:
        self.dismiss(
            ExportRequest(
                str(self.query_one("#format", Select).value),
                Path(self.query_one("#path", Input).value.strip() or "shortlist.md").expanduser(),
                self.query_one("#overwrite", Checkbox).value,
            )
        )


class SavePresetModal(FormModal[PresetRequest | None]):
    """Name, version and place (project or user) for a team preset."""

    def __init__(self, current_id: str) -> None:
        super().__init__()
        self.current_id = current_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("[b]Save as a team preset[/b]")
            yield Label("Preset id (lower-case letters, digits, - _ .)")
            yield Input(value=f"{self.current_id}-team", id="id")
            yield Label("Version")
            yield Input(value="1.0.0", id="version")
            yield Select(
                [("this project (.shortlist/rubrics, commit it)", "project"), ("my user config folder", "user")],
                value="project",
                allow_blank=False,
                id="where",
            )
            yield Checkbox("overwrite a preset with the same name", id="overwrite")
            yield Static("", id="error", classes="error")
            yield from self.buttons("save", "Save")

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def _save(self) -> None:
        import re

        preset_id = self.query_one("#id", Input).value.strip()
        version = self.query_one("#version", Input).value.strip()
        if not re.match(r"^[a-z0-9][a-z0-9._-]*$", preset_id):
            self.query_one("#error", Static).update("⚠ the id must be a plain name, such as team-default")
            return
        if not re.match(r"^\d+(\.\d+){0,2}$", version):
            self.query_one("#error", Static).update("⚠ the version looks like 1.0.0")
            return
        self.dismiss(
            PresetRequest(
                preset_id,
                version,
                str(self.query_one("#where", Select).value),
                self.query_one("#overwrite", Checkbox).value,
            )
        )


class OpenRecordModal(FormModal[Path | None]):
    """The path of a decision record to replay."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("[b]Replay a decision record[/b] against today's catalogue")
            yield Input(placeholder="decisions/0001-use-some-model.md", id="path")
            yield from self.buttons("open", "Replay")

    @on(Button.Pressed, "#open")
    @on(Input.Submitted)
    def _open(self) -> None:
        text = self.query_one("#path", Input).value.strip()
        self.dismiss(Path(text).expanduser() if text else None)


class ReplayModal(ModalScreen[None]):
    """What changed since a record was made."""

    BINDINGS = [Binding("escape,q", "dismiss", "Close", id="replay.close")]

    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide"):
            yield Static("[b]Replay[/b]\n\n" + "\n".join(self.lines))
            yield Button("Close", id="close", variant="primary")

    def on_button_pressed(self) -> None:
        self.dismiss(None)


class ConfirmModal(FormModal[bool]):
    """A yes/no question; Escape or Cancel answers no."""

    def __init__(self, question: str, yes: str = "Yes") -> None:
        super().__init__()
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="question")
            yield from self.buttons("yes", self.yes)

    @on(Button.Pressed, "#yes")
    def _yes(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
