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


def user_cache_dir() -> Path:
    """Where compiled catalogues are cached (safe to delete at any time)."""
    override = os.environ.get("SHORTLIST_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME, appauthor=False)


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


def locations(cwd: Path | None = None) -> list[tuple[str, Path | str]]:
    """Where shortlist keeps things, as (what, where) pairs, with the SHORTLIST_*_DIR overrides applied.

    For ``shortlist --help`` and the wizard's start screen. The project presets entry is
    the nearest ``.shortlist/rubrics`` (walking up from ``cwd``) or, when there is none, a
    sentence saying where ``rubric new`` would create it.
    """
    project = project_rubrics_dir(cwd)
    return [
        ("autosaved draft", draft_path()),
        ("user presets", user_rubrics_dir()),
        (
            "project presets",
            project if project is not None else "none found; ./.shortlist/rubrics (shortlist rubric new creates it)",
        ),
        ("catalogue cache", user_cache_dir()),
        ("remembered settings", user_data_dir() / "prefs.json"),
        ("decision records", "./decisions unless you choose another folder (--record DIR, or the wizard's dialog)"),
    ]


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()
"""Read once at import (os.umask can only be read by setting it, which is not thread-safe)."""
TMP_SUFFIX = ".shortlist-tmp"


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def clean_stray_temporaries(folder: Path) -> int:
    """Remove temporary files a killed shortlist left in ``folder``; returns how many."""
    removed = 0
    try:
        candidates = list(folder.glob(f".*{TMP_SUFFIX}"))
    except OSError:
        return 0
    for tmp in candidates:
        parts = tmp.name.rsplit(".", 3)  # .<name>.<pid>.<random>.shortlist-tmp
        try:
            pid = int(parts[-3])
        except (ValueError, IndexError):
            continue
        if not _pid_alive(pid):
            try:
                tmp.unlink()
                removed += 1
            except OSError:
                pass
    return removed


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows cannot open a folder
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Write ``data`` to ``path`` atomically: a temporary file, fsync, rename, fsync of the folder.

    A reader sees the old file or the new one, never a part. The file's mode follows the
    umask (0666 & ~umask), as editors do. With ``exclusive`` the write fails with
    FileExistsError when ``path`` exists, so an existing file is never overwritten.
    Temporary files left by a killed run are removed on the next write to the folder.
    """
    import tempfile

    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    clean_stray_temporaries(folder)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=TMP_SUFFIX, dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)
        if exclusive:
            os.link(tmp, path)  # fails if path exists: no overwrite race
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
        _fsync_folder(folder)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write(path: Path, text: str, *, exclusive: bool = False) -> None:
    """Write ``text`` (UTF-8, LF line ends) atomically; see :func:`atomic_write_bytes`."""
    atomic_write_bytes(path, text.encode("utf-8"), exclusive=exclusive)


def _leftovers(folder: Path, kind: str) -> list[tuple[Path, int]]:
    out: list[tuple[Path, int]] = []
    try:
        candidates = list(folder.parent.glob(f".{folder.name}.*.shortlist-{kind}"))
    except OSError:
        return out
    for path in candidates:
        try:
            out.append((path, int(path.name.rsplit(".", 2)[-2])))
        except (ValueError, IndexError):
            continue
    return out


def recover_folder(folder: Path) -> None:
    """Undo what a killed :func:`replace_folder` left: restore the old folder, drop temporaries."""
    import shutil

    for old, pid in _leftovers(folder, "old"):
        if _pid_alive(pid):
            continue
        if not folder.exists():
            os.rename(old, folder)  # killed between the two renames: the old folder comes back
        else:
            shutil.rmtree(old, ignore_errors=True)
    for tmp, pid in _leftovers(folder, "tmp"):
        if not _pid_alive(pid):
            shutil.rmtree(tmp, ignore_errors=True)


def replace_folder(folder: Path, files: dict[str, str]) -> None:
    """Write ``files`` (relative path -> text) into ``folder`` all at once, or not at all.

    The new folder is built beside the old one (a copy of it plus the new files), then
    swapped in with two renames; a kill at any point leaves the old folder or the new one
    complete, and :func:`recover_folder` (run first by every writer and reader) cleans up.
    """
    import shutil

    parent = folder.parent
    parent.mkdir(parents=True, exist_ok=True)
    recover_folder(folder)
    tmp = parent / f".{folder.name}.{os.getpid()}.shortlist-tmp"
    if folder.exists():
        shutil.copytree(folder, tmp)
    else:
        tmp.mkdir()
    for relative, text in files.items():
        atomic_write(tmp / relative, text)
    if folder.exists():
        old = parent / f".{folder.name}.{os.getpid()}.shortlist-old"
        os.rename(folder, old)
        os.rename(tmp, folder)
        _fsync_folder(parent)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(tmp, folder)
        _fsync_folder(parent)
