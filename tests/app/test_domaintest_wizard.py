"""Step 3's "Run our domain tests": plan, mock run with progress, cancel, import, record.

The runs are real inspect_ai runs through its mockllm provider (offline); inspect's start-up
is the slow part (a few seconds, once per process), then each model takes ~0.2 s.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import sys
from pathlib import Path

import pytest
from app_helpers import jump, settle, shot, wait_for
from factory import SRC, entry, write_catalog
from rich.console import Console
from textual.widgets import Button, Input, ProgressBar, Static

from tui.app.screens.domain import DomainScreen
from tui.app.screens.domaintest import DomainTestModal
from tui.app.screens.shortlist import ShortlistScreen
from tui.core.domainplan import PROVIDER_KEYS, SERVER_VARS

RUBRIC = 'id = "team-test"\nversion = "1.0.0"\n[domain]\nweights = { mmlu = 1 }\n'
TASK = "support-tickets"
CRITERION = "team:support_tickets"


def _route(model: str, kind: str = "api") -> dict:
    return {"model": model, "route": kind, "source": SRC, "as_of": dt.date(2025, 1, 1)}


@pytest.fixture(scope="module")
def dt_catalogue(tmp_path_factory) -> Path:
    """alpha (openai, $1/$2), beta (anthropic, $3/$15), gamma (self-hosted ollama), delta (no inspect name)."""
    return write_catalog(
        tmp_path_factory.mktemp("dt") / "catalog",
        [
            entry("alpha", scores={"mmlu": 80}, price=(1.0, 2.0), inspect=[_route("openai/alpha")]),
            entry("beta", scores={"mmlu": 78}, price=(3.0, 15.0), inspect=[_route("anthropic/beta")]),
            entry("gamma", scores={"mmlu": 76}, price=None, inspect=[_route("ollama/gamma", "self-hosted")]),
            entry("delta", scores={"mmlu": 74}, price=(0.1, 0.2)),
        ],
    )


@pytest.fixture
def no_keys(monkeypatch):
    """No API key or server variable: the plan's skips do not depend on the developer's shell."""
    for names in PROVIDER_KEYS.values():
        for name in names:
            monkeypatch.delenv(name, raising=False)
    for name in SERVER_VARS.values():
        monkeypatch.delenv(name, raising=False)


def task_folder(base: Path) -> Path:
    """A 3-example task folder written as `shortlist domain-test init` writes it."""
    from tui.core.domaintest import Example, Scorer, write_task_folder

    folder = base / TASK
    rows = [Example(input=f"Which team handles ticket {i}?", target=f"team{i}", id=f"e{i}") for i in range(3)]
    write_task_folder(folder, rows, Scorer("includes"))
    return folder


def text_of(widget: Static) -> str:
    """What a Static shows, as plain text."""
    console = Console(width=200, record=True, no_color=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


@pytest.fixture
def dt_app(make_app, dt_catalogue, no_keys):
    """The wizard on the inspect catalogue, a team rubric, and a task folder in the current folder."""
    Path("r.toml").write_text(RUBRIC)
    task_folder(Path.cwd())
    return make_app(catalog_dir=str(dt_catalogue), rubric="r.toml")


async def press_run(pilot, folder: str) -> None:
    """Type the folder and press the button (scrolled into view first, as a user would)."""
    screen = pilot.app.screen
    screen.query_one("#dt-folder", Input).value = folder
    button = screen.query_one("#dt-open", Button)
    button.scroll_visible(animate=False, immediate=True)
    await pilot.pause()
    await pilot.click(button)


async def open_modal(pilot, folder: str = TASK) -> DomainTestModal:
    app = pilot.app
    await settle(pilot)
    await jump(pilot, 2)
    assert isinstance(app.screen, DomainScreen)
    await press_run(pilot, folder)
    await wait_for(pilot, lambda: isinstance(app.screen, DomainTestModal))
    return app.screen


async def test_run_mock_domain_tests_and_weight_the_new_criterion(dt_app):
    app = dt_app
    async with app.run_test(size=(120, 40)) as pilot:
        modal = await open_modal(pilot)
        plan = text_of(modal.query_one("#dt-plan", Static))
        assert "Task support_tickets: 3 examples, scorer includes" in plan
        assert "Skipped delta: no inspect_ai model name in the catalogue" in plan
        assert "Skipped alpha: needs OPENAI_API_KEY (not set)" in plan
        assert "Missing key OPENAI_API_KEY: not set; skips alpha" in plan
        assert "Total: $0.0000 + 1 self-hosted (your hardware)" in plan  # beta skipped too; gamma is self-hosted
        assert "MOCK RUN" not in plan
        assert not modal.query_one("#dt-run", Button).disabled

        await pilot.click("#dt-mock")
        await pilot.pause()
        plan = text_of(modal.query_one("#dt-plan", Static))
        assert "MOCK RUN: every model is called through inspect_ai's mockllm provider" in plan
        cost = modal.plan.running[0].cost_text()
        assert cost.startswith("$") and cost in plan  # alpha's estimate, at its $1/$2 price
        assert "Missing key OPENAI_API_KEY: a real run would skip alpha" in plan
        assert "Skipped delta: no inspect_ai model name" in plan
        assert [m.model_id for m in modal.plan.running] == ["alpha", "beta", "gamma"]
        row = next(line for line in plan.splitlines() if line.split()[:1] == ["alpha"])
        assert row.split()[1:4] == ["openai/alpha", "api", "1"] and "1 / 2 USD/Mtok" in row and cost in row
        assert "gamma" in plan and "ollama/gamma" in plan and "self-hosted" in plan
        assert plan.count("Missing key OPENAI_API_KEY") == 1

        await pilot.click("#dt-run")
        await wait_for(pilot, lambda: modal.result is not None, timeout=60)
        assert modal.query_one("#dt-progress", ProgressBar).percentage == 1.0
        log = text_of(modal.query_one("#dt-log", Static))
        assert [line.split(" (")[0] for line in log.strip().splitlines()] == [
            "✓ ran alpha",
            "✓ ran beta",
            "✓ ran gamma",
        ]
        status = text_of(modal.query_one("#dt-status", Static))
        assert "Finished: 3 ran, 0 failed." in status and f"imported as {CRITERION}" in status
        assert "MOCK evidence: not real results" in status

        await pilot.click("#dt-close")
        await wait_for(pilot, lambda: app.session.evidence is not None and CRITERION in app.session.evidence.criteria)
        await settle(pilot)
        assert isinstance(app.screen, DomainScreen)
        weight = app.screen.query_one(f"#w-{CRITERION.replace(':', '__')}", Input)
        assert weight.value == "1" and not weight.disabled
        assert len(app.state.evidence) == 3 and all(p.startswith(f"{TASK}/logs/") for p in app.state.evidence)
        messages = [n.message for n in app._notifications]
        assert any(
            f"imported {CRITERION} from 3 domain-test log(s) (MOCK evidence: not real results)" in m for m in messages
        )

        weight.focus()
        weight.value = ""
        await pilot.press("2")
        await settle(pilot)
        assert app.state.rubric.domain.weights[CRITERION] == 2.0
        assert CRITERION in app.evaluation.criteria
        assert json.loads(Path(app.draft).read_text())["evidence"] == list(app.state.evidence)

        await pilot.press("pagedown", "pagedown")
        await settle(pilot)
        assert isinstance(app.screen, ShortlistScreen)
        await pilot.press("c")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "SaveRecordModal")
        await pilot.press("enter")
        await settle(pilot)
    (record,) = Path("decisions").glob("*.md")
    block = json.loads(re.findall(r"```json\n(.*?)\n```", record.read_text(), re.S)[-1])
    section = block["domain_test"]
    assert section["criterion"] == CRITERION and section["mock"] is True
    assert [log["model_id"] for log in section["logs"]] == ["alpha", "beta", "gamma"]


async def test_cancel_stops_after_the_current_model_and_keeps_its_log(dt_app, monkeypatch):
    app = dt_app
    original = DomainTestModal._model_done
    said: list[str] = []

    def cancel_after_first(self, run, done, total):
        original(self, run, done, total)
        if done == 1:  # the runner waits for this call, so the cancel lands before the next model
            self.action_cancel()  # what Cancel and Escape do
            said.append(text_of(self.query_one("#dt-status", Static)))
            said.append(str(self.query_one("#cancel", Button).disabled))

    monkeypatch.setattr(DomainTestModal, "_model_done", cancel_after_first)
    async with app.run_test(size=(120, 40)) as pilot:
        modal = await open_modal(pilot)
        await pilot.click("#dt-mock")
        await pilot.click("#dt-run")
        await wait_for(pilot, lambda: modal.result is not None, timeout=60)
        assert modal.cancel_event.is_set()
        assert "Cancelling: the run stops after the current model" in said[0] and said[1] == "True"
        status = text_of(modal.query_one("#dt-status", Static))
        assert "Cancelled after 1 of 3 models (1 ran, 0 failed)." in status
        assert "The 1 log(s) are imported as" in status
        manifest = json.loads(Path(TASK, "logs", "manifest.json").read_text())
        assert [r["model_id"] for r in manifest["runs"]] == ["alpha"]
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.session.evidence is not None and CRITERION in app.session.evidence.criteria)
        await settle(pilot)
        assert isinstance(app.screen, DomainScreen)
        assert app.screen.query_one(f"#w-{CRITERION.replace(':', '__')}", Input).value == "1"


async def test_quitting_mid_run_cancels_the_rest(dt_app, monkeypatch):
    original = DomainTestModal._model_done
    seen: list[DomainTestModal] = []

    def quit_after_first(self, run, done, total):
        original(self, run, done, total)
        if done == 1:
            seen.append(self)
            self.app.exit()

    monkeypatch.setattr(DomainTestModal, "_model_done", quit_after_first)
    async with dt_app.run_test(size=(120, 40)) as pilot:
        await open_modal(pilot)
        await pilot.click("#dt-mock")
        await pilot.click("#dt-run")
        await wait_for(pilot, lambda: bool(seen), timeout=60)
    assert seen[0].cancel_event.is_set()  # the runner checks it before the next model


async def test_a_bad_folder_is_one_line_inline_and_without_inspect_ai_run_is_off(dt_app, monkeypatch):
    from tui.evals import INSTALL_HINT, ModelRun

    app = dt_app
    Path("not-a-task").mkdir()
    monkeypatch.setitem(sys.modules, "inspect_ai", None)  # `import inspect_ai` now raises ImportError
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("pagedown", "pagedown")
        await settle(pilot)
        await press_run(pilot, "not-a-task")
        await pilot.pause()
        assert isinstance(app.screen, DomainScreen)
        error = text_of(app.screen.query_one("#dt-error", Static)).strip()
        assert error.startswith("⚠ not-a-task") and "\n" not in error
        field = app.screen.query_one("#dt-folder", Input)
        field.focus()
        field.value = ""
        await pilot.press("enter")
        await pilot.pause()
        assert "type the task folder first" in text_of(app.screen.query_one("#dt-error", Static))

        await press_run(pilot, TASK)
        await wait_for(pilot, lambda: isinstance(app.screen, DomainTestModal))
        modal = app.screen
        assert text_of(app.screen.query_one("#dt-problem", Static)).strip() == f"⚠ {INSTALL_HINT}"
        assert "Task support_tickets" in text_of(modal.query_one("#dt-plan", Static))  # the plan still shows
        assert modal.query_one("#dt-run", Button).disabled
        # a failed model's line carries the runner's one-line reason
        modal._model_done(ModelRun("beta", "anthropic/beta", error="Connection refused"), 1, 2)
        assert (
            text_of(modal.query_one("#dt-log", Static)).strip() == "✗ beta (anthropic/beta) failed: Connection refused"
        )
        await pilot.click("#cancel")
        await pilot.pause()
        assert isinstance(app.screen, DomainScreen)
        assert app.session.evidence is None


async def test_at_80x24_the_dialog_fits_and_its_buttons_are_visible(dt_app, svg_snapshot):
    async with dt_app.run_test(size=(80, 24)) as pilot:
        modal = await open_modal(pilot)
        await pilot.pause()
        await shot(pilot, svg_snapshot, "dialog")
        await pilot.click("#dt-mock")
        await pilot.pause()
        screen = modal.region
        for button in ("#cancel", "#dt-run"):
            region = modal.query_one(button, Button).region
            assert region.area > 0 and screen.contains_region(region), button
        body = modal.query_one("#dt-body")
        assert body.max_scroll_y > 0  # the plan scrolls; the buttons stay docked below it
