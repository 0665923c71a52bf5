"""Synthetic catalogues for the benchmarks: 1k, 10k or 100k models with realistic gaps.

Never written to catalog/: the generated catalogue lives in memory (and in a pickle under
the system temp folder, so a second benchmark run does not pay for validation again).

What is realistic about it, compared with the bundled catalogue:

- benchmark coverage is uneven: each model reports 2 to 10 of the registry's benchmarks,
  popular ones (MMLU, GPQA Diamond, MMLU-Pro...) far more often than rare ones, and about
  3% of models report none;
- scores follow a latent capability through the bundled calibration, plus noise, so
  the stitched model has something to find; a third are developer-reported;
- 20% of models have no price, 10% no context window, closed models no parameter count;
- openness levels, licence classes and deployment modes are mixed as in the catalogue.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000}
SOURCE = "https://example.org/synthetic-benchmark-data"
DAY = dt.date(2025, 1, 1)


def _cache_path(models: int, seed: int) -> Path:
    # keyed by this generator and the domain code it pickles (a schema change never reuses a stale pickle)
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for source in sorted((Path(__file__).resolve().parent.parent / "tui" / "core").glob("*.py")):
        digest.update(source.read_bytes())
    code = digest.hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"shortlist-bench-{models}-{seed}-{code}.pickle"


def synthetic_catalog(models: int, seed: int = 42) -> Any:
    """A validated in-memory Catalog of ``models`` synthetic entries, with the bundled calibration."""
    path = _cache_path(models, seed)
    if path.exists():
        try:
            with path.open("rb") as handle:
                return pickle.load(handle)
        except Exception:  # noqa: BLE001 - a broken cache is rebuilt
            path.unlink(missing_ok=True)
    catalog = _build(models, seed)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as handle:
        pickle.dump(catalog, handle, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    return catalog


def _entries(models: int, seed: int, registry: dict[str, Any], cal: Any) -> list[dict[str, Any]]:
    from tui.core.schema import DIMENSIONS

    rng = np.random.default_rng(seed)
    bench_ids = [b for b in registry if b in cal.benchmarks]
    popularity = np.array([float(cal.benchmarks[b].n) + 5.0 for b in bench_ids])
    popularity /= popularity.sum()
    levels = ["opaque", "described", "inspectable", "open"]
    classes = ["osi-open", "open-weights-restricted", "non-commercial", "proprietary"]
    out = []
    for index in range(models):
        capability = rng.normal(cal.prior_mean, cal.prior_sd)
        second = rng.normal(cal.second_mean, cal.second_sd)
        level = levels[int(rng.integers(0, 4))]
        closed = level == "opaque"
        k = 0 if rng.random() < 0.03 else int(rng.integers(2, 11))
        chosen = rng.choice(len(bench_ids), size=k, replace=False, p=popularity) if k else []
        results = []
        for j in chosen:
            b = bench_ids[int(j)]
            p = cal.benchmarks[b]
            z = p.slope * (capability - p.difficulty) + p.loading * second
            value = 100 * (p.chance + (1 - p.chance) / (1 + np.exp(-z))) + rng.normal(0, p.tau)
            results.append(
                {
                    "id": b,
                    "value": round(float(np.clip(value, 0, 100)), 1),
                    "setting": "synthetic",
                    "reported_by": "developer" if rng.random() < 0.33 else "independent",
                    "source": SOURCE,
                    "as_of": DAY,
                }
            )
        specs: dict[str, Any] = {"source": SOURCE, "as_of": DAY}
        if not closed:
            specs["params_total_b"] = round(float(rng.uniform(0.5, 700)), 1)
        if rng.random() > 0.1:
            specs["context_window"] = int(rng.choice([4096, 8192, 32768, 131072, 200000, 1000000]))
        entry: dict[str, Any] = {
            "id": f"synthetic-{index:06d}",
            "name": f"Synthetic {index}",
            "organisation": "Bench",
            "family": f"Syn{index % 50}",
            "specs": specs,
            "license": {
                "id": "proprietary" if closed else "Apache-2.0",
                "name": "Proprietary" if closed else "Apache",
                "class": "proprietary" if closed else classes[int(rng.integers(0, 3))],
                "source": SOURCE,
                "as_of": DAY,
            },
            "openness": {d: {"level": level, "evidence": SOURCE, "as_of": DAY} for d in DIMENSIONS},
            "deployment": {
                "hosted_api": bool(closed or rng.random() < 0.7),
                "self_hostable": not closed,
                "source": SOURCE,
                "as_of": DAY,
            },
            "benchmarks": results,
            "prices": [],
        }
        if rng.random() > 0.2:
            entry["prices"].append(
                {
                    "provider": "Bench",
                    "first_party": True,
                    "input_usd_per_mtok": round(float(rng.uniform(0.05, 15)), 2),
                    "output_usd_per_mtok": round(float(rng.uniform(0.1, 60)), 2),
                    "source": SOURCE,
                    "as_of": DAY,
                }
            )
        out.append(entry)
    return out


def _build(models: int, seed: int) -> Any:
    from tui.core.catalog import Catalog, catalog_hash, load_catalog
    from tui.core.resources import catalog_root
    from tui.core.schema import CatalogEntry, CatalogMeta

    bundled = load_catalog(catalog_root())
    cal = bundled.calibration
    entries = tuple(CatalogEntry.model_validate(e) for e in _entries(models, seed, bundled.registry, cal))
    sha = catalog_hash(catalog_root())
    return Catalog(
        root=catalog_root(),
        meta=CatalogMeta(version=f"synthetic-{models}", as_of=DAY),
        registry=bundled.registry,
        entries=entries,
        sha256=sha,
        calibration=cal,
        base_sha256=sha,
    )


if __name__ == "__main__":
    import sys
    import time

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    for name, n in SIZES.items():
        start = time.perf_counter()
        cat = synthetic_catalog(n)
        frames = cat.frame
        took = time.perf_counter() - start
        print(f"{name}: {len(frames.models):,} models, {len(frames.results):,} results in {took:.1f} s")
