"""Build the wheel, install it into a fresh venv, and run it from an unrelated folder."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import venv

import pytest
from helpers import cli_env

pytestmark = pytest.mark.slow


def test_wheel_installs_and_runs_from_another_folder(tmp_path, repo_root):
    dist = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist)],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    wheel = next(dist.glob("llm_shortlist-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    # dependencies come from the test environment; the package itself only from the wheel
    env = cli_env(tmp_path)
    env["PYTHONPATH"] = sysconfig.get_paths()["purelib"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run(
        [
            str(python),
            "-c",
            "import tui, tui.core.resources as r; "
            "print(tui.__file__); print(r.catalog_root()); print(r.bundled_rubrics_root())",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert where.returncode == 0, where.stderr
    module, catalog, rubrics = where.stdout.split()
    assert str(env_dir) in module
    assert catalog.endswith("tui/_bundled/catalog") and str(env_dir) in catalog
    assert rubrics.endswith("tui/_bundled/rubrics")
    script = env_dir / "bin" / "shortlist"
    run = subprocess.run(
        [str(script), "run", "--rubric", "default", "--format", "json"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["catalog"]["models"] > 0 and data["shortlist"]
