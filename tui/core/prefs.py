"""Small per-project settings the wizard remembers between sessions (the last export folder).

One JSON file in the user data folder, keyed by the project's absolute path: the git
top-level of the current folder when there is one, else the current folder. Writes are
atomic. A file that cannot be read is moved aside with a :class:`PrefsWarning` and
treated as empty: a remembered setting is a convenience, never a reason to fail.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Any

from tui.core import paths

PREFS_FILE = "prefs.json"
VERSION = 1


class PrefsWarning(UserWarning):
    """A settings file was unreadable or could not be written; the setting is skipped."""


def prefs_path() -> Path:
    """Where the remembered settings live (honours SHORTLIST_DATA_DIR)."""
    return paths.user_data_dir() / PREFS_FILE


def project_root(cwd: Path | None = None) -> Path:
    """The project a setting belongs to: the git top-level above ``cwd``, else ``cwd`` itself."""
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():  # a folder, or a file in a worktree or submodule
            return folder
    return here


def _load() -> dict[str, Any]:
    path = prefs_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        warnings.warn(f"{path}: cannot read remembered settings ({exc.strerror or exc}); ignored", PrefsWarning, 3)
        return {}
    try:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("projects", {}), dict):
            raise ValueError("not a settings object")
    except (ValueError, RecursionError) as exc:
        aside = path.with_name(f"{PREFS_FILE}.unreadable")
        try:
            os.replace(path, aside)
            where = f"; moved to {aside.name}"
        except OSError:
            where = ""
        warnings.warn(f"{path}: remembered settings unreadable ({exc}){where}; starting afresh", PrefsWarning, 3)
        return {}
    return data


def _project(data: dict[str, Any], project: Path) -> dict[str, Any]:
    entry = data.get("projects", {}).get(str(project.resolve()), {})
    return entry if isinstance(entry, dict) else {}


def last_export_dir(project: Path) -> Path | None:
    """The folder the last export from ``project`` went to, or None."""
    folder = _project(_load(), project).get("export_dir")
    return Path(folder) if isinstance(folder, str) and folder else None


def remember_export_dir(project: Path, folder: Path) -> bool:
    """Remember ``folder`` (made absolute) as ``project``'s export folder.

    Returns False, with a :class:`PrefsWarning`, when the setting could not be saved.
    """
    data = _load()
    projects = data.get("projects", {})
    entry = dict(_project(data, project))
    entry["export_dir"] = str(folder.resolve())
    projects[str(project.resolve())] = entry
    out = {"schema_version": VERSION, "projects": projects}
    try:
        paths.atomic_write(prefs_path(), json.dumps(out, indent=2, sort_keys=True) + "\n")
    except OSError as exc:
        warnings.warn(f"{prefs_path()}: cannot save settings ({exc.strerror or exc})", PrefsWarning, 2)
        return False
    return True
