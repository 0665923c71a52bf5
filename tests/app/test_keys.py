"""The README's keys table, pressed: every key it lists does what the table says.

The table is read from README.md; each action text maps to a check of what the key must
do in the running wizard (Pilot). A row whose action has no check fails, so the README and
the bindings cannot drift apart.
"""

from __future__ import annotations

import re
from pathlib import Path

from app_helpers import jump, settle, wait_for
from textual.command import CommandPalette

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
KEY_NAMES = {"pgdn": "pagedown", "pgup": "pageup", "?": "question_mark"}


def keys_table() -> dict[str, list[str]]:
    """README action text -> the Textual key names it lists."""
    table = README.split("### Keys")[1].split("\n\n")[1]
    out: dict[str, list[str]] = {}
    for row in table.splitlines()[2:]:
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        for keys, action in ((cells[0], cells[1]), (cells[2], cells[3])):
            names = [KEY_NAMES.get(k.lower(), k.lower()) for k in re.split(r"\s*[/,]\s*", keys)]
            out[action] = names
    return out


TABLE = keys_table()


def test_the_keys_table_lists_every_key_the_wizard_promises():
    assert len(TABLE) == 12
    assert sum(len(keys) for keys in TABLE.values()) >= 18


def step_of(app) -> int:
    return app.screen.STEP


DIALOGS = {
    "choose the highlighted model and save a record": "SaveRecordModal",
    "export md, json or csv": "ExportModal",
    "save the current settings as a team preset": "SavePresetModal",
}
TABS = {"near misses and exclusions": "excluded", "Pareto chart": "pareto"}


async def test_every_key_in_the_table_does_what_it_says(make_app):
    """One wizard session: the step keys, the shortlist's dialogs and tabs, then help, the palette
    and quit, the last also over an open dialog."""
    from textual.widgets import TabbedContent

    from tui.app.screens.modals import HelpScreen
    from tui.app.screens.openness import OpennessScreen
    from tui.app.screens.start import StartScreen

    app = make_app()
    quits: list[str] = []

    async def fake_quit() -> None:
        quits.append(type(app.screen).__name__)

    app.action_quit = fake_quit  # type: ignore[method-assign]
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        for key in TABLE["open, select; a model's details"]:
            await pilot.press(key)  # Enter opens the highlighted preset
            await settle(pilot)
        assert isinstance(app.screen, OpennessScreen)
        for key in TABLE["next step"]:
            before = step_of(app)
            await pilot.press(key)
            await settle(pilot)
            assert step_of(app) == before + 1, key
        for key in TABLE["previous step"]:
            before = step_of(app)
            await pilot.press(key)
            await settle(pilot)
            assert step_of(app) == before - 1, key
        forward, backward = TABLE["next / previous field"]
        start = app.focused
        await pilot.press(forward)
        assert app.focused is not start
        await pilot.press(backward)
        assert app.focused is start

        await jump(pilot, 4)
        assert type(app.screen).__name__ == "ShortlistScreen"
        for action, screen in DIALOGS.items():
            for key in TABLE[action]:
                await pilot.press(key)  # the dialog is awaited by a worker: wait for the screen, not for idle
                await wait_for(pilot, lambda screen=screen: type(app.screen).__name__ == screen)
                await pilot.press("escape")
                await wait_for(pilot, lambda: type(app.screen).__name__ == "ShortlistScreen")
        tabs = app.screen.query_one("#tabs", TabbedContent)
        for action, tab in TABS.items():
            for key in TABLE[action]:
                assert tabs.active == "ranked"
                await pilot.press(key)
                await settle(pilot)
                assert tabs.active == tab, key
                await pilot.press(key)  # the same key goes back
                await settle(pilot)

        for key in TABLE["help"]:
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, HelpScreen), key
            await pilot.press("escape")
            await settle(pilot)
        palette_action = next(a for a in TABLE if a.startswith("command palette"))
        for key in TABLE[palette_action]:
            await pilot.press(key)
            await wait_for(pilot, lambda: CommandPalette.is_open(app))
            await pilot.press("escape")
            await wait_for(pilot, lambda: not CommandPalette.is_open(app))
        await pilot.press("e")  # a dialog with a focused input
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ExportModal")
        for key in TABLE["quit (the draft is kept)"]:
            await pilot.press(key)
            await pilot.pause()
        assert quits == ["ExportModal"] * len(TABLE["quit (the draft is kept)"])


def test_no_binding_relies_on_keys_terminals_swallow():
    """README: no binding relies on ctrl+enter, ctrl+s or ctrl+j (tmux, VS Code)."""
    import inspect

    from textual.binding import Binding

    import tui.app.app
    import tui.app.screens.baselines
    import tui.app.screens.domain
    import tui.app.screens.modals
    import tui.app.screens.openness
    import tui.app.screens.practical
    import tui.app.screens.shortlist
    import tui.app.screens.start
    import tui.app.screens.step_base

    modules = [
        tui.app.app,
        tui.app.screens.baselines,
        tui.app.screens.domain,
        tui.app.screens.modals,
        tui.app.screens.openness,
        tui.app.screens.practical,
        tui.app.screens.shortlist,
        tui.app.screens.start,
        tui.app.screens.step_base,
    ]
    keys: set[str] = set()
    for module in modules:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            for binding in getattr(cls, "BINDINGS", []):
                if isinstance(binding, Binding):
                    keys |= {k.strip() for k in binding.key.split(",")}
    assert len(keys) > 15
    assert not keys & {"ctrl+enter", "ctrl+s", "ctrl+j"}


def test_the_help_lists_the_readme_keys():
    from tui.app.screens.modals import HELP_KEYS

    help_keys = dict(HELP_KEYS)
    table = README.split("### Keys")[1].split("\n\n")[1]
    for row in table.splitlines()[2:]:
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        for keys, action in ((cells[0], cells[1]), (cells[2], cells[3])):
            assert keys in help_keys, keys
            assert help_keys[keys] == action or action == "help", (keys, action)
    assert len(help_keys) == len(TABLE)
