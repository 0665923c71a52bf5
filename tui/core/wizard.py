"""The wizard's state as one frozen value, with pure transitions and autosave.

The Textual layer keeps a :class:`WizardState` and replaces it on every edit; nothing in
here knows about widgets. Autosave writes the state as JSON (atomically) to the user data
folder, so a crash or a kill loses nothing the user typed.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tui.core.errors import InputError, explain_validation_error
from tui.core.paths import atomic_write, draft_path
from tui.core.rubric import Lock, Rubric, loosens

STEP_NAMES = ("openness", "baselines", "domain", "practical", "shortlist")
STEP_LABELS = ("Openness", "Baselines", "Domain", "Practical", "Shortlist")
DRAFT_VERSION = 1

PROFILES: dict[str, dict[str, float]] = {
    "coding": {"humaneval": 2.0, "swe_bench_verified": 2.0, "mmlu_pro": 0.5},
    "maths and reasoning": {"gsm8k": 1.0, "math_lvl5": 1.5, "gpqa_diamond": 1.5, "bbh": 1.0},
    "knowledge QA": {"mmlu": 1.0, "mmlu_pro": 1.5, "gpqa_diamond": 1.0},
    "factuality-critical": {"truthfulqa": 2.0, "mmlu_pro": 1.0, "gpqa_diamond": 0.5},
    "instruction following": {"ifeval": 2.0},
    "agents": {"swe_bench_verified": 2.0, "ifeval": 1.0, "gpqa_diamond": 0.5},
}
"""Use-case profiles: each sets benchmark weights; weights stay editable afterwards."""


def profile_weights(profiles: list[str]) -> dict[str, float]:
    """The summed benchmark weights of the selected profiles."""
    out: dict[str, float] = {}
    for name in profiles:
        for bench, weight in PROFILES[name].items():
            out[bench] = out.get(bench, 0.0) + weight
    return out


def set_field(data: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``data`` with one dotted field replaced (None removes it)."""
    out = copy.deepcopy(data)
    node = out
    parts = dotted.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    if value is None:
        node.pop(parts[-1], None)
    else:
        node[parts[-1]] = value
    return out


@dataclass(frozen=True)
class WizardState:
    """Everything the user has chosen so far."""

    rubric: Rubric
    preset_ref: str | None = None
    chain: tuple[str, ...] = ()
    locks: tuple[Lock, ...] = ()
    step: int = 0
    evidence: tuple[str, ...] = ()
    saved_at: str = ""
    problems: dict[str, str] = field(default_factory=dict)
    """Field -> message, for inputs whose text does not validate yet."""

    @property
    def step_name(self) -> str:
        """The current step's name."""
        return STEP_NAMES[self.step]

    def locked(self, dotted: str) -> Lock | None:
        """The lock on a field, if a preset locked it."""
        return next((lock for lock in self.locks if lock.field == dotted), None)

    def with_field(self, dotted: str, value: Any) -> WizardState:
        """A new state with one rubric field changed; raises InputError if invalid or locked-loosening."""
        lock = self.locked(dotted)
        data = self.rubric.model_dump(mode="json", by_alias=True)
        if lock is not None:
            current = _get(data, dotted)
            if loosens(dotted, current, value):
                raise InputError(f"locked by {lock.owner}: {lock.reason}")
        new = set_field(data, dotted, value)
        try:
            rubric = Rubric.model_validate(new)
        except ValidationError as exc:
            raise InputError(explain_validation_error(exc, Rubric, None).detail) from None
        problems = {k: v for k, v in self.problems.items() if k != dotted}
        return replace(self, rubric=rubric, problems=problems)

    def with_problem(self, dotted: str, message: str | None) -> WizardState:
        """Record (or clear) an inline validation problem for a field."""
        problems = dict(self.problems)
        if message:
            problems[dotted] = message
        else:
            problems.pop(dotted, None)
        return replace(self, problems=problems)

    def step_problems(self, step: int | None = None) -> list[str]:
        """Problems that block leaving the given step."""
        name = STEP_NAMES[self.step if step is None else step]
        prefix = {"openness": "openness.", "baselines": "baselines.", "domain": "domain.",
                  "practical": "practical."}.get(name, "~")
        return [f"{k.rsplit('.', 1)[-1].replace('_', ' ')}: {v}" for k, v in self.problems.items() if k.startswith(prefix)]

    def go(self, step: int) -> WizardState:
        """Move to a step (0-4)."""
        return replace(self, step=max(0, min(step, len(STEP_NAMES) - 1)))

    # ---------------------------------------------------------------- autosave

    def to_json(self) -> str:
        """The autosave document."""
        return json.dumps({
            "draft_version": DRAFT_VERSION,
            "saved_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "preset_ref": self.preset_ref,
            "chain": list(self.chain),
            "locks": [lock.model_dump() for lock in self.locks],
            "step": self.step,
            "evidence": list(self.evidence),
            "rubric": self.rubric.model_dump(mode="json", by_alias=True),
        }, indent=2)

    @classmethod
    def from_json(cls, text: str, path: Path | None = None) -> WizardState:
        """Restore a state from an autosave document."""
        try:
            data = json.loads(text)
            if data.get("draft_version", 0) > DRAFT_VERSION:
                raise InputError("draft was written by a newer shortlist", path=path)
            rubric = Rubric.model_validate(data["rubric"])
            return cls(
                rubric=rubric,
                preset_ref=data.get("preset_ref"),
                chain=tuple(data.get("chain", [])),
                locks=tuple(Lock.model_validate(lock) for lock in data.get("locks", [])),
                step=int(data.get("step", 0)),
                evidence=tuple(data.get("evidence", [])),
                saved_at=str(data.get("saved_at", "")),
            )
        except (ValueError, KeyError, TypeError, ValidationError) as exc:
            raise InputError(f"draft cannot be restored ({type(exc).__name__})", path=path) from None


def _get(data: dict[str, Any], dotted: str) -> Any:
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def save_draft(state: WizardState, path: Path | None = None) -> Path:
    """Autosave the state (atomic write)."""
    path = path or draft_path()
    atomic_write(path, state.to_json())
    return path


def load_draft(path: Path | None = None) -> WizardState | None:
    """The autosaved state, or None when there is none."""
    path = path or draft_path()
    if not path.is_file():
        return None
    return WizardState.from_json(path.read_text(encoding="utf-8"), path)


def discard_draft(path: Path | None = None) -> None:
    """Remove the autosave (after a record is saved, or when the user starts afresh)."""
    path = path or draft_path()
    if path.is_file():
        path.unlink()
