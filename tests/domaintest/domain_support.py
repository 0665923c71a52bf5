"""Shared pieces of the domain-test tests: a catalogue with inspect_ai routes of every kind, a task folder.

Test modules import these from here, not from ``conftest``: another test folder's conftest can
be the module of that name first, so ``from conftest import ...`` depends on collection order.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from factory import SRC, entry, write_catalog

RUBRIC = 'id = "team-test"\nversion = "1.0.0"\n[domain]\nweights = { mmlu = 1 }\n'


def route(model: str, kind: str = "api") -> dict:
    return {"model": model, "route": kind, "source": SRC, "as_of": dt.date(2025, 1, 1)}


def third_party(price_in: float, price_out: float) -> dict:
    return {
        "provider": "Cheap Host",
        "first_party": False,
        "input_usd_per_mtok": price_in,
        "output_usd_per_mtok": price_out,
        "source": SRC,
        "as_of": dt.date(2025, 1, 1),
    }


def domain_catalogue(folder: Path) -> Path:
    """alpha (openai, $1/$2), beta (anthropic $3/$15 first-party + a cheaper third party, and a
    vllm route), gamma (self-hosted ollama only, no price), delta (no inspect name)."""
    beta = entry(
        "beta",
        scores={"mmlu": 78},
        price=(3.0, 15.0),
        inspect=[route("anthropic/beta"), route("vllm/org/beta", "self-hosted")],
    )
    beta["prices"].append(third_party(0.5, 1.0))
    write_catalog(
        folder,
        [
            entry("alpha", scores={"mmlu": 80}, price=(1.0, 2.0), inspect=[route("openai/alpha")]),
            beta,
            entry("gamma", scores={"mmlu": 76}, price=None, inspect=[route("ollama/gamma", "self-hosted")]),
            entry("delta", scores={"mmlu": 74}, price=(0.1, 0.2)),
        ],
    )
    return folder


def small_task(
    folder: Path, *, examples: int = 3, output_tokens: int = 100, scorer: str = "includes", **extra: str
) -> Path:
    """A task folder with known sizes: a 40-character system prompt and 80-character inputs (30 tokens each)."""
    from tui.core.domaintest import Example, Scorer, write_task_folder

    rows = [Example(input="x" * 79 + str(i), target=f"t{i}", id=f"e{i}") for i in range(examples)]
    write_task_folder(folder, rows, Scorer(scorer, **extra), system_prompt="S" * 40)
    settings = folder / "shortlist.toml"
    settings.write_text(settings.read_text().replace("output_tokens = 256", f"output_tokens = {output_tokens}"))
    return folder
