"""Rubric presets: the schema of a team's decision policy and its fully resolved form.

A rubric holds the four steps of the wizard (openness, baselines, domain, practical)
plus a policy for missing data and staleness. Presets may ``extends`` another preset
and may ``lock`` fields; see :mod:`tui.core.presets` for discovery and inheritance.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from tui.core.schema import DIMENSIONS, LICENSE_LADDER, Level, LicenseClass, Score, Slug, Strict

MofClass = Literal["I", "II", "III"]
MOF_RANK = {"I": 1, "II": 2, "III": 3}
"""MOF classes as numbers: 1 (Open Science) is the most open."""

Weight = Annotated[float, Field(ge=0, le=1000)]


class OpennessPolicy(Strict):
    """Step 1: minimum openness per dimension, allowed licence classes, minimum MOF class."""

    min_levels: dict[str, Level] = Field(default_factory=dict)
    """Minimum level per dimension; a dimension left out accepts any level."""
    license_classes: list[LicenseClass] = Field(default_factory=lambda: list(LICENSE_LADDER))
    """Licence classes a model may have."""
    min_mof_class: MofClass | None = None
    """The least open MOF class accepted (III accepts I, II and III); None accepts any."""

    @field_validator("min_levels")
    @classmethod
    def _known_dimensions(cls, value: dict[str, Level]) -> dict[str, Level]:
        for key in value:
            if key not in DIMENSIONS:
                import difflib

                close = difflib.get_close_matches(key, DIMENSIONS, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
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
    """strict compares the point value; lenient passes a score whose 95% interval reaches
    the threshold, marked borderline."""
    thresholds: dict[str, Score] = Field(default_factory=dict)
    """Benchmark id -> minimum score (0-100)."""
    prefer: Literal["independent", "developer"] = "independent"
    """Which result to use when a model has both an independent and a developer-reported one."""


class Domain(Strict):
    """Step 3: how much each criterion counts in the ranking."""

    profiles: list[str] = Field(default_factory=list)
    """Use-case profiles the weights were started from (informational)."""
    weights: dict[str, Weight] = Field(default_factory=dict)
    """Benchmark id (or imported criterion id) -> weight. Weights are relative."""
    cost_weight: Weight = 0.0
    """Weight of low monthly cost in the ranking."""
    openness_weight: Weight = 0.0
    """Weight of overall openness (mean level over the seven dimensions) in the ranking."""
    evidence_thresholds: dict[str, Score] = Field(default_factory=dict)
    """Imported criterion id -> minimum score, applied in this step."""


class Practical(Strict):
    """Step 4: cost, context, deployment and latency limits."""

    monthly_input_tokens: int = Field(default=10_000_000, ge=0)
    monthly_output_tokens: int = Field(default=2_000_000, ge=0)
    max_input_usd_per_mtok: float | None = Field(default=None, ge=0)
    max_output_usd_per_mtok: float | None = Field(default=None, ge=0)
    max_monthly_cost_usd: float | None = Field(default=None, ge=0)
    min_context: int | None = Field(default=None, gt=0)
    deployment: Literal["api", "self-host", "either"] = "either"
    gpu_memory_gb: float | None = Field(default=None, gt=0)
    """GPU memory available for self-hosting, in GB."""
    quantisation_bits: Literal[16, 8, 4] = 16
    """Weight precision assumed by the self-hosting memory estimate."""
    max_ttft_s: float | None = Field(default=None, gt=0)
    """Maximum time to first token, where a measurement exists."""
    cost_bound_usd: float = Field(default=10_000.0, gt=0)
    """Monthly cost at which the cost value function reaches 0 (a fixed bound)."""


class Policy(Strict):
    """How missing and old data are treated, and how long the shortlist is."""

    missing_data: Literal["fail", "warn", "exclude"] = "warn"
    """fail: an unknown value fails the criterion; warn: it passes with a warning;
    exclude: the model is set aside as lacking data (never a near miss)."""
    stale_after_days: int = Field(default=730, gt=0)
    shortlist_size: int = Field(default=5, ge=1, le=100)
    near_miss_margin: float = Field(default=0.1, ge=0, le=1)
    """A single failure within this fraction of the required value is a near miss."""
    warn_self_reported: bool = True
    missing_in_ranking: Literal["renormalise", "bottom"] = "renormalise"
    """renormalise: a model is ranked on the weighted criteria it has scores for (its weights
    rescaled to sum to one); bottom: a missing score counts as the bottom of its scale."""
    min_coverage: float = Field(default=0.0, ge=0, le=1)
    """Screen (step 3) models whose known scores carry less than this share of the ranking weight."""


class Lock(Strict):
    """A field a preset fixes for every preset and session that builds on it."""

    field: str
    owner: str
    reason: str


class Rubric(Strict):
    """A rubric preset file (one TOML file under rubrics/ or a team folder)."""

    schema_version: int = 1
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
            update={"thresholds": {k: v for k, v in self.baselines.thresholds.items() if k not in ids}})
        domain = self.domain.model_copy(update={
            "weights": {k: v for k, v in self.domain.weights.items() if k not in ids},
            "evidence_thresholds": {k: v for k, v in self.domain.evidence_thresholds.items() if k not in ids},
        })
        return self.model_copy(update={"baselines": baselines, "domain": domain})

    def total_weight(self) -> float:
        """The sum of every ranking weight."""
        return sum(self.domain.weights.values()) + self.domain.cost_weight + self.domain.openness_weight


def rubric_schema() -> dict[str, Any]:
    """The JSON Schema of the rubric format, for editors (taplo, Even Better TOML)."""
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
        return MOF_RANK[new] > MOF_RANK[old]
    if field == "baselines.thresholds":
        return any(key not in new or new[key] < value for key, value in old.items())
    if field == "baselines.mode":
        return new == "lenient"
    if field in {"practical.min_context", "policy.missing_data"}:
        if field == "policy.missing_data":
            order = {"warn": 0, "exclude": 1, "fail": 2}
            return order[new] < order[old]
        return new < old
    if field.startswith("practical.max_") or field in {"practical.gpu_memory_gb", "policy.stale_after_days"}:
        return new > old
    if field == "practical.deployment":
        return new == "either"
    return True  # any other change to a locked field counts as loosening
