"""Plan a domain-test run: which models, by which inspect_ai name, at what estimated cost.

Each catalogue model is called by the first of its ``inspect`` routes that can be called:
an ``api`` route whose API key is in the environment, or a ``self-hosted`` route whose
server is named (``VLLM_BASE_URL`` for vllm, ``SGLANG_BASE_URL`` for sglang; ollama's
default local server needs nothing). A named server may still be down, which the run
reports per model. A model with no inspect
name, or whose every route lacks its key, is skipped with the reason; each missing key is
named once.

The cost estimate, per model: the sum over the examples run of (input tokens x input price
+ output tokens x output price) / 1e6, with input tokens = characters / 4 of the system
prompt and the example's input, and the output allowance from shortlist.toml. The price
is the cheapest first-party price in the catalogue (a third-party one only when there is
none, and the plan says which). For a model-graded task the grader's calls are counted
too when the grader has a catalogue price. Models without a price are never counted as $0:
the total says how many are left out.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.core.errors import InputError

if TYPE_CHECKING:
    from tui.core.catalog import Catalog
    from tui.core.domaintest import TaskFolder
    from tui.core.engine import Evaluation
    from tui.core.rubric import Rubric
    from tui.core.schema import CatalogEntry, InspectModel, Price
    from tui.core.workflow import Session

PROVIDER_KEYS: dict[str, tuple[str, ...]] = {
    "openai": ("OPENAI_API_KEY",),
    "anthropic": ("ANTHROPIC_API_KEY",),
    "google": ("GOOGLE_API_KEY", "GEMINI_API_KEY"),
    "mistral": ("MISTRAL_API_KEY",),
    "together": ("TOGETHER_API_KEY",),
    "grok": ("XAI_API_KEY", "GROK_API_KEY"),
    "groq": ("GROQ_API_KEY",),
    "fireworks": ("FIREWORKS_API_KEY",),
    "deepseek": ("DEEPSEEK_API_KEY",),
    "moonshot": ("MOONSHOT_API_KEY",),
    "sambanova": ("SAMBANOVA_API_KEY",),
    "openrouter": ("OPENROUTER_API_KEY",),
    "perplexity": ("PERPLEXITY_API_KEY",),
    "cloudflare": ("CLOUDFLARE_API_KEY",),
    "hf-inference-providers": ("HF_TOKEN",),
}
"""inspect_ai provider -> the environment variables its provider reads for the key (any one will do).
Taken from inspect_ai 0.3.285's model/_providers sources."""

SERVER_VARS: dict[str, str] = {"vllm": "VLLM_BASE_URL", "sglang": "SGLANG_BASE_URL"}
"""Self-hosted providers -> the variable naming the team's running server. Without it inspect_ai
would try to start a server itself (downloading the weights), so such a route counts as not
callable. ollama's default server (localhost:11434) needs no variable."""

MOCK_BANNER = (
    "MOCK RUN: every model is called through inspect_ai's mockllm provider; no model is called, nothing is "
    "spent, and the results are not real evidence"
)

GRADER_INPUT_OVERHEAD = 200
"""Tokens of model_graded_qa's grading template around the question, answer and criterion."""
GRADER_OUTPUT_TOKENS = 150
"""The grader's reply allowance: a short reasoning, then GRADE: C or GRADE: I."""
MOCK_PROVIDER = "mockllm"


def provider_of(model: str) -> str:
    """``openai/gpt-4o`` -> ``openai``."""
    return model.split("/", 1)[0]


def missing_key(model: str, env: Mapping[str, str]) -> str | None:
    """The key (or, self-hosted, the server) variable a model needs and the environment lacks, or None."""
    server = SERVER_VARS.get(provider_of(model))
    if server is not None:
        return None if env.get(server) else server
    names = PROVIDER_KEYS.get(provider_of(model))
    if not names or any(env.get(n) for n in names):
        return None
    return names[0]


@dataclass(frozen=True)
class PriceChoice:
    """The price the estimate uses, and where it comes from."""

    input: float
    output: float
    provider: str
    first_party: bool


def cheapest_price(prices: list[Price], input_tokens: int, output_tokens: int) -> PriceChoice | None:
    """The cheapest first-party price for this run's tokens; a third-party one only when none is first-party."""
    pool = [p for p in prices if p.first_party] or list(prices)
    if not pool:
        return None
    best = min(pool, key=lambda p: p.input_usd_per_mtok * input_tokens + p.output_usd_per_mtok * output_tokens)
    return PriceChoice(best.input_usd_per_mtok, best.output_usd_per_mtok, best.provider, best.first_party)


def cost_usd(price: PriceChoice, input_tokens: int, output_tokens: int) -> float:
    """(input tokens x input price + output tokens x output price) / 1e6."""
    return (input_tokens * price.input + output_tokens * price.output) / 1e6


@dataclass
class PlannedModel:
    """One catalogue model in the plan: how it is called, or why it is skipped."""

    model_id: str
    inspect_model: str | None = None
    route: str | None = None
    price: PriceChoice | None = None
    cost: float | None = None
    skipped: str | None = None

    @property
    def runs(self) -> bool:
        return self.skipped is None

    def cost_text(self) -> str:
        """$0.0123, self-hosted, or unknown."""
        if self.cost is not None:
            return f"${self.cost:.4f}"
        return "self-hosted" if self.route == "self-hosted" else "unknown"

    def price_text(self) -> str:
        if self.price is None:
            return "-"
        via = "" if self.price.first_party else f" via {self.price.provider} (no first-party price)"
        return f"{self.price.input:g} / {self.price.output:g} USD/Mtok{via}"


@dataclass
class RunPlan:
    """What `domain-test run` is about to do, with the estimated cost."""

    task: TaskFolder
    models: list[PlannedModel]
    examples: int
    input_tokens: int
    output_tokens: int
    mock: bool = False
    limit: int | None = None
    grader: PlannedModel | None = None
    missing_keys: dict[str, list[str]] = field(default_factory=dict)
    """A missing key variable -> the models skipped (or, in a mock run, that a real run would skip) for it."""

    @property
    def running(self) -> list[PlannedModel]:
        return [m for m in self.models if m.runs]

    @property
    def skipped(self) -> list[PlannedModel]:
        return [m for m in self.models if not m.runs]

    def _priced(self) -> list[PlannedModel]:
        out = list(self.running)
        if self.grader is not None and self.running:
            out.append(self.grader)
        return out

    @property
    def known_total(self) -> float:
        return sum(m.cost for m in self._priced() if m.cost is not None)

    @property
    def unknown(self) -> list[PlannedModel]:
        """Models (and the grader) whose cost is not known: never counted as $0."""
        return [m for m in self._priced() if m.cost is None]

    # ------------------------------------------------------------- the plan in words (CLI and wizard)

    def estimate_note(self) -> str:
        """How the cost estimate was made, introducing the per-model rows."""
        return (
            f"estimated cost (an estimate: {self.input_tokens:,} input tokens = characters/4 of the system prompt "
            f"and each input; {self.task.output_tokens} output tokens allowed per example):"
        )

    def cost_rows(self) -> list[tuple[str, str, str, str, str]]:
        """One row per model that runs (and the grader): id, inspect_ai name, route, price, cost."""
        return [
            (m.model_id, m.inspect_model or "-", m.route or "-", m.price_text(), m.cost_text()) for m in self._priced()
        ]

    def total_line(self) -> str:
        return f"total: {self.total_text()}" + (" for a real run" if self.mock else "")

    def skip_lines(self) -> list[str]:
        """Each skipped model with its reason, then each missing key once with the models it skips."""
        what = "a real run would skip" if self.mock else "not set; skips"
        return [f"skipped {m.model_id}: {m.skipped}" for m in self.skipped] + [
            f"missing key {key}: {what} {', '.join(ids)}" for key, ids in self.missing_keys.items()
        ]

    def total_text(self) -> str:
        text = f"${self.known_total:.4f}"
        if self.unknown:
            hosted = sum(1 for m in self.unknown if m.route == "self-hosted")
            unknown = len(self.unknown) - hosted
            parts = ([f"{unknown} with unknown cost"] if unknown else []) + (
                [f"{hosted} self-hosted (your hardware)"] if hosted else []
            )
            text += " + " + ", ".join(parts)
        return text

    def check_max_cost(self, max_cost: float | None) -> None:
        """Refuse a run whose known cost exceeds ``max_cost``, or whose API cost cannot be bounded.

        A self-hosted model's cost is the team's hardware, so it does not block; an API model
        (or grader) with no catalogue price does, because the cap could not be kept.
        """
        if max_cost is None:
            return
        unbounded = [m.model_id for m in self.unknown if m.route != "self-hosted"]
        if unbounded:
            raise InputError(
                f"--max-cost {max_cost:g}: cannot bound the cost of {', '.join(unbounded)} (no price in the "
                "catalogue); leave it out with --models, or drop --max-cost"
            )
        if self.known_total > max_cost:
            raise InputError(
                f"--max-cost {max_cost:g}: the estimated cost is ${self.known_total:.4f}; "
                "lower --limit, run fewer --models, or raise --max-cost"
            )

    def question(self) -> str:
        """The confirmation question, e.g. ``Run 4 models, about $0.1200? [y/N] ``."""
        n = len(self.running)
        noun = "model" if n == 1 else "models"
        if self.mock:
            return f"Run {n} {noun} with the mock provider (no model is called, nothing is spent)? [y/N] "
        return f"Run {n} {noun}, about {self.total_text()}? [y/N] "


def close_matches(model_id: str, catalog: Catalog) -> str:
    close = difflib.get_close_matches(model_id, list(catalog.by_id), n=3)
    return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""


def check_ids(ids: list[str], catalog: Catalog) -> list[str]:
    """The ids of --models, each known to the catalogue (one line naming close matches otherwise)."""
    out = []
    for model_id in ids:
        model_id = model_id.strip()
        if not model_id:
            continue
        if model_id not in catalog.by_id:
            raise InputError(
                f"--models: no model with id {model_id!r} in the catalogue{close_matches(model_id, catalog)}"
            )
        if model_id not in out:
            out.append(model_id)
    if not out:
        raise InputError("--models: name at least one catalogue id")
    return out


def _route(entry: CatalogEntry, env: Mapping[str, str], mock: bool) -> tuple[InspectModel | None, list[str]]:
    """The first callable route, and the keys missing for the routes before it."""
    missing: list[str] = []
    for item in entry.inspect:
        key = missing_key(item.model, env)
        if key is None:
            return item, missing
        missing.append(key)
        if mock:
            return item, missing
    return None, missing


def _plan_model(
    entry: CatalogEntry, env: Mapping[str, str], mock: bool, tokens: tuple[int, int]
) -> tuple[PlannedModel, list[str]]:
    if not entry.inspect:
        return PlannedModel(
            entry.id,
            skipped="no inspect_ai model name in the catalogue (add an [[inspect]] entry through a catalogue overlay)",
        ), []
    item, missing = _route(entry, env, mock)
    if item is None:
        return PlannedModel(entry.id, skipped=f"needs {' or '.join(dict.fromkeys(missing))} (not set)"), missing
    planned = PlannedModel(entry.id, inspect_model=item.model, route=item.route)
    if item.route == "api":
        planned.price = cheapest_price(entry.prices, *tokens)
        if planned.price is not None:
            planned.cost = cost_usd(planned.price, *tokens)
    return planned, missing


def _plan_grader(
    grader: str, catalog: Catalog, env: Mapping[str, str], mock: bool, tokens: tuple[int, int]
) -> PlannedModel:
    """The grader, priced through the catalogue entry whose inspect names include it (cost for all graded models)."""
    entry = next((e for e in catalog.entries if any(i.model == grader for i in e.inspect)), None)
    route = "self-hosted" if provider_of(grader) in {"vllm", "ollama", "hf", "sglang", "llama-cpp-python"} else "api"
    planned = PlannedModel(f"grader {grader}", inspect_model=grader, route=route)
    key = None if route == "self-hosted" else missing_key(grader, env)
    if key and not mock:
        raise InputError(f"the grader {grader} needs {key}, which is not set; set it or choose another --grader")
    if entry is not None and route == "api":
        planned.price = cheapest_price(entry.prices, *tokens)
        if planned.price is not None:
            planned.cost = cost_usd(planned.price, *tokens)
    return planned


def plan_run(
    task: TaskFolder,
    catalog: Catalog,
    ids: list[str],
    env: Mapping[str, str],
    *,
    mock: bool = False,
    limit: int | None = None,
) -> RunPlan:
    """The run plan for these catalogue ids: routes, skips with reasons, and the cost estimate."""
    inputs = task.input_tokens(limit)
    examples = len(inputs)
    tokens = (sum(inputs), task.output_tokens * examples)
    plan = RunPlan(task, [], examples, tokens[0], tokens[1], mock=mock, limit=limit)
    for model_id in ids:
        planned, missing = _plan_model(catalog.by_id[model_id], env, mock, tokens)
        for key in missing:
            plan.missing_keys.setdefault(key, []).append(model_id)
        plan.models.append(planned)
    if task.scorer.kind == "model-graded" and task.scorer.grader:
        graded = len(plan.running)
        targets = sum(task.target_tokens(limit))
        per_model = (
            tokens[0] + tokens[1] + targets + GRADER_INPUT_OVERHEAD * examples,
            GRADER_OUTPUT_TOKENS * examples,
        )
        plan.grader = _plan_grader(
            task.scorer.grader, catalog, env, mock, (per_model[0] * graded, per_model[1] * graded)
        )
    return plan


# ------------------------------------------------------------------------- what changed


@dataclass
class RankChange:
    """The ranking before and after the team's evidence."""

    criterion: str
    before: list[tuple[str, str, float]]
    after: list[tuple[str, str, float]]
    """(model id, rank label, P(first)) of the top models."""
    weight: float
    mock: bool = False

    @property
    def first_before(self) -> str | None:
        return self.before[0][0] if self.before else None

    @property
    def first_after(self) -> str | None:
        return self.after[0][0] if self.after else None

    def lines(self) -> list[str]:
        p_before = {mid: p for mid, _, p in self.before}
        label = " (MOCK evidence: not real results)" if self.mock else ""
        out = [f"re-ranked with {self.criterion}{label} at weight {self.weight:g}"]
        out.append("before: " + ", ".join(f"{rank} {mid}" for mid, rank, _ in self.before))
        out.append("after:  " + ", ".join(f"{rank} {mid}" for mid, rank, _ in self.after))
        if self.first_before == self.first_after:
            out.append(f"#1 unchanged: {self.first_after}")
        else:
            out.append(f"#1 changed: {self.first_before} -> {self.first_after}")
        out.append(
            "P(first): "
            + ", ".join(
                f"{mid} {p_before[mid]:.0%} -> {p:.0%}" if mid in p_before else f"{mid} {p:.0%} (new)"
                for mid, _, p in self.after
            )
        )
        return out


def _top(evaluation: Evaluation, top: int) -> list[tuple[str, str, float]]:
    return [(i.id, i.rank_label, i.p_first) for i in evaluation.shortlist[:top]]


def compare(before: Evaluation, after: Evaluation, criterion: str, *, top: int = 5, mock: bool = False) -> RankChange:
    """What changed when the team's criterion joined the ranking."""
    weight = after.rubric.domain.weights.get(criterion, 0.0)
    return RankChange(criterion, _top(before, top), _top(after, top), weight, mock)


# ----------------------------------------------------------------------- import and record


def display_path(path: Path) -> str:
    """A path relative to the current folder when it is under it (as records store evidence paths)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def domain_test_section(task: TaskFolder, logs: list[tuple[str, Path]], *, mock: bool) -> dict[str, Any]:
    """What a decision record carries about the domain test: the task, its files and each log, with hashes."""
    samples = task.folder / "samples.jsonl"
    return {
        "task": task.name,
        "criterion": f"team:{criterion_slug(task.name)}",
        "file": display_path(task.task_file),
        "sha256": _sha256(task.task_file),
        "samples": display_path(samples),
        "samples_sha256": _sha256(samples),
        "scorer": task.scorer.describe(),
        "mock": mock,
        "logs": [{"model_id": mid, "path": display_path(p), "sha256": _sha256(p)} for mid, p in logs],
    }


def criterion_slug(name: str) -> str:
    """The criterion id part evidence import gives a task name (``support_tickets`` stays as it is)."""
    return re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-") or "criterion"


def rerank(
    session: Session, rubric: Rubric, logs: list[Path], *, seed: int = 0, top: int = 5, criterion: str, mock: bool
) -> tuple[Session, Evaluation, Evaluation, RankChange]:
    """Import the logs as evidence and rank again; the ranking without them is the 'before'."""
    before = session.evaluate(rubric, seed=seed)
    with_logs = session.with_evidence([Path(display_path(p)) for p in logs])
    after = with_logs.evaluate(rubric, seed=seed)
    return with_logs, before, after, compare(before, after, criterion, top=top, mock=mock)
