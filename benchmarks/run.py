"""Speed figures for shortlist. Prints numbers; asserts nothing (see README, Benchmarks).

1. Time to first frame of the wizard against a bare Textual app started the same way
   (a fresh interpreter, headless), median of several runs.
2. Keystroke to updated funnel on a 10,000-model synthetic catalogue: type a threshold
   digit in step 2 and wait until the funnel shows the new evaluation.
3. Headless engine: one full evaluation and one funnel-only evaluation at 10,000 models.

Usage: python benchmarks/run.py [--runs 5] [--models 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIRST_FRAME = r"""
import os, sys, time
t0 = float(sys.argv[1])
from textual.app import App
if sys.argv[2] == "bare":
    from textual.widgets import Static
    class Bare(App):
        def compose(self):
            yield Static("hello")
    app = Bare()
else:
    from tui.app.app import ShortlistApp
    app = ShortlistApp(autosave=False)
def first_frame():
    print(f"{(time.time() - t0) * 1000:.1f}")
    app.exit()
app.call_after_refresh(first_frame)
app.run(headless=True, size=(120, 36))
"""


def first_frame_ms(kind: str) -> float:
    env = dict(os.environ)
    tmp = tempfile.mkdtemp()
    env.update({"SHORTLIST_CONFIG_DIR": tmp, "SHORTLIST_DATA_DIR": tmp})
    out = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME, repr(time.time()), kind],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    return float(out.stdout.strip().splitlines()[-1])


def synthetic_catalog(models: int):
    """An in-memory catalogue of ``models`` synthetic entries (never written to catalog/)."""
    import datetime as dt
    import random

    from tui.core.catalog import Catalog, catalog_hash, load_registry
    from tui.core.resources import catalog_root
    from tui.core.schema import DIMENSIONS, CatalogEntry, CatalogMeta

    rng = random.Random(42)
    registry = load_registry(catalog_root() / "benchmarks.toml")
    src = "https://example.org/synthetic-benchmark-data"
    day = dt.date(2025, 1, 1)
    levels = ["opaque", "described", "inspectable", "open"]
    classes = ["osi-open", "open-weights-restricted", "non-commercial", "proprietary"]
    entries = []
    for index in range(models):
        level = rng.choice(levels)
        benches = rng.sample(list(registry), k=rng.randint(2, 8))
        entries.append(
            CatalogEntry.model_validate(
                {
                    "id": f"synthetic-{index:05d}",
                    "name": f"Synthetic {index}",
                    "organisation": "Bench",
                    "family": "Syn",
                    "specs": {
                        "params_total_b": rng.uniform(1, 400),
                        "context_window": rng.choice([4096, 32768, 131072, 1000000]),
                        "source": src,
                        "as_of": day,
                    },
                    "license": {
                        "id": "Apache-2.0",
                        "name": "Apache",
                        "class": rng.choice(classes),
                        "source": src,
                        "as_of": day,
                    },
                    "openness": {d: {"level": level, "evidence": src, "as_of": day} for d in DIMENSIONS},
                    "deployment": {
                        "hosted_api": rng.random() < 0.8,
                        "self_hostable": level != "opaque",
                        "source": src,
                        "as_of": day,
                    },
                    "benchmarks": [
                        {
                            "id": b,
                            "value": round(rng.uniform(20, 95), 1),
                            "setting": "synthetic",
                            "reported_by": rng.choice(["developer", "independent"]),
                            "source": src,
                            "as_of": day,
                        }
                        for b in benches
                    ],
                    "prices": [
                        {
                            "provider": "Bench",
                            "first_party": True,
                            "input_usd_per_mtok": round(rng.uniform(0.05, 15), 2),
                            "output_usd_per_mtok": round(rng.uniform(0.1, 60), 2),
                            "source": src,
                            "as_of": day,
                        }
                    ],
                }
            )
        )
    meta = CatalogMeta(version="synthetic", as_of=day)
    return Catalog(
        root=catalog_root(), meta=meta, registry=registry, entries=tuple(entries), sha256=catalog_hash(catalog_root())
    )


async def keystroke_latency(catalog, runs: int) -> list[float]:
    from textual.widgets import Input

    from tui.app.app import ShortlistApp
    from tui.app.screens.baselines import BaselinesScreen

    app = ShortlistApp(autosave=False)
    samples = []
    async with app.run_test(size=(120, 36)) as pilot:
        await app.wait_until_idle()
        app.catalog = catalog
        catalog.frame  # noqa: B018 - build the frames before timing
        app.start_from_preset("default")
        await app.wait_until_idle()
        app.goto(1)
        await pilot.pause(0.2)
        assert isinstance(app.screen, BaselinesScreen)
        field = app.screen.query_one("#th-gpqa_diamond", Input)
        field.focus()
        for digit in "3456789"[:runs]:
            field.value = ""
            await app.wait_until_idle()
            start = time.perf_counter()
            await pilot.press(digit)
            typed = app.state
            while app.funnel_for is not typed:
                await asyncio.sleep(0.001)
            await pilot.pause(0)  # let the funnel bar repaint
            samples.append((time.perf_counter() - start) * 1000)
            await app.wait_until_idle()
    return samples


def engine_timings(catalog) -> tuple[float, float]:
    from tui.core.engine import evaluate
    from tui.core.presets import resolve

    rubric = resolve("default").rubric
    evaluate(catalog, rubric)  # warm up
    start = time.perf_counter()
    evaluate(catalog, rubric, draws=1000)
    full = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    evaluate(catalog, rubric, funnel_only=True)
    funnel = (time.perf_counter() - start) * 1000
    return full, funnel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--models", type=int, default=10_000)
    args = parser.parse_args()
    bare = [first_frame_ms("bare") for _ in range(args.runs)]
    wizard = [first_frame_ms("wizard") for _ in range(args.runs)]
    print(
        f"time to first frame, bare Textual app : median {statistics.median(bare):7.1f} ms  (runs: {', '.join(f'{v:.0f}' for v in bare)})"
    )
    print(
        f"time to first frame, shortlist wizard : median {statistics.median(wizard):7.1f} ms  (runs: {', '.join(f'{v:.0f}' for v in wizard)})"
    )
    print(f"  wizard overhead over bare Textual    : {statistics.median(wizard) - statistics.median(bare):7.1f} ms")
    start = time.perf_counter()
    catalog = synthetic_catalog(args.models)
    catalog.frame  # noqa: B018
    print(f"synthetic catalogue of {args.models:,} models built in {(time.perf_counter() - start):.1f} s")
    full, funnel = engine_timings(catalog)
    print(f"engine at {args.models:,} models: full evaluation {full:7.1f} ms, funnel only {funnel:7.1f} ms")
    samples = asyncio.run(keystroke_latency(catalog, args.runs))
    print(
        f"keystroke -> updated funnel at {args.models:,} models: median {statistics.median(samples):7.1f} ms, "
        f"max {max(samples):7.1f} ms (n={len(samples)})"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
