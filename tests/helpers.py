"""Run the command line as a user would: in-process by default, in a real process on request."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


def cli_env(home: Path) -> dict[str, str]:
    """Environment for subprocess runs of the CLI, isolated like the fixture above."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHORTLIST_")}
    env.update(
        {
            "SHORTLIST_CONFIG_DIR": str(home / "config"),
            "SHORTLIST_DATA_DIR": str(home / "data"),
            "SHORTLIST_CACHE_DIR": os.environ.get("SHORTLIST_CACHE_DIR", str(home / "cache")),
            "HOME": str(home),
            "SHORTLIST_TODAY": "2026-11-30",
            "NO_COLOR": "1",
            "COLUMNS": "120",
        }
    )
    return env


@dataclass
class Result:
    """What a command printed and returned (the shape of subprocess.CompletedProcess)."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, subprocess_: bool = False
) -> Result:
    """Run `shortlist ARGS` as a user would, in-process by default (same code path as the console script)."""
    cwd = cwd or Path.cwd()
    if subprocess_:
        done = subprocess.run(
            [sys.executable, "-m", "tui", *args],
            cwd=cwd,
            env=env or cli_env(cwd),
            capture_output=True,
            text=True,
            timeout=120,
        )
        return Result(done.returncode, done.stdout, done.stderr)
    from tui.cli import main

    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    out, err = io.StringIO(), io.StringIO()
    try:
        if env is not None:
            os.environ.clear()
            os.environ.update(env)
        os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse: --help, --version, usage errors
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return Result(int(code), out.getvalue(), err.getvalue())
