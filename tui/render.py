"""Rich rendering for the headless command line (tables on stdout). Never imports textual."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from tui.core.report import critical_text, funnel_line

if TYPE_CHECKING:
    from tui.core.detail import ModelDetail
    from tui.core.engine import Evaluation
    from tui.core.presets import PresetFile


def _console() -> Console:
    console = Console(highlight=False, soft_wrap=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        # piped or redirected: rich would assume 80 columns and wrap every model name
        console = Console(highlight=False, soft_wrap=False, width=120)
    return console


def _money(value: float | None) -> str:
    return "unknown" if value is None else f"${value:,.2f}"


def print_run(evaluation: Evaluation, data: dict[str, Any]) -> None:
    """The shortlist as a table, then near misses and a count of exclusions."""
    console = _console()
    console.print(
        Text(
            f"Rubric {data['rubric']['ref']}  ·  catalogue {data['catalog']['version']} "
            f"({data['catalog']['models']} models, as of {data['catalog']['as_of']})",
            style="bold",
        )
    )
    console.print("Funnel: " + funnel_line(evaluation))
    if not evaluation.shortlist:
        console.print(Text(f"No model qualifies: the funnel emptied at '{evaluation.emptied_at}'.", style="bold red"))
    else:
        table = Table(box=box.SIMPLE_HEAD, title="Shortlist", title_justify="left")
        for column, justify in (
            ("rank", "right"),
            ("model", "left"),
            ("score ±95%", "right"),
            ("P(first)", "right"),
            ("capability", "right"),
            ("monthly cost", "right"),
            ("est.", "right"),
            ("warnings", "right"),
        ):
            table.add_column(column, justify=justify)  # type: ignore[arg-type]
        for item in evaluation.shortlist[: len(data["shortlist"])]:
            capability = "unknown" if item.capability is None else f"{item.capability:.2f} ({item.results})"
            table.add_row(
                item.rank_label,
                f"{item.name}\n[dim]{item.id}[/dim]",
                item.score_text,
                f"{item.p_first:.0%}",
                capability,
                _money(item.monthly_cost_usd),
                str(len(item.estimated)) if item.estimated else "",
                str(len(item.warnings)),
            )
        console.print(table)
        console.print(
            "[dim]rank = 1 + models significantly better; '=' shares a rank. est. = criteria estimated, "
            "not reported. capability = stitched capability (results it rests on).[/dim]"
        )
        critical = critical_text(evaluation)
        if critical:
            console.print(f"Robustness: {critical}.")
    if evaluation.near_misses:
        console.print(Text("Near misses", style="bold"))
        for near in evaluation.near_misses:
            console.print(f"  {near.name} ({near.id}): {near.reasons[0]}")
    console.print(f"[dim]{len(evaluation.excluded)} models excluded; --format md or json lists every reason.[/dim]")


def print_presets(presets: list[PresetFile]) -> None:
    """`shortlist rubric list`: one block per preset (id, version, origin, notes, path), then its description.

    Blocks rather than a table: a description is several sentences and a path is long, and
    both must stay readable in full at 80 columns.
    """
    console = _console()
    winners: set[str] = set()
    for preset in presets:
        note = ""
        if preset.id in winners:
            note = "shadowed"
        else:
            winners.add(preset.id)
            if preset.shadows:
                note = "shadows " + ", ".join(s.split(":", 1)[0] for s in preset.shadows)
        head = Text()
        head.append(preset.id, style="bold")
        head.append(f"  {preset.version}  {preset.origin}")
        if preset.extends:
            head.append(f"  extends {preset.extends}")
        if note:
            head.append(f"  ({note})", style="yellow")
        console.print(head, overflow="fold")
        console.print(Padding(Text(str(preset.path), style="dim", overflow="fold"), (0, 0, 0, 2), expand=False))
        if preset.description:
            console.print(Padding(Text(preset.description), (0, 0, 0, 2), expand=False))
        console.print()


_CATALOG_COLUMNS = (
    ("organisation", "organisation"),
    ("params (B)", "params"),
    ("context", "context"),
    ("licence class", "license_class"),
    ("weights", "weights"),
    ("results", "results"),
    ("capability ±95%", "capability"),
    ("price in/out", "price"),
)
_NARROW_COLUMNS = ("weights", "capability", "price")


def _catalog_table(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> Table:
    table = Table(box=box.SIMPLE_HEAD)
    longest = max((len(row["id"]) for row in rows), default=2)
    table.add_column("id", no_wrap=True, min_width=longest)  # an id is never cut or wrapped
    columns = [(title, key) for title, key in _CATALOG_COLUMNS if key in keys]
    for title, key in columns:
        if key == "organisation":  # a name: may end in …
            table.add_column(title, no_wrap=True, max_width=24, overflow="ellipsis")
        else:  # wraps between words, never inside one
            words = [w for text in (title, *(row[key] for row in rows)) for w in str(text).split()]
            table.add_column(title, min_width=max(map(len, words), default=1))
    for row in rows:
        table.add_row(row["id"], *(row[key] for _, key in columns))
    return table


def print_catalog(rows: list[dict[str, Any]]) -> None:
    """`shortlist catalog list`: one row per model, with its stitched capability.

    Ids are never cut. When the full table does not fit the terminal, a narrower one
    (id, weights, capability, price) is printed with a note; when even that does
    not fit, it is printed wider than the terminal rather than cutting an id.
    """
    console = _console()
    table = _catalog_table(rows, tuple(key for _, key in _CATALOG_COLUMNS))
    if _min_width(console, table) > console.width:
        table = _catalog_table(rows, _NARROW_COLUMNS)
        console.print(
            "[dim]narrow terminal: organisation, size, context, licence and results left out; "
            "widen it or use --format json[/dim]"
        )
    needed = _min_width(console, table)
    if needed > console.width:
        console = Console(highlight=False, soft_wrap=False, width=needed, no_color=console.no_color)
    console.print(table)


def _min_width(console: Console, table: Table) -> int:
    """The narrowest ``table`` can be without breaking a word (rich clamps this to the console otherwise)."""
    return console.measure(table, options=console.options.update_width(10_000)).minimum


def print_entry(detail: ModelDetail) -> None:
    """`shortlist catalog show ID`: every number with its source, setting and date."""
    console = _console()
    console.print(Text(f"{detail.name} ({detail.id}), {detail.organisation}", style="bold"))
    console.print(detail.facts)
    console.print(f"[dim]source {detail.facts_source}[/dim]")
    console.print(f"licence {detail.licence} [dim]{detail.licence_source}[/dim]")
    if detail.mof:
        console.print(f"MOF: {detail.mof}")
    console.print(f"capability: {detail.capability}")
    if detail.developer_only:
        console.print("[yellow]every benchmark result is developer-reported[/yellow]")
    table = Table(box=box.SIMPLE_HEAD, title="Openness", title_justify="left")
    for column in ("dimension", "level", "evidence", "as of"):
        table.add_column(column)
    for o in detail.openness:
        table.add_row(o.dimension, o.level, o.evidence, o.as_of)
    console.print(table)
    table = Table(box=box.SIMPLE_HEAD, title="Benchmarks", title_justify="left")
    for column in ("benchmark", "value", "setting", "reported by", "source", "as of"):
        table.add_column(column)
    for b in detail.benchmarks:
        table.add_row(b.benchmark, b.value, b.setting, b.reported_by, b.source, b.as_of)
    console.print(table)
    for price in detail.prices or ("unknown",):
        console.print(f"price {price}")
    if detail.overridden:
        console.print(f"[yellow]overridden by overlay: {', '.join(detail.overridden)}[/yellow]")
    for note in detail.notes:
        console.print(f"note: {note}")
