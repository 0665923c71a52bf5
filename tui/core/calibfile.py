"""Read and write ``catalog/calibration.toml``, the stitched model's calibrated parameters."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

from tui.core.errors import InputError, read_toml
from tui.core.stitching import BenchParams, Calibration

FILE_NAME = "calibration.toml"
FORMAT_VERSION = 2
READS = (1, 2)
"""Version 1 is the one-factor model (no loadings, no second prior)."""

HEADER = """\
# Calibration of shortlist's stitched capability model for this catalogue release.
# Written by `shortlist catalog calibrate`; do not edit by hand. `shortlist catalog check`
# fails when catalog_sha256 no longer matches the catalogue (recalibrate after any change).
# Model: score = 100 * (chance + (1 - chance) * sigmoid(slope * (capability - difficulty)
#   + loading * second + offset)), noise ~ N(0, tau^2 + se^2).
# Offsets and loadings are in logit units; tau and the CV figures in points.
"""


def _number(value: Any, where: str, path: Path) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InputError(f"{where} must be a finite number", path=path)
    return float(value)


def read_calibration(path: Path) -> Calibration:
    """Parse a calibration file; a malformed one is an InputError naming the field."""
    data = read_toml(path)
    version = data.get("format_version")
    if version not in READS:
        raise InputError(
            f"format_version {version!r} is not supported (this shortlist reads {', '.join(map(str, READS))})",
            path=path,
        )
    try:
        benchmarks = {
            b: BenchParams(
                difficulty=_number(p["difficulty"], f"benchmarks.{b}.difficulty", path),
                slope=_number(p["slope"], f"benchmarks.{b}.slope", path),
                tau=_number(p["tau"], f"benchmarks.{b}.tau", path),
                developer_offset=_number(p["developer_offset"], f"benchmarks.{b}.developer_offset", path),
                chance=_number(p["chance"], f"benchmarks.{b}.chance", path),
                n=int(p.get("n", 0)),
                loading=_number(p.get("loading", 0.0), f"benchmarks.{b}.loading", path),
            )
            for b, p in data["benchmarks"].items()
        }
        prior = data["prior"]
        return Calibration(
            benchmarks=benchmarks,
            families={k: _number(v, f"families.{k}", path) for k, v in data.get("families", {}).items()},
            prior_mean=_number(prior["mean"], "prior.mean", path),
            prior_sd=_number(prior["sd"], "prior.sd", path),
            catalog_sha256=str(data["catalog_sha256"]),
            fitted=str(data.get("fitted", "")),
            settings=dict(data.get("settings", {})),
            diagnostics={"cv": data.get("cv", {})},
            second_mean=_number(prior.get("second_mean", 0.0), "prior.second_mean", path),
            second_sd=_number(prior.get("second_sd", 1.0), "prior.second_sd", path),
            second_corr=_number(prior.get("corr", 0.0), "prior.corr", path),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"calibration is missing or has a malformed field ({exc})", path=path) from None


def calibration_text(cal: Calibration, cv: dict[str, Any] | None) -> str:
    """The TOML text of a calibration, with its cross-validation figures."""
    import tomlkit

    doc = tomlkit.document()
    doc.add("format_version", FORMAT_VERSION)
    doc.add("catalog_sha256", cal.catalog_sha256)
    if cal.fitted:
        doc.add("fitted", dt.date.fromisoformat(cal.fitted))
    prior = tomlkit.table()
    prior.add("mean", round(cal.prior_mean, 6))
    prior.add("sd", round(cal.prior_sd, 6))
    prior.add("second_mean", round(cal.second_mean, 6))
    prior.add("second_sd", round(cal.second_sd, 6))
    prior.add("corr", round(cal.second_corr, 6))
    doc.add("prior", prior)
    settings = tomlkit.table()
    for key, value in cal.settings.items():
        settings.add(key, value)
    doc.add("settings", settings)
    families = tomlkit.table()
    for key, value in cal.families.items():
        families.add(key, round(value, 6))
    doc.add("families", families)
    benches = tomlkit.table(is_super_table=True)
    for b, p in sorted(cal.benchmarks.items()):
        t = tomlkit.table()
        t.add("difficulty", round(p.difficulty, 6))
        t.add("slope", round(p.slope, 6))
        t.add("tau", round(p.tau, 6))
        t.add("developer_offset", round(p.developer_offset, 6))
        t.add("chance", round(p.chance, 6))
        t.add("loading", round(p.loading, 6))
        t.add("n", p.n)
        benches.add(b, t)
    doc.add("benchmarks", benches)
    if cv:
        table = tomlkit.table()
        for key, value in cv.items():
            if key != "per_benchmark" and value is not None:
                table.add(key, value)
        per = tomlkit.table(is_super_table=True)
        for b, row in sorted(cv["per_benchmark"].items()):
            r = tomlkit.table()
            for key, value in row.items():
                if value is not None:
                    r.add(key, value)
            per.add(b, r)
        table.add("per_benchmark", per)
        doc.add("cv", table)
    return HEADER + tomlkit.dumps(doc)
