"""Catalogue overlays: team models and single-field overrides, loaded and used end to end."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from factory import entry, write_catalog
from helpers import cli_env, run_cli
from tomlkit import dumps

from tui.core.catalog import load_catalog
from tui.core.errors import InputError

RUBRIC = """
id = "overlay-test"
version = "1.0.0"
[domain]
weights = { mmlu = 1 }
cost_weight = 0.5
[practical]
monthly_input_tokens = 10_000_000
monthly_output_tokens = 2_000_000
"""


def shortlist(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return run_cli(*args, cwd=cwd, env=env)


@pytest.fixture
def catalog_dir(tmp_path) -> Path:
    return write_catalog(
        tmp_path / "catalog",
        [
            entry("alpha-70b", scores={"mmlu": 82}, price=(0.9, 0.9), params=70),
            entry("beta-8b", scores={"mmlu": 68}, price=(0.1, 0.1), params=8),
        ],
    )


def write_overlay(folder: Path, name: str, data: dict | str) -> Path:
    path = folder / "models" / f"{name}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else dumps(data))
    return path


NEGOTIATED = {
    "id": "alpha-70b",
    "prices": [
        {
            "provider": "Test Org",
            "first_party": True,
            "input_usd_per_mtok": 0.45,
            "output_usd_per_mtok": 0.3,
            "source": "https://example.org/our-contract",
            "as_of": "2026-10-01",
            "note": "Negotiated enterprise rate.",
        }
    ],
}


def item(data: dict, model_id: str) -> dict:
    return next(i for i in data["shortlist"] if i["id"] == model_id)


# ---------------------------------------------------------------------- loader


def test_overlay_adds_a_team_model(tmp_path, catalog_dir):
    overlay = tmp_path / "overlay"
    team = entry("team-ft-8b", scores={"mmlu": 75}, price=None, params=8, hosted=False)
    team["organisation"] = "Our Team"
    write_overlay(overlay, "team-ft-8b", team)

    catalog = load_catalog(catalog_dir, overlay=overlay)

    assert [e.id for e in catalog.entries] == ["alpha-70b", "beta-8b", "team-ft-8b"]
    added = catalog.by_id["team-ft-8b"]
    assert added.organisation == "Our Team"
    assert added.overridden == []  # a new model overrides nothing
    assert catalog.warnings == ("team-ft-8b: team model added by overlay team-ft-8b.toml",)
    assert catalog.overlay == overlay
    assert catalog.sha256 != load_catalog(catalog_dir).sha256  # records see the overlay


def test_overlay_replaces_single_fields_and_names_them(tmp_path, catalog_dir):
    overlay = tmp_path / "overlay"
    write_overlay(overlay, "beta-8b", {"id": "beta-8b", "specs": {"context_window": 65536}, "name": "Beta (ours)"})

    catalog = load_catalog(catalog_dir, overlay=overlay)
    beta = catalog.by_id["beta-8b"]

    assert beta.overridden == ["name", "specs.context_window"]
    assert beta.specs.context_window == 65536
    assert beta.name == "Beta (ours)"
    # the rest of the table is kept: tables merge, only the named keys are replaced
    assert beta.specs.params_total_b == 8
    assert beta.specs.source == "https://example.org/test-fixture"
    assert catalog.by_id["alpha-70b"].overridden == []


# ------------------------------------------------------------------------- CLI


def run_json(tmp_path: Path, catalog_dir: Path, *extra: str, env: dict[str, str] | None = None) -> tuple[dict, str]:
    (tmp_path / "rubric.toml").write_text(RUBRIC)
    result = shortlist(
        "run",
        "--rubric",
        "rubric.toml",
        "--catalog",
        str(catalog_dir),
        "--format",
        "json",
        *extra,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def test_negotiated_price_override_changes_the_monthly_cost_and_warns(tmp_path, catalog_dir):
    before, _ = run_json(tmp_path, catalog_dir)
    assert item(before, "alpha-70b")["monthly_cost_usd"] == pytest.approx(10 * 0.9 + 2 * 0.9)
    assert not any("overlay" in w for w in item(before, "alpha-70b")["warnings"])

    overlay = tmp_path / "overlay"
    write_overlay(overlay, "alpha-70b", NEGOTIATED)
    after, _ = run_json(tmp_path, catalog_dir, "--catalog-overlay", str(overlay))

    alpha = item(after, "alpha-70b")
    assert alpha["monthly_cost_usd"] == pytest.approx(10 * 0.45 + 2 * 0.3)
    assert "overlay overrides: prices" in alpha["warnings"]
    assert any("https://example.org/our-contract" in r for r in alpha["reasons"])
    assert after["catalog"]["overlay"] == str(overlay)
    assert after["catalog"]["sha256"] != before["catalog"]["sha256"]
    # the other model is untouched
    beta = item(after, "beta-8b")
    assert beta["monthly_cost_usd"] == pytest.approx(item(before, "beta-8b")["monthly_cost_usd"])
    assert not any("overlay" in w for w in beta["warnings"])


def test_overlay_from_the_environment_variable(tmp_path, catalog_dir):
    overlay = tmp_path / "overlay"
    write_overlay(overlay, "alpha-70b", NEGOTIATED)
    env = cli_env(tmp_path)
    env["SHORTLIST_CATALOG_OVERLAY"] = str(overlay)

    data, _ = run_json(tmp_path, catalog_dir, env=env)

    assert data["catalog"]["overlay"] == str(overlay)
    alpha = item(data, "alpha-70b")
    assert alpha["monthly_cost_usd"] == pytest.approx(5.1)
    assert "overlay overrides: prices" in alpha["warnings"]


def test_team_model_from_an_overlay_is_ranked(tmp_path, catalog_dir):
    overlay = tmp_path / "overlay"
    write_overlay(overlay, "team-ft-8b", entry("team-ft-8b", scores={"mmlu": 90}, price=(0.05, 0.05), params=8))

    data, stderr = run_json(tmp_path, catalog_dir, "--catalog-overlay", str(overlay))

    assert data["catalog"]["models"] == 3
    assert data["shortlist"][0]["id"] == "team-ft-8b"
    assert "team-ft-8b: team model added by overlay team-ft-8b.toml" in data["warnings"]
    assert "shortlist: warning: team-ft-8b: team model added by overlay" in stderr


BAD_OVERLAYS = [
    pytest.param(
        {"id": "alpha-70b", "prices": [{**NEGOTIATED["prices"][0], "input_usd_per_mtok": -1.0}]},
        "prices[0].input_usd_per_mtok = -1.0 is out of range",
        id="negative-price",
    ),
    pytest.param(
        {"id": "alpha-70b", "specs": {"contxt_window": 1000}},
        "unknown key 'specs.contxt_window'; did you mean 'context_window'?",
        id="typo",
    ),
    pytest.param(
        {"id": "alpha-70b", "prices": [{**NEGOTIATED["prices"][0], "source": "our contract"}]},
        "prices[0].source = 'our contract' has the wrong form (expected a public http(s) URL)",
        id="source-not-a-url",
    ),
    pytest.param('id = "alpha-70b"\n[specs\ncontext_window = 1\n', "malformed TOML", id="malformed"),
]


@pytest.mark.parametrize("body, message", BAD_OVERLAYS)
def test_a_bad_overlay_file_gives_one_line_and_exit_2(tmp_path, catalog_dir, body, message):
    overlay = tmp_path / "overlay"
    write_overlay(overlay, "alpha-70b", body)
    (tmp_path / "rubric.toml").write_text(RUBRIC)

    result = shortlist(
        "run",
        "--rubric",
        "rubric.toml",
        "--catalog",
        str(catalog_dir),
        "--catalog-overlay",
        str(overlay),
        "--format",
        "json",
        cwd=tmp_path,
    )

    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("shortlist: error: ")
    assert str(overlay / "models" / "alpha-70b.toml") in lines[0]
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_a_missing_overlay_folder_is_one_line(tmp_path, catalog_dir):
    (tmp_path / "rubric.toml").write_text(RUBRIC)
    result = shortlist(
        "run",
        "--rubric",
        "rubric.toml",
        "--catalog",
        str(catalog_dir),
        "--catalog-overlay",
        "no-such-overlay",
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "shortlist: error: no-such-overlay: overlay folder not found"
    with pytest.raises(InputError, match="overlay folder not found"):
        load_catalog(catalog_dir, overlay=tmp_path / "nowhere")
