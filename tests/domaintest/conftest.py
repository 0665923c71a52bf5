"""Fixtures of the domain-test tests (the shared pieces live in domain_support.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from domain_support import domain_catalogue


@pytest.fixture(scope="session")
def catalogue(tmp_path_factory) -> Path:
    return domain_catalogue(tmp_path_factory.mktemp("domain") / "catalog")
