"""The score table: every model's value on every rubric criterion, observed or estimated.

It depends on the catalogue, its calibration, the imported evidence, the rubric's
criteria and its reporter preference — never on thresholds or weights — so the use-case
layer memoises it while the user edits (:class:`tui.core.workflow.Session`).

For each (model, criterion):

- **observed**: one result is chosen (the preferred reporter, then a standard setting,
  then the newest) and put on the criterion's standard scale (independent, standard
  setting) with the calibrated offset of its source and setting;
- **estimated**: otherwise, when the criterion is a calibrated benchmark, the model's
  score is predicted from its capability, integrating over the capability's posterior,
  with the benchmark's own noise added to the interval;
- **unknown**: otherwise (an imported team criterion the model was not evaluated on, or a
  benchmark the calibration does not cover).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tui.core.errors import InputError
from tui.core.stitching import (
    Calibration,
    Capabilities,
    Posterior,
    observations,
    predictive,
    result_se,
    score_models,
)

if TYPE_CHECKING:
    from tui.core.catalog import Catalog
    from tui.core.rubric import Rubric


@dataclass(frozen=True)
class Criterion:
    """A ranking or threshold criterion: a benchmark or an imported team criterion."""

    id: str
    name: str
    lower: float
    """The bottom of the value function: the chance level, or 0."""
    items: int | None
    saturated: bool = False
    team: bool = False

    @property
    def span(self) -> float:
        """Points between the bottom of the value function and 100."""
        return 100.0 - self.lower


def build_criteria(catalog: Catalog, rubric: Rubric, team: dict[str, Criterion] | None = None) -> dict[str, Criterion]:
    """The rubric's criteria, looked up in the registry or the imported evidence.

    Raises InputError for an id found in neither, with the nearest known id.
    """
    team = team or {}
    out: dict[str, Criterion] = {}
    for cid in sorted(rubric.criteria_ids()):
        if cid in catalog.registry:
            info = catalog.registry[cid]
            out[cid] = Criterion(cid, info.name, info.lower_bound, info.items, info.saturated)
        elif cid in team:
            out[cid] = team[cid]
        else:
            known = list(catalog.registry) + list(team)
            close = difflib.get_close_matches(cid, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise InputError(f"unknown benchmark {cid!r}{hint}")
    return out


def capabilities(catalog: Catalog) -> Capabilities | None:
    """Every catalogue model's stitched capability (None without a calibration)."""
    cal = catalog.calibration
    if cal is None:
        return None
    items = {b: info.items for b, info in catalog.registry.items()}
    bench_ids = [b for b in cal.benchmarks if b in items]
    obs = observations(catalog.frame.results, items, model_ids=list(catalog.frame.models.index), bench_ids=bench_ids)
    return score_models(cal, obs)


def _families(results: pd.DataFrame | pd.Series) -> list[tuple[str, ...]]:
    """Each result's setting families: precomputed for the catalogue, read here for imported rows."""
    if "families" in results:
        return list(results["families"])
    from tui.core.frame import families_column

    return families_column(results)


def pick_results(results: pd.DataFrame, prefer: str) -> pd.DataFrame:
    """One result per (model, benchmark): the preferred reporter, a standard setting, the newest.

    Indexed by (model_id, bench); ``has_independent`` says whether any independent result
    exists for the pair.
    """
    if results.empty:
        return results.assign(pref=[], fam=[], has_independent=[]).set_index(["model_id", "bench"])
    fam = pd.Series([len(f) > 0 for f in _families(results)], index=results.index)
    ranked = results.assign(pref=(results["reported_by"] != prefer).astype(int), fam=fam.astype(int))
    ranked = ranked.sort_values(
        ["model_id", "bench", "pref", "fam", "as_of"], ascending=[True, True, True, True, False], kind="stable"
    )
    has_indep = (
        results.assign(i=results["reported_by"] == "independent")
        .groupby(["model_id", "bench"])["i"]
        .any()
        .rename("has_independent")
    )
    chosen = ranked.drop_duplicates(["model_id", "bench"]).set_index(["model_id", "bench"])
    return chosen.join(has_indep)


@dataclass(frozen=True)
class ScoreTable:
    """Values of every model (rows, catalogue order) on every criterion (columns)."""

    ids: pd.Index
    criteria: dict[str, Criterion]
    value: np.ndarray
    """Standard-scale value (observed and adjusted, or the estimate's mean); NaN when unknown."""
    se: np.ndarray
    observed: np.ndarray
    raw: np.ndarray
    """The chosen figure as published (NaN when not observed)."""
    estimable: np.ndarray
    """Per criterion: a calibrated benchmark, so a missing value can be estimated."""
    chosen: pd.DataFrame
    """The chosen result rows, indexed by (model_id, bench), for reasons and sources."""
    posterior: Posterior | None
    """Each model's posterior over both factors (None without a calibration)."""
    cap_n: np.ndarray
    """Benchmark results each capability estimate rests on."""
    calibration: Calibration | None

    @property
    def cap_mean(self) -> np.ndarray:
        """Capability (the general factor) per model; NaN without a calibration."""
        return self.posterior.mean if self.posterior is not None else np.full(len(self.ids), np.nan)

    @property
    def cap_sd(self) -> np.ndarray:
        """The capability's posterior standard deviation; NaN without a calibration."""
        return self.posterior.sd if self.posterior is not None else np.full(len(self.ids), np.nan)

    @property
    def columns(self) -> list[str]:
        """Criterion ids, in column order."""
        return list(self.criteria)

    def col(self, cid: str) -> int:
        """Column index of a criterion."""
        return self.columns.index(cid)

    def result(self, model_id: str, cid: str) -> dict[str, Any]:
        """The chosen result of a model on a criterion, as a plain dict (KeyError when there is none)."""
        return self._chosen_rows[(model_id, cid)]

    @cached_property
    def _chosen_rows(self) -> _RowLookup:
        return _RowLookup(self.chosen)

    def evidence(self) -> np.ndarray:
        """Per model: benchmark results behind its capability plus observed criterion values."""
        return self.cap_n + self.observed.sum(axis=1)


class _RowLookup:
    """Rows of a frame by index key, read from its columns as arrays (no pandas indexing per row)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.position = {key: i for i, key in enumerate(frame.index)}
        self.columns = {c: frame[c].to_numpy() for c in frame.columns}

    def __getitem__(self, key: tuple[str, str]) -> dict[str, Any]:
        i = self.position[key]
        return {c: values[i] for c, values in self.columns.items()}


def build_scores(
    catalog: Catalog,
    criteria: dict[str, Criterion],
    prefer: str,
    extra_results: pd.DataFrame | None = None,
    caps: Capabilities | None = None,
) -> ScoreTable:
    """The score table for ``criteria`` (see the module docstring)."""
    frames = catalog.frame
    ids = frames.models.index
    results = frames.results
    if extra_results is not None and not extra_results.empty:
        if "families" not in extra_results:
            from tui.core.frame import families_column

            extra_results = extra_results.assign(
                families=pd.Series(families_column(extra_results), index=extra_results.index)
            )
        results = pd.concat([results, extra_results], ignore_index=True)
    cols = list(criteria)
    M, K = len(ids), len(cols)
    cal = catalog.calibration
    chosen = pick_results(results[results["bench"].isin(cols)], prefer)
    value = np.full((M, K), np.nan)
    se = np.full((M, K), np.nan)
    raw = np.full((M, K), np.nan)
    estimable = np.array([cal is not None and c in cal.benchmarks and not criteria[c].team for c in cols], dtype=bool)
    if caps is None and cal is not None:
        caps = capabilities(catalog)
    posterior: Posterior | None = None
    if caps is not None and cal is not None:
        posterior = caps.posterior_for(ids, cal)
        cap_n = caps.lookup(ids)[2]
    else:
        cap_n = np.zeros(M, dtype=int)
    position = pd.Series(np.arange(M), index=ids)
    for k, cid in enumerate(cols):
        if not chosen.empty:
            rows = chosen.xs(cid, level="bench", drop_level=True) if cid in chosen.index.get_level_values(1) else None
        else:
            rows = None
        if rows is not None and len(rows):
            rows = rows[rows.index.isin(ids)]
            where = position.loc[rows.index].to_numpy()
            v = rows["value"].to_numpy(dtype=float)
            n = rows["n"].to_numpy(dtype=float)
            items = criteria[cid].items
            n = np.where(np.isfinite(n), n, float(items) if items else np.nan)
            s = result_se(v, rows["stderr"].to_numpy(dtype=float), n)
            raw[where, k] = v
            if estimable[k] and cal is not None:
                offsets = np.array(
                    [cal.offset(cid, r, fams) for r, fams in zip(rows["reported_by"], _families(rows), strict=True)]
                )
                value[where, k] = cal.to_standard(cid, v, offsets)
            else:
                value[where, k] = v
            se[where, k] = s
        if estimable[k] and cal is not None and posterior is not None:
            missing = np.isnan(value[:, k])
            if missing.any():
                m, sd = predictive(cal, cid, *posterior.take(missing).effective(cal, cid))
                value[missing, k] = m
                se[missing, k] = sd
    observed = np.isfinite(raw)
    return ScoreTable(
        ids=ids,
        criteria=criteria,
        value=value,
        se=se,
        observed=observed,
        raw=raw,
        estimable=estimable,
        chosen=chosen,
        posterior=posterior,
        cap_n=np.asarray(cap_n, dtype=int),
        calibration=cal,
    )
