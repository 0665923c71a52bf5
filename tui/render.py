"""Rich rendering for the headless command line (tables on stdout). Never imports textual."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
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
    """`shortlist rubric list`."""
    table = Table(box=box.SIMPLE_HEAD)
    for column in ("id", "version", "origin", "extends", "notes"):
        table.add_column(column)
    winners: set[str] = set()
    for preset in presets:
        note = ""
        if preset.id in winners:
            note = "shadowed"
        else:
            winners.add(preset.id)
            if preset.shadows:
                note = "shadows " + ", ".join(s.split(":", 1)[0] for s in preset.shadows)
        table.add_row(
            preset.id, preset.version, f"{preset.origin}\n[dim]{preset.path}[/dim]", preset.extends or "", note
        )
    _console().print(table)


def print_catalog(rows: list[dict[str, Any]]) -> None:
    """`shortlist catalog list`: one row per model, with its stitched capability."""
    table = Table(box=box.SIMPLE_HEAD)
    for column in (
        "id",
        "organisation",
        "params (B)",
        "context",
        "licence class",
        "weights",
        "results",
        "capability ±95%",
        "price in/out",
    ):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["id"],
            row["organisation"],
            row["params"],
            row["context"],
            row["license_class"],
            row["weights"],
            row["results"],
            row["capability"],
            row["price"],
        )
    _console().print(table)


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
