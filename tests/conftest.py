"""Shared fixtures: every test runs with its own user folders, never the real home."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Point the config and data folders at fresh temporary folders."""
    base = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("SHORTLIST_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("SHORTLIST_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("HOME", str(base))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(base / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(base / "xdg-data"))
    monkeypatch.delenv("SHORTLIST_RUBRICS", raising=False)
    monkeypatch.delenv("SHORTLIST_CATALOG", raising=False)
    monkeypatch.delenv("SHORTLIST_CATALOG_OVERLAY", raising=False)
    monkeypatch.setenv("SHORTLIST_TODAY", "2026-11-28")
    monkeypatch.chdir(base)
    yield base


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


def cli_env(home: Path) -> dict[str, str]:
    """Environment for subprocess runs of the CLI, isolated like the fixture above."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHORTLIST_")}
    env.update({
        "SHORTLIST_CONFIG_DIR": str(home / "config"),
        "SHORTLIST_DATA_DIR": str(home / "data"),
        "HOME": str(home),
        "SHORTLIST_TODAY": "2026-11-28",
        "NO_COLOR": "1",
        "COLUMNS": "120",
    })
    return env


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None):
    """Run `python -m tui ARGS` as a user would: a subprocess with isolated user folders."""
    import subprocess

    return subprocess.run([sys.executable, "-m", "tui", *args], cwd=cwd, env=env or cli_env(cwd),
                          capture_output=True, text=True, timeout=120)
