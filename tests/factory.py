"""Build small synthetic catalogues for tests (never shipped: real data lives in catalog/)."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from tui.core.resources import catalog_root
from tui.core.schema import DIMENSIONS
from tui.core.tomlw import dumps

SRC = "https://example.org/test-fixture"
DAY = dt.date(2025, 1, 1)


def entry(model_id: str, *, scores: dict[str, float] | None = None, price: tuple[float, float] | None = (1.0, 2.0),
          level: str = "open", license_class: str = "osi-open", params: float | None = 7.0,
          context: int | None = 32768, hosted: bool = True, self_host: bool = True,
          reported_by: str = "independent", stderr: float | None = None, mof: list[dict] | None = None,
          as_of: dt.date = DAY, **extra: Any) -> dict[str, Any]:
    """A valid catalogue entry as a dict; every benchmark in ``scores`` gets one result."""
    data: dict[str, Any] = {
        "schema_version": 1,
        "id": model_id,
        "name": model_id.replace("-", " ").title(),
        "organisation": "Test Org",
        "family": "Test",
        "aliases": [f"test-org/{model_id}"],
        "specs": {"params_total_b": params, "params_active_b": params, "architecture": "dense",
                  "context_window": context, "modalities": ["text"], "source": SRC, "as_of": DAY},
        "license": {"id": "Apache-2.0", "name": "Apache 2.0", "class": license_class, "source": SRC, "as_of": DAY},
        "openness": {d: {"level": level, "evidence": SRC, "as_of": DAY} for d in DIMENSIONS},
        "deployment": {"hosted_api": hosted, "self_hostable": self_host, "source": SRC, "as_of": DAY},
        "benchmarks": [
            {"id": b, "value": v, "setting": "5-shot", "reported_by": reported_by,
             "evaluator": "Test harness" if reported_by == "independent" else "", "source": SRC,
             "as_of": as_of, **({"stderr": stderr} if stderr is not None else {})}
            for b, v in (scores or {}).items()
        ],
        "prices": ([{"provider": "Test Org", "first_party": True, "input_usd_per_mtok": price[0],
                     "output_usd_per_mtok": price[1], "source": SRC, "as_of": DAY}] if price else []),
    }
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


def write_catalog(folder: Path, entries: list[dict[str, Any]]) -> Path:
    """A catalogue folder with the bundled registry and the given entries."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(catalog_root() / "benchmarks.toml", folder / "benchmarks.toml")
    (folder / "catalog.toml").write_text('schema_version = 1\nversion = "test"\nas_of = 2025-01-01\n')
    models = folder / "models"
    if models.exists():
        shutil.rmtree(models)
    models.mkdir()
    for data in entries:
        (models / f"{data['id']}.toml").write_text(dumps(copy.deepcopy(data)))
    return folder


def rubric(**sections: Any) -> dict[str, Any]:
    """A minimal rubric dict; sections override defaults."""
    data: dict[str, Any] = {"id": "test", "version": "1.0.0",
                            "domain": {"weights": {"mmlu": 1.0}}}
    for key, value in sections.items():
        data[key] = value
    return data
