"""Rubric presets as a team uses them: discovery, inheritance, locks, bad input, templates.

Everything runs the real command line in a subprocess (``python -m tui``) with isolated
user folders, and the bundled catalogue unless a test says otherwise.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from helpers import cli_env, run_cli

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "rubrics"
BUNDLED_PRESETS = sorted(p.stem for p in BUNDLED.glob("*.toml"))
DEFAULT_V = tomllib.loads((BUNDLED / "default.toml").read_text())["version"]
CODING_V = tomllib.loads((BUNDLED / "coding-assistant.toml").read_text())["version"]


def shortlist(
    *args: str,
    cwd: Path,
    home: Path | None = None,
    extra: dict[str, str] | None = None,
) -> subprocess.CompletedProcess:
    env = cli_env(home or cwd)
    env.update(extra or {})
    return run_cli(*args, cwd=cwd, env=env)


def preset(
    folder: Path,
    file_id: str,
    body: str = "",
    *,
    version: str = "1.0.0",
    extends: str | None = None,
    weights: bool = True,
    filename: str | None = None,
) -> Path:
    """Write a small preset; without ``extends`` it gets a weight so it stands alone."""
    folder.mkdir(parents=True, exist_ok=True)
    head = f'id = "{file_id}"\nversion = "{version}"\n'
    if extends is not None:
        head += f'extends = "{extends}"\n'
    if weights and extends is None and "[domain]" not in body:
        body += "\n[domain]\nweights = { mmlu = 1.0 }\n"
    path = folder / (filename or f"{file_id}.toml")
    path.write_text(head + body)
    return path


def one_line_error(result: subprocess.CompletedProcess) -> str:
    """Assert a bad-input failure: exit 2, one stderr line, no traceback; return the line."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("shortlist: error: ")
    return lines[0]


def project_dir(root: Path) -> Path:
    folder = root / ".shortlist" / "rubrics"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# ------------------------------------------------------------------- discovery


@pytest.fixture
def four_places(tmp_path):
    """A preset named ``default`` in every place discovery looks, versions 40 (highest) to 20, then the bundled one."""
    home = tmp_path / "home"
    env_dir = tmp_path / "env-rubrics"
    repo = tmp_path / "repo"
    nested = repo / "services" / "bot"
    nested.mkdir(parents=True)
    preset(env_dir, "default", version="40.0.0")
    preset(project_dir(repo), "default", version="30.0.0")
    preset(home / "config" / "rubrics", "default", version="20.0.0")
    return {"home": home, "env": env_dir, "repo": repo, "nested": nested, "outside": tmp_path}


def _checked_version(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    return re.match(r"ok: default@([\d.]+) ", result.stdout).group(1)


def test_discovery_order_env_then_project_then_user_then_bundled(four_places):
    p = four_places
    with_env = {"SHORTLIST_RUBRICS": str(p["env"])}
    # the project folder is found by walking up from a nested working folder
    assert (
        _checked_version(shortlist("rubric", "check", "default", cwd=p["nested"], home=p["home"], extra=with_env))
        == "40.0.0"
    )
    assert _checked_version(shortlist("rubric", "check", "default", cwd=p["nested"], home=p["home"])) == "30.0.0"
    assert _checked_version(shortlist("rubric", "check", "default", cwd=p["outside"], home=p["home"])) == "20.0.0"
    (p["home"] / "config" / "rubrics" / "default.toml").unlink()
    assert _checked_version(shortlist("rubric", "check", "default", cwd=p["outside"], home=p["home"])) == DEFAULT_V


def test_several_env_folders_are_searched_in_order(four_places, tmp_path):
    p = four_places
    first = tmp_path / "first"
    preset(first, "default", version="9.0.0")
    both = {"SHORTLIST_RUBRICS": os.pathsep.join([str(first), str(p["env"])])}
    assert (
        _checked_version(shortlist("rubric", "check", "default", cwd=p["nested"], home=p["home"], extra=both))
        == "9.0.0"
    )


def test_rubric_list_shows_origin_version_and_shadows(four_places):
    p = four_places
    result = shortlist(
        "rubric",
        "list",
        "--format",
        "json",
        cwd=p["nested"],
        home=p["home"],
        extra={"SHORTLIST_RUBRICS": str(p["env"])},
    )
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    defaults = [item for item in listed if item["id"] == "default"]
    assert [(d["origin"], d["version"]) for d in defaults] == [
        ("SHORTLIST_RUBRICS", "40.0.0"),
        ("project", "30.0.0"),
        ("user", "20.0.0"),
        ("bundled", DEFAULT_V),
    ]
    winner = defaults[0]
    assert [s.split(":", 1)[0] for s in winner["shadows"]] == ["project", "user", "bundled"]
    assert winner["shadows"][0].endswith(str(Path(".shortlist") / "rubrics" / "default.toml"))
    assert all(d["shadows"] == [] for d in defaults[1:])
    # a name found once shadows nothing; every bundled preset is listed with its description
    bundled = {item["id"]: item for item in listed if item["origin"] == "bundled"}
    assert set(bundled) == set(BUNDLED_PRESETS)
    assert bundled["coding-assistant"]["shadows"] == []
    assert bundled["coding-assistant"]["description"]


def test_resolving_a_shadowed_name_warns(four_places):
    p = four_places
    result = shortlist("rubric", "check", "default", cwd=p["nested"], home=p["home"])
    assert result.returncode == 0, result.stderr
    warnings = result.stderr.strip().splitlines()
    assert len(warnings) == 2  # the project preset shadows the user one and the bundled one
    assert all(w.startswith("shortlist: warning: preset 'default' from project") for w in warnings)
    assert "shadows the one in user" in warnings[0]
    assert "shadows the one in bundled" in warnings[1]
    run = shortlist("run", "--rubric", "default", "--format", "json", cwd=p["nested"], home=p["home"])
    assert run.returncode == 0, run.stderr
    assert any("shadows the one in bundled" in w for w in json.loads(run.stdout)["warnings"])
    assert "shadows the one in bundled" in run.stderr


# ----------------------------------------------------------------- inheritance


@pytest.fixture
def team_chain(tmp_path):
    """team -> dept -> default, in a project folder."""
    folder = project_dir(tmp_path)
    preset(
        folder,
        "dept",
        "[baselines]\nthresholds = { mmlu = 60 }\n[practical]\nmin_context = 32768\n",
        version="2.0.0",
        extends="default",
    )
    preset(
        folder,
        "team",
        "[domain]\ncost_weight = 2.0\nweights = { swe_bench_verified = 2.0 }\n[policy]\nshortlist_size = 3\n",
        version="1.2.0",
        extends="dept",
    )
    return tmp_path


def test_inheritance_over_three_levels(team_chain):
    result = shortlist("rubric", "check", "team", cwd=team_chain)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"ok: team@1.2.0 (team@1.2.0 <- dept@2.0.0 <- default@{DEFAULT_V}); 0 lock(s)"
    run = shortlist("run", "--rubric", "team", "--format", "json", cwd=team_chain)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["rubric"]["chain"] == ["team@1.2.0", "dept@2.0.0", f"default@{DEFAULT_V}"]
    resolved = data["rubric"]["resolved"]
    assert resolved["baselines"]["thresholds"] == {"mmlu": 60.0, "mmlu_pro": 40.0}  # dept's and default's
    assert resolved["practical"]["min_context"] == 32768  # from dept
    assert resolved["domain"]["weights"]["gpqa_diamond"] == 1.0  # from default
    assert resolved["domain"]["weights"]["swe_bench_verified"] == 2.0  # from team (default has 1.0)
    assert resolved["domain"]["cost_weight"] == 2.0
    assert resolved["practical"]["cost_bound_usd"] == 1000.0  # from default, untouched by both
    assert len(data["shortlist"]) >= 3


def test_rubric_diff_after_inheritance(team_chain):
    result = shortlist("rubric", "diff", "default", "team", cwd=team_chain)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    for expected in (
        'id: "default" -> "team"',
        f'version: "{DEFAULT_V}" -> "1.2.0"',
        'extends: null -> "dept"',
        "baselines.thresholds.mmlu: null -> 60.0",
        "practical.min_context: null -> 32768",
        "domain.cost_weight: 1.0 -> 2.0",
        "domain.weights.swe_bench_verified: 1.0 -> 2.0",
        "policy.shortlist_size: 5 -> 3",
    ):
        assert expected in lines, result.stdout
    assert not any(line.startswith(("baselines.thresholds.mmlu_pro:", "domain.weights.mmlu:")) for line in lines)
    between = shortlist("rubric", "diff", "dept", "team", cwd=team_chain)
    assert "practical.min_context" not in between.stdout  # both inherit it from dept
    same = shortlist("rubric", "diff", "team", "team", cwd=team_chain)
    assert same.stdout.strip() == "no differences after inheritance"


# ----------------------------------------------------------------------- locks

OWNER = "legal@acme.example"
REASON = "only licences legal has approved"


@pytest.fixture
def governed(tmp_path):
    """A project preset that extends default and locks the licence classes."""
    preset(
        project_dir(tmp_path),
        "governed",
        '[openness]\nlicense_classes = ["osi-open", "open-weights-restricted"]\n'
        f'[[locks]]\nfield = "openness.license_classes"\nowner = "{OWNER}"\nreason = "{REASON}"\n',
        extends="default",
    )
    return tmp_path


def test_a_locked_preset_runs(governed):
    result = shortlist("run", "--rubric", "governed", "--format", "json", cwd=governed)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["rubric"]["locks"] == [{"field": "openness.license_classes", "owner": OWNER, "reason": REASON}]
    assert data["shortlist"]
    for item in data["shortlist"]:
        assert any(re.search(r"^licence .* is (osi-open|open-weights-restricted)$", r) for r in item["reasons"]), item
    check = shortlist("rubric", "check", "governed", cwd=governed)
    assert check.stdout.strip() == f"ok: governed@1.0.0 (governed@1.0.0 <- default@{DEFAULT_V}); 1 lock(s)"


def test_a_child_that_loosens_a_lock_fails_naming_the_owner(governed):
    preset(
        project_dir(governed),
        "loose",
        '[openness]\nlicense_classes = ["osi-open", "open-weights-restricted", "proprietary"]\n',
        extends="governed",
    )
    line = one_line_error(shortlist("run", "--rubric", "loose", cwd=governed))
    assert "loose.toml" in line
    assert f"openness.license_classes is locked by {OWNER} ({REASON})" in line


def test_a_child_may_tighten_a_lock(governed):
    preset(project_dir(governed), "strict", '[openness]\nlicense_classes = ["osi-open"]\n', extends="governed")
    result = shortlist("run", "--rubric", "strict", "--format", "json", cwd=governed)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["rubric"]["resolved"]["openness"]["license_classes"] == ["osi-open"]
    assert data["rubric"]["locks"][0]["owner"] == OWNER  # the lock is inherited


def test_set_may_tighten_a_lock_but_not_loosen_it(governed):
    loosen = shortlist(
        "run", "--rubric", "governed", "--set", 'openness.license_classes=["osi-open", "proprietary"]', cwd=governed
    )
    line = one_line_error(loosen)
    assert (
        f"--set openness.license_classes=['osi-open', 'proprietary']: loosens openness.license_classes, which "
        f"is locked by {OWNER} ({REASON})"
    ) in line
    tighten = shortlist(
        "run",
        "--rubric",
        "governed",
        "--format",
        "json",
        "--set",
        'openness.license_classes=["osi-open"]',
        cwd=governed,
    )
    assert tighten.returncode == 0, tighten.stderr
    assert json.loads(tighten.stdout)["rubric"]["resolved"]["openness"]["license_classes"] == ["osi-open"]


@pytest.fixture
def strict_floors(tmp_path):
    """A preset that locks openness levels, thresholds and the missing-data policy."""
    preset(
        project_dir(tmp_path),
        "floors",
        '[openness]\nmin_levels = { weights = "inspectable" }\n'
        '[baselines]\nthresholds = { mmlu_pro = 40 }\n[policy]\nmissing_data = "fail"\n'
        '[[locks]]\nfield = "openness.min_levels"\nowner = "ml-platform"\nreason = "self-hosting"\n'
        '[[locks]]\nfield = "baselines.thresholds"\nowner = "ml-platform"\nreason = "quality floor"\n'
        '[[locks]]\nfield = "policy.missing_data"\nowner = "ml-platform"\nreason = "defensible"\n',
        extends="default",
    )
    return tmp_path


@pytest.mark.parametrize(
    "setting, locked",
    [
        ("openness={}", "openness.min_levels"),
        ("openness.min_levels.weights=opaque", "openness.min_levels"),
        ("openness.min_levels={}", "openness.min_levels"),
        ("baselines.thresholds.mmlu_pro=10", "baselines.thresholds"),
        ("baselines={}", "baselines.thresholds"),
        ("baselines.thresholds={}", "baselines.thresholds"),
        ("policy.missing_data=warn", "policy.missing_data"),
    ],
)
def test_no_set_path_loosens_a_lock(strict_floors, setting, locked):
    line = one_line_error(shortlist("run", "--rubric", "floors", "--set", setting, cwd=strict_floors))
    assert f"--set {setting.split('=')[0]}=" in line
    assert f"loosens {locked}, which is locked by ml-platform" in line


@pytest.mark.parametrize(
    "setting",
    [
        "baselines.thresholds.mmlu_pro=55",
        "baselines.thresholds.gpqa_diamond=30",
        "openness.min_levels.weights=open",
        "openness.min_levels.license=described",
    ],
)
def test_set_may_tighten_any_locked_field(strict_floors, setting):
    result = shortlist("run", "--rubric", "floors", "--format", "json", "--set", setting, cwd=strict_floors)
    assert result.returncode in (0, 1), result.stderr
    assert json.loads(result.stdout)["rubric"]["locks"]


def test_a_broken_preset_never_blocks_the_others(tmp_path):
    folder = project_dir(tmp_path)
    (folder / "broken.toml").write_text('id = "broken"\nversion = "1.0.0\n')
    preset(folder, "good", extends="default")
    listed = shortlist("rubric", "list", cwd=tmp_path)
    assert listed.returncode == 0
    assert "broken.toml:2: malformed TOML" in listed.stderr and "skipped" in listed.stderr
    assert "good" in listed.stdout and "default" in listed.stdout
    assert shortlist("rubric", "check", "default", cwd=tmp_path).returncode == 0
    assert shortlist("rubric", "check", "good", cwd=tmp_path).returncode == 0
    os.chmod(folder / "good.toml", 0)
    try:
        unreadable = shortlist("run", "--rubric", "default", "--format", "json", cwd=tmp_path)
        if os.geteuid() != 0:  # root reads anything: the permission case only bites for users
            assert unreadable.returncode in (0, 1)
            assert "good.toml" in unreadable.stderr
    finally:
        os.chmod(folder / "good.toml", 0o644)


def test_the_record_names_the_preset_version_and_the_lock(governed):
    first = shortlist("run", "--rubric", "governed", "--format", "json", cwd=governed)
    chosen = json.loads(first.stdout)["shortlist"][0]["id"]
    result = shortlist(
        "run",
        "--rubric",
        "governed",
        "--format",
        "json",
        "--record",
        "decisions",
        "--choose",
        chosen,
        "--title",
        "Licensed model",
        cwd=governed,
    )
    assert result.returncode == 0, result.stderr
    record = next((governed / "decisions").glob("*.md")).read_text()
    assert "`governed@1.0.0`" in record
    assert f"governed@1.0.0 <- default@{DEFAULT_V}" in record
    assert f"- Locked by {OWNER}: `openness.license_classes` ({REASON})" in record
    assert '"ref": "governed@1.0.0"' in record


def test_adding_a_threshold_to_a_locked_table_is_tightening(tmp_path):
    folder = project_dir(tmp_path)
    preset(
        folder,
        "floor",
        '[[locks]]\nfield = "baselines.thresholds"\nowner = "ml-platform"\nreason = "floors"\n',
        extends="default",
    )
    preset(folder, "more", "[baselines]\nthresholds = { mmlu_pro = 40 }\n", extends="floor")
    result = shortlist("rubric", "check", "more", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_lowering_an_inherited_locked_threshold_is_refused(tmp_path):
    folder = project_dir(tmp_path)
    preset(
        folder,
        "floor",
        '[[locks]]\nfield = "baselines.thresholds"\nowner = "ml-platform"\nreason = "floors"\n',
        extends="default",
    )
    preset(folder, "lower", "[baselines]\nthresholds = { mmlu_pro = 30 }\n", extends="floor")
    line = one_line_error(shortlist("rubric", "check", "lower", cwd=tmp_path))
    assert "baselines.thresholds is locked by ml-platform (floors)" in line


# ------------------------------------------------------------------- bad input


def _unknown_key(root: Path) -> tuple[list[str], str]:
    preset(project_dir(root), "typo", "[domain]\nweigths = { mmlu = 1 }\n", extends="default")
    return ["rubric", "check", "typo"], "unknown key 'domain.weigths'; did you mean 'weights'?"


def _unknown_top_key(root: Path) -> tuple[list[str], str]:
    preset(project_dir(root), "typo", "[practicle]\nmin_context = 8000\n", extends="default")
    return ["run", "--rubric", "typo"], "did you mean 'practical'?"


def _wrong_type(root: Path) -> tuple[list[str], str]:
    preset(project_dir(root), "typed", '[practical]\nmin_context = "lots"\n', extends="default")
    return ["rubric", "check", "typed"], "practical.min_context: input should be a valid integer"


def _bad_lock_field(root: Path) -> tuple[list[str], str]:
    preset(
        project_dir(root),
        "lockit",
        '[[locks]]\nfield = "openness.licence_classes"\nowner = "x"\nreason = "y"\n',
        extends="default",
    )
    return ["rubric", "check", "lockit"], "cannot be locked; did you mean 'openness.license_classes'?"


def _cycle(root: Path) -> tuple[list[str], str]:
    folder = project_dir(root)
    preset(folder, "a", extends="b")
    preset(folder, "b", extends="c")
    preset(folder, "c", extends="a")
    return ["run", "--rubric", "a"], "inheritance cycle: a -> b -> c -> a"


def _self_cycle(root: Path) -> tuple[list[str], str]:
    preset(project_dir(root), "me", extends="me")
    return ["rubric", "check", "me"], "inheritance cycle: me -> me"


def _missing_parent(root: Path) -> tuple[list[str], str]:
    folder = project_dir(root)
    preset(folder, "a", extends="b")
    preset(folder, "b", extends="nowhere")
    return ["run", "--rubric", "a"], "missing parent preset 'nowhere' (chain: a -> b -> nowhere)"


def _dotdot_parent(root: Path) -> tuple[list[str], str]:
    folder = project_dir(root)
    preset(folder.parent, "x")  # .shortlist/x.toml: valid, but outside the presets folder
    preset(folder, "a", extends="../x")
    return ["rubric", "check", "a"], "'../x'"


def _absolute_parent(root: Path) -> tuple[list[str], str]:
    outside = preset(root / "elsewhere", "x")
    preset(project_dir(root), "a", extends=str(outside.resolve()))
    return ["rubric", "check", "a"], repr(str(outside.resolve()))


def _dotdot_name(root: Path) -> tuple[list[str], str]:
    return ["run", "--rubric", "../x"], "rubric file not found"


def _symlink_outside(root: Path) -> tuple[list[str], str]:
    target = preset(root / "elsewhere", "evil")
    (project_dir(root) / "evil.toml").symlink_to(target)
    return ["rubric", "check", "evil"], "evil.toml: preset is a link that points outside its folder"


def _too_big(root: Path) -> tuple[list[str], str]:
    path = preset(project_dir(root), "big")
    path.write_text(path.read_text() + "# padding\n" * 120_000)
    return ["run", "--rubric", "big"], "the limit is 1,048,576"


def _too_big_path(root: Path) -> tuple[list[str], str]:
    path = preset(root, "big")
    path.write_text(path.read_text() + "# padding\n" * 120_000)
    return ["run", "--rubric", "big.toml"], "big.toml: file is"


def _duplicate_id(root: Path) -> tuple[list[str], str]:
    folder = project_dir(root)
    preset(folder, "team", filename="a.toml")
    preset(folder, "team", filename="b.toml")
    return ["run", "--rubric", "team"], "b.toml: duplicate preset id 'team' (also in a.toml)"


def _malformed(root: Path) -> tuple[list[str], str]:
    (project_dir(root) / "broken.toml").write_text('id = "broken"\nversion = "1.0.0\n')
    return ["rubric", "check", "broken"], "broken.toml:2: malformed TOML"


def _unknown_benchmark(root: Path) -> tuple[list[str], str]:
    preset(project_dir(root), "bench", "[domain]\nweights = { swe_bench = 1 }\n", extends="default")
    return ["rubric", "check", "bench"], "unknown benchmark 'swe_bench'; did you mean"


BAD = [
    _unknown_key,
    _unknown_top_key,
    _wrong_type,
    _bad_lock_field,
    _cycle,
    _self_cycle,
    _missing_parent,
    _dotdot_parent,
    _absolute_parent,
    _dotdot_name,
    _symlink_outside,
    _too_big,
    _too_big_path,
    _duplicate_id,
    _malformed,
    _unknown_benchmark,
]


@pytest.mark.parametrize("make", BAD, ids=[f.__name__.strip("_") for f in BAD])
def test_bad_presets_get_one_line_and_exit_2(tmp_path, make):
    args, message = make(tmp_path)
    line = one_line_error(shortlist(*args, cwd=tmp_path))
    assert message in line


def test_a_name_that_escapes_is_never_read(tmp_path):
    """`extends = "../x"` must not load .shortlist/x.toml, even though it exists and is valid."""
    _dotdot_parent(tmp_path)
    result = shortlist("rubric", "check", "a", cwd=tmp_path)
    assert result.returncode == 2
    assert "ok:" not in result.stdout


# ------------------------------------------------------------------ rubric new


def _uncomment_everything(text: str) -> str:
    """Turn every commented example in a template into a real setting."""
    out = []
    for line in text.splitlines():
        match = re.match(r"^# (\[\[?[a-z_]+\]\]?|[a-z_]+ = .*)$", line)
        out.append(match.group(1) if match else line)
    return "\n".join(out) + "\n"


def test_rubric_new_writes_a_template_that_checks(tmp_path):
    result = shortlist("rubric", "new", "support-bot", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    path = tmp_path / ".shortlist" / "rubrics" / "support-bot.toml"
    schema = path.parent / "rubric.schema.json"
    assert result.stdout.splitlines()[0] == f"wrote {path}"
    assert f"wrote {schema}" in result.stdout
    text = path.read_text()
    # the schema beside the preset, which works in every clone; never a path into a venv
    assert text.splitlines()[0] == "#:schema ./rubric.schema.json"
    assert schema.read_text() == (BUNDLED / "rubric.schema.json").read_text()
    data = tomllib.loads(text)
    assert data == {
        "schema_version": 1,
        "id": "support-bot",
        "version": "1.0.0",
        "name": "Support bot",
        "description": "",
        "extends": "default",
    }
    for section in ("[openness]", "[baselines]", "[domain]", "[practical]", "[policy]", "[[locks]]"):
        assert f"# {section}" in text
    check = shortlist("rubric", "check", "support-bot", cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith(f"ok: support-bot@1.0.0 (support-bot@1.0.0 <- default@{DEFAULT_V})")
    # every commented example is itself valid, locks included
    path.write_text(_uncomment_everything(text))
    assert "\n[[locks]]\n" in path.read_text()
    check = shortlist("rubric", "check", "support-bot", cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    assert "1 lock(s)" in check.stdout
    run = shortlist("run", "--rubric", "support-bot", "--format", "json", cwd=tmp_path)
    assert run.returncode in (0, 1), run.stderr


def test_rubric_new_from_another_preset_shows_its_values(tmp_path):
    result = shortlist("rubric", "new", "code-team", "--from", "coding-assistant", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / ".shortlist" / "rubrics" / "code-team.toml").read_text()
    assert 'extends = "coding-assistant"' in text
    assert "# min_context = 128000" in text
    diff = shortlist("rubric", "diff", "coding-assistant", "code-team", cwd=tmp_path)
    changed = {line.split(":", 1)[0] for line in diff.stdout.strip().splitlines()}
    # a new preset starts at its own 1.0.0; every value is inherited
    assert changed == {"id", "name", "description", "extends"} | ({"version"} if CODING_V != "1.0.0" else set())


def test_rubric_new_refuses_to_overwrite(tmp_path):
    assert shortlist("rubric", "new", "team", cwd=tmp_path).returncode == 0
    path = tmp_path / ".shortlist" / "rubrics" / "team.toml"
    path.write_text(path.read_text() + "# edited by hand\n")
    before = path.read_text()
    line = one_line_error(shortlist("rubric", "new", "team", cwd=tmp_path))
    assert "team.toml: file exists; it is never overwritten" in line
    assert path.read_text() == before
    # no temporary file left behind
    assert sorted(p.name for p in path.parent.iterdir()) == ["rubric.schema.json", "team.toml"]


@pytest.mark.parametrize("name", ["../x", "/abs/x", "Team", "a/b", ".hidden", "x.toml/.."])
def test_rubric_new_refuses_names_that_are_not_plain(tmp_path, name):
    line = one_line_error(shortlist("rubric", "new", name, cwd=tmp_path))
    assert "is not a plain name" in line
    assert not (tmp_path / ".shortlist").exists()
    assert not (tmp_path / "x.toml").exists()


@pytest.mark.parametrize(
    "base, message",
    [
        ("nosuch", "cannot build on preset 'nosuch': no rubric preset named 'nosuch'"),
        ("../default", "--from preset '../default' is not a plain name"),
        ("default", None),
    ],
)
def test_rubric_new_needs_a_base_that_resolves(tmp_path, base, message):
    result = shortlist("rubric", "new", "team", "--from", base, cwd=tmp_path)
    if message is None:
        assert result.returncode == 0, result.stderr
        return
    assert message in one_line_error(result)
    assert not (tmp_path / ".shortlist" / "rubrics" / "team.toml").exists()


def test_rubric_new_refuses_a_cycle(tmp_path):
    folder = project_dir(tmp_path)
    preset(folder, "dept", extends="default")
    preset(folder, "team", extends="dept")
    assert "cannot extend itself" in one_line_error(shortlist("rubric", "new", "team", "--from", "team", cwd=tmp_path))
    # a new user-level 'dept' extending 'team' would loop team -> dept -> team
    line = one_line_error(shortlist("rubric", "new", "dept", "--from", "team", "--user", cwd=tmp_path))
    assert "would extend itself through team -> dept -> default" in line


def test_rubric_new_user_and_nested_project(tmp_path):
    result = shortlist("rubric", "new", "mine", "--user", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "config" / "rubrics" / "mine.toml").is_file()
    listed = json.loads(shortlist("rubric", "list", "--format", "json", cwd=tmp_path).stdout)
    assert {"id": "mine", "origin": "user"}.items() <= next(p for p in listed if p["id"] == "mine").items()
    # from a subfolder of a team repo, the team's folder is used, not a new one that would hide it
    project_dir(tmp_path)
    nested = tmp_path / "src" / "app"
    nested.mkdir(parents=True)
    result = shortlist("rubric", "new", "ours", cwd=nested, home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / ".shortlist" / "rubrics" / "ours.toml").is_file()
    assert not (nested / ".shortlist").exists()


def test_rubric_new_refuses_an_id_already_in_the_folder(tmp_path):
    preset(project_dir(tmp_path), "team", filename="our-team.toml")
    line = one_line_error(shortlist("rubric", "new", "team", cwd=tmp_path))
    assert "preset id 'team' is already used by our-team.toml" in line


# ------------------------------------------------------------- save_preset (in process)


def test_save_preset_round_trips_through_inheritance(tmp_path, monkeypatch):
    from tui.core.presetio import save_preset
    from tui.core.presets import resolve
    from tui.core.rubric import Rubric

    monkeypatch.chdir(tmp_path)
    base = resolve("coding-assistant").rubric.model_dump(mode="json", by_alias=True)
    base.update(id="team-code", version="2.1.0", extends="coding-assistant")
    base["domain"]["weights"].pop("ifeval")  # dropped in the wizard: written as weight 0
    base["practical"]["max_monthly_cost_usd"] = 150.0
    rubric = Rubric.model_validate(base)
    path = save_preset(rubric, "project")
    assert path == tmp_path / ".shortlist" / "rubrics" / "team-code.toml"
    text = path.read_text()
    assert text.splitlines()[0] == "#:schema ./rubric.schema.json"
    assert (path.parent / "rubric.schema.json").is_file()
    data = tomllib.loads(text)
    assert data["extends"] == "coding-assistant"
    assert "min_mof_class" not in data["openness"]  # None is left out
    again = resolve("team-code")
    assert again.chain == ("team-code@2.1.0", f"coding-assistant@{CODING_V}")
    got = again.rubric.model_dump()
    want = rubric.model_dump()
    assert got["domain"]["weights"] == {**want["domain"]["weights"], "ifeval": 0.0}
    got["domain"]["weights"].pop("ifeval")
    assert got == want


def test_save_preset_writes_standalone_when_a_child_cannot_express_it(tmp_path, monkeypatch):
    from tui.core.presetio import save_preset
    from tui.core.presets import resolve
    from tui.core.rubric import Rubric

    monkeypatch.chdir(tmp_path)
    data = resolve("default").rubric.model_dump(mode="json", by_alias=True)
    data.update(id="no-floor", extends="default")
    data["baselines"]["thresholds"] = {}  # removing default's floor cannot be inherited
    rubric = Rubric.model_validate(data)
    path = save_preset(rubric, "user")
    assert path.parent == Path(os.environ["SHORTLIST_CONFIG_DIR"]) / "rubrics"
    assert "Saved without 'extends'" in path.read_text()
    again = resolve("no-floor")
    assert again.chain == (f"no-floor@{DEFAULT_V}",)
    assert again.rubric.model_dump(exclude={"extends"}) == rubric.model_dump(exclude={"extends"})


def test_save_preset_keeps_locks_and_never_overwrites_unless_asked(tmp_path, monkeypatch):
    from tui.core.errors import InputError
    from tui.core.presetio import save_preset
    from tui.core.presets import resolve

    monkeypatch.chdir(tmp_path)
    preset(
        project_dir(tmp_path),
        "governed",
        '[openness]\nlicense_classes = ["osi-open"]\n'
        f'[[locks]]\nfield = "openness.license_classes"\nowner = "{OWNER}"\nreason = "{REASON}"\n',
        extends="default",
    )
    rubric = resolve("governed").rubric.model_copy(update={"id": "governed-2", "extends": "governed"})
    path = save_preset(rubric, "project")
    assert resolve("governed-2").locks[0].owner == OWNER
    with pytest.raises(InputError, match="never overwritten"):
        save_preset(rubric, "project")
    tighter = rubric.model_copy(update={"version": "1.1.0"})
    assert save_preset(tighter, "project", overwrite=True) == path
    assert resolve("governed-2").rubric.version == "1.1.0"
    with pytest.raises(InputError, match="not a plain name"):
        save_preset(rubric.model_copy(update={"id": "../x"}), "project")
    with pytest.raises(InputError, match="expected 'project' or 'user'"):
        save_preset(rubric, "elsewhere")


# ------------------------------------------------------------- bundled presets


def _bundled_run(name: str, tmp_path: Path) -> dict:
    run = shortlist("run", "--rubric", name, "--format", "json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.mark.parametrize("name", BUNDLED_PRESETS)
def test_bundled_preset_checks_and_runs(tmp_path, name):
    path = BUNDLED / f"{name}.toml"
    text = path.read_text()
    assert text.splitlines()[0] == "#:schema ./rubric.schema.json"
    data = tomllib.loads(text)
    assert data["id"] == name
    assert re.fullmatch(r"\d+\.\d+\.\d+", data["version"])
    assert 20 <= len(data["description"]) <= 420
    check = shortlist("rubric", "check", name, cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith(f"ok: {name}@{data['version']}")
    result = _bundled_run(name, tmp_path)
    assert result["shortlist"], f"{name} shortlists nothing"
    assert all(item["reasons"] for item in result["shortlist"])
    # no retired or evidence-free settings in what we ship
    policy = data.get("policy", {})
    assert "min_coverage" not in policy and policy.get("missing_in_ranking", "estimate") == "estimate"
    assert policy.get("missing_data", "fail") in {"fail", "warn"}


def _named_benchmarks(description: str) -> set[str]:
    """Registry benchmarks a description names (by name, with or without a version or parenthesis)."""
    from tui.core.catalog import load_catalog
    from tui.core.resources import catalog_root

    named = set()
    for bid, info in load_catalog(catalog_root()).registry.items():
        short = re.sub(r"\s*(\(.*\)|\d+\.\d+)$", "", info.name)
        for label in {info.name, short}:
            if re.search(rf"(?<![\w-]){re.escape(label)}(?![\w-])", description):
                named.add(bid)
    return named


@pytest.mark.parametrize("name", BUNDLED_PRESETS)
def test_a_bundled_preset_ranks_on_what_its_description_names(tmp_path, name):
    data = tomllib.loads((BUNDLED / f"{name}.toml").read_text())
    named = _named_benchmarks(data["description"])
    used = set(data["domain"].get("weights", {})) | set(data["baselines"].get("thresholds", {}))
    assert named, f"{name}: the description names no benchmark"
    assert named <= used, f"{name} names {sorted(named - used)} but neither ranks nor screens on them"
    # and every shortlisted model has a value for each of them: observed, or estimated with an interval
    for item in _bundled_run(name, tmp_path)["shortlist"]:
        values = {v["criterion"]: v for v in item["values"]}
        for bid in named & set(data["domain"].get("weights", {})):
            assert values[bid]["value"] is not None and values[bid]["se"] is not None, (item["id"], bid)


def test_open_science_lets_only_an_unknown_mof_class_through(tmp_path):
    # the preset's explicit missing_data = "warn" is for MOF records alone: every survivor is
    # open on the four required dimensions on known, sourced levels
    data = tomllib.loads((BUNDLED / "open-science.toml").read_text())
    required = data["openness"]["min_levels"]
    catalog = {e["id"]: e for e in json.loads(shortlist("catalog", "list", "--format", "json", cwd=tmp_path).stdout)}
    result = _bundled_run("open-science", tmp_path)
    assert len(result["shortlist"]) >= 3
    for item in result["shortlist"]:
        openness = catalog[item["id"]]["openness"]
        for dim, level in required.items():
            assert openness[dim]["level"] == level and openness[dim]["evidence"], (item["id"], dim)
        passed_on_unknown = [w for w in item["warnings"] if "passed only because the missing-data policy" in w]
        assert all(w.startswith("MOF class") for w in passed_on_unknown), passed_on_unknown


def test_bundled_presets_include_the_five_briefs():
    assert {
        "default",
        "open-science",
        "self-hosted-enterprise",
        "startup-api-budget",
        "coding-assistant",
        "factual-assistant",
    } <= set(BUNDLED_PRESETS)


def test_bundled_schema_file_is_current(tmp_path):
    result = shortlist("rubric", "schema", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (BUNDLED / "rubric.schema.json").read_text() == result.stdout, (
        "rubrics/rubric.schema.json is stale: regenerate it with `shortlist rubric schema > rubrics/rubric.schema.json`"
    )


def test_every_profile_a_bundled_preset_names_is_offered_by_the_wizard():
    from tui.core.wizard import PROFILES

    named = set()
    for path in sorted((Path(__file__).resolve().parents[1] / "rubrics").glob("*.toml")):
        profiles = tomllib.loads(path.read_text())["domain"].get("profiles", [])
        assert profiles, path.name
        named |= set(profiles)
        assert set(profiles) <= set(PROFILES), (path.name, set(profiles) - set(PROFILES))
    assert len(named) >= 5


def test_profiles_weigh_only_current_benchmarks_the_catalogue_carries():
    from tui.core.resources import catalog_root
    from tui.core.wizard import PROFILES

    registry = tomllib.loads((catalog_root() / "benchmarks.toml").read_text())["benchmarks"]
    saturated = {b["id"] for b in registry if b.get("saturated")}
    known = {b["id"] for b in registry}
    for name, weights in PROFILES.items():
        assert set(weights) <= known, name
        assert not set(weights) & saturated, (name, set(weights) & saturated)
