"""Speed and memory figures for shortlist. Prints numbers; asserts nothing (README, Performance).

Machines are shared and noisy, so start-up figures are ratios against a baseline measured
in the same run, each with its two raw medians:

- ``headless_ratio``: ``shortlist run --rubric default --format json`` as a whole process,
  over ``python -c "import pandas, pydantic"``;
- ``first_frame_ratio``: the wizard's time to its first frame over a bare Textual app
  started the same way (a fresh interpreter, headless);
- ``catalog_load_ms``: loading the bundled catalogue in a fresh process with a warm cache,
  once the libraries are imported;
- ``rss_mb_headless``: peak resident memory of the headless run;
- ``engine_ms_1k/10k/100k``: one full evaluation (screens, ranking, ties, P(first) with
  2,000 draws, Pareto, the shortlist's reasons) on a synthetic catalogue
  (benchmarks/synthetic.py), with the score table already built, as when a user edits;
  ``engine_cold_ms_*`` includes building it, ``excluded_ms_*`` turns every excluded
  model's reasons into text (done only when a user opens that tab or exports);
- ``keystroke_median_ms_10k`` / ``keystroke_max_ms_10k``: a digit typed into a step-2
  threshold, until the funnel shows the new counts, at 10,000 models (the 10 ms debounce
  included).

Usage: python benchmarks/run.py [--json] [--runs 5] [--sizes 1k,10k,100k]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

FIRST_FRAME = r"""
import sys, time
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

LOAD = r"""
import time
import numpy, pandas, pydantic  # the libraries' own import time is in headless_ratio
import tui.core.frame, tui.core.stitching, tui.core.schema
from tui.core.catalog import load_catalog
from tui.core.resources import catalog_root
t = time.perf_counter()
catalog = load_catalog(catalog_root())
catalog.frame, catalog.capabilities
print(f"{(time.perf_counter() - t) * 1000:.2f}")
"""

RSS = r"""
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    home = tempfile.mkdtemp(prefix="shortlist-bench-")
    env.update({"SHORTLIST_CONFIG_DIR": home, "SHORTLIST_DATA_DIR": home, "SHORTLIST_CACHE_DIR": home})
    return env


def _wall_ms(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True, timeout=300)
    return (time.perf_counter() - start) * 1000


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 1)


def headless(runs: int, env: dict[str, str]) -> dict[str, Any]:
    run = [sys.executable, "-m", "tui", "run", "--rubric", "default", "--format", "json"]
    baseline = [sys.executable, "-c", "import pandas, pydantic"]
    _wall_ms(run, env)  # fill the compiled-catalogue cache: the figures are warm starts
    ours, base = [], []
    for _ in range(runs):  # interleaved, so a noisy moment hits both
        base.append(_wall_ms(baseline, env))
        ours.append(_wall_ms(run, env))
    rss = subprocess.run(
        [sys.executable, "-c", RSS, *run], capture_output=True, text=True, env=env, check=True, timeout=300
    )
    loads = [
        float(
            subprocess.run(
                [sys.executable, "-c", LOAD], capture_output=True, text=True, env=env, check=True, timeout=300
            ).stdout
        )
        for _ in range(runs)
    ]
    return {
        "headless_ratio": round(statistics.median(ours) / statistics.median(base), 2),
        "headless_ms": _median(ours),
        "import_pandas_pydantic_ms": _median(base),
        "rss_mb_headless": round(float(rss.stdout.strip()), 1),
        "catalog_load_ms": _median(loads),
    }


def first_frame(runs: int, env: dict[str, str]) -> dict[str, Any]:
    def once(kind: str) -> float:
        out = subprocess.run(
            [sys.executable, "-c", FIRST_FRAME, repr(time.time()), kind],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=True,
        )
        return float(out.stdout.strip().splitlines()[-1])

    once("wizard")  # warm the file system cache for both
    bare, wizard = [], []
    for _ in range(runs):
        bare.append(once("bare"))
        wizard.append(once("wizard"))
    return {
        "first_frame_ratio": round(statistics.median(wizard) / statistics.median(bare), 2),
        "first_frame_ms": _median(wizard),
        "bare_textual_first_frame_ms": _median(bare),
    }


def engine(size: str, models: int, runs: int) -> dict[str, Any]:
    from synthetic import synthetic_catalog

    from tui.core.presets import resolve
    from tui.core.workflow import Session

    catalog = synthetic_catalog(models)
    catalog.frame  # noqa: B018 - loading is not the engine's time
    catalog.capabilities  # noqa: B018
    session = Session(catalog)
    rubric = resolve("default").rubric
    start = time.perf_counter()
    session.evaluate(rubric)
    cold = (time.perf_counter() - start) * 1000
    warm = []
    evaluation = None
    for seed in range(runs):
        start = time.perf_counter()
        evaluation = session.evaluate(rubric, seed=seed)
        warm.append((time.perf_counter() - start) * 1000)
    assert evaluation is not None
    start = time.perf_counter()
    excluded = evaluation.excluded
    excluded_ms = (time.perf_counter() - start) * 1000
    return {
        f"engine_ms_{size}": _median(warm),
        f"engine_cold_ms_{size}": round(cold, 1),
        f"excluded_ms_{size}": round(excluded_ms, 1),
        f"excluded_models_{size}": len(excluded),
        f"contenders_{size}": evaluation.robustness.contenders if evaluation.robustness else 0,
    }


async def _keystrokes(models: int, runs: int) -> list[float]:
    from synthetic import synthetic_catalog
    from textual.widgets import Input

    from tui.app.app import ShortlistApp
    from tui.app.screens.baselines import BaselinesScreen
    from tui.core.workflow import Session

    catalog = synthetic_catalog(models)
    catalog.frame  # noqa: B018
    catalog.capabilities  # noqa: B018
    app = ShortlistApp(autosave=False)
    arrived: list[float] = []
    original = app._funnel_ready

    def funnel_ready(state: Any, funnel: Any) -> None:
        original(state, funnel)
        arrived.append(time.perf_counter())

    app._funnel_ready = funnel_ready  # type: ignore[method-assign]
    samples: list[float] = []
    async with app.run_test(size=(120, 36)) as pilot:
        while app.session is None:
            await pilot.pause()
        app.session = Session(catalog)
        app.start_from_preset("default")
        await app.wait_until_idle()
        app.goto(1)
        await app.wait_until_idle()
        await pilot.pause()
        assert isinstance(app.screen, BaselinesScreen)
        field = app.screen.query_one("#th-gpqa_diamond", Input)
        field.focus()
        await app.wait_until_idle()
        for digit in ("1234567890" * 3)[:runs]:
            await app.workers.wait_for_complete()
            await app.wait_until_idle()
            seen = len(arrived)
            start = time.perf_counter()
            await pilot.press(digit)
            while len(arrived) == seen:
                await asyncio.sleep(0.0005)
            samples.append((arrived[-1] - start) * 1000)
            await pilot.press("backspace")
            await app.workers.wait_for_complete()
    return samples


def keystrokes(runs: int) -> dict[str, Any]:
    samples = asyncio.run(_keystrokes(10_000, max(runs * 2, 10)))
    return {
        "keystroke_median_ms_10k": _median(samples),
        "keystroke_max_ms_10k": round(max(samples), 1),
        "keystroke_samples_10k": len(samples),
    }


TARGETS = {
    "headless_ratio": "<= 1.3",
    "first_frame_ratio": "<= 1.15",
    "catalog_load_ms": "<= 30",
    "rss_mb_headless": "<= 120",
    "engine_ms_10k": "<= 50",
    "engine_ms_100k": "<= 300",
    "keystroke_median_ms_10k": "<= 50",
    "keystroke_max_ms_10k": "<= 100",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="1k,10k,100k", help="synthetic catalogue sizes for the engine")
    args = parser.parse_args()
    from synthetic import SIZES

    env = _env()
    figures: dict[str, Any] = {"python": sys.version.split()[0], "cpus": os.cpu_count(), "runs": args.runs}
    figures |= headless(args.runs, env)
    figures |= first_frame(args.runs, env)
    for size in [s for s in args.sizes.split(",") if s]:
        figures |= engine(size, SIZES[size], args.runs)
    figures |= keystrokes(args.runs)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        target = TARGETS.get(key, "")
        print(f"{key:<{width}}  {value!s:>10}  {('target ' + target) if target else ''}")


if __name__ == "__main__":
    main()
