"""Pilot tests: walk the wizard by keyboard, validate, resume, and save a record."""

from __future__ import annotations

import json
import re
from pathlib import Path

from app_helpers import make_app, settle, small_catalog  # noqa: F401
from tui.app.screens.baselines import BaselinesScreen
from tui.app.screens.domain import DomainScreen
from tui.app.screens.openness import OpennessScreen
from tui.app.screens.practical import PracticalScreen
from tui.app.screens.shortlist import ShortlistScreen
from tui.app.screens.start import StartScreen
from textual.widgets import Input, Select, Static


async def type_into(pilot, selector: str, text: str) -> None:
    widget = pilot.app.screen.query_one(selector, Input)
    widget.focus()
    widget.value = ""
    await pilot.press(*list(text))


async def test_keyboard_walk_from_preset_to_saved_record(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        await pilot.press("enter")  # the highlighted preset: default
        await settle(pilot)
        assert isinstance(app.screen, OpennessScreen)
        weights = app.screen.query_one("#lvl-weights", Select)
        weights.focus()
        await pilot.press("enter", "down", "down", "enter")  # any -> described -> inspectable
        await settle(pilot)
        assert app.state.rubric.openness.min_levels["weights"].value == "inspectable"
        assert app.evaluation.funnel[1] == ("openness", 4)  # the opaque closed model is out
        await pilot.press("pagedown")
        await settle(pilot)
        assert isinstance(app.screen, BaselinesScreen)
        await type_into(pilot, "#th-humaneval", "62")
        await settle(pilot)
        assert app.state.rubric.baselines.thresholds["humaneval"] == 62
        await pilot.press("pagedown")
        await settle(pilot)
        assert isinstance(app.screen, DomainScreen)
        await pilot.press("pagedown")
        await settle(pilot)
        assert isinstance(app.screen, PracticalScreen)
        await type_into(pilot, "#p-min_context", "100000")
        await settle(pilot)
        assert app.state.rubric.practical.min_context == 100000
        await pilot.press("pagedown")
        await settle(pilot, 0.5)
        assert isinstance(app.screen, ShortlistScreen)
        shortlisted = [item["id"] for item in app.evaluation.shortlist]
        # the 1B model fails on context, the closed one on openness; the 8B model's HumanEval 60 is
        # inside the 95% interval of a 62 threshold, so lenient mode keeps it as borderline
        assert set(shortlisted) == {"open-70b", "restricted-27b", "open-8b"}
        small = next(item for item in app.evaluation.shortlist if item["id"] == "open-8b")
        assert any("borderline" in warning for warning in small["warnings"])
        first = app.evaluation.shortlist[0]
        await pilot.press("c")
        await pilot.pause(0.5)  # not settle(): the choose worker waits for this modal
        assert type(app.screen).__name__ == "SaveRecordModal"
        await pilot.press("tab")
        await pilot.press(*list("Ada, Lin"))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ShortlistScreen)
    records = list(Path.cwd().glob("decisions/*.md"))
    assert len(records) == 1
    text = records[0].read_text()
    assert records[0].name == f"0001-use-{first['id']}.md"
    assert text.startswith('---\nstatus: "proposed"')
    assert 'decision-makers: ["Ada", "Lin"]' in text
    assert f'Chosen option: "{first["name"]}"' in text
    assert "humaneval >= 62" in text
    block = json.loads(re.search(r"```json\n(.*?)\n```", text, re.S).group(1))
    assert block["chosen"] == first["id"]
    assert block["rubric"]["resolved"]["practical"]["min_context"] == 100000
    assert block["rubric"]["resolved"]["openness"]["min_levels"] == {"weights": "inspectable"}
    assert not (tmp_path / "draft.json").exists()  # the draft is discarded once the record is saved


async def test_invalid_threshold_blocks_next_with_a_visible_reason(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("pagedown")
        await settle(pilot)
        await type_into(pilot, "#th-mmlu", "150")
        await settle(pilot)
        await pilot.press("pagedown")
        await settle(pilot)
        assert isinstance(app.screen, BaselinesScreen)
        blocked = str(app.screen.query_one("#blocked", Static).render())
        assert "0 to 100" in blocked
        assert "0 to 100" in str(app.screen.query_one("#err-mmlu").render())
        await type_into(pilot, "#th-mmlu", "70")
        await settle(pilot)
        await pilot.press("pagedown")
        await settle(pilot)
        assert isinstance(app.screen, DomainScreen)
        assert app.state.rubric.baselines.thresholds["mmlu"] == 70


async def test_practical_step_requires_a_token_volume(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        app.goto(3)
        await settle(pilot)
        await type_into(pilot, "#p-monthly_input_tokens", "lots")
        await settle(pilot)
        await pilot.press("pagedown")
        await settle(pilot)
        assert isinstance(app.screen, PracticalScreen)
        assert "monthly input tokens" in str(app.screen.query_one("#blocked", Static).render())


async def test_resume_from_autosave_after_a_kill(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("pagedown")
        await settle(pilot)
        await type_into(pilot, "#th-gpqa_diamond", "40")
        await settle(pilot)
    # the first session ends without saving a record (as a crash would); the draft remains
    draft = json.loads((tmp_path / "draft.json").read_text())
    assert draft["rubric"]["baselines"]["thresholds"]["gpqa_diamond"] == 40
    again = make_app()
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        resume = again.screen.query_one("#resume")
        assert not resume.disabled
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(again.screen, BaselinesScreen)
        assert again.screen.query_one("#th-gpqa_diamond", Input).value == "40"
        assert again.state.rubric.baselines.thresholds["gpqa_diamond"] == 40


async def test_resize_keeps_state(make_app):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("pagedown")
        await settle(pilot)
        await type_into(pilot, "#th-mmlu", "65")
        await settle(pilot)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert app.screen.query_one("#th-mmlu", Input).value == "65"
        assert app.state.rubric.baselines.thresholds["mmlu"] == 65


async def test_locked_fields_are_shown_locked(make_app, tmp_path, monkeypatch):
    team = tmp_path / "team"
    (team / ".shortlist" / "rubrics").mkdir(parents=True)
    (team / ".shortlist" / "rubrics" / "team.toml").write_text(
        'id = "team"\nversion = "2.1.0"\nextends = "default"\ndescription = "team policy"\n'
        '[openness]\nlicense_classes = ["osi-open", "open-weights-restricted"]\n'
        '[[locks]]\nfield = "openness.license_classes"\nowner = "compliance@example.org"\nreason = "legal review"\n')
    monkeypatch.chdir(team)
    app = make_app(rubric="team")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, 0.5)
        assert isinstance(app.screen, OpennessScreen)
        box = app.screen.query_one("#lic-proprietary")
        assert box.disabled and not box.value
        assert "locked by compliance@example.org" in str(app.screen.query_one("#lic-title").render())
        assert app.state.preset_ref == "team@2.1.0"


async def test_visiting_steps_never_changes_what_the_preset_set(make_app, small_catalog):
    """Widgets must not write their own defaults back over a preset's values."""
    from tui.core.catalog import load_catalog
    from tui.core.engine import evaluate
    from tui.core.presets import resolve

    app = make_app(rubric="self-hosted-enterprise")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, 0.5)
        before = app.state.rubric
        for _ in range(4):
            await pilot.press("pagedown")
            await settle(pilot)
        assert isinstance(app.screen, ShortlistScreen)
        assert app.state.rubric == before
        expected = evaluate(load_catalog(small_catalog), resolve("self-hosted-enterprise").rubric)
        assert app.evaluation.funnel == expected.funnel


async def test_no_color_keeps_a_legible_theme(make_app, monkeypatch):
    """Under NO_COLOR Textual filters the theme to greys; an ANSI theme would go dark on dark."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.theme.startswith("ansi")
        assert any(type(f).__name__ == "Monochrome" for f in app._filters)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, OpennessScreen)


async def test_a_broken_catalogue_is_reported_on_the_start_screen(make_app, small_catalog):
    (small_catalog / "models" / "open-8b.toml").write_text('id = "oops\n')
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(100):
            if app.load_error:
                break
            await pilot.pause(0.05)
        await pilot.pause(0.2)
        assert "open-8b.toml:1: malformed TOML" in app.load_error
        assert "could not be loaded" in str(app.screen.query_one("#catalog-status").render())
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert isinstance(app.screen, StartScreen)  # no dead end, no traceback: the error is shown again


async def test_resume_loads_imported_evidence_before_ranking(make_app, tmp_path):
    evidence = tmp_path / "team.csv"
    evidence.write_text("model_id,criterion,value,stderr,n,source,date\n"
                        "open-8b,support,95,1.0,400,internal,2026-11-01\n"
                        "open-70b,support,40,1.0,400,internal,2026-11-01\n")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        app.import_evidence([str(evidence)], notify=False)
        await settle(pilot)
        assert "team:support" in app.evaluation.criteria
    again = make_app()
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert again.evidence is not None and "team:support" in again.evidence.criteria
        assert "team:support" in again.evaluation.criteria
        assert again.state.rubric.domain.weights["team:support"] == 1.0
