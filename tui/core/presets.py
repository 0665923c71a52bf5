"""Find rubric presets, resolve inheritance, and enforce locks.

Presets are looked up in this order, and the first match wins:

1. a path given on the command line (``--rubric ./team.toml``);
2. each folder in ``SHORTLIST_RUBRICS`` (an ``os.pathsep``-separated list);
3. the nearest ``.shortlist/rubrics/`` walking up from the current folder (a team repo);
4. the user's config folder (``<config>/rubrics``);
5. the presets bundled with shortlist.

A name found in more than one place is never shadowed silently: the resolved rubric
carries a warning, and ``shortlist rubric list`` shows what shadows what.
"""

from __future__ import annotations

import copy
import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.core import paths
from tui.core.errors import InputError, read_toml, validate_file
from tui.core.resources import bundled_rubrics_root
from tui.core.rubric import LOCKABLE, Lock, Rubric, get_field, loosens

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass(frozen=True)
class PresetSource:
    """One folder presets are read from, with a label for listings."""

    origin: str
    folder: Path


@dataclass(frozen=True)
class PresetFile:
    """A preset file found during discovery."""

    id: str
    version: str
    name: str
    description: str
    path: Path
    origin: str
    extends: str | None
    shadows: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResolvedRubric:
    """A rubric with inheritance applied, plus where every part came from."""

    rubric: Rubric
    chain: tuple[str, ...]
    """id@version of the preset and each ancestor, nearest first."""
    path: Path | None
    origin: str
    locks: tuple[Lock, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    lock_values: dict[str, Any] = field(default_factory=dict)
    """Locked field -> its value in the preset that locked it: the loosest value allowed."""

    @property
    def locked_fields(self) -> dict[str, Lock]:
        """Locked dotted field -> the lock."""
        return {lock.field: lock for lock in self.locks}


def search_path(cwd: Path | None = None) -> list[PresetSource]:
    """The folders presets are discovered in, highest priority first."""
    sources: list[PresetSource] = []
    for raw in os.environ.get("SHORTLIST_RUBRICS", "").split(os.pathsep):
        if raw.strip():
            sources.append(PresetSource("SHORTLIST_RUBRICS", Path(raw).expanduser()))
    project = paths.project_rubrics_dir(cwd)
    if project is not None:
        sources.append(PresetSource("project", project))
    sources.append(PresetSource("user", paths.user_rubrics_dir()))
    sources.append(PresetSource("bundled", bundled_rubrics_root()))
    unique: list[PresetSource] = []
    seen: set[Path] = set()
    for source in sources:  # a folder listed twice must not shadow itself
        key = source.folder.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(source)
    return unique


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def scan_folder(source: PresetSource, problems: list[str] | None = None) -> dict[str, PresetFile]:
    """Every readable preset in one folder, keyed by id.

    A file that cannot be read, does not parse, links outside the folder or repeats an id
    is skipped and described in ``problems`` (one line each): one broken file never
    blocks the other presets. Without ``problems`` the first such file raises instead.
    """
    found: dict[str, PresetFile] = {}
    try:
        if not source.folder.is_dir():
            return found
        paths = sorted(source.folder.glob("*.toml"))
    except OSError as exc:
        _problem(problems, InputError(f"cannot list presets ({exc.strerror})", path=source.folder))
        return found
    for path in paths:
        try:
            preset = _read_preset_header(path, source)
        except InputError as exc:
            _problem(problems, exc)
            continue
        if preset.id in found:
            _problem(
                problems,
                InputError(
                    f"duplicate preset id {preset.id!r} (also in {found[preset.id].path.name}); this file is ignored",
                    path=path,
                ),
            )
            continue
        found[preset.id] = preset
    return found


def _problem(problems: list[str] | None, exc: InputError) -> None:
    if problems is None:
        raise exc
    problems.append(f"{exc}; skipped")


def _read_preset_header(path: Path, source: PresetSource) -> PresetFile:
    if not _inside(path, source.folder):
        raise InputError("preset is a link that points outside its folder", path=path)
    data = read_toml(path)
    preset_id = data.get("id")
    if not isinstance(preset_id, str):
        raise InputError("missing required field 'id'", path=path)
    extends = data.get("extends")
    return PresetFile(
        id=preset_id,
        version=str(data.get("version", "?")),
        name=str(data.get("name", "")),
        description=str(data.get("description", "")),
        path=path,
        origin=source.origin,
        extends=extends if isinstance(extends, str) else None,
    )


def list_presets(cwd: Path | None = None, *, with_problems: bool = False) -> Any:
    """Every preset on the search path; later duplicates are listed as shadowed.

    With ``with_problems`` returns (presets, problem lines) and skips broken files;
    without, a broken file raises.
    """
    problems: list[str] = []
    winners: dict[str, PresetFile] = {}
    shadowed: dict[str, list[str]] = {}
    out: list[PresetFile] = []
    for source in search_path(cwd):
        for preset in scan_folder(source, problems).values():
            if preset.id in winners:
                shadowed.setdefault(preset.id, []).append(f"{preset.origin}:{preset.path}")
            else:
                winners[preset.id] = preset
            out.append(preset)
    result = []
    for preset in out:
        if winners[preset.id] is preset and preset.id in shadowed:
            preset = PresetFile(**{**preset.__dict__, "shadows": tuple(shadowed[preset.id])})
        result.append(preset)
    if with_problems:
        return result, problems
    if problems:
        raise InputError(problems[0].removesuffix("; skipped"))
    return result


def _find_by_name(name: str, cwd: Path | None) -> tuple[PresetFile, list[PresetFile]]:
    if not NAME_RE.match(name):
        raise InputError(
            f"preset name {name!r} is not a plain name (letters, digits, '.', '_', '-'); "
            "give a path to a .toml file instead"
        )
    problems: list[str] = []
    matches = []
    broken: list[str] = []
    for source in search_path(cwd):
        before = len(problems)
        found = scan_folder(source, problems)
        if name in found:
            matches.append(found[name])
        broken += [
            line
            for line in problems[before:]
            if f"/{name}.toml" in line or f"\\{name}.toml" in line or f"duplicate preset id {name!r}" in line
        ]
    if broken and (not matches or any("duplicate preset id" in line for line in broken)):
        # the preset the user named is the broken (or ambiguous) one: say why
        raise InputError(broken[0].removesuffix("; skipped").removesuffix("; this file is ignored"))
    if not matches:
        available = sorted({p.id for p in list_presets(cwd, with_problems=True)[0]})
        close = difflib.get_close_matches(name, available, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; available: {', '.join(available)}"
        raise InputError(f"no rubric preset named {name!r}{hint}")
    return matches[0], matches[1:]


_BASE = {"domain": {"openness_weight": 1.0}}
"""A minimal valid body, so a partial child file can be type-checked on its own."""


def _check_file(data: dict[str, Any], path: Path) -> None:
    """Type-check one preset file alone (unknown keys, wrong types, bad values)."""
    probe = copy.deepcopy(_BASE)
    _deep_merge(probe, data)
    validate_file(Rubric, probe, path)
    for index, lock in enumerate(data.get("locks", []) or []):
        if isinstance(lock, dict) and lock.get("field") not in LOCKABLE:
            import difflib

            close = difflib.get_close_matches(str(lock.get("field")), sorted(LOCKABLE), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise InputError(f"locks[{index}].field {lock.get('field')!r} cannot be locked{hint}", path=path)


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> None:
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _deep_merge(base[key], value)
        else:
            base[key] = copy.deepcopy(value)


def resolve(spec: str, cwd: Path | None = None, overrides: dict[str, Any] | None = None) -> ResolvedRubric:
    """Resolve ``--rubric NAME|PATH`` into a full rubric with inheritance and locks applied.

    ``overrides`` are dotted-field changes from the command line; they may tighten a
    locked field but never loosen it.
    """
    cwd = cwd or Path.cwd()
    warnings: list[str] = []
    as_path = Path(spec).expanduser()
    if spec.endswith(".toml") or os.sep in spec or "/" in spec:
        if not as_path.is_absolute():
            as_path = cwd / as_path
        if not as_path.is_file():
            raise InputError("rubric file not found", path=as_path)
        leaf_path, origin = as_path, "file"
    else:
        found, shadowed = _find_by_name(spec, cwd)
        leaf_path, origin = found.path, found.origin
        for other in shadowed:
            warnings.append(
                f"preset {spec!r} from {found.origin} ({found.path}) shadows the one in {other.origin} ({other.path})"
            )

    chain_files: list[tuple[dict[str, Any], Path]] = []
    seen: list[str] = []
    path: Path | None = leaf_path
    while path is not None:
        data = read_toml(path)
        _check_file(data, path)
        preset_id = data["id"]
        if preset_id in seen:
            loop = " -> ".join([*seen, preset_id])
            raise InputError(f"inheritance cycle: {loop}", path=path)
        seen.append(preset_id)
        chain_files.append((data, path))
        parent = data.get("extends")
        if parent is None:
            path = None
            continue
        if not isinstance(parent, str) or not NAME_RE.match(parent):
            chain = " -> ".join([*seen, str(parent)])
            raise InputError(f"extends {parent!r} is not a plain preset name (chain: {chain})", path=path)
        try:
            parent_file, _ = _find_by_name(parent, cwd)
        except InputError:
            chain = " -> ".join([*seen, parent])
            raise InputError(f"missing parent preset {parent!r} (chain: {chain})", path=path) from None
        if parent_file.path.resolve() == path.resolve():
            raise InputError(f"inheritance cycle: {preset_id} -> {parent}", path=path)
        path = parent_file.path

    merged: dict[str, Any] = {}
    locks: dict[str, tuple[Lock, Any]] = {}
    """field -> (the lock, the field's value in the preset that declared it)."""
    for data, file_path in reversed(chain_files):
        _deep_merge(merged, {k: v for k, v in data.items() if k != "locks"})
        _check_locks(
            locks,
            merged,
            lambda dotted, lock, file_path=file_path: InputError(
                f"{dotted} is locked by {lock.owner} ({lock.reason}); this preset may tighten it but not loosen it",
                path=file_path,
            ),
        )
        for lock_data in data.get("locks", []) or []:
            lock = Lock.model_validate(lock_data)
            if lock.field not in locks:
                locks[lock.field] = (lock, copy.deepcopy(get_field(_effective(merged), lock.field)))
    if get_field(merged, "policy.missing_in_ranking") == "renormalise":
        warnings.append(
            "policy.missing_in_ranking = 'renormalise' is retired: it ranked a model only on what it "
            "reported, which rewarded leaving out hard benchmarks. Missing scores are now estimated; "
            "remove the line (or use 'bottom')"
        )
    leaf_data, _ = chain_files[0]
    merged["id"] = leaf_data["id"]
    merged["version"] = leaf_data["version"]
    merged["extends"] = leaf_data.get("extends")
    for key in ("name", "description"):
        merged[key] = leaf_data.get(key, merged.get(key, ""))
    merged["locks"] = [lock.model_dump() for lock, _ in locks.values()]
    rubric: Rubric = validate_file(Rubric, merged, leaf_path)

    for dotted, value in (overrides or {}).items():
        shown = f"--set {dotted}={_show(value)}"
        _set_field(merged, dotted, value, shown)
        _check_locks(
            locks,
            merged,
            lambda field, lock, shown=shown: InputError(
                f"{shown}: loosens {field}, which is locked by {lock.owner} ({lock.reason}); it can be tightened but "
                "not loosened"
            ),
        )
        rubric = _validate_override(merged, shown)
    refs = tuple(f"{d['id']}@{d['version']}" for d, _ in chain_files)
    return ResolvedRubric(
        rubric=rubric,
        chain=refs,
        path=leaf_path,
        origin=origin,
        locks=tuple(lock for lock, _ in locks.values()),
        warnings=tuple(warnings),
        lock_values={f: copy.deepcopy(v) for f, (_, v) in locks.items()},
    )


def _defaults() -> dict[str, Any]:
    """Every section of a rubric at its default values."""
    from tui.core.rubric import Baselines, Domain, OpennessPolicy, Policy, Practical

    return {
        "openness": OpennessPolicy().model_dump(mode="json"),
        "baselines": Baselines().model_dump(mode="json"),
        "domain": Domain().model_dump(mode="json"),
        "practical": Practical().model_dump(mode="json"),
        "policy": Policy().model_dump(mode="json"),
    }


def _effective(merged: dict[str, Any]) -> dict[str, Any]:
    """The merged body with defaults filled in: what each field means once the rubric is read."""
    out = _defaults()
    for key, value in merged.items():
        if key in out and isinstance(value, dict):
            _deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _check_locks(locks: dict[str, tuple[Lock, Any]], merged: dict[str, Any], error: Any) -> None:
    """Raise ``error(field, lock)`` when the merged rubric loosens any locked field."""
    if not locks:
        return
    effective = _effective(merged)
    for dotted, (lock, baseline) in locks.items():
        try:
            looser = loosens(dotted, baseline, get_field(effective, dotted))
        except (TypeError, ValueError, KeyError, AttributeError):
            looser = True  # a value of the wrong shape is caught by validation; never let it pass a lock
        if looser:
            raise error(dotted, lock)


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:37] + "..."


def _validate_override(merged: dict[str, Any], shown: str) -> Rubric:
    from pydantic import ValidationError

    from tui.core.errors import explain_validation_error

    try:
        return Rubric.model_validate(merged)
    except ValidationError as exc:
        raise InputError(f"{shown}: {explain_validation_error(exc, Rubric, None).detail}") from None


def _set_field(data: dict[str, Any], dotted: str, value: Any, shown: str) -> None:
    parts = dotted.split(".")
    if dotted in {"id", "version", "extends", "locks", "schema_version"} or not all(parts):
        raise InputError(f"{shown}: {dotted or 'an empty field'} cannot be set from the command line")
    node = data
    for part in parts[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise InputError(f"{shown}: {part} is not a table")
    node[parts[-1]] = value


def rubric_from_dict(data: dict[str, Any], source: str = "record") -> Rubric:
    """Validate a fully resolved rubric stored in a record or a draft."""
    rubric: Rubric = validate_file(Rubric, data, Path(source))
    return rubric
