"""Flatten validated catalogue entries into the pandas frames the engine works on.

Two frames: ``models`` (one row per model, indexed by id) and ``results`` (one row per
reported benchmark score). Built once per catalogue; the engine never loops over models.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from tui.core.mof import derive_mof_class
from tui.core.schema import DIMENSIONS, LICENSE_LADDER

if TYPE_CHECKING:
    from tui.core.catalog import Catalog


@dataclass(frozen=True)
class CatalogFrames:
    """The catalogue as frames."""

    models: pd.DataFrame
    results: pd.DataFrame


RESULT_COLUMNS = [
    "model_id",
    "bench",
    "value",
    "setting",
    "reported_by",
    "evaluator",
    "stderr",
    "n",
    "as_of",
    "source",
    "note",
]


def families_column(results: pd.DataFrame | pd.Series) -> list[tuple[str, ...]]:
    """Each result's setting families (read from its setting and evaluator once, at compile time)."""
    from tui.core.stitching import setting_families

    evaluators = results["evaluator"] if "evaluator" in results else [""] * len(results)
    return [
        setting_families(str(s), e if isinstance(e, str) else "", str(b))
        for s, e, b in zip(results["setting"], evaluators, results["bench"], strict=True)
    ]


def build_frame(catalog: Catalog) -> CatalogFrames:
    """Build the ``models`` and ``results`` frames from a loaded catalogue."""
    rows = []
    results = []
    prices = []
    for entry in catalog.entries:
        specs = entry.specs
        mof = derive_mof_class(entry.mof)
        row = {
            "id": entry.id,
            "name": entry.name,
            "organisation": entry.organisation,
            "family": entry.family,
            "release_date": specs.release_date,
            "params_total_b": specs.params_total_b,
            "params_active_b": specs.params_active_b,
            "architecture": specs.architecture,
            "context_window": specs.context_window,
            "weights_precision": specs.weights_precision,
            "hosted_api": entry.deployment.hosted_api,
            "self_hostable": entry.deployment.self_hostable,
            "license_id": entry.license.id,
            "license_class": entry.license.license_class.value,
            "license_rank": LICENSE_LADDER.index(entry.license.license_class),
            "mof_class": (mof.mof_class if mof and mof.mof_class else np.nan),
            "mof_known": mof is not None,
            "overridden": ",".join(entry.overridden),
            "ttft_s": min((lat.ttft_s for lat in entry.latency if lat.ttft_s), default=np.nan),
        }
        for dim in DIMENSIONS:
            row[f"lvl_{dim}"] = getattr(entry.openness, dim).level.rank
        rows.append(row)
        for r in entry.benchmarks:
            results.append(
                (
                    entry.id,
                    r.id,
                    r.value,
                    r.setting,
                    r.reported_by,
                    r.evaluator,
                    r.stderr,
                    r.n,
                    r.as_of,
                    r.source,
                    r.note,
                )
            )
        for p in entry.prices:
            prices.append(
                (entry.id, p.provider, p.first_party, p.input_usd_per_mtok, p.output_usd_per_mtok, p.source, p.as_of)
            )
    models = pd.DataFrame(rows).set_index("id")
    levels = models[[f"lvl_{d}" for d in DIMENSIONS]]
    models["openness_value"] = levels.mean(axis=1) / 3.0
    # alphabetical position of each name: the tie-breaker for equal scores, as an integer
    models["name_rank"] = np.argsort(np.argsort(models["name"].to_numpy(dtype=str), kind="stable"), kind="stable")
    models["context_window"] = models["context_window"].astype(float)
    models["params_total_b"] = models["params_total_b"].astype(float)
    price_frame = pd.DataFrame(
        prices,
        columns=[
            "model_id",
            "price_provider",
            "price_first_party",
            "price_in",
            "price_out",
            "price_source",
            "price_as_of",
        ],
    )
    if not price_frame.empty:
        price_frame["_total"] = price_frame["price_in"] + price_frame["price_out"]
        price_frame = (
            price_frame.sort_values(["model_id", "price_first_party", "_total"], ascending=[True, False, True])
            .drop_duplicates("model_id")
            .set_index("model_id")
            .drop(columns="_total")
        )
    models = models.join(price_frame, how="left")
    for column in ("price_in", "price_out"):
        models[column] = models[column].astype(float)
    result_frame = pd.DataFrame(results, columns=RESULT_COLUMNS)
    result_frame["stderr"] = result_frame["stderr"].astype(float)
    result_frame["n"] = result_frame["n"].astype(float)
    result_frame["families"] = families_column(result_frame)
    return CatalogFrames(models=models, results=result_frame)
