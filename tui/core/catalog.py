"""Load the model catalogue: TOML files -> validated entries -> one pandas frame.

The catalogue is a folder with ``catalog.toml`` (version, as-of date),
``benchmarks.toml`` (the benchmark registry) and ``models/*.toml`` (one model a file).
An overlay folder, laid out the same way (``models/*.toml``), adds team models or
replaces single fields of bundled ones; every replaced field is remembered so that
reasons and records can say a value was overridden.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.core.errors import InputError, read_toml, validate_file
from tui.core.schema import (
    SCHEMA_VERSION,
    BenchmarkInfo,
    BenchmarkRegistry,
    CatalogEntry,
    CatalogMeta,
)

if TYPE_CHECKING:  # pandas is imported lazily: it is the largest start-up cost
    from tui.core.frame import CatalogFrames
    from tui.core.stitching import Calibration, Capabilities


@dataclass(frozen=True)
class Catalog:
    """A validated catalogue: entries, the benchmark registry, and where they came from."""

    root: Path
    meta: CatalogMeta
    registry: dict[str, BenchmarkInfo] = field(repr=False)
    entries: tuple[CatalogEntry, ...] = field(repr=False)
    sha256: str
    overlay: Path | None = None
    warnings: tuple[str, ...] = field(default=())
    calibration: Calibration | None = field(default=None, compare=False, repr=False)
    """The stitched model's parameters for this release (None when the folder has none)."""
    base_sha256: str = ""
    """sha256 of the catalogue folder alone (without an overlay): what a calibration is tied to."""

    @property
    def calibration_stale(self) -> bool:
        """True when the calibration was made for other catalogue contents."""
        return self.calibration is not None and self.calibration.catalog_sha256 != self.base_sha256

    @cached_property
    def by_id(self) -> dict[str, CatalogEntry]:
        """Entries keyed by id."""
        return {entry.id: entry for entry in self.entries}

    @cached_property
    def frame(self) -> CatalogFrames:
        """The frames the evaluation engine works on (built on first use)."""
        from tui.core.frame import build_frame

        return build_frame(self)

    @cached_property
    def capabilities(self) -> Capabilities | None:
        """Every model's stitched capability (None without a calibration)."""
        from tui.core.scores import capabilities

        return capabilities(self)

    @cached_property
    def as_of(self) -> dt.date:
        """The newest as-of date of any value in the catalogue (what "as of" means for it)."""
        return computed_as_of(self)

    def benchmark(self, benchmark_id: str) -> BenchmarkInfo:
        """The registry entry for ``benchmark_id``."""
        return self.registry[benchmark_id]


def _check_version(data: dict[str, Any], path: Path) -> None:
    version = data.get("schema_version", SCHEMA_VERSION)
    if isinstance(version, int) and version > SCHEMA_VERSION:
        raise InputError(
            f"written for schema version {version}; this shortlist understands up to "
            f"{SCHEMA_VERSION}: upgrade shortlist",
            path=path,
        )


def load_registry(path: Path) -> dict[str, BenchmarkInfo]:
    """Read and validate ``benchmarks.toml``."""
    data = read_toml(path)
    _check_version(data, path)
    registry: BenchmarkRegistry = validate_file(BenchmarkRegistry, data, path)
    out: dict[str, BenchmarkInfo] = {}
    for info in registry.benchmarks:
        if info.id in out:
            raise InputError(f"benchmark id {info.id!r} is defined twice", path=path)
        out[info.id] = info
    return out


def load_entry(path: Path, registry: dict[str, BenchmarkInfo] | None = None) -> CatalogEntry:
    """Read and validate one model file; the id must match the file name."""
    data = read_toml(path)
    return _validate_entry(data, path, registry)


def _validate_entry(data: dict[str, Any], path: Path, registry: dict[str, BenchmarkInfo] | None) -> CatalogEntry:
    _check_version(data, path)
    entry: CatalogEntry = validate_file(CatalogEntry, data, path)
    if entry.id != path.stem and not entry.overridden:
        raise InputError(f"id {entry.id!r} does not match the file name {path.name!r}", path=path)
    if registry is not None:
        for index, result in enumerate(entry.benchmarks):
            if result.id not in registry:
                import difflib

                close = difflib.get_close_matches(result.id, list(registry), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise InputError(f"benchmarks[{index}].id: unknown benchmark {result.id!r}{hint}", path=path)
    return entry


def _merge(base: dict[str, Any], over: dict[str, Any], prefix: str, changed: list[str]) -> None:
    """Deep-merge ``over`` into ``base``; tables merge, everything else replaces."""
    for key, value in over.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value, dotted + ".", changed)
        else:
            base[key] = copy.deepcopy(value)
            changed.append(dotted)


def model_files(folder: Path) -> list[Path]:
    """The model files of a catalogue or overlay folder, sorted by name."""
    models = folder / "models"
    return sorted(models.glob("*.toml")) if models.is_dir() else []


def catalog_hash(root: Path, overlay: Path | None = None) -> str:
    """sha256 over every file that makes up the catalogue (names and bytes)."""
    digest = hashlib.sha256()
    folders = [root] + ([overlay] if overlay else [])
    for folder in folders:
        files = [folder / "catalog.toml", folder / "benchmarks.toml", *model_files(folder)]
        for path in files:
            if path.is_file():
                digest.update(path.relative_to(folder).as_posix().encode())
                digest.update(b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()


def load_catalog(root: Path, overlay: Path | None = None, *, cache: bool = True) -> Catalog:
    """Load and validate a whole catalogue folder, with an optional overlay folder.

    With ``cache``, a compiled copy keyed by the content of every file is reused when it
    exists (see :mod:`tui.core.compiled`); it is rebuilt whenever anything changed.
    """
    root = Path(root)
    if not root.is_dir():
        raise InputError("catalogue folder not found", path=root)
    if overlay is not None and not Path(overlay).is_dir():
        from tui.core.paths import recover_folder

        recover_folder(Path(overlay))  # a refresh killed between its two renames
        if not Path(overlay).is_dir():
            raise InputError("overlay folder not found", path=overlay)
    if cache:
        from tui.core.compiled import cached_catalog

        return cached_catalog(root, Path(overlay) if overlay else None)
    return parse_catalog(root, Path(overlay) if overlay else None)


def parse_catalog(root: Path, overlay: Path | None = None) -> Catalog:
    """Read and validate every file of a catalogue folder (and overlay): the uncached path."""
    meta_path = root / "catalog.toml"
    meta_data = read_toml(meta_path)
    _check_version(meta_data, meta_path)
    meta: CatalogMeta = validate_file(CatalogMeta, meta_data, meta_path)
    registry = load_registry(root / "benchmarks.toml")
    raw: dict[str, tuple[dict[str, Any], Path]] = {}
    for path in model_files(root):
        data = read_toml(path)
        entry = _validate_entry(data, path, registry)
        if entry.id in raw:
            raise InputError(f"duplicate id {entry.id!r} (also in {raw[entry.id][1].name})", path=path)
        raw[entry.id] = (data, path)
    entries: dict[str, CatalogEntry] = {eid: _validate_entry(d, p, registry) for eid, (d, p) in raw.items()}
    warnings: list[str] = []
    if overlay is not None:
        overlay = Path(overlay)
        if not overlay.is_dir():
            raise InputError("overlay folder not found", path=overlay)
        seen_overlay: dict[str, Path] = {}
        for path in model_files(overlay):
            data = read_toml(path)
            model_id = data.get("id", path.stem)
            if not isinstance(model_id, str):
                raise InputError("id must be a string", path=path)
            if model_id in seen_overlay:
                raise InputError(f"duplicate id {model_id!r} (also in {seen_overlay[model_id].name})", path=path)
            seen_overlay[model_id] = path
            if model_id in raw:
                merged = copy.deepcopy(raw[model_id][0])
                changed: list[str] = []
                _merge(merged, {k: v for k, v in data.items() if k != "id"}, "", changed)
                merged["overridden"] = sorted(set(changed))
                entries[model_id] = _validate_entry(merged, path, registry)
            else:
                entries[model_id] = _validate_entry(data, path, registry)
                warnings.append(f"{model_id}: team model added by overlay {path.name}")
    if not entries:
        raise InputError("no model files found under models/", path=root)
    base = catalog_hash(root)
    calibration = None
    if (root / "calibration.toml").is_file():
        from tui.core.calibfile import read_calibration

        calibration = read_calibration(root / "calibration.toml")
        unknown = set(calibration.benchmarks) - set(registry)
        if unknown:
            raise InputError(
                f"calibrates benchmark {sorted(unknown)[0]!r}, which the registry does not have",
                path=root / "calibration.toml",
            )
        if calibration.catalog_sha256 != base:
            warnings.append(
                "the calibration was made for other catalogue contents: estimates may be off; run "
                "`shortlist catalog calibrate`"
            )
    else:
        warnings.append(
            "this catalogue has no calibration.toml: scores that are not reported cannot be estimated; "
            "run `shortlist catalog calibrate`"
        )
    return Catalog(
        root=root,
        meta=meta,
        registry=registry,
        entries=tuple(sorted(entries.values(), key=lambda e: e.id)),
        sha256=catalog_hash(root, overlay),
        overlay=overlay,
        warnings=tuple(warnings),
        calibration=calibration,
        base_sha256=base,
    )


MIN_RESULTS = 3
"""Every model rests on at least this many benchmark results."""
MIN_RESULTS_RECENT = 5
"""A model released since :data:`RECENT` with a hosted API rests on at least this many."""
RECENT = dt.date(2025, 1, 1)


def entry_dates(entry: CatalogEntry) -> list[dt.date]:
    """The as-of date of every value in an entry."""
    dates = [entry.specs.as_of, entry.license.as_of, entry.deployment.as_of]
    dates += [getattr(entry.openness, dim).as_of for dim in type(entry.openness).model_fields]
    dates += (
        [r.as_of for r in entry.benchmarks]
        + [p.as_of for p in entry.prices]
        + [x.as_of for x in entry.latency]
        + [x.as_of for x in entry.inspect]
    )
    if entry.mof is not None:
        dates.append(entry.mof.as_of)
    return dates


def computed_as_of(catalog: Catalog) -> dt.date:
    """The catalogue's as-of date: the newest as-of date of any value in it."""
    return max(d for entry in catalog.entries for d in entry_dates(entry))


def check_catalog(catalog: Catalog, today: dt.date | None = None) -> list[str]:
    """Problems a catalogue loads with but should not ship with. Empty means clean.

    Loading already proves the schema, ranges, ids and that every value has a source and a
    date. This adds: unique aliases, no future dates, consistent licences, the evidence
    rule (every model has at least 3 benchmark results, and one released since 2025 with a
    hosted API at least 5), the as-of rule (catalog.toml may not state a later date than
    its newest value) and a calibration that matches the catalogue's contents.
    """
    if today is None:
        from tui.core.clock import today as clock_today

        today = clock_today()
    problems: list[str] = []
    aliases: dict[str, str] = {}
    for entry in catalog.entries:
        for alias in entry.aliases:
            other = aliases.setdefault(alias.lower(), entry.id)
            if other != entry.id:
                problems.append(f"{entry.id}: alias {alias!r} is also used by {other}")
        future = [d for d in entry_dates(entry) if d > today]
        if future:
            problems.append(f"{entry.id}: as-of date {max(future)} is in the future")
        if entry.license.license_class.value == "proprietary" and entry.openness.weights.level.value == "open":
            problems.append(f"{entry.id}: proprietary licence but weights rated open")
        results = len(entry.benchmarks)
        recent = entry.specs.release_date is not None and entry.specs.release_date >= RECENT
        if results < MIN_RESULTS:
            problems.append(f"{entry.id}: {results} benchmark result(s); every model needs at least {MIN_RESULTS}")
        elif recent and entry.deployment.hosted_api and results < MIN_RESULTS_RECENT:
            problems.append(
                f"{entry.id}: {results} benchmark results; a model released since {RECENT} with a hosted "
                f"API needs at least {MIN_RESULTS_RECENT}"
            )
    newest = computed_as_of(catalog)
    if catalog.meta.as_of > newest:
        problems.append(
            f"catalog.toml states as_of {catalog.meta.as_of}, later than the newest value in the "
            f"catalogue ({newest}); set it to {newest}"
        )
    if catalog.calibration is None:
        problems.append("no calibration.toml: run `shortlist catalog calibrate`")
    elif catalog.calibration_stale:
        problems.append("calibration.toml was made for other catalogue contents: run `shortlist catalog calibrate`")
    return problems
