"""One model's detail as typed rows: what `catalog show` prints and the wizard's detail view shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tui.core.mof import derive_mof_class
from tui.core.results import Z95
from tui.core.schema import DIMENSIONS

if TYPE_CHECKING:
    from tui.core.catalog import Catalog
    from tui.core.stitching import Capabilities


def unknown(value: Any, fmt: str = "{}") -> str:
    """``fmt`` applied to ``value``, or ``unknown``."""
    return "unknown" if value is None else fmt.format(value)


@dataclass(frozen=True)
class OpennessRow:
    """One openness dimension with its evidence."""

    dimension: str
    level: str
    evidence: str
    as_of: str
    note: str


@dataclass(frozen=True)
class BenchmarkRow:
    """One reported result with who measured it, how, where and when."""

    benchmark: str
    value: str
    setting: str
    reported_by: str
    source: str
    as_of: str


@dataclass(frozen=True)
class ModelDetail:
    """Everything known about one model, each value with its source and date."""

    id: str
    name: str
    organisation: str
    facts: str
    """Release, size, architecture, context, modalities and weight format, in one line."""
    facts_source: str
    licence: str
    licence_source: str
    mof: str | None
    capability: str
    """The stitched capability with its interval and what it rests on."""
    openness: tuple[OpennessRow, ...]
    benchmarks: tuple[BenchmarkRow, ...]
    prices: tuple[str, ...]
    overridden: tuple[str, ...]
    notes: tuple[str, ...]
    developer_only: bool
    """True when every benchmark result is developer-reported."""


def capability_text(model_id: str, caps: Capabilities | None) -> str:
    """``0.61 ± 0.06 (stitched from 12 results)``, or why there is none."""
    if caps is None:
        return "unknown (the catalogue has no calibration)"
    mean, sd, n = caps.lookup([model_id])
    if int(n[0]) == 0:
        return f"{mean[0]:.2f} ± {Z95 * sd[0]:.2f} (no benchmark results: the population prior)"
    return f"{mean[0]:.2f} ± {Z95 * sd[0]:.2f} (stitched from {int(n[0])} result{'s' if n[0] != 1 else ''})"


def model_detail(catalog: Catalog, model_id: str, caps: Capabilities | None) -> ModelDetail:
    """The detail of ``model_id`` (which must be in the catalogue)."""
    entry = catalog.by_id[model_id]
    s = entry.specs
    facts = (
        f"released {unknown(s.release_date)} · {unknown(s.params_total_b, '{:g}B')} parameters "
        f"({unknown(s.params_active_b, '{:g}B')} active, {unknown(s.architecture)}) · context "
        f"{unknown(s.context_window, '{:,}')} · {', '.join(s.modalities) or 'modalities unknown'}"
        + (f" · weights in {s.weights_precision.upper()}" if s.weights_precision else "")
    )
    mof = derive_mof_class(entry.mof)
    mof_text = None
    if mof:
        mof_text = mof.label + (
            f"; missing for the next class: {', '.join(mof.missing_for_next)}" if mof.missing_for_next else ""
        )
    openness = tuple(
        OpennessRow(
            dim.replace("_", " "),
            getattr(entry.openness, dim).level.value,
            getattr(entry.openness, dim).evidence,
            str(getattr(entry.openness, dim).as_of),
            getattr(entry.openness, dim).note,
        )
        for dim in DIMENSIONS
    )
    benchmarks = []
    for r in entry.benchmarks:
        name = catalog.registry[r.id].name if r.id in catalog.registry else r.id
        who = (
            ("independent" + (f" ({r.evaluator})" if r.evaluator else ""))
            if r.reported_by == "independent"
            else "developer"
        )
        benchmarks.append(
            BenchmarkRow(
                name, f"{r.value:g}" + (f" ±{r.stderr:g}" if r.stderr else ""), r.setting, who, r.source, str(r.as_of)
            )
        )
    prices = tuple(
        f"{p.provider}{' (first party)' if p.first_party else ''}: ${p.input_usd_per_mtok:g} in / "
        f"${p.output_usd_per_mtok:g} out per M tokens · {p.source} · as of {p.as_of}"
        for p in entry.prices
    )
    return ModelDetail(
        id=entry.id,
        name=entry.name,
        organisation=entry.organisation,
        facts=facts,
        facts_source=f"{s.source} · as of {s.as_of}",
        licence=f"{entry.license.id} ({entry.license.license_class.value})",
        licence_source=f"{entry.license.source} · as of {entry.license.as_of}",
        mof=mof_text,
        capability=capability_text(model_id, caps),
        openness=openness,
        benchmarks=tuple(benchmarks),
        prices=prices,
        overridden=tuple(entry.overridden),
        notes=tuple(entry.notes),
        developer_only=bool(entry.benchmarks) and all(r.reported_by == "developer" for r in entry.benchmarks),
    )
