"""Regenerate screenshots/*.svg: every screen of the wizard on the bundled catalogue.

Run from the repository root:  python screenshots/make_screenshots.py [--size 120x36]
User folders are pointed at a temporary folder, so your own presets and draft do not
appear. The README embeds the files this writes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def preserve_spaces(path: Path) -> None:
    """Mark the SVG's text as space-preserving, so every renderer keeps leading and repeated spaces."""
    svg = path.read_text(encoding="utf-8")
    if 'xml:space="preserve"' not in svg:
        svg = svg.replace("<svg ", '<svg xml:space="preserve" ', 1)
        path.write_text(svg, encoding="utf-8")


async def shoot(width: int, height: int) -> list[Path]:
    from textual.widgets import Input

    from tui.app.app import ShortlistApp

    written: list[Path] = []
    app = ShortlistApp(autosave=False)

    async def settle() -> None:
        # wait on the wizard itself, never a fixed sleep: the catalogue, the screen, workers
        while (app.session is None and app.load_error is None) or not getattr(app.screen, "ready", True):
            await pilot.pause()
        for _ in range(2):
            await app.wait_until_idle()
            await pilot.pause()

    def save(name: str) -> None:
        for field in app.screen.query(Input):  # a blinking cursor makes every run differ
            field.cursor_blink = False
        path = HERE / f"{name}.svg"
        app.save_screenshot(filename=path.name, path=str(HERE))
        preserve_spaces(path)
        written.append(path)

    async with app.run_test(size=(width, height)) as pilot:
        await settle()
        save("00-start")
        await pilot.press("enter")
        await settle()
        app.screen.query_one("#lvl-weights").focus()
        await pilot.press("enter", "down", "down", "enter")
        await settle()
        save("01-openness")
        await pilot.press("pagedown")
        await settle()
        field = app.screen.query_one("#th-gpqa_diamond", Input)
        field.focus()
        await pilot.press("4", "0")
        await settle()
        save("02-baselines")
        await pilot.press("pagedown")
        await settle()
        save("03-domain")
        await pilot.press("pagedown")
        await settle()
        app.screen.query_one("#p-min_context", Input).focus()
        await pilot.press(*"32000")
        await settle()
        save("04-practical")
        await pilot.press("pagedown")
        await settle()
        save("05-shortlist")
        await pilot.press("x")
        await settle()
        save("06-excluded")
        await pilot.press("g")
        await settle()
        save("07-pareto")
        await pilot.press("g")
        await settle()
        table = app.screen.query_one("#table")
        table.focus()
        await pilot.press("enter")
        await settle()
        save("08-model-detail")
        await pilot.press("escape")
        await settle()
        await pilot.press("f1")
        await settle()
        save("09-help")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="120x36")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    home = tempfile.mkdtemp()
    os.environ.update({"SHORTLIST_CONFIG_DIR": home, "SHORTLIST_DATA_DIR": home, "HOME": home})
    os.chdir(home)
    sys.path.insert(0, str(HERE.parent))
    for path in asyncio.run(shoot(width, height)):
        print(path.relative_to(HERE.parent))


if __name__ == "__main__":
    main()
