"""Rubric presets: the schema of a team's decision policy and its fully resolved form.

A rubric holds the four steps of the wizard (openness, baselines, domain, practical)
plus a policy for missing data and staleness. Presets may ``extends`` another preset
and may ``lock`` fields; see :mod:`tui.core.presets` for discovery and inheritance.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from tui.core.schema import DIMENSIONS, LICENSE_LADDER, Level, LicenseClass, Slug, Strict

MofClass = Literal["I", "II", "III"]
MOF_RANK = {"I": 1, "II": 2, "III": 3}
"""MOF classes as numbers: 1 (Open Science) is the most open."""

Weight = Annotated[float, Field(ge=0, le=1000, strict=True, allow_inf_nan=False)]
Money = Annotated[float, Field(ge=0, le=1e9, strict=True, allow_inf_nan=False)]
Tokens = Annotated[int, Field(ge=0, le=10**15, strict=True)]
Threshold = Annotated[float, Field(ge=0, le=100, strict=True, allow_inf_nan=False)]

# Field docstrings are the user-facing text: the first sentence is the label the wizard
# and the preset template show, the rest is the help (see tui.core.fields).


class OpennessPolicy(Strict):
    """Step 1: minimum openness per dimension, allowed licence classes, minimum MOF class."""

    min_levels: dict[str, Level] = Field(default_factory=dict)
    """Openness minimums. Per dimension: opaque < described < inspectable < open; a dimension left out accepts any
    level.
    """
    license_classes: list[LicenseClass] = Field(default_factory=lambda: list(LICENSE_LADDER))
    """Licence classes allowed. Any of osi-open, open-weights-restricted, non-commercial, proprietary."""
    min_mof_class: MofClass | None = None
    """Minimum MOF class. Model Openness Framework, derived: I (most open), II or III; III accepts I, II and III."""

    @field_validator("min_levels")
    @classmethod
    def _known_dimensions(cls, value: dict[str, Level]) -> dict[str, Level]:
        for key in value:
            if key not in DIMENSIONS:
                import difflib

                close = difflib.get_close_matches(key, DIMENSIONS, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f"; one of {', '.join(DIMENSIONS)}"
                raise ValueError(f"unknown openness dimension {key!r}{hint}")
        return value

    @field_validator("license_classes")
    @classmethod
    def _not_empty(cls, value: list[LicenseClass]) -> list[LicenseClass]:
        if not value:
            raise ValueError("allow at least one licence class")
        return sorted(set(value), key=LICENSE_LADDER.index)


class Baselines(Strict):
    """Step 2: minimum scores per benchmark and how uncertainty is treated."""

    mode: Literal["strict", "lenient"] = "lenient"
    """Uncertainty mode. strict compares the score; lenient passes a score whose 95% interval reaches the threshold,
    marked borderline.
    """
    thresholds: dict[str, Threshold] = Field(default_factory=dict)
    """Thresholds. Benchmark id -> minimum score, 0-100 (see: shortlist catalog list)."""
    prefer: Literal["independent", "developer"] = "independent"
    """Prefer results. independent or developer: which result counts when a model has both."""


class Domain(Strict):
    """Step 3: how much each criterion counts in the ranking."""

    profiles: list[str] = Field(default_factory=list)
    """Use-case profiles. The profiles the weights were started from, for the record only."""
    weights: dict[str, Weight] = Field(default_factory=dict)
    """Weights. Benchmark id (or imported team criterion id) -> relative weight in the ranking."""
    cost_weight: Weight = 0.0
    """Low monthly cost. Weight of low monthly cost in the ranking."""
    openness_weight: Weight = 0.0
    """Overall openness. Weight of overall openness (mean level over the seven dimensions) in the ranking."""
    evidence_thresholds: dict[str, Threshold] = Field(default_factory=dict)
    """Thresholds on your own results. Imported criterion id -> minimum score, e.g. { "team:support" = 70 }."""


class Practical(Strict):
    """Step 4: cost, context, deployment and latency limits."""

    monthly_input_tokens: Tokens = 10_000_000
    """Input tokens / month. Tokens you send each month (prompts, context, documents); for the cost estimate."""
    monthly_output_tokens: Tokens = 2_000_000
    """Output tokens / month. Tokens the model writes each month."""
    max_monthly_cost_usd: Money | None = None
    """Budget, USD / month. Models whose list price at this volume is higher are excluded; empty: no budget."""
    max_input_usd_per_mtok: Money | None = None
    """Max input price $/M. A cap on the price per million input tokens; empty: no cap."""
    max_output_usd_per_mtok: Money | None = None
    """Max output price $/M. A cap on the price per million output tokens; empty: no cap."""
    min_context: Annotated[int, Field(gt=0, le=10**9, strict=True)] | None = None
    """Minimum context (tokens). The longest prompt plus history you need to fit; a model with an unknown context fails
    it.
    """
    deployment: Literal["api", "self-host", "either"] = "either"
    """Deployment. api, self-host or either."""
    gpu_memory_gb: Annotated[float, Field(gt=0, le=1e6, strict=True, allow_inf_nan=False)] | None = None
    """GPU memory, GB. Memory available for self-hosting; the need is estimated from the parameter count and the weight
    format (plus 20% for cache and runtime), always labelled as an estimate.
    """
    quantisation_bits: Literal[16, 8, 4] | None = None
    """Weight precision. 16, 8 or 4 bits for the memory estimate; empty uses each model's native format (BF16, FP8,
    MXFP4 ...).
    """
    max_ttft_s: Annotated[float, Field(gt=0, le=3600, strict=True, allow_inf_nan=False)] | None = None
    """Max time to first token, s. Screened on your own imported measurements (criterion ttft_s); the catalogue has
    none.
    """
    cost_bound_usd: Annotated[float, Field(gt=0, le=1e9, strict=True, allow_inf_nan=False)] = 10_000.0
    """Cost bound, USD / month. The monthly cost at which the cost value reaches 0 (a fixed bound)."""


class Policy(Strict):
    """How missing and old data are treated, and how long the shortlist is."""

    missing_data: Literal["fail", "warn", "exclude"] = "fail"
    """Missing data. fail: an unknown value fails its criterion (a benchmark threshold passes only on a sure estimate);
    exclude: set aside as lacking data; warn: passes with a warning, an explicit opt-out.
    """
    stale_after_days: Annotated[int, Field(gt=0, le=36500, strict=True)] = 730
    """Stale after (days). Results older than this are flagged."""
    shortlist_size: Annotated[int, Field(ge=1, le=100, strict=True)] = 5
    """Shortlist size. 1-100; ties across the cut extend it, up to twice the size."""
    near_miss_margin: Annotated[float, Field(ge=0, le=1, strict=True, allow_inf_nan=False)] = 0.1
    """Near-miss margin. A single failure within this fraction of the required value is a near miss."""
    warn_self_reported: Annotated[bool, Field(strict=True)] = True
    """Flag self-reported scores. Warn when a score was only reported by the developer."""
    missing_in_ranking: Literal["estimate", "bottom"] = "estimate"
    """Missing scores in the ranking. estimate: from the model's stitched capability, with its uncertainty; bottom:
    every unreported score counts as the bottom of its scale.
    """
    min_coverage: Annotated[float, Field(ge=0, le=1, strict=True, allow_inf_nan=False)] = 0.0
    """Minimum observed coverage. Screen (step 3) models whose observed scores carry less than this share of the
    ranking weight.
    """

    @field_validator("missing_in_ranking", mode="before")
    @classmethod
    def _retired(cls, value: object) -> object:
        # 'renormalise' ranked a model only on what it reported, which rewarded leaving out
        # hard benchmarks; presets that still name it are migrated (and warned, see presets)
        return "estimate" if value == "renormalise" else value


class Lock(Strict):
    """A field a preset fixes for every preset and session that builds on it."""

    field: str
    owner: str
    reason: str


class Rubric(Strict):
    """A rubric preset file (one TOML file under rubrics/ or a team folder)."""

    schema_version: Literal[1] = 1
    id: Slug
    version: str = Field(pattern=r"^\d+(\.\d+){0,2}$")
    name: str = ""
    description: str = ""
    extends: str | None = None
    catalog_overlay: str | None = None
    """A catalogue overlay folder, relative to the preset file."""
    openness: OpennessPolicy = Field(default_factory=OpennessPolicy)
    baselines: Baselines = Field(default_factory=Baselines)
    domain: Domain = Field(default_factory=Domain)
    practical: Practical = Field(default_factory=Practical)
    policy: Policy = Field(default_factory=Policy)
    locks: list[Lock] = Field(default_factory=list)

    @model_validator(mode="after")
    def _weights_not_all_zero(self) -> Rubric:
        if self.total_weight() <= 0:
            raise ValueError("domain weights are all zero: give at least one criterion a weight")
        return self

    @property
    def ref(self) -> str:
        """id@version, as records cite it."""
        return f"{self.id}@{self.version}"

    def criteria_ids(self) -> set[str]:
        """Every benchmark or criterion id the rubric names."""
        return set(self.baselines.thresholds) | set(self.domain.weights) | set(self.domain.evidence_thresholds)

    def without(self, ids: set[str]) -> Rubric:
        """A copy that no longer names ``ids`` (thresholds and weights); not re-validated."""
        baselines = self.baselines.model_copy(
            update={"thresholds": {k: v for k, v in self.baselines.thresholds.items() if k not in ids}}
        )
        domain = self.domain.model_copy(
            update={
                "weights": {k: v for k, v in self.domain.weights.items() if k not in ids},
                "evidence_thresholds": {k: v for k, v in self.domain.evidence_thresholds.items() if k not in ids},
            }
        )
        return self.model_copy(update={"baselines": baselines, "domain": domain})

    def total_weight(self) -> float:
        """The sum of every ranking weight."""
        return sum(self.domain.weights.values()) + self.domain.cost_weight + self.domain.openness_weight


def rubric_schema() -> dict[str, Any]:
    """The JSON Schema of the rubric format, for editors (taplo, Even Better TOML)."""
    import sys

    from tui.core.schema import document

    document(sys.modules["tui.core.schema"], sys.modules[__name__])
    schema = Rubric.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "shortlist rubric preset"
    return schema


LOCKABLE = {
    "openness.min_levels",
    "openness.license_classes",
    "openness.min_mof_class",
    "baselines.mode",
    "baselines.thresholds",
    "baselines.prefer",
    "domain.weights",
    "domain.cost_weight",
    "domain.openness_weight",
    "practical.max_input_usd_per_mtok",
    "practical.max_output_usd_per_mtok",
    "practical.max_monthly_cost_usd",
    "practical.min_context",
    "practical.deployment",
    "practical.gpu_memory_gb",
    "practical.max_ttft_s",
    "policy.missing_data",
    "policy.stale_after_days",
}
"""Dotted fields a preset may lock."""


def get_field(data: dict[str, Any], dotted: str) -> Any:
    """Read a dotted field from a rubric dict; None when absent."""
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def loosens(field: str, old: Any, new: Any) -> bool:
    """True when changing ``field`` from ``old`` to ``new`` accepts more models."""
    if old == new:
        return False
    if new is None:
        return old is not None
    if old is None:
        return False
    if field == "openness.min_levels":
        for dim, level in old.items():
            new_level = new.get(dim)
            if new_level is None or Level(new_level).rank < Level(level).rank:
                return True
        return False
    if field == "openness.license_classes":
        return not set(new) <= set(old)
    if field == "openness.min_mof_class":
        return bool(MOF_RANK[new] > MOF_RANK[old])
    if field == "baselines.thresholds":
        return any(key not in new or new[key] < value for key, value in old.items())
    if field == "baselines.mode":
        return bool(new == "lenient")
    if field in {"practical.min_context", "policy.missing_data"}:
        if field == "policy.missing_data":
            order = {"warn": 0, "exclude": 1, "fail": 2}
            return order[new] < order[old]
        return bool(new < old)
    if field.startswith("practical.max_") or field in {"practical.gpu_memory_gb", "policy.stale_after_days"}:
        return bool(new > old)
    if field == "practical.deployment":
        return bool(new == "either")
    return True  # any other change to a locked field counts as loosening
