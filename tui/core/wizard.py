"""The wizard's state as one frozen value, with pure transitions and autosave.

The Textual layer keeps a :class:`WizardState` and replaces it on every edit; nothing in
here knows about widgets. Autosave writes the state as JSON (atomically) to the user data
folder, so a crash or a kill loses nothing the user typed. A draft that cannot be read
back (corrupt, unreadable, invalid, or written by a newer shortlist) is moved aside, never
deleted, and the start screen says so.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from tui.core.errors import InputError, explain_validation_error
from tui.core.paths import atomic_write, draft_path
from tui.core.rubric import Lock, Rubric, get_field, loosens

if TYPE_CHECKING:
    from tui.core.presets import ResolvedRubric

STEP_NAMES = ("openness", "baselines", "domain", "practical", "shortlist")
STEP_LABELS = ("Openness", "Baselines", "Domain", "Practical", "Shortlist")
DRAFT_VERSION = 2
MAX_DRAFT_BYTES = 4 * 1024 * 1024

PROFILES: dict[str, dict[str, float]] = {
    "coding": {"swe_bench_verified": 1.0, "livecodebench": 1.0, "aider_polyglot": 1.0},
    "agents": {"swe_bench_verified": 1.0, "terminal_bench": 1.0, "ifeval": 0.5},
    "maths and reasoning": {"gpqa_diamond": 1.0, "otis_mock_aime": 1.0, "frontiermath": 0.5},
    "knowledge QA": {"mmlu_pro": 1.0, "gpqa_diamond": 0.5, "hle": 0.5},
    "factuality-critical": {"simpleqa": 1.0, "truthfulqa": 0.5},
    "instruction following": {"ifeval": 1.0},
    "general assistant": {"livebench": 1.0, "mmlu_pro": 0.5, "ifeval": 0.5},
}
"""Use-case profiles, on current, unsaturated benchmarks. Ticking a profile adds its weights to
the current ones; unticking subtracts the same weights (never below zero), so the user's own
edits survive and untick undoes tick. Benchmarks a catalogue does not carry are left out."""


class LockedError(InputError):
    """An edit would loosen a field a preset locked."""


def profile_weights(profiles: list[str], known: set[str] | None = None) -> dict[str, float]:
    """The summed benchmark weights of the selected profiles (only ``known`` benchmarks)."""
    out: dict[str, float] = {}
    for name in profiles:
        for bench, weight in PROFILES[name].items():
            if known is None or bench in known:
                out[bench] = out.get(bench, 0.0) + weight
    return out


def toggle_profile(weights: dict[str, float], name: str, on: bool, known: set[str] | None = None) -> dict[str, float]:
    """``weights`` with a profile's weights added (``on``) or taken away again (never below zero)."""
    out = dict(weights)
    for bench, weight in PROFILES[name].items():
        if known is not None and bench not in known:
            continue
        new = out.get(bench, 0.0) + (weight if on else -weight)
        if new > 1e-9:
            out[bench] = round(new, 9)
        else:
            out.pop(bench, None)
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
    lock_values: dict[str, Any] = field(default_factory=dict)
    """Locked field -> the loosest value the lock allows (the locking preset's value)."""
    warnings: tuple[str, ...] = ()
    """Warnings from resolving the preset (shadowing, retired settings)."""
    step: int = 0
    evidence: tuple[str, ...] = ()
    aliases: str | None = None
    saved_at: str = ""
    problems: dict[str, str] = field(default_factory=dict)
    """Field -> message, for inputs whose text does not validate (or is locked) yet."""

    @classmethod
    def start(cls, resolved: ResolvedRubric) -> WizardState:
        """A new decision from a resolved preset."""
        return cls(
            rubric=resolved.rubric,
            preset_ref=resolved.rubric.ref,
            chain=resolved.chain,
            locks=resolved.locks,
            lock_values=dict(resolved.lock_values),
            warnings=resolved.warnings,
        )

    def resolved(self) -> ResolvedRubric:
        """The state's rubric as a resolution: what the use-case layer evaluates and records."""
        from tui.core.workflow import resolved_for

        return resolved_for(self.rubric, self.chain, self.locks, self.warnings)

    @property
    def step_name(self) -> str:
        """The current step's name."""
        return STEP_NAMES[self.step]

    def locked(self, dotted: str) -> Lock | None:
        """The lock on a field, if a preset locked it."""
        return next((lock for lock in self.locks if lock.field == dotted), None)

    def with_field(self, dotted: str, value: Any) -> WizardState:
        """A new state with one rubric field changed.

        Raises LockedError when the value would loosen a locked field (checked against the
        locking preset's value, so tightening in several keystrokes works), InputError when
        the rubric would not validate.
        """
        data = self.rubric.model_dump(mode="json", by_alias=True)
        new = set_field(data, dotted, value)
        for lock in self.locks:
            baseline = self.lock_values.get(lock.field, get_field(data, lock.field))
            if loosens(lock.field, baseline, get_field(new, lock.field)):
                raise LockedError(f"locked by {lock.owner}: {lock.reason} (may be tightened, not loosened)")
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
        prefix = {
            "openness": "openness.",
            "baselines": "baselines.",
            "domain": "domain.",
            "practical": "practical.",
        }.get(name, "~")
        return [
            f"{k.rsplit('.', 1)[-1].replace('_', ' ')}: {v}" for k, v in self.problems.items() if k.startswith(prefix)
        ]

    def go(self, step: int) -> WizardState:
        """Move to a step (0-4)."""
        return replace(self, step=max(0, min(step, len(STEP_NAMES) - 1)))

    # ---------------------------------------------------------------- autosave

    def to_json(self) -> str:
        """The autosave document (strict JSON)."""
        return json.dumps(
            {
                "draft_version": DRAFT_VERSION,
                "saved_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "preset_ref": self.preset_ref,
                "chain": list(self.chain),
                "locks": [lock.model_dump() for lock in self.locks],
                "lock_values": self.lock_values,
                "warnings": list(self.warnings),
                "step": self.step,
                "evidence": list(self.evidence),
                "aliases": self.aliases,
                "rubric": self.rubric.model_dump(mode="json", by_alias=True),
            },
            indent=2,
            allow_nan=False,
        )

    @classmethod
    def from_json(cls, text: str, path: Path | None = None) -> WizardState:
        """Restore a state from an autosave document; InputError says what is wrong."""
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise InputError(f"draft is not valid JSON ({type(exc).__name__})", path=path) from None
        if not isinstance(data, dict):
            raise InputError("draft is not a JSON object", path=path)
        version = data.get("draft_version")
        if isinstance(version, int) and version > DRAFT_VERSION:
            raise InputError("draft was written by a newer shortlist", path=path)
        try:
            rubric = Rubric.model_validate(data["rubric"])
            step = data.get("step", 0)
            if not isinstance(step, int) or isinstance(step, bool) or not 0 <= step < len(STEP_NAMES):
                raise ValueError("step")
            evidence = data.get("evidence", [])
            if not isinstance(evidence, list) or not all(isinstance(e, str) for e in evidence):
                raise ValueError("evidence")
            aliases = data.get("aliases")
            if aliases is not None and not isinstance(aliases, str):
                raise ValueError("aliases")
            lock_values = data.get("lock_values", {})
            if not isinstance(lock_values, dict):
                raise ValueError("lock_values")
            return cls(
                rubric=rubric,
                preset_ref=data.get("preset_ref") if isinstance(data.get("preset_ref"), str) else None,
                chain=tuple(str(c) for c in data.get("chain", [])),
                locks=tuple(Lock.model_validate(lock) for lock in data.get("locks", [])),
                lock_values=lock_values,
                warnings=tuple(str(w) for w in data.get("warnings", [])),
                step=step,
                evidence=tuple(evidence),
                aliases=aliases,
                saved_at=str(data.get("saved_at", "")),
            )
        except (ValueError, KeyError, TypeError, ValidationError) as exc:
            what = exc.args[0] if isinstance(exc, ValueError) and exc.args and isinstance(exc.args[0], str) else ""
            detail = f"field {what!r} is invalid" if what and len(what) < 20 else type(exc).__name__
            raise InputError(f"draft cannot be restored ({detail})", path=path) from None


@dataclass(frozen=True)
class DraftLoad:
    """What the start screen learns about the draft."""

    state: WizardState | None
    message: str | None = None
    """One line when a draft was moved aside (corrupt, unreadable, invalid or newer)."""


def save_draft(state: WizardState, path: Path | None = None) -> Path:
    """Autosave the state (atomic write)."""
    path = path or draft_path()
    atomic_write(path, state.to_json())
    return path


def _move_aside(path: Path, why: str) -> str:
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.stem}.{why}-{stamp}{path.suffix}")
    count = 1
    while target.exists():  # never replace an earlier one
        count += 1
        target = path.with_name(f"{path.stem}.{why}-{stamp}-{count}{path.suffix}")
    try:
        os.replace(path, target)
    except OSError as exc:
        return f"the autosaved draft {path} could not be read or moved aside ({exc.strerror}); it was left as it is"
    return f"the autosaved draft could not be restored ({why}); it was kept as {target}"


def load_draft(path: Path | None = None) -> DraftLoad:
    """The autosaved state; a draft that cannot be restored is moved aside with a message."""
    path = path or draft_path()
    try:
        if not path.is_file():
            return DraftLoad(None)
        if path.stat().st_size > MAX_DRAFT_BYTES:
            return DraftLoad(None, _move_aside(path, "too-large"))
        text = path.read_text(encoding="utf-8")
    except PermissionError:
        return DraftLoad(
            None, f"the autosaved draft {path} cannot be read (permission denied); fix its permissions to resume it"
        )
    except (OSError, UnicodeDecodeError):
        return DraftLoad(None, _move_aside(path, "corrupt"))
    try:
        return DraftLoad(WizardState.from_json(text, path))
    except InputError as exc:
        why = "newer" if "newer" in exc.detail else "corrupt"
        return DraftLoad(None, _move_aside(path, why) + f": {exc.detail}")


def discard_draft(path: Path | None = None) -> None:
    """Remove the autosave (when the user starts a new decision)."""
    path = path or draft_path()
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
