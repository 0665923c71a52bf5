"""Remembered per-project settings: the last export folder, keyed by the project's root."""

from __future__ import annotations

import json
import warnings

import pytest

from tui.core import prefs


def test_the_project_is_the_git_top_level_else_the_folder(tmp_path):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    deep = tmp_path / "repo" / "a" / "b"
    deep.mkdir(parents=True)
    assert prefs.project_root(deep) == (tmp_path / "repo").resolve()
    worktree = tmp_path / "wt"
    worktree.mkdir()
    (worktree / ".git").write_text("gitdir: /elsewhere\n")  # a worktree's .git is a file
    assert prefs.project_root(worktree) == worktree.resolve()
    loose = tmp_path / "loose"
    loose.mkdir()
    assert prefs.project_root(loose) == loose.resolve()


def test_an_export_folder_is_remembered_per_project(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    assert prefs.last_export_dir(one) is None
    assert prefs.remember_export_dir(one, tmp_path / "out-1")
    assert prefs.remember_export_dir(two, tmp_path / "out-2")
    assert prefs.last_export_dir(one) == tmp_path / "out-1"
    assert prefs.last_export_dir(two) == tmp_path / "out-2"
    prefs.remember_export_dir(one, tmp_path / "out-3")
    assert prefs.last_export_dir(one) == tmp_path / "out-3"
    data = json.loads(prefs.prefs_path().read_text())
    assert data["schema_version"] == 1 and set(data["projects"]) == {str(one.resolve()), str(two.resolve())}
    assert not list(prefs.prefs_path().parent.glob(".*shortlist-tmp"))  # written atomically


def test_a_relative_folder_is_stored_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    prefs.remember_export_dir(tmp_path, prefs.Path("exports"))
    assert prefs.last_export_dir(tmp_path) == tmp_path.resolve() / "exports"


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '{"projects": 3}', b"\xff\xfe{}"])
def test_a_corrupt_file_is_moved_aside_with_a_warning_never_a_crash(tmp_path, text):
    path = prefs.prefs_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.warns(prefs.PrefsWarning, match="prefs.json"):
        assert prefs.last_export_dir(tmp_path) is None
    assert (path.parent / "prefs.json.unreadable").is_file()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the next use starts afresh, silently
        assert prefs.remember_export_dir(tmp_path, tmp_path / "out")
        assert prefs.last_export_dir(tmp_path) == tmp_path / "out"


def test_a_settings_folder_that_cannot_be_written_warns_and_returns_false(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("SHORTLIST_DATA_DIR", str(blocker))
    with pytest.warns(prefs.PrefsWarning, match="cannot"):
        assert prefs.remember_export_dir(tmp_path, tmp_path / "out") is False
