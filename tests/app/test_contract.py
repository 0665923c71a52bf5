"""README promises the wizard keeps: preset descriptions, overlays, and where exports go."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import jump, settle, wait_for
from textual.widgets import DataTable, Input, OptionList, Static

from tui.app.screens.modals import ExportModal
from tui.app.screens.shortlist import ShortlistScreen
from tui.app.screens.start import StartScreen
from tui.core import prefs
from tui.core.presets import list_presets


async def test_the_start_screen_shows_each_presets_description(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        presets = list_presets()
        options = app.screen.query_one("#presets", OptionList)
        for index in (0, len(presets) - 1):
            options.highlighted = index
            await pilot.pause()
            info = " ".join(str(app.screen.query_one("#preset-info", Static).render()).split())
            assert " ".join(presets[index].description.split()) in info, presets[index].id


async def _to_shortlist(pilot) -> None:
    app = pilot.app
    await settle(pilot)
    await jump(pilot, 4)
    assert isinstance(app.screen, ShortlistScreen)


def _shown_names(app) -> list[str]:
    table = app.screen.query_one("#table", DataTable)
    return [" ".join(str(cell) for cell in table.get_row_at(row)) for row in range(table.row_count)]


@pytest.mark.parametrize("how", ["argument", "environment"])
async def test_a_catalogue_overlay_changes_what_the_wizard_shows(make_app, small_catalog, tmp_path, monkeypatch, how):
    overlay = tmp_path / "team-overlay"
    (overlay / "models").mkdir(parents=True)
    (overlay / "models" / "open-70b.toml").write_text('id = "open-70b"\nname = "Open 70B (our fine-tune)"\n')
    if how == "environment":
        monkeypatch.setenv("SHORTLIST_CATALOG_OVERLAY", str(overlay))
        app = make_app(rubric="default")
    else:
        app = make_app(rubric="default", overlay=str(overlay))
    async with app.run_test(size=(120, 40)) as pilot:
        await _to_shortlist(pilot)
        assert any("Open 70B (our fine-tune)" in row for row in _shown_names(app))
    assert "our fine-tune" not in " ".join(_shown_names_of_catalog(small_catalog))


def _shown_names_of_catalog(catalog: Path) -> list[str]:
    from tui.core.catalog import load_catalog

    return [e.name for e in load_catalog(catalog).entries]  # without the overlay: the bundled names


async def _export(pilot, path: str | None) -> str:
    """Open the export dialog, note its default path, export (to ``path`` if given); return the default."""
    app = pilot.app
    await pilot.press("e")
    await wait_for(pilot, lambda: isinstance(app.screen, ExportModal))
    field = app.screen.query_one("#path", Input)
    default = field.value
    if path is not None:
        field.value = path
    field.focus()
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, ShortlistScreen))
    await app.wait_until_idle()
    return default


async def test_the_export_dialog_starts_in_the_folder_this_project_exported_to_last(make_app, tmp_path, monkeypatch):
    project = tmp_path / "repo"
    (project / ".git").mkdir(parents=True)
    (project / "src").mkdir()
    monkeypatch.chdir(project / "src")
    target = tmp_path / "elsewhere" / "q3.md"
    app = make_app(rubric="default")
    async with app.run_test(size=(120, 40)) as pilot:
        await _to_shortlist(pilot)
        first = await _export(pilot, str(target))
        await wait_for(pilot, target.is_file)
        second = await _export(pilot, None)
    # nothing remembered yet: an exports folder, not loose files in the current folder
    assert first == str(Path("exports") / "shortlist.md")
    assert second == str(target.parent / "shortlist.md")
    assert (target.parent / "shortlist.md").read_text().startswith("#")
    assert prefs.last_export_dir(project) == target.parent  # keyed by the git top-level, not the cwd
