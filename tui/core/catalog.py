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
    import pandas as pd


@dataclass(frozen=True)
class Catalog:
    """A validated catalogue: entries, the benchmark registry, and where they came from."""

    root: Path
    meta: CatalogMeta
    registry: dict[str, BenchmarkInfo]
    entries: tuple[CatalogEntry, ...]
    sha256: str
    overlay: Path | None = None
    warnings: tuple[str, ...] = field(default=())
    cache: dict = field(default_factory=dict, compare=False, repr=False)
    """Derived tables the engine reuses between evaluations (keyed by what they depend on)."""

    @cached_property
    def by_id(self) -> dict[str, CatalogEntry]:
        """Entries keyed by id."""
        return {entry.id: entry for entry in self.entries}

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The wide frame the evaluation engine works on (built on first use)."""
        from tui.core.frame import build_frame

        return build_frame(self)

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


def _validate_entry(
    data: dict[str, Any], path: Path, registry: dict[str, BenchmarkInfo] | None
) -> CatalogEntry:
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
                raise InputError(
                    f"benchmarks[{index}].id: unknown benchmark {result.id!r}{hint}", path=path
                )
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


def load_catalog(root: Path, overlay: Path | None = None) -> Catalog:
    """Load and validate a whole catalogue folder, with an optional overlay folder."""
    root = Path(root)
    if not root.is_dir():
        raise InputError("catalogue folder not found", path=root)
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
    return Catalog(
        root=root,
        meta=meta,
        registry=registry,
        entries=tuple(sorted(entries.values(), key=lambda e: e.id)),
        sha256=catalog_hash(root, overlay),
        overlay=overlay,
        warnings=tuple(warnings),
    )


def check_catalog(root: Path, today: dt.date | None = None) -> list[str]:
    """Problems a catalogue loads with but should not ship with. Empty means clean.

    Loading already proves the schema, ranges, ids and that every value has a
    source and a date (those fields are required). This adds cross-entry checks.
    """
    catalog = load_catalog(root)
    today = today or dt.date.today()
    problems: list[str] = []
    aliases: dict[str, str] = {}
    for entry in catalog.entries:
        for alias in entry.aliases:
            other = aliases.setdefault(alias.lower(), entry.id)
            if other != entry.id:
                problems.append(f"{entry.id}: alias {alias!r} is also used by {other}")
        dates = [entry.specs.as_of, entry.license.as_of, entry.deployment.as_of]
        dates += [r.as_of for r in entry.benchmarks] + [p.as_of for p in entry.prices]
        for date in dates:
            if date > today:
                problems.append(f"{entry.id}: as-of date {date} is in the future")
                break
        if entry.license.license_class.value == "proprietary" and entry.openness.weights.level.value == "open":
            problems.append(f"{entry.id}: proprietary licence but weights rated open")
    return problems
