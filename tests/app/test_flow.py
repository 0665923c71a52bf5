"""Pilot tests: walk the wizard by keyboard, validate, resume, and save a record."""

from __future__ import annotations

import json
import re
from pathlib import Path

from app_helpers import jump, settle, wait_for
from helpers import run_cli
from textual.widgets import Input, Select, Static

from tui.app.screens.baselines import BaselinesScreen
from tui.app.screens.domain import DomainScreen
from tui.app.screens.openness import OpennessScreen
from tui.app.screens.practical import PracticalScreen
from tui.app.screens.shortlist import ShortlistScreen
from tui.app.screens.start import StartScreen


async def type_into(pilot, selector: str, text: str) -> None:
    widget = pilot.app.screen.query_one(selector, Input)
    widget.focus()
    widget.value = ""
    await pilot.press(*list(text))


def funnel(app) -> list[tuple[str, int]]:
    return [(f.step, f.remaining) for f in app.evaluation.funnel]


async def test_keyboard_walk_from_preset_to_saved_record(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        await pilot.press("enter")  # the highlighted preset: default
        await settle(pilot)
        assert isinstance(app.screen, OpennessScreen)
        app.screen.query_one("#lvl-weights", Select).focus()
        await pilot.press("enter", "down", "down", "enter")  # any -> described -> inspectable
        await settle(pilot)
        assert app.state.rubric.openness.min_levels["weights"].value == "inspectable"
        assert funnel(app)[1] == ("openness", 4)  # the opaque closed model is out
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
        await settle(pilot)
        assert isinstance(app.screen, ShortlistScreen)
        shortlisted = [item.id for item in app.evaluation.shortlist]
        # the 1B model fails on context, the closed one on openness; the 8B model's HumanEval 60 is
        # inside the 95% interval of a 62 threshold, so lenient mode keeps it as borderline
        assert set(shortlisted) == {"open-70b", "restricted-27b", "open-8b"}
        assert any("borderline" in w for w in app.evaluation.item("open-8b").warnings)
        first = app.evaluation.shortlist[0]
        await pilot.press("c")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "SaveRecordModal")
        await pilot.press("tab")
        await pilot.press(*list("Ada, Lin"))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ShortlistScreen)
    records = list(Path.cwd().glob("decisions/*.md"))
    assert len(records) == 1
    text = records[0].read_text()
    assert records[0].name == f"0001-use-{first.id}.md"
    assert text.startswith('---\nstatus: "proposed"')
    assert 'decision-makers: ["Ada", "Lin"]' in text
    assert f'Chosen option: "{first.name}"' in text
    assert "humaneval >= 62" in text
    block = json.loads(re.findall(r"```json\n(.*?)\n```", text, re.S)[-1])
    assert block["chosen"] == first.id
    assert block["rubric"]["resolved"]["practical"]["min_context"] == 100000
    assert block["rubric"]["resolved"]["openness"]["min_levels"] == {"weights": "inspectable"}
    assert block["catalog"]["calibration"]  # the record names the calibration its estimates used
    assert (tmp_path / "draft.json").exists()  # a saved record keeps the draft until the user starts anew


async def test_the_wizard_and_the_cli_give_the_same_json(make_app, small_catalog, tmp_path):
    """Same preset, seed and date through the CLI and through the app's calls: identical JSON."""
    cli = run_cli("run", "--rubric", "coding-assistant", "--catalog", str(small_catalog), "--format", "json")
    assert cli.returncode in (0, 1), cli.stderr
    app = make_app(rubric="coding-assistant")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        wizard = app.session.report(app.evaluation, app.state.resolved(), "json")
    assert json.loads(wizard) == json.loads(cli.stdout)


async def test_a_presets_catalogue_overlay_applies_in_the_wizard_as_in_the_cli(
    make_app, small_catalog, tmp_path, monkeypatch
):
    team = tmp_path / "team"
    rubrics = team / ".shortlist" / "rubrics"
    (rubrics / "overlay" / "models").mkdir(parents=True)
    (rubrics / "overlay" / "models" / "open-8b.toml").write_text('id = "open-8b"\nname = "Open 8B (our build)"\n')
    (rubrics / "ours.toml").write_text(
        'id = "ours"\nversion = "1.0.0"\nextends = "default"\ncatalog_overlay = "overlay"\n'
    )
    monkeypatch.chdir(team)
    cli = run_cli("run", "--rubric", "ours", "--catalog", str(small_catalog), "--format", "json")
    app = make_app(rubric="ours")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.session.catalog.overlay is not None
        assert app.session.catalog.by_id["open-8b"].name == "Open 8B (our build)"
        wizard = json.loads(app.session.report(app.evaluation, app.state.resolved(), "json"))
    assert json.loads(cli.stdout)["catalog"]["overlay"] == wizard["catalog"]["overlay"] is not None


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
        assert "0 to 100" in str(app.screen.query_one("#blocked", Static).render())
        assert "0 to 100" in str(app.screen.query_one("#err-mmlu").render())
        await type_into(pilot, "#th-mmlu", "70")
        await settle(pilot)
        await pilot.press("pagedown")
        await settle(pilot)
        assert isinstance(app.screen, DomainScreen)
        assert app.state.rubric.baselines.thresholds["mmlu"] == 70


async def test_practical_step_checks_every_field_against_the_schema(make_app):
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
        assert "monthly input tokens: a whole number" in str(app.screen.query_one("#blocked", Static).render())
        await type_into(pilot, "#p-monthly_input_tokens", "20,000,000")
        await type_into(pilot, "#p-gpu_memory_gb", "inf")
        await settle(pilot)
        assert "at most 1,000,000" in str(app.screen.query_one("#perr-gpu_memory_gb").render())
        await type_into(pilot, "#p-gpu_memory_gb", "80")
        await settle(pilot)
        assert app.state.rubric.practical.monthly_input_tokens == 20_000_000
        assert app.state.rubric.practical.gpu_memory_gb == 80
        assert not app.state.step_problems()


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
        assert not again.screen.query_one("#resume").disabled
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(again.screen, BaselinesScreen)
        assert again.screen.query_one("#th-gpqa_diamond", Input).value == "40"
        assert again.state.rubric.baselines.thresholds["gpqa_diamond"] == 40


async def test_a_corrupt_draft_is_moved_aside_and_said_so(make_app, tmp_path):
    draft = tmp_path / "draft.json"
    for content in (b"\x00\xff garbage", b"[]", b"null", b'"hello"', b'{"draft_version": 99, "rubric": {}}'):
        draft.write_bytes(content)
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, StartScreen)
            status = str(app.screen.query_one("#draft-status").render())
            assert "could not be restored" in status and "kept as" in status
            assert app.screen.query_one("#resume").disabled
            assert len(app.screen._presets) >= 6  # the presets still show
            await pilot.press("r")  # no draft: a message, not a crash
            await settle(pilot)
            assert isinstance(app.screen, StartScreen)
        assert not draft.exists()
    kept = sorted(p.name for p in tmp_path.glob("draft.*.json"))
    assert len(kept) == 5 and any(".newer-" in name for name in kept)


async def test_starting_anew_over_a_draft_asks_first(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    again = make_app()
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: type(again.screen).__name__ == "ConfirmModal")
        await pilot.press("escape")  # keep the draft
        await settle(pilot)
        assert isinstance(again.screen, StartScreen)
        assert (tmp_path / "draft.json").exists()
        await pilot.press("n")
        await wait_for(pilot, lambda: type(again.screen).__name__ == "ConfirmModal")
        await pilot.click("#yes")
        await settle(pilot)
        assert isinstance(again.screen, OpennessScreen)


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


def _team_preset(tmp_path, body: str) -> Path:
    team = tmp_path / "team"
    (team / ".shortlist" / "rubrics").mkdir(parents=True)
    (team / ".shortlist" / "rubrics" / "team.toml").write_text(
        'id = "team"\nversion = "2.1.0"\nextends = "default"\ndescription = "team policy"\n' + body
    )
    return team


async def test_locked_fields_are_shown_locked(make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(
        _team_preset(
            tmp_path,
            '[openness]\nlicense_classes = ["osi-open", "open-weights-restricted"]\n'
            '[[locks]]\nfield = "openness.license_classes"\nowner = "compliance@example.org"\n'
            'reason = "legal review"\n',
        )
    )
    app = make_app(rubric="team")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OpennessScreen)
        box = app.screen.query_one("#lic-proprietary")
        assert box.disabled and not box.value
        assert "locked by compliance@example.org" in str(app.screen.query_one("#lic-title").render())
        assert app.state.preset_ref == "team@2.1.0"


async def test_a_locked_threshold_can_be_tightened_key_by_key(make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(
        _team_preset(
            tmp_path,
            "[baselines]\nthresholds = { mmlu_pro = 40 }\n[[locks]]\n"
            'field = "baselines.thresholds"\nowner = "ml-platform"\nreason = "floor"\n',
        )
    )
    app = make_app(rubric="team")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("pagedown")
        await settle(pilot)
        field = app.screen.query_one("#th-mmlu_pro", Input)
        field.focus()
        field.value = ""
        await pilot.press("4")
        await settle(pilot)
        # "4" would loosen the lock: it stays typed, is flagged, and the rubric keeps 40
        assert field.value == "4"
        assert "locked by ml-platform" in str(app.screen.query_one("#err-mmlu_pro").render())
        assert app.state.rubric.baselines.thresholds["mmlu_pro"] == 40
        await pilot.press("5")
        await settle(pilot)
        assert field.value == "45"
        assert app.state.rubric.baselines.thresholds["mmlu_pro"] == 45
        assert not app.state.step_problems()


async def test_visiting_steps_never_changes_what_the_preset_set(make_app, small_catalog):
    """Widgets must not write their own defaults back over a preset's values."""
    from tui.core.workflow import Session, resolve_rubric

    app = make_app(rubric="self-hosted-enterprise")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = app.state.rubric
        for _ in range(4):
            await pilot.press("pagedown")
            await settle(pilot)
        assert isinstance(app.screen, ShortlistScreen)
        assert app.state.rubric == before
        expected = Session.open(catalog_dir=small_catalog).evaluate(resolve_rubric("self-hosted-enterprise").rubric)
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
        await wait_for(pilot, lambda: app.load_error is not None)
        await settle(pilot)
        assert "open-8b.toml:1: malformed TOML" in app.load_error
        assert "could not be loaded" in str(app.screen.query_one("#catalog-status").render())
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)  # no dead end, no traceback: the error is shown again


async def test_resume_loads_imported_evidence_before_ranking(make_app, tmp_path):
    evidence = tmp_path / "team.csv"
    evidence.write_text(
        "model_id,criterion,value,stderr,n,source,date\n"
        "open-8b,support,95,1.0,400,internal,2026-11-01\n"
        "open-70b,support,40,1.0,400,internal,2026-11-01\n"
    )
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
        assert again.session.evidence is not None and "team:support" in again.session.evidence.criteria
        assert "team:support" in again.evaluation.criteria
        assert again.state.rubric.domain.weights["team:support"] == 1.0


async def test_in_a_narrow_terminal_the_reasons_go_under_the_ranked_table(make_app):
    app = make_app()
    async with app.run_test(size=(90, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await jump(pilot, 4)
        assert isinstance(app.screen, ShortlistScreen) and app.has_class("-narrow")
        table, reasons = app.screen.query_one("#table").region, app.screen.query_one("#reasons-box").region
        assert reasons.y >= table.bottom and reasons.height >= 5 and table.width >= 80
        assert "Why it is here" in str(app.screen.query_one("#reasons", Static).render())
        await pilot.resize_terminal(130, 36)
        await settle(pilot)
        assert not app.has_class("-narrow")
        table, reasons = app.screen.query_one("#table").region, app.screen.query_one("#reasons-box").region
        assert reasons.x >= table.right and reasons.y == table.y


async def test_profiles_add_and_take_away_their_weights_and_a_button_replaces_them(make_app):
    """Ticking adds a profile's weights, unticking takes them away, the user's edit survives both;
    'weights from the ticked profiles only' replaces them."""
    from textual.widgets import Checkbox

    from tui.core.wizard import PROFILES, profile_weights

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await jump(pilot, 2)
        await type_into(pilot, "#w-mmlu", "7")  # the user's own edit
        await settle(pilot)
        before = dict(app.state.rubric.domain.weights)
        assert before["mmlu"] == 7
        box = app.screen.query_one("#pro-agents", Checkbox)
        assert not box.value
        box.value = True
        await settle(pilot)
        ticked = app.state.rubric.domain.weights
        known = set(app.session.catalog.registry)
        for bench, weight in PROFILES["agents"].items():
            if bench in known:
                assert ticked[bench] == before.get(bench, 0) + weight
        assert ticked["mmlu"] == 7 and "agents" in app.state.rubric.domain.profiles
        box.value = False
        await settle(pilot)
        assert app.state.rubric.domain.weights == before
        assert "agents" not in app.state.rubric.domain.profiles
        app.screen.query_one("#profiles-only").press()
        await settle(pilot)
        chosen = app.state.rubric.domain.profiles
        assert chosen
        assert app.state.rubric.domain.weights == profile_weights(chosen, known)


async def test_importing_evidence_in_the_wizard_says_which_models_match_nothing(make_app):
    """The wizard gives the same warnings as the CLI: a model matching no catalogue id is named."""
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "data" / "evidence" / "lm_eval" / "__srv__models__acme-support-ft-v3"
    results = next(folder.glob("results_*.json"))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await jump(pilot, 2)
        app.screen.query_one("#evidence-path", Input).value = str(results)
        app.screen.query_one("#import").press()
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("matches no catalogue model" in m and "acme-support-ft-v3" in m for m in messages), messages
