"""Write rubric presets: a commented template (``shortlist rubric new``) and a full
resolved rubric (the wizard's "save as team preset").

Presets are written to one of two folders:

* ``project``: the team repository's ``.shortlist/rubrics/``. The nearest existing one,
  walking up from the current folder, is used (so a preset made in a subfolder lands
  next to the team's others rather than in a new folder that would hide them);
  when there is none, ``./.shortlist/rubrics/`` is created in the current folder.
* ``user``: the user's config folder (:func:`tui.core.paths.user_rubrics_dir`).

Nothing here overwrites a file unless asked to, and every refusal is one
:class:`~tui.core.errors.InputError` line.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from tui.core import paths
from tui.core.errors import InputError
from tui.core.presets import NAME_RE, PresetSource, _deep_merge, resolve, scan_folder
from tui.core.rubric import LOCKABLE, Rubric
from tui.core.schema import DIMENSIONS

WHERE = ("project", "user")


def _scalar(value: Any) -> str:
    """A TOML value as one line (tables inline)."""
    import tomlkit

    if isinstance(value, dict):
        table = tomlkit.inline_table()
        table.update(value)
        return str(table.as_string())
    return str(tomlkit.item(value).as_string())


SCHEMA_FILE = "rubric.schema.json"


def target_folder(where: str, cwd: Path | None = None) -> Path:
    """The folder a preset is written to for ``where`` ("project" or "user")."""
    if where == "user":
        return paths.user_rubrics_dir()
    if where == "project":
        here = (cwd or Path.cwd()).resolve()
        return paths.project_rubrics_dir(here) or here / ".shortlist" / "rubrics"
    raise InputError(f"unknown preset location {where!r}; expected 'project' or 'user'")


SCHEMA_REF = f"./{SCHEMA_FILE}"
"""What a written preset's ``#:schema`` line points at: the schema beside it, never a path into an install."""


def schema_text() -> str:
    """The JSON Schema of the preset format, as ``shortlist rubric schema`` prints it."""
    import json

    from tui.core.rubric import rubric_schema

    return json.dumps(rubric_schema(), indent=2) + "\n"


def write_schema(path: Path) -> None:
    """Write the JSON Schema to ``path`` atomically (replacing an older one)."""
    try:
        paths.atomic_write(path, schema_text())
    except OSError as exc:
        raise InputError(f"cannot write the schema ({exc.strerror or exc})", path=path) from None


def ensure_schema(folder: Path) -> Path | None:
    """Put ``rubric.schema.json`` in ``folder`` unless one is there; return its path when written.

    Presets point at it with ``#:schema ./rubric.schema.json``: a path that works for every
    clone of the team's repository, unlike a path into the author's virtual environment.
    An existing file is left alone (``shortlist rubric schema --out`` refreshes it).
    """
    path = folder / SCHEMA_FILE
    if path.exists() or path.is_symlink():
        return None
    try:
        paths.atomic_write(path, schema_text(), exclusive=True)
    except FileExistsError:
        return None  # another writer got there first; its file is the same schema
    except OSError as exc:
        raise InputError(f"cannot write the schema ({exc.strerror or exc})", path=path) from None
    return path


def _check_name(name: str, what: str = "preset name") -> None:
    if not isinstance(name, str) or len(name) > 80 or not NAME_RE.match(name):
        raise InputError(
            f"{what} {name!r} is not a plain name (lower-case letters, digits, '.', '_', '-'; "
            "starting with a letter or digit)"
        )


def _check_folder(folder: Path, preset_id: str, path: Path, where: str) -> None:
    """Refuse a second file with the same id in ``folder`` (discovery would reject it)."""
    if not folder.is_dir():
        return
    try:
        existing = scan_folder(PresetSource(where, folder))
    except InputError:
        return  # a broken neighbour is reported when it is used, not here
    other = existing.get(preset_id)
    if other is not None and other.path.resolve() != path.resolve():
        raise InputError(
            f"preset id {preset_id!r} is already used by {other.path.name} in this folder", path=other.path
        )


def _write(path: Path, text: str, *, overwrite: bool) -> None:
    try:
        paths.atomic_write(path, text, exclusive=not overwrite)
    except FileExistsError:
        raise InputError("file exists; it is never overwritten (choose another name or remove it)", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot write preset ({exc.strerror or exc})", path=path) from None


# ------------------------------------------------------------------ template


def _hint(section: str, key: str) -> str:
    """The field's help text from its docstring (the same text the wizard shows)."""
    from tui.core.fields import field_spec
    from tui.core.rubric import Rubric

    model = Rubric.model_fields[section].annotation
    spec = field_spec(model, key)  # type: ignore[arg-type]
    return (f"{spec.label}: {spec.help}" if spec.help else spec.label).rstrip(".")


_EXAMPLES: dict[str, Any] = {
    "openness.min_levels": {"weights": "inspectable", "license": "inspectable"},
    "openness.min_mof_class": "III",
    "baselines.thresholds": {"mmlu_pro": 50},
    "domain.weights": {"mmlu_pro": 1.0, "ifeval": 1.0},
    "domain.profiles": ["knowledge QA"],
    "practical.max_input_usd_per_mtok": 1.0,
    "practical.max_output_usd_per_mtok": 4.0,
    "practical.max_monthly_cost_usd": 500.0,
    "practical.min_context": 32768,
    "practical.gpu_memory_gb": 80.0,
    "practical.max_ttft_s": 2.0,
    "practical.quantisation_bits": 8,
}


def _example_value(section: str, key: str, value: Any) -> tuple[Any, bool]:
    """The value to show commented out, and whether it is the base's own value."""
    empty = value is None or value == {} or value == []
    if empty and f"{section}.{key}" in _EXAMPLES:
        return _EXAMPLES[f"{section}.{key}"], False
    return value, True


def template_text(name: str, base: str, base_rubric: Rubric, schema_ref: str | None = SCHEMA_REF) -> str:
    """The commented TOML template for a new preset ``name`` extending ``base``."""
    lines: list[str] = []
    if schema_ref:
        lines.append(f"#:schema {schema_ref}")
    lines += [
        f"# Rubric preset {name!r}, built on {base!r} ({base_rubric.ref}).",
        f"# Everything not set here is inherited from {base!r}. Each commented line shows the",
        f"# value {base!r} uses (or an example where it sets none): uncomment and change it.",
        "#",
        f"#   shortlist rubric check {name}          validate it",
        f"#   shortlist rubric diff {base} {name}     what differs after inheritance",
        f"#   shortlist run --rubric {name}          use it",
        "",
        "schema_version = 1",
        f"id = {_scalar(name)}",
        'version = "1.0.0"',
        f"name = {_scalar(name.replace('-', ' ').replace('_', ' ').capitalize())}",
        'description = ""  # who should pick this preset, in one to three plain sentences',
        f"extends = {_scalar(base)}",
    ]
    data = base_rubric.model_dump(mode="json", by_alias=True)
    steps = {
        "openness": "Step 1, openness: what a model must disclose and how it is licensed.",
        "baselines": "Step 2, baselines: minimum benchmark scores.",
        "domain": "Step 3, domain: what counts in the ranking.",
        "practical": "Step 4, practical: cost, context, deployment and latency limits.",
        "policy": "How missing and old data are treated, and how long the shortlist is.",
    }
    for section, title in steps.items():
        lines += ["", f"# {title}", f"# [{section}]"]
        for key, value in data[section].items():
            shown, own = _example_value(section, key, value)
            hint = _hint(section, key)
            note = "" if own else f"an example: {base} sets none"
            comment = "; ".join(part for part in (hint, note) if part)
            text = "<unset>" if shown is None else _scalar(shown)
            line = f"# {key} = {text}"
            lines.append(f"{line}  # {comment}" if comment else line)
        if section == "openness":
            lines.append(f"#   dimensions: {', '.join(DIMENSIONS)}")
    lines += [
        "",
        "# Locks fix a field for every preset and session built on this one: later presets",
        "# and --set may tighten a locked field but never loosen it. Lockable fields:",
    ]
    lockable = sorted(LOCKABLE)
    for start in range(0, len(lockable), 3):
        lines.append("#   " + ", ".join(lockable[start : start + 3]))
    lines += [
        "# [[locks]]",
        '# field = "openness.license_classes"',
        '# owner = "legal@example.com"',
        '# reason = "only licences legal has approved for production"',
    ]
    if base_rubric.locks:
        lines.append(f"# Inherited from {base!r} (kept whatever this file says):")
        for lock in base_rubric.locks:
            lines.append(f"#   {lock.field}, locked by {lock.owner} ({lock.reason})")
    return "\n".join(lines) + "\n"


def write_new_preset(name: str, base: str = "default", where: str = "project") -> Path:
    """Write ``NAME.toml``, a commented template extending ``base``; return its path.

    Refuses (InputError) a name that is not a plain name, a base that does not resolve
    or would make an inheritance cycle, and a file that already exists.
    """
    _check_name(name)
    _check_name(base, "--from preset")
    if name == base:
        raise InputError(f"a preset cannot extend itself ({name!r}); choose another name or --from")
    folder = target_folder(where)
    path = folder / f"{name}.toml"
    if path.exists() or path.is_symlink():
        raise InputError("file exists; it is never overwritten (choose another name or remove it)", path=path)
    try:
        resolved = resolve(base)
    except InputError as exc:
        raise InputError(f"cannot build on preset {base!r}: {exc}") from None
    ancestors = [ref.rsplit("@", 1)[0] for ref in resolved.chain]
    if name in ancestors:
        raise InputError(f"preset {name!r} would extend itself through {' -> '.join(ancestors)}")
    _check_folder(folder, name, path, where)
    text = template_text(name, base, resolved.rubric)
    _write(path, text, overwrite=False)
    ensure_schema(folder)
    return path


# ---------------------------------------------------------------------- save


def _drop_none(value: Any) -> Any:
    """``value`` without None values (TOML has no null; unknown stays unset)."""
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value if v is not None]
    return value


def _fit_to_parent(data: dict[str, Any], rubric: Rubric) -> tuple[dict[str, Any], str | None]:
    """Make ``data`` resolve back to ``rubric`` on top of its parent.

    Inheritance merges tables key by key, so a weight the parent has and the rubric
    dropped is written as 0 (off). A change a child file cannot express (a threshold or
    an openness floor removed) makes the preset standalone: ``extends`` is left out and
    the reason is returned for the file's header.
    """
    parent_name = rubric.extends
    if not parent_name:
        return data, None
    try:
        parent = resolve(parent_name)
    except InputError as exc:
        return {
            k: v for k, v in data.items() if k != "extends"
        }, f"its parent {parent_name!r} does not resolve ({exc.detail})"
    ancestors = [ref.rsplit("@", 1)[0] for ref in parent.chain]
    if rubric.id in ancestors:
        raise InputError(
            f"preset {rubric.id!r} would extend itself through {' -> '.join(ancestors)}; give it another id"
        )
    base = parent.rubric.model_dump(mode="json", by_alias=True)
    weights = data.setdefault("domain", {}).setdefault("weights", {})
    for key in base["domain"]["weights"]:
        weights.setdefault(key, 0.0)
    merged = copy.deepcopy(base)
    _deep_merge(merged, data)
    sections = ("openness", "baselines", "domain", "practical", "policy")
    if all(_drop_none(merged.get(s)) == data.get(s) for s in sections):
        return data, None
    return (
        {k: v for k, v in data.items() if k != "extends"},
        f"it removes settings its parent {parent_name!r} has, which a preset that extends it cannot do",
    )


def save_preset(rubric: Rubric, where: str, *, overwrite: bool = False) -> Path:
    """Write a full resolved rubric as ``<id>.toml`` in the project or user folder.

    Every field is written, so the file reads the same whatever its parent later becomes.
    ``extends`` is kept (so the parent's locks keep applying and records show the chain)
    unless the rubric cannot be expressed on top of its parent; the rubric's locks,
    inherited ones included, are written either way. A relative ``catalog_overlay`` is
    kept as it is and resolves against the new file's folder.
    """
    _check_name(rubric.id, "preset id")
    if rubric.extends == rubric.id:
        raise InputError(f"a preset cannot extend itself ({rubric.id!r}); give it another id")
    folder = target_folder(where)
    path = folder / f"{rubric.id}.toml"
    if path.is_symlink():
        raise InputError("preset is a link; shortlist does not write through links", path=path)
    if not overwrite and path.exists():
        raise InputError("file exists; it is never overwritten (choose another id or remove it)", path=path)
    _check_folder(folder, rubric.id, path, where)
    data = _drop_none(rubric.model_dump(mode="json", by_alias=True))
    if not data.get("locks"):
        data.pop("locks", None)
    data, standalone = _fit_to_parent(data, rubric)
    for section in data.values():  # an empty table adds nothing on top of a parent
        if isinstance(section, dict):
            for key in [k for k, v in section.items() if v == {}]:
                del section[key]
    header = [f"#:schema {SCHEMA_REF}"]
    header.append(f"# Rubric preset {rubric.ref}, saved by shortlist with every field resolved.")
    if standalone:
        header.append(f"# Saved without 'extends': {standalone}.")
    elif data.get("extends"):
        header.append(f"# It extends {data['extends']!r}, whose locks still apply.")
    import tomlkit

    _write(path, "\n".join(header) + "\n" + tomlkit.dumps(data), overwrite=overwrite)
    ensure_schema(folder)
    return path
