"""Fixtures for the wizard tests: a small fixed catalogue and an app factory."""

from __future__ import annotations

from pathlib import Path

import pytest
from factory import entry, write_catalog


@pytest.fixture
def small_catalog(tmp_path) -> Path:
    """Five models that exercise every step (openness, thresholds, cost, context, self-hosting)."""
    return write_catalog(
        tmp_path / "catalog",
        [
            entry(
                "open-70b",
                scores={"mmlu": 80, "mmlu_pro": 55, "humaneval": 72, "gpqa_diamond": 45, "ifeval": 80},
                price=(0.9, 0.9),
                params=70,
                context=131072,
            ),
            entry(
                "open-8b",
                scores={"mmlu": 66, "mmlu_pro": 40, "humaneval": 60, "ifeval": 75},
                price=(0.1, 0.1),
                params=8,
                context=131072,
            ),
            entry(
                "closed-frontier",
                scores={"mmlu": 88, "mmlu_pro": 75, "humaneval": 90, "gpqa_diamond": 70, "ifeval": 86},
                price=(2.5, 10),
                params=None,
                level="opaque",
                license_class="proprietary",
                self_host=False,
                reported_by="developer",
                context=200000,
            ),
            entry(
                "research-1b", scores={"mmlu": 30, "humaneval": 10}, price=None, params=1.2, context=4096, hosted=False
            ),
            entry(
                "restricted-27b",
                scores={"mmlu": 76, "mmlu_pro": 50, "humaneval": 65, "ifeval": 82},
                price=(0.3, 0.3),
                params=27,
                level="inspectable",
                license_class="open-weights-restricted",
                context=131072,
            ),
        ],
    )


@pytest.fixture
def make_app(small_catalog, tmp_path):
    """Build a wizard on the small catalogue with the autosave in tmp."""
    from tui.app.app import ShortlistApp

    def factory(**kwargs):
        kwargs.setdefault("catalog_dir", str(small_catalog))
        kwargs.setdefault("draft", tmp_path / "draft.json")
        return ShortlistApp(**kwargs)

    return factory


@pytest.fixture
def svg_snapshot(snapshot):
    """syrupy with Textual's SVG extension: several named snapshots from one wizard session."""
    from pytest_textual_snapshot import SVGImageExtension

    return snapshot.use_extension(SVGImageExtension)
