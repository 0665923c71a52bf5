"""README promises about the headless CLI, each checked by running the command in-process."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from factory import entry, write_catalog
from helpers import run_cli
from tomlkit import dumps

from tui.core.attribution import ATTRIBUTIONS

# ten models that all pass: scores 50..95 on mmlu, far apart relative to their noise
TEN = [
    entry(f"m{i:02d}-with-a-rather-long-model-identifier", scores={"mmlu": 50 + 5 * i}, price=(0.1 * (i + 1), 0.2))
    for i in range(10)
]

RUBRIC = """
id = "contract"
version = "1.0.0"
[domain]
weights = { mmlu = 1 }
cost_weight = 0.2
[policy]
shortlist_size = 3
"""


@pytest.fixture(scope="module")
def ten_catalog(tmp_path_factory) -> Path:
    return write_catalog(tmp_path_factory.mktemp("ten") / "catalog", TEN)


def run(tmp_path: Path, catalog: Path, *args: str, env: dict[str, str] | None = None):
    (tmp_path / "contract.toml").write_text(RUBRIC)
    return run_cli("run", "--rubric", "contract.toml", "--catalog", str(catalog), *args, cwd=tmp_path, env=env)


# ------------------------------------------------------------------------ --top


def _count(fmt: str, out: str) -> int:
    if fmt == "json":
        return len(json.loads(out)["shortlist"])
    if fmt == "csv":
        return sum(1 for row in csv.DictReader(io.StringIO(out)) if row["status"] == "shortlisted")
    if fmt == "md":
        return len(re.findall(r"^\| =?\d+ \| ", out, flags=re.M))
    return len(re.findall(r"^\s+m\d\d-with", out, flags=re.M))  # the table's id lines


@pytest.mark.parametrize("fmt", ["table", "json", "md", "csv"])
def test_top_n_shows_n_models_in_every_format_even_above_the_rubrics_shortlist_size(tmp_path, ten_catalog, fmt):
    result = run(tmp_path, ten_catalog, "--format", fmt, "--top", "8")
    assert result.returncode == 0, result.stderr
    assert _count(fmt, result.stdout) == 8
    fewer = run(tmp_path, ten_catalog, "--format", fmt, "--top", "2")
    assert _count(fmt, fewer.stdout) == 2
    everything = run(tmp_path, ten_catalog, "--format", fmt, "--top", "50")
    assert _count(fmt, everything.stdout) == 10  # all, when fewer qualify


def test_top_keeps_the_order_of_the_full_ranking(tmp_path, ten_catalog):
    eight = json.loads(run(tmp_path, ten_catalog, "--format", "json", "--top", "8").stdout)["shortlist"]
    three = json.loads(run(tmp_path, ten_catalog, "--format", "json").stdout)["shortlist"]
    assert [i["id"] for i in eight[:3]] == [i["id"] for i in three]
    assert [i["id"] for i in eight] == [f"m{i:02d}-with-a-rather-long-model-identifier" for i in range(9, 1, -1)]


# ------------------------------------------------------------------------ --seed


def test_the_same_seed_gives_identical_json_and_another_seed_keeps_the_ranks(tmp_path, ten_catalog):
    first = run(tmp_path, ten_catalog, "--format", "json", "--seed", "7")
    again = run(tmp_path, ten_catalog, "--format", "json", "--seed", "7")
    other = run(tmp_path, ten_catalog, "--format", "json", "--seed", "8")
    assert first.stdout == again.stdout
    a, b = json.loads(first.stdout), json.loads(other.stdout)
    assert a["robustness"]["seed"] == 7 and b["robustness"]["seed"] == 8
    # ranks come from the scores and their standard errors, not the Monte Carlo
    assert [(i["id"], i["rank_label"], i["score"]) for i in a["shortlist"]] == [
        (i["id"], i["rank_label"], i["score"]) for i in b["shortlist"]
    ]
    # P(first) is a share of 2,000 seeded draws: it may move a little, never by much
    for x, y in zip(a["shortlist"], b["shortlist"], strict=True):
        assert abs(x["p_first"] - y["p_first"]) < 0.1


# ------------------------------------------------------------------ rubric list


def test_rubric_list_shows_every_presets_description_in_full(tmp_path, monkeypatch):
    from tui.core.presets import list_presets

    presets = list_presets()
    assert len(presets) >= 6
    for columns in ("60", "200"):
        monkeypatch.setenv("COLUMNS", columns)
        result = run_cli("rubric", "list", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        text = " ".join(result.stdout.split())  # wrapped lines joined back
        for preset in presets:
            assert preset.description, preset.id
            assert " ".join(preset.description.split()) in text, preset.id
            assert str(preset.path) in text.replace(" ", ""), preset.id


def test_rubric_list_is_readable_at_80_columns(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    result = run_cli("rubric", "list", cwd=tmp_path)
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert "…" not in result.stdout


def test_rubric_list_json_carries_the_descriptions(tmp_path):
    data = json.loads(run_cli("rubric", "list", "--format", "json", cwd=tmp_path).stdout)
    assert all(item["description"] for item in data)


# ----------------------------------------------------------------- catalog list


@pytest.mark.parametrize("columns", [60, 80, 120, 200])
def test_catalog_list_never_cuts_an_id(tmp_path, monkeypatch, columns):
    from tui.core.catalog import load_catalog
    from tui.core.resources import catalog_root

    monkeypatch.setenv("COLUMNS", str(columns))
    result = run_cli("catalog", "list", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    rule = next(n for n, line in enumerate(lines) if "───" in line)
    body = "\n".join(lines[rule + 1 :])  # the rows, below the header rule
    first_cells = [line.split()[0] for line in body.splitlines() if line.strip() and not line.startswith("   ")]
    ids = [e.id for e in load_catalog(catalog_root()).entries]
    for model_id in ids:
        assert model_id in first_cells, (columns, model_id)
    assert not any("…" in cell for cell in first_cells)
    if columns >= 80:  # the narrow layout fits a standard terminal
        assert max(len(line) for line in result.stdout.splitlines()) <= columns
    if columns == 200:
        assert "licence class" in result.stdout and "narrow terminal" not in result.stdout
    else:
        assert "narrow terminal" in result.stdout


def test_catalog_list_shortens_a_long_organisation_but_not_the_id(tmp_path, monkeypatch):
    long_id = "a-model-id-that-is-long-on-purpose-for-the-table-test-v2"
    model = entry(long_id, scores={"mmlu": 60})
    model["organisation"] = "An Organisation Whose Name Goes On And On For Several Words"
    catalog = write_catalog(tmp_path / "catalog", [model])
    for columns in ("60", "200"):
        monkeypatch.setenv("COLUMNS", columns)
        out = run_cli("catalog", "list", "--catalog", str(catalog), cwd=tmp_path).stdout
        assert long_id in out
    assert "An Organisation Whose" in out and "…" in out  # the name is shortened, the id is whole
    assert "Several Words" not in out


# ------------------------------------------------------------- catalog sources


def test_catalog_sources_prints_every_attribution(tmp_path):
    result = run_cli("catalog", "sources", cwd=tmp_path)
    assert result.returncode == 0
    for item in ATTRIBUTIONS:
        for key in ("name", "license", "url", "credit"):
            assert item[key] in result.stdout, (item["name"], key)


# ---------------------------------------------------------------- record replay


def test_replay_says_the_chosen_model_no_longer_qualifies_after_an_overlay(tmp_path, ten_catalog):
    rubric = RUBRIC.replace("[domain]", "[baselines]\nthresholds = { mmlu = 70 }\n[domain]")
    (tmp_path / "contract.toml").write_text(rubric)
    chosen = "m09-with-a-rather-long-model-identifier"
    made = run_cli(
        "run", "--rubric", "contract.toml", "--catalog", str(ten_catalog), "--format", "json",
        "--record", "--choose", chosen, "--title", "Replay test", cwd=tmp_path,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    record = tmp_path / "decisions" / "0001-replay-test.md"  # --record alone writes to ./decisions
    assert record.is_file()

    overlay = tmp_path / "overlay" / "models"
    overlay.mkdir(parents=True)
    lowered = entry(chosen, scores={"mmlu": 40}, price=(1.0, 0.2))
    (overlay / f"{chosen}.toml").write_text(dumps({"id": chosen, "benchmarks": lowered["benchmarks"]}))

    replayed = run_cli(
        "record", "replay", str(record), "--catalog", str(ten_catalog),
        "--catalog-overlay", str(tmp_path / "overlay"), cwd=tmp_path,
    )  # fmt: skip
    assert replayed.returncode == 0, replayed.stderr
    assert f"chosen {chosen}: no longer qualifies: " in replayed.stdout
    assert f"no longer qualifies: {chosen}" in replayed.stdout
    assert "MMLU" in replayed.stdout.split("no longer qualifies: ", 1)[1].splitlines()[0]


# ------------------------------------------------------------------------ --help


def test_help_says_where_the_draft_presets_cache_and_records_live(tmp_path, monkeypatch):
    monkeypatch.setenv("SHORTLIST_DATA_DIR", str(tmp_path / "my-data"))
    monkeypatch.setenv("SHORTLIST_CONFIG_DIR", str(tmp_path / "my-config"))
    monkeypatch.setenv("SHORTLIST_CACHE_DIR", str(tmp_path / "my-cache"))
    (tmp_path / "repo" / ".shortlist" / "rubrics").mkdir(parents=True)
    (tmp_path / "repo" / "sub").mkdir()
    result = run_cli("--help", cwd=tmp_path / "repo" / "sub")
    assert result.returncode == 0
    epilog = result.stdout.split("where things live:", 1)[1]
    assert str(tmp_path / "my-data" / "draft.json") in epilog
    assert str(tmp_path / "my-config" / "rubrics") in epilog
    assert str((tmp_path / "repo" / ".shortlist" / "rubrics").resolve()) in epilog
    assert str(tmp_path / "my-cache") in epilog
    assert "./decisions" in epilog
    elsewhere = run_cli("--help", cwd=tmp_path).stdout
    assert "none found" in elsewhere.split("where things live:", 1)[1]


def test_locations_are_the_paths_the_code_uses(tmp_path, monkeypatch):
    from tui.core import paths

    monkeypatch.setenv("SHORTLIST_DATA_DIR", str(tmp_path / "d"))
    found = dict(paths.locations(tmp_path))
    assert found["autosaved draft"] == paths.draft_path() == tmp_path / "d" / "draft.json"
    assert found["user presets"] == paths.user_rubrics_dir()
    assert found["catalogue cache"] == paths.user_cache_dir()


# ------------------------------------------------------------ the #:schema line


def test_rubric_schema_out_writes_the_schema_atomically(tmp_path):
    target = tmp_path / ".shortlist" / "rubrics" / "rubric.schema.json"
    result = run_cli("rubric", "schema", "--out", str(target), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    printed = run_cli("rubric", "schema", cwd=tmp_path).stdout
    assert target.read_text() == printed
    assert json.loads(printed)["type"] == "object"
    target.write_text("{}")  # an old schema is refreshed
    assert run_cli("rubric", "schema", "--out", str(target), cwd=tmp_path).returncode == 0
    assert target.read_text() == printed
    assert not list(target.parent.glob(".*shortlist-tmp"))
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    bad = run_cli("rubric", "schema", "--out", str(blocked / "x.json"), cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "x.json" in bad.stderr


@pytest.mark.parametrize("where", ["project", "user"])
def test_saved_presets_point_at_the_schema_beside_them_never_into_an_install(tmp_path, monkeypatch, where):
    import tui
    from tui.core.presetio import save_preset, write_new_preset
    from tui.core.presets import resolve

    monkeypatch.chdir(tmp_path)
    written = write_new_preset("team-a", where=where)
    rubric = resolve("default").rubric.model_copy(update={"id": "team-b", "extends": "default"})
    saved = save_preset(rubric, where)
    install = str(Path(tui.__file__).resolve().parent.parent)
    for path in (written, saved):
        first = path.read_text().splitlines()[0]
        assert first == "#:schema ./rubric.schema.json"
        assert install not in path.read_text() and "site-packages" not in path.read_text()
        assert (path.parent / first.removeprefix("#:schema ")).is_file()


def test_an_existing_schema_beside_the_presets_is_left_alone(tmp_path, monkeypatch):
    from tui.core.presetio import write_new_preset

    monkeypatch.chdir(tmp_path)
    folder = tmp_path / ".shortlist" / "rubrics"
    folder.mkdir(parents=True)
    (folder / "rubric.schema.json").write_text('{"team": "pinned"}')
    write_new_preset("team-c")
    assert (folder / "rubric.schema.json").read_text() == '{"team": "pinned"}'
    result = run_cli("rubric", "new", "team-d", cwd=tmp_path)
    assert result.stdout.strip() == f"wrote {folder / 'team-d.toml'}"  # no second 'wrote' line


# ---------------------------------------------------------------------- wizard


def test_wizard_takes_the_catalogue_and_overlay_the_readme_lists(tmp_path, monkeypatch):
    from tui.app.app import ShortlistApp

    opened: list[ShortlistApp] = []
    monkeypatch.setattr(ShortlistApp, "run", lambda self, *a, **k: opened.append(self))
    result = run_cli(
        "wizard", "--rubric", "default", "--catalog", "cat", "--catalog-overlay", "team-overlay", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    (app,) = opened
    assert (app.initial_rubric, app.catalog_dir, app.overlay) == ("default", "cat", "team-overlay")
