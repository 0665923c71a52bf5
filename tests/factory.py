"""Build small synthetic catalogues for tests (never shipped: real data lives in catalog/)."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import tomlkit

from tui.core.calibfile import calibration_text
from tui.core.catalog import catalog_hash
from tui.core.resources import catalog_root
from tui.core.schema import DIMENSIONS
from tui.core.stitching import BenchParams, Calibration

SRC = "https://example.org/test-fixture"
DAY = dt.date(2025, 1, 1)


def entry(
    model_id: str,
    *,
    scores: dict[str, float] | None = None,
    price: tuple[float, float] | None = (1.0, 2.0),
    level: str = "open",
    license_class: str = "osi-open",
    params: float | None = 7.0,
    context: int | None = 32768,
    hosted: bool = True,
    self_host: bool = True,
    reported_by: str = "independent",
    stderr: float | None = None,
    mof: list[dict] | None = None,
    as_of: dt.date = DAY,
    setting: str = "5-shot",
    precision: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A valid catalogue entry as a dict; every benchmark in ``scores`` gets one result."""
    data: dict[str, Any] = {
        "schema_version": 1,
        "id": model_id,
        "name": model_id.replace("-", " ").title(),
        "organisation": "Test Org",
        "family": "Test",
        "aliases": [f"test-org/{model_id}"],
        "specs": {
            "params_total_b": params,
            "params_active_b": params,
            "architecture": "dense",
            "context_window": context,
            "modalities": ["text"],
            "source": SRC,
            "as_of": DAY,
        },
        "license": {"id": "Apache-2.0", "name": "Apache 2.0", "class": license_class, "source": SRC, "as_of": DAY},
        "openness": {d: {"level": level, "evidence": SRC, "as_of": DAY} for d in DIMENSIONS},
        "deployment": {"hosted_api": hosted, "self_hostable": self_host, "source": SRC, "as_of": DAY},
        "benchmarks": [
            {
                "id": b,
                "value": float(v),
                "setting": setting,
                "reported_by": reported_by,
                "evaluator": "Test harness" if reported_by == "independent" else "",
                "source": SRC,
                "as_of": as_of,
                **({"stderr": float(stderr)} if stderr is not None else {}),
            }
            for b, v in (scores or {}).items()
        ],
        "prices": (
            [
                {
                    "provider": "Test Org",
                    "first_party": True,
                    "input_usd_per_mtok": float(price[0]),
                    "output_usd_per_mtok": float(price[1]),
                    "source": SRC,
                    "as_of": DAY,
                }
            ]
            if price
            else []
        ),
    }
    if precision:
        data["specs"]["weights_precision"] = precision
    if mof is not None:
        data["mof"] = {"source": SRC, "as_of": DAY, "components": mof}
    for key, value in extra.items():
        data[key] = value
    if params is None:
        data["specs"].pop("params_total_b")
        data["specs"].pop("params_active_b")
    if context is None:
        data["specs"].pop("context_window")
    return data


SYNTHETIC = {"difficulty": 0.0, "slope": 2.0, "tau": 3.0, "developer_offset": 0.0}
"""The calibration write_catalog gives every benchmark: a known curve, so estimates can be checked by hand."""


def synthetic_calibration(
    folder: Path, overrides: dict[str, dict[str, float]] | None = None, families: dict[str, float] | None = None
) -> Calibration:
    """A calibration with known parameters for every registry benchmark, tied to ``folder``'s contents."""
    import tomllib

    registry = tomllib.loads((folder / "benchmarks.toml").read_text())["benchmarks"]
    benchmarks = {}
    for info in registry:
        params = {**SYNTHETIC, **(overrides or {}).get(info["id"], {})}
        benchmarks[info["id"]] = BenchParams(chance=(info.get("chance") or 0.0) / 100.0, n=0, **params)
    return Calibration(
        benchmarks=benchmarks,
        families=families or {"multi_attempt": 0.0, "low_effort": 0.0},
        prior_mean=0.0,
        prior_sd=1.0,
        catalog_sha256=catalog_hash(folder),
        fitted="2025-01-01",
    )


def write_catalog(
    folder: Path,
    entries: list[dict[str, Any]],
    *,
    calibrate: bool = True,
    calibration: dict[str, dict[str, float]] | None = None,
    families: dict[str, float] | None = None,
) -> Path:
    """A catalogue folder with the bundled registry, the entries and (by default) a synthetic calibration."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(catalog_root() / "benchmarks.toml", folder / "benchmarks.toml")
    (folder / "catalog.toml").write_text('schema_version = 1\nversion = "test"\nas_of = 2025-01-01\n')
    models = folder / "models"
    if models.exists():
        shutil.rmtree(models)
    models.mkdir()
    for data in entries:
        (models / f"{data['id']}.toml").write_text(tomlkit.dumps(copy.deepcopy(data)))
    if calibrate:
        (folder / "calibration.toml").write_text(
            calibration_text(synthetic_calibration(folder, calibration, families), None)
        )
    elif (folder / "calibration.toml").exists():
        (folder / "calibration.toml").unlink()
    return folder


def rubric(**sections: Any) -> dict[str, Any]:
    """A minimal rubric dict; sections override defaults."""
    data: dict[str, Any] = {"id": "test", "version": "1.0.0", "domain": {"weights": {"mmlu": 1.0}}}
    for key, value in sections.items():
        data[key] = value
    return data


def session(folder: Path, overlay: Path | None = None):
    """A use-case session on a test catalogue (uncached: tests rewrite folders in place)."""
    from tui.core.catalog import load_catalog
    from tui.core.workflow import Session

    return Session(load_catalog(folder, overlay, cache=False))


def evaluate(folder: Path, draws: int = 500, seed: int = 1, **sections: Any):
    """Evaluate a rubric built from ``sections`` on the catalogue at ``folder``."""
    from tui.core.rubric import Rubric

    return session(folder).evaluate(
        Rubric.model_validate(rubric(**sections)), draws=draws, seed=seed, today=dt.date(2026, 11, 30)
    )


_REGISTRY: dict[str, Any] = {}


def registry() -> dict[str, Any]:
    """The bundled benchmark registry (read once per test process)."""
    if not _REGISTRY:
        from tui.core.catalog import load_registry

        _REGISTRY.update(load_registry(catalog_root() / "benchmarks.toml"))
    return _REGISTRY


def memory_catalog(
    entries: list[dict[str, Any]], *, calibration: dict[str, dict[str, float]] | None = None, calibrated: bool = True
):
    """A validated catalogue built in memory (no files): fast enough for property tests."""
    from tui.core.catalog import Catalog
    from tui.core.schema import CatalogEntry, CatalogMeta

    reg = registry()
    benchmarks = {}
    for b, info in reg.items():
        params = {**SYNTHETIC, **(calibration or {}).get(b, {})}
        benchmarks[b] = BenchParams(chance=(info.chance or 0.0) / 100.0, n=0, **params)
    cal = (
        Calibration(
            benchmarks=benchmarks,
            families={"multi_attempt": 0.0, "low_effort": 0.0},
            prior_mean=0.0,
            prior_sd=1.0,
            catalog_sha256="memory",
            fitted="2025-01-01",
        )
        if calibrated
        else None
    )
    validated = tuple(sorted((CatalogEntry.model_validate(copy.deepcopy(e)) for e in entries), key=lambda e: e.id))
    return Catalog(
        root=Path("memory"),
        meta=CatalogMeta(version="test", as_of=DAY),
        registry=reg,
        entries=validated,
        sha256="memory",
        calibration=cal,
        base_sha256="memory",
    )


def evaluate_memory(
    entries: list[dict[str, Any]],
    draws: int = 300,
    seed: int = 1,
    calibration: dict[str, dict[str, float]] | None = None,
    **sections: Any,
):
    """Evaluate on an in-memory catalogue."""
    from tui.core.rubric import Rubric
    from tui.core.workflow import Session

    catalog = memory_catalog(entries, calibration=calibration)
    return Session(catalog).evaluate(
        Rubric.model_validate(rubric(**sections)), draws=draws, seed=seed, today=dt.date(2026, 11, 30)
    )
