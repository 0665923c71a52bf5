"""Rich rendering for the headless command line (tables on stdout). Never imports textual."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tui.core.catalog import Catalog
from tui.core.engine import Evaluation
from tui.core.mof import derive_mof_class
from tui.core.report import funnel_line
from tui.core.schema import DIMENSIONS, CatalogEntry


def _console() -> Console:
    console = Console(highlight=False, soft_wrap=False)
    if not console.is_terminal and "COLUMNS" not in __import__("os").environ:
        # piped or redirected: rich would assume 80 columns and wrap every model name
        console = Console(highlight=False, soft_wrap=False, width=120)
    return console


def _money(value: float | None) -> str:
    return "unknown" if value is None else f"${value:,.2f}"


def print_run(evaluation: Evaluation, data: dict[str, Any]) -> None:
    """The shortlist as a table, then near misses and a count of exclusions."""
    console = _console()
    console.print(Text(f"Rubric {data['rubric']['ref']}  ·  catalogue {data['catalog']['version']} "
                       f"({data['catalog']['models']} models, as of {data['catalog']['as_of']})", style="bold"))
    console.print("Funnel: " + funnel_line(evaluation))
    if not evaluation.shortlist:
        console.print(Text(f"No model qualifies: the funnel emptied at '{evaluation.emptied_at}'.", style="bold red"))
    else:
        table = Table(box=box.SIMPLE_HEAD, title="Shortlist", title_justify="left")
        table.add_column("rank", justify="right")
        table.add_column("model")
        table.add_column("score ±95%", justify="right")
        table.add_column("P(first)", justify="right")
        table.add_column("monthly cost", justify="right")
        table.add_column("warnings", justify="right")
        groups: dict[int, list[int]] = {}
        for item in evaluation.shortlist:
            groups.setdefault(item["tie_group"], []).append(item["rank"])
        for item in evaluation.shortlist[: len(data["shortlist"])]:
            members = groups[item["tie_group"]]
            rank = f"={members[0]}" if len(members) > 1 else str(item["rank"])
            table.add_row(rank, f"{item['name']}\n[dim]{item['id']}[/dim]",
                          f"{item['score']:.3f} ±{1.96 * item['score_se']:.3f}", f"{item['p_first']:.0%}",
                          _money(item["monthly_cost_usd"]), str(len(item["warnings"])))
        console.print(table)
        console.print("[dim]'=' marks models tied within their combined uncertainty.[/dim]")
        critical = evaluation.robustness.get("critical_weight_change")
        if critical:
            console.print(f"Robustness: moving the {critical['criterion']} weight from {critical['from_share']:.0%} "
                          f"to {critical['to_share']:.0%} would swap #1 and #2.")
    if evaluation.near_misses:
        console.print(Text("Near misses", style="bold"))
        for near in evaluation.near_misses:
            console.print(f"  {near['name']} ({near['id']}): {near['reasons'][0]}")
    console.print(f"[dim]{len(evaluation.excluded)} models excluded; --format md or json lists every reason.[/dim]")


def print_presets(presets) -> None:
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
        table.add_row(preset.id, preset.version, f"{preset.origin}\n[dim]{preset.path}[/dim]", preset.extends or "", note)
    _console().print(table)


def print_catalog(catalog: Catalog) -> None:
    """`shortlist catalog list`."""
    table = Table(box=box.SIMPLE_HEAD)
    for column in ("id", "organisation", "params (B)", "context", "licence class", "weights", "results", "price in/out"):
        table.add_column(column)
    for entry in catalog.entries:
        price = entry.prices[0] if entry.prices else None
        table.add_row(
            entry.id, entry.organisation,
            "unknown" if entry.specs.params_total_b is None else f"{entry.specs.params_total_b:g}",
            "unknown" if entry.specs.context_window is None else f"{entry.specs.context_window:,}",
            entry.license.license_class.value, entry.openness.weights.level.value, str(len(entry.benchmarks)),
            "unknown" if price is None else f"{price.input_usd_per_mtok:g} / {price.output_usd_per_mtok:g}",
        )
    _console().print(table)


def print_entry(entry: CatalogEntry, catalog: Catalog) -> None:
    """`shortlist catalog show ID`: every number with its source, setting and date."""
    console = _console()
    console.print(Text(f"{entry.name} ({entry.id}), {entry.organisation}", style="bold"))
    s = entry.specs
    def unk(v: Any, fmt: str = "{}") -> str:
        return "unknown" if v is None else fmt.format(v)
    console.print(f"released {unk(s.release_date)}; {unk(s.params_total_b, '{:g}B')} parameters "
                  f"({unk(s.params_active_b, '{:g}B')} active, {unk(s.architecture)}); context {unk(s.context_window, '{:,}')}; "
                  f"modalities {', '.join(s.modalities) or 'unknown'}")
    console.print(f"[dim]source {s.source}, as of {s.as_of}[/dim]")
    console.print(f"licence {entry.license.id} ({entry.license.license_class.value}) [dim]{entry.license.source}, as of {entry.license.as_of}[/dim]")
    mof = derive_mof_class(entry.mof)
    if mof:
        console.print(f"MOF: {mof.label}" + (f"; missing for the next class: {', '.join(mof.missing_for_next)}" if mof.missing_for_next else ""))
    table = Table(box=box.SIMPLE_HEAD, title="Openness", title_justify="left")
    for column in ("dimension", "level", "evidence", "as of"):
        table.add_column(column)
    for dim in DIMENSIONS:
        rating = getattr(entry.openness, dim)
        table.add_row(dim.replace("_", " "), rating.level.value, rating.evidence, str(rating.as_of))
    console.print(table)
    table = Table(box=box.SIMPLE_HEAD, title="Benchmarks", title_justify="left")
    for column in ("benchmark", "value", "setting", "reported by", "source", "as of"):
        table.add_column(column)
    for r in entry.benchmarks:
        name = catalog.registry[r.id].name if r.id in catalog.registry else r.id
        table.add_row(name, f"{r.value:g}", r.setting, r.reported_by + (f" ({r.evaluator})" if r.evaluator else ""), r.source, str(r.as_of))
    console.print(table)
    for p in entry.prices:
        console.print(f"price {p.provider}{' (first party)' if p.first_party else ''}: ${p.input_usd_per_mtok:g} in / "
                      f"${p.output_usd_per_mtok:g} out per M tokens [dim]{p.source}, as of {p.as_of}[/dim]")
    if entry.overridden:
        console.print(f"[yellow]overridden by overlay: {', '.join(entry.overridden)}[/yellow]")
    for note in entry.notes:
        console.print(f"note: {note}")
