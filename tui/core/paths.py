"""The user's folders: config (team presets), data (autosaved drafts). One seam for tests.

Every location honours an environment override first, so tests and CI never touch the
real home folder. platformdirs gives native locations and honours XDG on Linux.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "shortlist"


def user_config_dir() -> Path:
    """Where user-level rubric presets and settings live."""
    override = os.environ.get("SHORTLIST_CONFIG_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def user_data_dir() -> Path:
    """Where autosaved wizard drafts live."""
    override = os.environ.get("SHORTLIST_DATA_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def user_rubrics_dir() -> Path:
    """User-level rubric presets."""
    return user_config_dir() / "rubrics"


def draft_path() -> Path:
    """The wizard's autosave file."""
    return user_data_dir() / "draft.json"


def project_rubrics_dir(start: Path | None = None) -> Path | None:
    """The nearest ``.shortlist/rubrics`` folder, walking up from ``start`` (the cwd)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / ".shortlist" / "rubrics"
        if candidate.is_dir():
            return candidate
    return None


def atomic_write(path: Path, text: str, *, exclusive: bool = False) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename.

    With ``exclusive`` the write fails with FileExistsError when ``path`` exists, so an
    existing file is never overwritten.
    """
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if exclusive:
            os.link(tmp, path)  # fails if path exists: no overwrite race
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
