"""Shared fixtures: every test runs with its own user folders, never the real home.

The command line is called in-process (``run_cli``): a real subprocess costs a Python
start and a pandas import each time. A handful of tests (entry point, import hygiene,
the wheel) still start real processes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def compiled_cache(tmp_path_factory) -> Path:
    """One compiled-catalogue cache for the whole run (its entries are keyed by content)."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory, monkeypatch, compiled_cache):
    """Point the config and data folders at fresh temporary folders."""
    base = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("SHORTLIST_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("SHORTLIST_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("SHORTLIST_CACHE_DIR", str(compiled_cache))
    monkeypatch.setenv("HOME", str(base))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(base / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(base / "xdg-data"))
    monkeypatch.delenv("SHORTLIST_RUBRICS", raising=False)
    monkeypatch.delenv("SHORTLIST_CATALOG", raising=False)
    monkeypatch.delenv("SHORTLIST_CATALOG_OVERLAY", raising=False)
    monkeypatch.setenv("SHORTLIST_TODAY", "2026-11-30")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(base)
    yield base


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


from hypothesis import settings as _hypothesis_settings  # noqa: E402

# derandomized: a property test explores the same examples on every run, so CI cannot flake
_hypothesis_settings.register_profile("shortlist", derandomize=True, deadline=None, database=None)
_hypothesis_settings.load_profile("shortlist")
