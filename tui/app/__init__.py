"""The Textual wizard. Imported only when the wizard opens (see tui.cli)."""

from __future__ import annotations


def run_wizard(rubric: str | None = None, catalog: str | None = None, overlay: str | None = None) -> int:
    """Open the wizard; returns the process exit code."""
    from tui.app.app import ShortlistApp

    app = ShortlistApp(rubric=rubric, catalog_dir=catalog, overlay=overlay)
    app.run()
    return app.return_code or 0
