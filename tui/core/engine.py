"""The evaluation engine: screen, rank, find ties, test robustness, explain.

Method (see README, "How shortlist decides"):

1. **Screen** with hard criteria in the wizard's order: openness, baselines, domain,
   practical. Every criterion is evaluated for every model with vectorised pandas
   operations; a model leaves the funnel at the first step it fails, and its reasons
   list every criterion it failed, with actual value, required value and margin.
2. **Rank** survivors by a weighted sum of value functions whose bounds are fixed
   (benchmark: chance level to 100; cost: 0 to the rubric's cost bound; openness: the
   four levels), never taken from the current candidates, so adding or removing an
   unrelated model cannot reorder the others.
3. **Ties**: two scores closer than 1.96 x their combined standard error are tied.
4. **Robustness**: a seeded Monte Carlo over weights (Dirichlet around the user's
   weights) and score noise gives each model's probability of ranking first; the
   smallest single weight change that swaps #1 and #2 is computed exactly.
5. **Pareto front** of capability against monthly cost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tui.core.catalog import Catalog
from tui.core.errors import InputError
from tui.core.rubric import MOF_RANK, Rubric
from tui.core.schema import LEVEL_ORDER, LICENSE_LADDER

STEPS = ("openness", "baselines", "domain", "practical")
STEP_TITLES = {
    "catalogue": "Catalogue",
    "openness": "1 Openness",
    "baselines": "2 Baselines",
    "domain": "3 Domain",
    "practical": "4 Practical",
}
Z95 = 1.96
MEMORY_OVERHEAD = 0.20
"""Self-hosting estimate: weight bytes plus 20% for KV cache, activations and runtime."""
MC_DRAWS = 2000
MC_TOP = 30
"""Only the best MC_TOP survivors enter the Monte Carlo; the rest cannot plausibly rank first."""
DIRICHLET_CONCENTRATION = 50.0

DIMENSION_LABELS = {
    "weights": "weights",
    "architecture": "architecture",
    "training_methodology": "training methodology",
    "training_data": "training data",
    "inference_code": "inference code",
    "documentation": "documentation",
    "license": "licence",
}


@dataclass(frozen=True)
class Criterion:
    """A ranking or threshold criterion: a benchmark or an imported team criterion."""

    id: str
    name: str
    lower: float
    items: int | None
    saturated: bool = False
    team: bool = False


@dataclass
class Evaluation:
    """Everything one evaluation produced; rendered by :mod:`tui.core.report`."""

    rubric: Rubric
    funnel: list[tuple[str, int]]
    emptied_at: str | None
    ranked: pd.DataFrame
    shortlist: list[dict[str, Any]]
    near_misses: list[dict[str, Any]]
    excluded: list[dict[str, Any]]
    pareto: list[dict[str, Any]]
    robustness: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    criteria: dict[str, Criterion] = field(default_factory=dict)

    @property
    def qualified(self) -> bool:
        """True when at least one model passed every step."""
        return bool(self.shortlist)


def memory_estimate_gb(params_b: pd.Series | float, bits: int) -> pd.Series | float:
    """Self-hosting memory estimate in GB: params x bytes/param x (1 + overhead)."""
    return params_b * (bits / 8.0) * (1.0 + MEMORY_OVERHEAD)


def monthly_cost(price_in: Any, price_out: Any, input_tokens: int, output_tokens: int) -> Any:
    """USD per month at the given token volume (NaN where a price is unknown)."""
    return price_in * input_tokens / 1e6 + price_out * output_tokens / 1e6


def _criteria(catalog: Catalog, rubric: Rubric, team: dict[str, Criterion]) -> dict[str, Criterion]:
    out: dict[str, Criterion] = {}
    for cid in sorted(rubric.criteria_ids()):
        if cid in catalog.registry:
            info = catalog.registry[cid]
            out[cid] = Criterion(cid, info.name, info.lower_bound, info.items, info.saturated)
        elif cid in team:
            out[cid] = team[cid]
        else:
            import difflib

            known = list(catalog.registry) + list(team)
            close = difflib.get_close_matches(cid, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise InputError(f"rubric {rubric.id!r} names unknown benchmark {cid!r}{hint}")
    return out


def pick_results(results: pd.DataFrame, prefer: str) -> pd.DataFrame:
    """One result per (model, benchmark): the preferred reporter first, then the newest."""
    if results.empty:
        return results.assign(pref=[], has_independent=[])
    ranked = results.assign(pref=(results["reported_by"] != prefer).astype(int))
    ranked = ranked.sort_values(["model_id", "bench", "pref", "as_of"], ascending=[True, True, True, False])
    has_indep = (
        results.assign(i=results["reported_by"] == "independent")
        .groupby(["model_id", "bench"])["i"].any()
        .rename("has_independent")
    )
    chosen = ranked.drop_duplicates(["model_id", "bench"]).set_index(["model_id", "bench"])
    return chosen.join(has_indep)


def _wide(chosen: pd.DataFrame, column: str, ids: pd.Index, criteria: list[str]) -> pd.DataFrame:
    if chosen.empty or not criteria:
        return pd.DataFrame(np.nan, index=ids, columns=criteria, dtype=object if column in {"reported_by", "setting"} else float)
    wide = chosen[column].unstack("bench")
    return wide.reindex(index=ids, columns=criteria)


class _Screen:
    """Collects failures and warnings as frames while the criteria are evaluated."""

    def __init__(self, index: pd.Index, missing: str):
        self.index = index
        self.missing = missing
        self.failures: list[pd.DataFrame] = []
        self.warnings: list[pd.DataFrame] = []
        self.passed_notes: list[pd.DataFrame] = []

    def check(
        self,
        step: str,
        criterion: str,
        label: str,
        actual: pd.Series,
        ok: pd.Series,
        required: Any,
        margin: pd.Series | None = None,
        kind: str = "below",
        fmt: str = "{:g}",
        near_ok: pd.Series | None = None,
    ) -> None:
        """Record failures for ``~ok`` and apply the missing-data policy to NaN actuals."""
        unknown = actual.isna()
        fail = ~ok.fillna(False).astype(bool) & ~unknown
        if fail.any():
            self.failures.append(pd.DataFrame({
                "model_id": fail.index[fail],
                "step": step,
                "criterion": criterion,
                "label": label,
                "actual": actual[fail].map(lambda v: fmt.format(v) if isinstance(v, (int, float, np.floating)) else str(v)).values,
                "required": str(required),
                "margin": (margin[fail].values if margin is not None else np.nan),
                "kind": kind,
                "near_ok": (near_ok[fail].values if near_ok is not None else False),
            }))
        if unknown.any():
            ids = unknown.index[unknown]
            if self.missing == "warn":
                self.warnings.append(pd.DataFrame({
                    "model_id": ids,
                    "text": f"{label}: unknown, passed under the missing-data policy 'warn'",
                }))
            else:
                self.failures.append(pd.DataFrame({
                    "model_id": ids,
                    "step": step,
                    "criterion": criterion,
                    "label": label,
                    "actual": "unknown",
                    "required": str(required),
                    "margin": np.nan,
                    "kind": "missing" if self.missing == "fail" else "no-data",
                    "near_ok": False,
                }))

    def warn(self, mask: pd.Series, text: str | pd.Series) -> None:
        """Attach a warning to every model in ``mask``."""
        if mask.any():
            ids = mask.index[mask]
            texts = text[mask].values if isinstance(text, pd.Series) else text
            self.warnings.append(pd.DataFrame({"model_id": ids, "text": texts}))

    def note(self, mask: pd.Series, criterion: str, text: pd.Series) -> None:
        """Attach a 'met' reason to every model in ``mask``."""
        if mask.any():
            self.passed_notes.append(pd.DataFrame({
                "model_id": mask.index[mask], "criterion": criterion, "text": text[mask].values,
            }))

    @staticmethod
    def frame(parts: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
        parts = [p for p in parts if not p.empty]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def _fmt_money(value: float) -> str:
    if pd.isna(value):
        return "unknown"
    return f"${value:,.2f}" if value < 100 else f"${value:,.0f}"


def evaluate(
    catalog: Catalog,
    rubric: Rubric,
    *,
    today: dt.date | None = None,
    seed: int = 0,
    draws: int = MC_DRAWS,
    extra_results: pd.DataFrame | None = None,
    team_criteria: dict[str, Criterion] | None = None,
    funnel_only: bool = False,
) -> Evaluation:
    """Run the four screening steps, then rank, test and explain the survivors."""
    today = today or dt.date.today()
    frames = catalog.frame
    m = frames.models
    ids = m.index
    team = team_criteria or {}
    criteria = _criteria(catalog, rubric, team)
    results = frames.results
    if extra_results is not None and not extra_results.empty:
        results = pd.concat([results, extra_results], ignore_index=True)
    crit_ids = list(criteria)
    key = ("scores", rubric.baselines.prefer, tuple(crit_ids), tuple(sorted((c, x.items) for c, x in criteria.items())))
    cached = catalog.cache.get(key) if extra_results is None else None
    if cached is None:
        # depends only on the catalogue, the criteria and the reporter preference, not on
        # thresholds or weights: computed once per combination while the user edits
        chosen = pick_results(results[results["bench"].isin(crit_ids)], rubric.baselines.prefer)
        value = _wide(chosen, "value", ids, crit_ids).astype(float)
        stderr = _wide(chosen, "stderr", ids, crit_ids).astype(float)
        n_items = _wide(chosen, "n", ids, crit_ids).astype(float)
        for cid, crit in criteria.items():
            if crit.items:
                n_items[cid] = n_items[cid].fillna(float(crit.items))
        p = (value / 100.0).clip(0, 1)
        binomial = np.sqrt(p * (1 - p) / n_items) * 100.0
        se = stderr.fillna(binomial)
        cached = (chosen, value, se)
        if extra_results is None:
            if len(catalog.cache) > 32:
                catalog.cache.clear()
            catalog.cache[key] = cached
    chosen, value, se = cached

    screen = _Screen(ids, rubric.policy.missing_data)
    policy = rubric.openness

    # ---- step 1: openness
    for dim, level in policy.min_levels.items():
        actual = m[f"lvl_{dim}"]
        need = level.rank
        short = need - actual
        screen.check(
            "openness", f"openness.{dim}", f"{DIMENSION_LABELS[dim]} openness",
            actual.map(lambda r: LEVEL_ORDER[int(r)].value), actual >= need, level.value,
            margin=short.astype(float), kind="level", near_ok=short <= 1,
        )
    allowed = {c.value for c in policy.license_classes}
    if len(allowed) < len(LICENSE_LADDER):
        screen.check(
            "openness", "openness.license_class", "licence class", m["license_class"],
            m["license_class"].isin(allowed), " or ".join(c.value for c in policy.license_classes),
            kind="category",
        )
    if policy.min_mof_class:
        need = MOF_RANK[policy.min_mof_class]
        actual = m["mof_class"].where(m["mof_known"], np.nan)
        # evidence exists but no class is met: that is a known "no class", not unknown
        actual = actual.where(~(m["mof_known"] & m["mof_class"].isna()), 4.0)
        label_map = {1.0: "I", 2.0: "II", 3.0: "III", 4.0: "none"}
        screen.check(
            "openness", "openness.mof_class", "MOF class (derived)", actual.map(label_map),
            actual <= need, f"{policy.min_mof_class} or better", margin=(actual - need).astype(float),
            kind="level", near_ok=(actual - need) <= 1,
        )

    # ---- step 2: baselines
    borderline = pd.DataFrame(False, index=ids, columns=crit_ids)
    for cid, threshold in rubric.baselines.thresholds.items():
        v = value[cid]
        s = se[cid]
        ok = v >= threshold
        if rubric.baselines.mode == "lenient":
            border = (~ok) & (v + Z95 * s >= threshold)
            borderline[cid] = border.fillna(False)
            ok = ok | border
        margin = (v - threshold) / threshold if threshold else v * 0
        screen.check(
            "baselines", cid, criteria[cid].name, v, ok, f"{threshold:g}",
            margin=margin.abs(), fmt="{:.1f}",
        )
        if rubric.baselines.mode == "lenient":
            screen.warn(borderline[cid], (
                criteria[cid].name + " " + v.map("{:.1f}".format) + " is below " + f"{threshold:g}"
                + " but inside its 95% interval (±" + (Z95 * s).map("{:.1f}".format) + "): borderline"
            ))

    # ---- step 3: domain (imported thresholds, and missing weighted data)
    for cid, threshold in rubric.domain.evidence_thresholds.items():
        v = value[cid]
        screen.check("domain", cid, criteria[cid].name, v, v >= threshold, f"{threshold:g}",
                     margin=((v - threshold) / threshold).abs() if threshold else v * 0, fmt="{:.1f}")
    weights = {cid: w for cid, w in rubric.domain.weights.items() if w > 0}
    if weights and rubric.policy.min_coverage > 0:
        wser = pd.Series(weights)
        coverage = value[list(weights)].notna().mul(wser, axis=1).sum(axis=1) / wser.sum() * 100.0
        need = rubric.policy.min_coverage * 100.0
        screen.check("domain", "domain.coverage", "share of the ranking weight with a known score (%)", coverage,
                     coverage >= need - 1e-9, f">= {need:.0f}", margin=((coverage - need) / need).abs(), fmt="{:.0f}")
    if rubric.policy.missing_data != "warn":
        for cid in weights:
            if cid in rubric.baselines.thresholds or cid in rubric.domain.evidence_thresholds:
                continue  # already screened
            v = value[cid]
            screen.check("domain", f"weighted.{cid}", f"{criteria[cid].name} (weighted)", v,
                         v.notna(), "a reported score", kind="missing")

    # ---- step 4: practical
    prac = rubric.practical
    cost = monthly_cost(m["price_in"], m["price_out"], prac.monthly_input_tokens, prac.monthly_output_tokens)
    memory = memory_estimate_gb(m["params_total_b"], prac.quantisation_bits)
    if prac.max_input_usd_per_mtok is not None:
        cap = prac.max_input_usd_per_mtok
        screen.check("practical", "practical.input_price", "input price (USD/M tokens)", m["price_in"],
                     m["price_in"] <= cap, f"<= {cap:g}", margin=((m["price_in"] - cap) / cap) if cap else None,
                     fmt="{:.2f}")
    if prac.max_output_usd_per_mtok is not None:
        cap = prac.max_output_usd_per_mtok
        screen.check("practical", "practical.output_price", "output price (USD/M tokens)", m["price_out"],
                     m["price_out"] <= cap, f"<= {cap:g}", margin=((m["price_out"] - cap) / cap) if cap else None,
                     fmt="{:.2f}")
    if prac.max_monthly_cost_usd is not None:
        cap = prac.max_monthly_cost_usd
        screen.check("practical", "practical.monthly_cost", "monthly cost (USD)", cost, cost <= cap,
                     f"<= {cap:,.0f}", margin=((cost - cap) / cap) if cap else None, fmt="{:,.2f}")
    if prac.min_context is not None:
        ctx = m["context_window"].astype(float)
        screen.check("practical", "practical.context", "context window (tokens)", ctx, ctx >= prac.min_context,
                     f">= {prac.min_context:,}", margin=((prac.min_context - ctx) / prac.min_context),
                     fmt="{:,.0f}")
    if prac.deployment == "api":
        screen.check("practical", "practical.deployment", "hosted API", m["hosted_api"].map({True: "yes", False: "no"}),
                     m["hosted_api"], "a hosted API", kind="category")
    elif prac.deployment == "self-host":
        screen.check("practical", "practical.deployment", "self-hosting", m["self_hostable"].map({True: "weights available", False: "weights not released"}),
                     m["self_hostable"], "downloadable weights", kind="category")
    if prac.gpu_memory_gb and prac.deployment != "api":
        # self-host must fit; "either" only needs to fit when there is no hosted API
        need_fit = m["self_hostable"] & (~m["hosted_api"] if prac.deployment == "either" else True)
        fits = memory <= prac.gpu_memory_gb
        screen.check("practical", "practical.memory",
                     f"self-hosting memory at {prac.quantisation_bits}-bit (estimate, GB)",
                     memory.where(need_fit, 0.0), fits | ~need_fit, f"<= {prac.gpu_memory_gb:g}",
                     margin=((memory - prac.gpu_memory_gb) / prac.gpu_memory_gb), fmt="{:.0f}")
    if prac.max_ttft_s is not None:
        ttft = m["ttft_s"]
        known = ttft.notna()
        tscreen_ok = (ttft <= prac.max_ttft_s) | ~known
        screen.check("practical", "practical.latency", "time to first token (s)", ttft.fillna(-1.0), tscreen_ok,
                     f"<= {prac.max_ttft_s:g}", margin=((ttft - prac.max_ttft_s) / prac.max_ttft_s), fmt="{:.2f}")
        screen.warn(~known, "time to first token: no measurement, not screened")

    failures = _Screen.frame(screen.failures, ["model_id", "step", "criterion", "label", "actual", "required", "margin", "kind", "near_ok"])
    step_rank = {s: i for i, s in enumerate(STEPS)}
    if not failures.empty:
        failures["step_rank"] = failures["step"].map(step_rank)
        first_step = failures.groupby("model_id")["step_rank"].min()
    else:
        first_step = pd.Series(dtype=float)
    exit_step = pd.Series(len(STEPS), index=ids, dtype=float)
    exit_step.loc[first_step.index] = first_step
    funnel = [("catalogue", len(ids))]
    for i, step in enumerate(STEPS):
        funnel.append((step, int((exit_step > i).sum())))
    emptied_at = next((step for step, count in funnel[1:] if count == 0), None)
    survivors = ids[exit_step >= len(STEPS)]

    if funnel_only:
        return Evaluation(rubric, funnel, emptied_at, pd.DataFrame(), [], [], [], [], {}, criteria=criteria)

    # ---- rank
    weight_items = dict(weights)
    w_total = sum(weight_items.values()) + rubric.domain.cost_weight + rubric.domain.openness_weight
    cols: dict[str, pd.Series] = {}
    se_cols: dict[str, pd.Series] = {}
    for cid in weight_items:
        lower = criteria[cid].lower
        span = 100.0 - lower
        cols[cid] = ((value.loc[survivors, cid] - lower) / span).clip(0, 1).fillna(0.0)
        se_cols[cid] = (se.loc[survivors, cid] / span).fillna(0.0)
    w = dict(weight_items)
    if rubric.domain.cost_weight > 0:
        cols["cost"] = (1 - (cost.loc[survivors] / prac.cost_bound_usd).clip(0, 1)).fillna(0.0)
        if rubric.domain.cost_weight and cost.loc[survivors].isna().any():
            screen.warn(cost.loc[survivors].isna().reindex(ids, fill_value=False),
                        "monthly cost unknown (no price in the catalogue)")
        se_cols["cost"] = pd.Series(0.0, index=survivors)
        w["cost"] = rubric.domain.cost_weight
    if rubric.domain.openness_weight > 0:
        cols["openness"] = m.loc[survivors, "openness_value"]
        se_cols["openness"] = pd.Series(0.0, index=survivors)
        w["openness"] = rubric.domain.openness_weight
    V = pd.DataFrame(cols, index=survivors)
    S = pd.DataFrame(se_cols, index=survivors)
    wv = pd.Series(w) / w_total
    if rubric.policy.missing_in_ranking == "renormalise" and len(V.columns):
        # Ranking on the criteria a model has scores for is the same as filling each of its
        # missing values with its own renormalised score; filling keeps the weighted sum linear
        # for the Monte Carlo and the critical-weight calculation.
        known = pd.DataFrame({c: (value.loc[survivors, c].notna() if c in value.columns else pd.Series(True, index=survivors))
                              for c in V.columns}, index=survivors)
        if "cost" in known:
            known["cost"] = cost.loc[survivors].notna()
        known_w = known.mul(wv, axis=1).sum(axis=1)
        own = V.where(known, 0.0).mul(wv, axis=1).sum(axis=1) / known_w.where(known_w > 0)
        V = V.where(known, own.fillna(0.0), axis=0)
        S = S.where(known, 0.0)
    score = V.mul(wv, axis=1).sum(axis=1)
    score_se = np.sqrt((S.pow(2)).mul(wv.pow(2), axis=1).sum(axis=1))
    cap_ids = [c for c in weight_items]
    if cap_ids:
        cap_w = pd.Series({c: weight_items[c] for c in cap_ids})
        capability = V[cap_ids].mul(cap_w / cap_w.sum(), axis=1).sum(axis=1)
    else:
        capability = score
    ranked = pd.DataFrame({
        "score": score,
        "score_se": score_se,
        "capability": capability,
        "monthly_cost": cost.loc[survivors],
        "memory_gb": memory.loc[survivors],
    })
    ranked["name"] = m.loc[survivors, "name"]
    ranked = ranked.sort_values(["score", "name"], ascending=[False, True])
    ranked["rank"] = np.arange(1, len(ranked) + 1)

    # ---- ties: adjacent models whose difference is inside 1.96 x combined SE
    s_arr = ranked["score"].to_numpy()
    e_arr = ranked["score_se"].to_numpy()
    diff = np.abs(s_arr[:, None] - s_arr[None, :])
    band = Z95 * np.sqrt(e_arr[:, None] ** 2 + e_arr[None, :] ** 2)
    tied = (diff < band) & ~np.eye(len(s_arr), dtype=bool)
    group = np.zeros(len(s_arr), dtype=int)
    for i in range(1, len(s_arr)):
        group[i] = group[i - 1] if tied[i, i - 1] else group[i - 1] + 1
    ranked["tie_group"] = group

    # ---- robustness
    robustness = _robustness(V.loc[ranked.index], S.loc[ranked.index], wv, seed, draws)
    ranked["p_first"] = robustness.pop("p_first").reindex(ranked.index).fillna(0.0)

    size = rubric.policy.shortlist_size
    in_list = (ranked["rank"] <= size) | (ranked["p_first"] >= 0.05)
    short_ids = list(ranked.index[in_list])

    # ---- explanations
    warnings_frame = _Screen.frame(screen.warnings, ["model_id", "text"])
    extra_warn = _data_warnings(catalog, rubric, chosen, criteria, short_ids, today, value)
    pareto = _pareto(ranked)
    dominated = {row["id"]: row["dominated_by"] for row in pareto if row["dominated_by"]}
    shortlist = []
    id_list = list(ranked.index)
    for mid in short_ids:
        row = ranked.loc[mid]
        pos = id_list.index(mid)
        tied_with = [id_list[j] for j in np.flatnonzero(tied[pos]) if id_list[j] in short_ids]
        reasons = _met_reasons(mid, rubric, m, chosen, criteria, cost, memory, borderline)
        warns = list(warnings_frame.loc[warnings_frame["model_id"] == mid, "text"]) + extra_warn.get(mid, [])
        if mid in dominated:
            warns.append(f"dominated by {dominated[mid]}: at least as capable for no more cost")
        if m.at[mid, "overridden"]:
            warns.append(f"overlay overrides: {m.at[mid, 'overridden']}")
        shortlist.append({
            "id": mid,
            "name": row["name"],
            "rank": int(row["rank"]),
            "tie_group": int(row["tie_group"]),
            "tied_with": tied_with,
            "score": round(float(row["score"]), 4),
            "score_se": round(float(row["score_se"]), 4),
            "capability": round(float(row["capability"]), 4),
            "p_first": round(float(row["p_first"]), 4),
            "monthly_cost_usd": None if pd.isna(row["monthly_cost"]) else round(float(row["monthly_cost"]), 2),
            "memory_gb_estimate": None if pd.isna(row["memory_gb"]) else round(float(row["memory_gb"]), 1),
            "reasons": reasons,
            "warnings": warns,
        })

    excluded, near = _excluded(failures, m, rubric, exit_step, ranked)
    global_warnings = list(catalog.warnings)
    if prac.deployment == "self-host":
        global_warnings.append("monthly cost uses API list prices where known; self-hosting hardware is not costed")
    return Evaluation(
        rubric=rubric,
        funnel=funnel,
        emptied_at=emptied_at,
        ranked=ranked,
        shortlist=shortlist,
        near_misses=near,
        excluded=excluded,
        pareto=pareto,
        robustness=robustness,
        warnings=global_warnings,
        criteria=criteria,
    )


def _robustness(V: pd.DataFrame, S: pd.DataFrame, wv: pd.Series, seed: int, draws: int) -> dict[str, Any]:
    """Monte Carlo P(first) and the critical single-weight change between #1 and #2."""
    out: dict[str, Any] = {"draws": draws, "seed": seed, "critical_weight_change": None}
    if V.empty:
        out["p_first"] = pd.Series(dtype=float)
        return out
    if len(V) == 1:
        out["p_first"] = pd.Series([1.0], index=V.index)
        return out
    top = V.iloc[:MC_TOP]
    top_se = S.loc[top.index]
    rng = np.random.default_rng(seed)
    alpha = np.maximum(wv.to_numpy() * DIRICHLET_CONCENTRATION, 1e-3)
    weights = rng.dirichlet(alpha, size=draws)  # draws x C
    noise = rng.standard_normal((draws, *top.shape)) * top_se.to_numpy()[None, :, :]
    values = np.clip(top.to_numpy()[None, :, :] + noise, 0.0, 1.0)  # draws x M x C
    scores = np.einsum("dmc,dc->dm", values, weights)
    winners = scores.argmax(axis=1)
    counts = np.bincount(winners, minlength=len(top))
    out["p_first"] = pd.Series(counts / draws, index=top.index)
    # critical weight change between #1 and #2 (point estimates), one weight at a time
    v1, v2 = V.iloc[0].to_numpy(), V.iloc[1].to_numpy()
    w = wv.to_numpy()
    lead = float(np.dot(w, v1 - v2))
    best = None
    for c, name in enumerate(V.columns):
        dv = v1[c] - v2[c]
        if dv < 0:
            delta = lead / (-dv)
            new_share = (w[c] + delta) / (1 + delta)
        elif dv > 0 and lead / dv < w[c] < 1.0:
            delta = lead / dv
            new_share = (w[c] - delta) / (1 - delta)
        else:
            continue
        if best is None or delta < best["delta"]:
            best = {"criterion": name, "from_share": round(float(w[c]), 4),
                    "to_share": round(float(new_share), 4), "delta": round(float(delta), 4)}
    out["critical_weight_change"] = best
    out["first"] = V.index[0]
    out["second"] = V.index[1]
    out["lead"] = round(lead, 4)
    return out


def _pareto(ranked: pd.DataFrame) -> list[dict[str, Any]]:
    """Capability vs monthly cost: the front, and for every other model what dominates it.

    Sorted by cost (then capability, best first), a model is on the front when it beats the
    running best capability; otherwise the running best (the last front model) dominates it.
    """
    known = ranked[ranked["monthly_cost"].notna()].sort_values(["monthly_cost", "capability"], ascending=[True, False])
    cap = known["capability"].to_numpy()
    previous_best = np.concatenate(([-np.inf], np.maximum.accumulate(cap)[:-1])) if len(cap) else cap
    front = cap > previous_best + 1e-12
    positions = np.arange(len(cap))
    last_front = np.maximum.accumulate(np.where(front, positions, 0)) if len(cap) else positions
    ids = known.index.to_numpy()
    frame = pd.DataFrame({
        "id": ids,
        "name": known["name"].to_numpy(),
        "monthly_cost_usd": known["monthly_cost"].round(2).to_numpy(),
        "capability": known["capability"].round(4).to_numpy(),
        "front": front,
        "dominated_by": np.where(front, None, ids[last_front] if len(ids) else ids),
    })
    unknown = ranked[ranked["monthly_cost"].isna()]
    extra = pd.DataFrame({"id": unknown.index.to_numpy(), "name": unknown["name"].to_numpy(),
                          "monthly_cost_usd": None, "capability": unknown["capability"].round(4).to_numpy(),
                          "front": False, "dominated_by": None})
    rows = frame.to_dict("records") + extra.to_dict("records")
    for row in rows:
        if not isinstance(row["dominated_by"], str):
            row["dominated_by"] = None  # pandas turns a missing object into NaN
        row["front"] = bool(row["front"])
        row["capability"] = float(row["capability"])
        if row["monthly_cost_usd"] is not None:
            row["monthly_cost_usd"] = float(row["monthly_cost_usd"])
    return rows


def _describe_result(row: pd.Series) -> str:
    who = "independent" + (f" ({row['evaluator']})" if row.get("evaluator") else "") if row["reported_by"] == "independent" else "developer-reported"
    return f"{who}, {row['setting']}, {row['source']}, as of {row['as_of']}"


def _met_reasons(mid, rubric, m, chosen, criteria, cost, memory, borderline) -> list[str]:
    reasons: list[str] = []
    for dim, level in rubric.openness.min_levels.items():
        actual = LEVEL_ORDER[int(m.at[mid, f"lvl_{dim}"])].value
        reasons.append(f"{DIMENSION_LABELS[dim]} openness {actual} (needs {level.value} or better)")
    if len(rubric.openness.license_classes) < len(LICENSE_LADDER):
        reasons.append(f"licence {m.at[mid, 'license_id']} is {m.at[mid, 'license_class']}")
    if rubric.openness.min_mof_class and not pd.isna(m.at[mid, "mof_class"]):
        roman = {1: "I", 2: "II", 3: "III"}[int(m.at[mid, "mof_class"])]
        reasons.append(f"MOF class {roman} (derived; needs {rubric.openness.min_mof_class} or better)")
    for cid, threshold in rubric.baselines.thresholds.items():
        key = (mid, cid)
        if key in chosen.index:
            row = chosen.loc[key]
            diff = row["value"] - threshold
            tag = " borderline" if bool(borderline.at[mid, cid]) else ""
            reasons.append(f"{criteria[cid].name} {row['value']:g} vs {threshold:g} ({diff:+.1f}{tag}); {_describe_result(row)}")
    for cid, weight in rubric.domain.weights.items():
        if weight > 0 and cid not in rubric.baselines.thresholds:
            key = (mid, cid)
            if key in chosen.index:
                row = chosen.loc[key]
                reasons.append(f"{criteria[cid].name} {row['value']:g} (weight {weight:g}); {_describe_result(row)}")
    c = cost.get(mid)
    if c is not None and not pd.isna(c):
        reasons.append(
            f"monthly cost {_fmt_money(c)} at {rubric.practical.monthly_input_tokens:,} input + "
            f"{rubric.practical.monthly_output_tokens:,} output tokens ({m.at[mid, 'price_provider']} list price, "
            f"{m.at[mid, 'price_source']}, as of {m.at[mid, 'price_as_of']})"
        )
    ctx = m.at[mid, "context_window"]
    if rubric.practical.min_context and not pd.isna(ctx):
        reasons.append(f"context window {int(ctx):,} tokens (needs {rubric.practical.min_context:,})")
    mem = memory.get(mid)
    if m.at[mid, "self_hostable"] and mem is not None and not pd.isna(mem):
        reasons.append(
            f"self-hosting needs about {mem:.0f} GB at {rubric.practical.quantisation_bits}-bit "
            f"(estimate: {m.at[mid, 'params_total_b']:g}B parameters x {rubric.practical.quantisation_bits / 8:g} bytes + {MEMORY_OVERHEAD:.0%})"
        )
    return reasons


def _data_warnings(catalog, rubric, chosen, criteria, short_ids, today, value) -> dict[str, list[str]]:
    """Stale, self-reported-only, saturated and mixed-setting warnings for shortlisted models."""
    out: dict[str, list[str]] = {}
    used = set(rubric.baselines.thresholds) | {c for c, w in rubric.domain.weights.items() if w > 0}
    limit = dt.timedelta(days=rubric.policy.stale_after_days)
    # the most common setting of each criterion among the shortlisted models
    usual: dict[str, str] = {}
    rows = chosen[chosen.index.get_level_values(0).isin(short_ids)] if not chosen.empty else chosen
    for cid in used:
        if not rows.empty:
            settings = rows[rows.index.get_level_values(1) == cid]["setting"]
            if settings.nunique() > 1:
                usual[cid] = settings.mode().iloc[0]
    for mid in short_ids:
        warns: list[str] = []
        for cid in sorted(used):
            key = (mid, cid)
            if key not in chosen.index:
                if cid in rubric.domain.weights and rubric.policy.missing_data == "warn":
                    how = ("ranked on its other weighted criteria" if rubric.policy.missing_in_ranking == "renormalise"
                           else "counted at the bottom of its scale in the ranking")
                    warns.append(f"{criteria[cid].name}: no score; {how}")
                continue
            row = chosen.loc[key]
            as_of = row["as_of"]
            if isinstance(as_of, dt.date) and today - as_of > limit:
                warns.append(f"{criteria[cid].name}: result from {as_of} is older than {rubric.policy.stale_after_days} days")
            if rubric.policy.warn_self_reported and row["reported_by"] == "developer" and not bool(row["has_independent"]) and not criteria[cid].team:
                warns.append(f"{criteria[cid].name}: self-reported by the developer only")
            if cid in usual and row["setting"] != usual[cid]:
                warns.append(f"{criteria[cid].name}: measured as '{row['setting']}', unlike most of the shortlist "
                             f"('{usual[cid]}'); compare with care")
            if criteria[cid].saturated:
                warns.append(f"{criteria[cid].name}: saturated benchmark; small differences carry little information")
        if warns:
            out[mid] = warns
    return out


def _failure_texts(failures: pd.DataFrame) -> pd.Series:
    """One plain-language line per failure, built column-wise (no per-row Python loop)."""
    label, actual, required = failures["label"].astype(str), failures["actual"].astype(str), failures["required"].astype(str)
    margin = failures["margin"].astype(float)
    off = pd.Series("", index=failures.index)
    has_margin = margin.notna()
    off[has_margin] = " (off by " + (margin[has_margin].abs() * 100).round(0).astype(int).astype(str) + "%)"
    texts = {
        "missing": label + ": unknown (treated as failing; needs " + required + ")",
        "no-data": label + ": unknown, so set aside under the missing-data policy 'exclude'",
        "category": label + " is " + actual + "; allowed: " + required,
        "level": label + " is " + actual + "; needs " + required,
    }
    out = label + " " + actual + "; needs " + required + off
    for kind, text in texts.items():
        mask = failures["kind"] == kind
        out[mask] = text[mask]
    return out


def _excluded(failures, m, rubric, exit_step, ranked) -> tuple[list[dict], list[dict]]:
    """Every excluded model with all its reasons; near misses failed one criterion narrowly."""
    if failures.empty:
        return [], []
    failures = failures.assign(text=_failure_texts(failures)).sort_values(["model_id", "step_rank"], kind="stable")
    grouped = failures.groupby("model_id", sort=True)
    table = pd.DataFrame({
        "reasons": grouped["text"].agg(list),
        "count": grouped.size(),
        "kind": grouped["kind"].first(),
        "criterion": grouped["criterion"].first(),
        "margin": grouped["margin"].first(),
        "near_ok": grouped["near_ok"].first(),
    })
    table["name"] = m.loc[table.index, "name"]
    table["step"] = exit_step.loc[table.index].astype(int).map(dict(enumerate(STEPS)))
    limit = rubric.policy.near_miss_margin
    margin = table["margin"].astype(float)
    small = ((table["kind"] == "below") & margin.notna() & (margin.abs() <= limit)) | (
        (table["kind"] == "level") & table["near_ok"].astype(bool))
    table["near"] = (table["count"] == 1) & small
    table = table.reset_index().rename(columns={"model_id": "id"})
    excluded = table[["id", "name", "step", "reasons"]].to_dict("records")
    near_rows = table[table["near"]]
    near = [
        {"id": row.id, "name": row.name, "step": row.step, "reasons": row.reasons, "criterion": row.criterion,
         "margin": None if pd.isna(row.margin) else round(float(row.margin), 4)}
        for row in near_rows.itertuples(index=False)
    ]
    return excluded, near
