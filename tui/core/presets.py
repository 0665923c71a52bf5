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


def scan_folder(source: PresetSource) -> dict[str, PresetFile]:
    """Every preset in one folder, keyed by id; a duplicate id is an error."""
    found: dict[str, PresetFile] = {}
    if not source.folder.is_dir():
        return found
    for path in sorted(source.folder.glob("*.toml")):
        if not _inside(path, source.folder):
            raise InputError("preset is a link that points outside its folder", path=path)
        data = read_toml(path)
        preset_id = data.get("id")
        if not isinstance(preset_id, str):
            raise InputError("missing required field 'id'", path=path)
        if preset_id in found:
            raise InputError(
                f"duplicate preset id {preset_id!r} (also in {found[preset_id].path.name})",
                path=path,
            )
        found[preset_id] = PresetFile(
            id=preset_id,
            version=str(data.get("version", "?")),
            name=str(data.get("name", "")),
            description=str(data.get("description", "")),
            path=path,
            origin=source.origin,
            extends=data.get("extends"),
        )
    return found


def list_presets(cwd: Path | None = None) -> list[PresetFile]:
    """Every preset on the search path; later duplicates are listed as shadowed."""
    winners: dict[str, PresetFile] = {}
    shadowed: dict[str, list[str]] = {}
    out: list[PresetFile] = []
    for source in search_path(cwd):
        for preset in scan_folder(source).values():
            if preset.id in winners:
                shadowed.setdefault(preset.id, []).append(f"{preset.origin}:{preset.path}")
                out.append(preset)
            else:
                winners[preset.id] = preset
                out.append(preset)
    result = []
    for preset in out:
        if winners[preset.id] is preset and preset.id in shadowed:
            preset = PresetFile(**{**preset.__dict__, "shadows": tuple(shadowed[preset.id])})
        result.append(preset)
    return result


def _find_by_name(name: str, cwd: Path | None) -> tuple[PresetFile, list[PresetFile]]:
    if not NAME_RE.match(name):
        raise InputError(
            f"preset name {name!r} is not a plain name (letters, digits, '.', '_', '-'); "
            "give a path to a .toml file instead"
        )
    matches = [
        preset
        for source in search_path(cwd)
        for preset in scan_folder(source).values()
        if preset.id == name
    ]
    if not matches:
        available = sorted({p.id for p in list_presets(cwd)})
        import difflib

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
            as_path = (cwd / as_path)
        if not as_path.is_file():
            raise InputError("rubric file not found", path=as_path)
        leaf_path, origin = as_path, "file"
    else:
        found, shadowed = _find_by_name(spec, cwd)
        leaf_path, origin = found.path, found.origin
        for other in shadowed:
            warnings.append(
                f"preset {spec!r} from {found.origin} ({found.path}) shadows the one in "
                f"{other.origin} ({other.path})"
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
    locks: dict[str, Lock] = {}
    for data, file_path in reversed(chain_files):
        body = {k: v for k, v in data.items() if k != "locks"}
        after = copy.deepcopy(merged)
        _deep_merge(after, body)
        for dotted, lock in locks.items():
            if get_field(data, dotted) is not None and loosens(dotted, get_field(merged, dotted), get_field(after, dotted)):
                raise InputError(
                    f"{dotted} is locked by {lock.owner} ({lock.reason}); this preset may "
                    "tighten it but not loosen it",
                    path=file_path,
                )
        merged = after
        for lock_data in data.get("locks", []) or []:
            lock = Lock.model_validate(lock_data)
            locks.setdefault(lock.field, lock)
    leaf_data, _ = chain_files[0]
    merged["id"] = leaf_data["id"]
    merged["version"] = leaf_data["version"]
    merged["extends"] = leaf_data.get("extends")
    for key in ("name", "description"):
        merged[key] = leaf_data.get(key, merged.get(key, ""))
    merged["locks"] = [lock.model_dump() for lock in locks.values()]

    if overrides:
        for dotted, value in overrides.items():
            if dotted in locks and loosens(dotted, get_field(merged, dotted), value):
                lock = locks[dotted]
                raise InputError(
                    f"--set {dotted}: locked by {lock.owner} ({lock.reason}); it can be "
                    "tightened but not loosened"
                )
            _set_field(merged, dotted, value)

    rubric: Rubric = validate_file(Rubric, merged, leaf_path)
    chain = tuple(f"{d['id']}@{d['version']}" for d, _ in chain_files)
    return ResolvedRubric(
        rubric=rubric,
        chain=chain,
        path=leaf_path,
        origin=origin,
        locks=tuple(locks.values()),
        warnings=tuple(warnings),
    )


def _set_field(data: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    node = data
    for part in parts[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise InputError(f"--set {dotted}: {part} is not a table")
    node[parts[-1]] = value


def rubric_from_dict(data: dict[str, Any], source: str = "record") -> Rubric:
    """Validate a fully resolved rubric stored in a record or a draft."""
    return validate_file(Rubric, data, Path(source))
