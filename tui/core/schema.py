"""Pydantic schemas for catalogue entries, the benchmark registry and rubric presets.

Every model here forbids unknown keys, so a typo in a TOML file is an error that
names the key (and, through :mod:`tui.core.errors`, suggests the nearest valid one).
Unknown values are ``None`` and are shown as unknown; a value is never 0 for "unknown".
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from types import ModuleType
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION: Literal[1] = 1
"""Version of the catalogue and rubric file formats understood by this release."""

Url = Annotated[str, Field(pattern=r"^https?://\S+$", description="A public http(s) URL.")]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)]
Score = Annotated[float, Field(ge=0, le=100, strict=True, description="A score on a 0-100 scale.")]
Number = Annotated[float, Field(strict=True)]
"""A number written as a number: "40.96" (a string) or true (a boolean) is refused."""
Count = Annotated[int, Field(strict=True, le=10**15)]
Flag = Annotated[bool, Field(strict=True)]


class Strict(BaseModel):
    """Base for every schema: unknown keys are errors, instances are immutable.

    Field docstrings are the user-facing help text. They are attached as field descriptions
    only when something shows them (:func:`document`): reading them at import time
    (pydantic's ``use_attribute_docstrings``) costs tens of milliseconds on every start.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)


_DOCUMENTED: set[str] = set()


def document(*modules: ModuleType) -> None:
    """Attach each model field's attribute docstring as its description (once per module).

    Models are rebuilt in the order they are defined, so a model that nests another
    picks up the nested one's descriptions in its JSON schema.
    """
    import ast
    import inspect
    from pathlib import Path

    for module in modules:
        if module.__name__ in _DOCUMENTED or not module.__file__:
            continue
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        for node in tree.body:
            if not isinstance(node, ast.ClassDef):
                continue
            cls = getattr(module, node.name, None)
            if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
                continue
            changed = False
            for target, doc in zip(node.body, [*node.body[1:], None], strict=True):
                if not (isinstance(target, ast.AnnAssign) and isinstance(target.target, ast.Name)):
                    continue
                if not (isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant)):
                    continue
                info = cls.model_fields.get(target.target.id)
                if info is not None and info.description is None and isinstance(doc.value.value, str):
                    info.description = inspect.cleandoc(doc.value.value)
                    changed = True
            if changed:
                cls.model_rebuild(force=True)
        _DOCUMENTED.add(module.__name__)


# --------------------------------------------------------------------------- openness


class Level(StrEnum):
    """How open one dimension of a model release is, from least to most open."""

    opaque = "opaque"
    described = "described"
    inspectable = "inspectable"
    open = "open"

    @property
    def rank(self) -> int:
        """0 for opaque up to 3 for open, for comparisons."""
        return LEVEL_ORDER.index(self)


LEVEL_ORDER = [Level.opaque, Level.described, Level.inspectable, Level.open]

DIMENSIONS = (
    "weights",
    "architecture",
    "training_methodology",
    "training_data",
    "inference_code",
    "documentation",
    "license",
)
"""The seven openness dimensions, in the order the wizard shows them."""


class LicenseClass(StrEnum):
    """The licence ladder, most permissive first."""

    osi_open = "osi-open"
    open_weights_restricted = "open-weights-restricted"
    non_commercial = "non-commercial"
    proprietary = "proprietary"


LICENSE_LADDER = [
    LicenseClass.osi_open,
    LicenseClass.open_weights_restricted,
    LicenseClass.non_commercial,
    LicenseClass.proprietary,
]


class DimensionRating(Strict):
    """The level of one openness dimension, with the evidence behind it."""

    level: Level
    evidence: Url
    as_of: dt.date
    note: str = ""


class Openness(Strict):
    """The seven dimensions of a model's openness."""

    weights: DimensionRating
    architecture: DimensionRating
    training_methodology: DimensionRating
    training_data: DimensionRating
    inference_code: DimensionRating
    documentation: DimensionRating
    license: DimensionRating


class License(Strict):
    """The licence the model's weights (or service) are offered under."""

    id: str = Field(description="SPDX id, or LicenseRef-<name> for a custom licence.")
    name: str
    license_class: LicenseClass = Field(alias="class")
    source: Url
    as_of: dt.date
    note: str = ""


class MofComponent(Strict):
    """One Model Openness Framework component a release includes, with its licence."""

    name: str
    license: str = Field(description="SPDX id of the licence, or 'unlicensed'.")


class MofEvidence(Strict):
    """The released MOF components, as recorded by a source such as the Model Openness Tool."""

    source: Url
    as_of: dt.date
    components: list[MofComponent]
    note: str = ""


# ------------------------------------------------------------------------ specs etc.


WeightsPrecision = Literal["fp32", "bf16", "fp16", "fp8", "int8", "mxfp4", "int4"]
"""The number format a model's weights are released in."""

PRECISION_BITS: dict[str, float] = {
    "fp32": 32.0,
    "bf16": 16.0,
    "fp16": 16.0,
    "fp8": 8.0,
    "int8": 8.0,
    "mxfp4": 4.25,
    "int4": 4.0,
}
"""Bits per parameter of each weight format (MXFP4: 4-bit values plus one 8-bit scale per 32)."""


class Specs(Strict):
    """Identity facts: release date, size, architecture, context and modalities."""

    release_date: dt.date | None = None
    params_total_b: Number | None = Field(default=None, gt=0, le=1e6, description="Billions.")
    params_active_b: Number | None = Field(default=None, gt=0, le=1e6, description="Billions.")
    architecture: Literal["dense", "moe"] | None = None
    context_window: Count | None = Field(default=None, gt=0, description="Tokens.")
    max_output_tokens: Count | None = Field(default=None, gt=0)
    modalities: list[str] = Field(default_factory=list)
    weights_precision: WeightsPrecision | None = Field(
        default=None, description="The format the released weights are stored in (open-weight models)."
    )
    source: Url
    as_of: dt.date
    field_sources: dict[str, Url] = Field(
        default_factory=dict, description="Per-field source where it differs from `source`."
    )
    note: str = ""

    @model_validator(mode="after")
    def _active_not_above_total(self) -> Specs:
        if (
            self.params_total_b is not None
            and self.params_active_b is not None
            and self.params_active_b > self.params_total_b
        ):
            raise ValueError("params_active_b is larger than params_total_b")
        return self

    @field_validator("field_sources")
    @classmethod
    def _known_fields(cls, value: dict[str, str]) -> dict[str, str]:
        allowed = {
            "release_date",
            "params_total_b",
            "params_active_b",
            "architecture",
            "context_window",
            "max_output_tokens",
            "modalities",
            "weights_precision",
        }
        for key in value:
            if key not in allowed:
                raise ValueError(f"field_sources names unknown field {key!r}")
        return value


class BenchmarkResult(Strict):
    """One reported score: who measured it, how, where it was published and when."""

    id: Slug = Field(description="A benchmark id from catalog/benchmarks.toml.")
    value: Score
    setting: str = Field(min_length=1, description="Shots, chain of thought, variant.")
    reported_by: Literal["developer", "independent"]
    evaluator: str = Field(default="", description="Who ran it, for independent results.")
    source: Url
    as_of: dt.date
    stderr: Number | None = Field(default=None, ge=0, le=50, description="Points, 0-100 scale.")
    n: Count | None = Field(default=None, gt=0, description="Items scored, where it differs.")
    note: str = ""


class Price(Strict):
    """A list price in US dollars per million tokens."""

    provider: str
    first_party: Flag
    input_usd_per_mtok: Number = Field(ge=0, le=1e6)
    output_usd_per_mtok: Number = Field(ge=0, le=1e6)
    source: Url
    as_of: dt.date
    note: str = ""


class Deployment(Strict):
    """How the model can be used: through a hosted API, on one's own hardware, or both."""

    hosted_api: Flag
    self_hostable: Flag
    source: Url
    as_of: dt.date
    note: str = ""


class Latency(Strict):
    """Measured serving speed at one provider."""

    provider: str
    ttft_s: Number | None = Field(default=None, gt=0, le=3600, description="Time to first token, s.")
    output_tokens_per_s: Number | None = Field(default=None, gt=0, le=1e7)
    source: Url
    as_of: dt.date


class InspectModel(Strict):
    """The name inspect_ai calls this model by (``provider/model``), for the team's domain tests."""

    model: str = Field(
        pattern=r"^[a-z][a-z0-9_-]*/\S+$",
        description="inspect_ai model name, e.g. openai/gpt-4o or vllm/meta-llama/Llama-3.1-8B-Instruct.",
    )
    route: Literal["api", "self-hosted"] = Field(
        description="api: a hosted provider (needs its API key); self-hosted: a local server (vllm, ollama, hf)."
    )
    source: Url
    as_of: dt.date
    note: str = ""


class CatalogEntry(Strict):
    """One model in the catalogue: one TOML file under catalog/models/."""

    schema_version: Literal[1] = SCHEMA_VERSION
    id: Slug
    name: str = Field(min_length=1)
    organisation: str = Field(min_length=1)
    family: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    specs: Specs
    license: License
    openness: Openness
    mof: MofEvidence | None = None
    deployment: Deployment
    benchmarks: list[BenchmarkResult] = Field(default_factory=list)
    prices: list[Price] = Field(default_factory=list)
    latency: list[Latency] = Field(default_factory=list)
    inspect: list[InspectModel] = Field(
        default_factory=list, description="inspect_ai model names, the preferred route first."
    )
    notes: list[str] = Field(default_factory=list)
    overridden: list[str] = Field(default_factory=list, description="Set by the loader: fields an overlay replaced.")

    @model_validator(mode="after")
    def _no_duplicate_results(self) -> CatalogEntry:
        seen: set[tuple[str, str, str, str]] = set()
        for result in self.benchmarks:
            key = (result.id, result.setting, result.reported_by, result.source)
            if key in seen:
                raise ValueError(
                    f"benchmark {result.id!r} ({result.setting}, {result.reported_by}, {result.source}) is listed twice"
                )
            seen.add(key)
        return self


# ---------------------------------------------------------------------- benchmarks


class Baseline(Strict):
    """A reference score from people, with its source."""

    who: str
    value: Score
    source: Url


class BenchmarkInfo(Strict):
    """What a benchmark measures and how far its numbers can be trusted."""

    id: Slug
    name: str
    category: Literal["knowledge", "coding", "maths", "truthfulness", "reasoning", "instruction", "agentic", "general"]
    measures: str
    items: Count = Field(gt=0, description="Number of scored items in the evaluation split.")
    metric: str
    chance: Number | None = Field(default=None, ge=0, le=100)
    baselines: list[Baseline] = Field(default_factory=list)
    saturated: Flag = False
    saturation_note: str = ""
    contamination_note: str = ""
    caveats: str = ""
    successors: list[str] = Field(default_factory=list)
    sources: list[Url] = Field(min_length=1)
    introduced: Count | None = Field(default=None, ge=1950, le=2100, description="Year of publication.")

    @property
    def lower_bound(self) -> float:
        """The bottom of the value function: the chance level, or 0."""
        return self.chance or 0.0

    def expert_level(self) -> float | None:
        """The highest human baseline, if any."""
        return max((b.value for b in self.baselines), default=None)


class BenchmarkRegistry(Strict):
    """catalog/benchmarks.toml."""

    schema_version: Literal[1] = SCHEMA_VERSION
    benchmarks: list[BenchmarkInfo]


class CatalogMeta(Strict):
    """catalog/catalog.toml: the catalogue's own version and as-of date."""

    schema_version: Literal[1] = SCHEMA_VERSION
    version: str
    as_of: dt.date
    description: str = ""
