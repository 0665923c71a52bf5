"""tui.core never imports textual or rich; the headless CLI never imports textual."""

from __future__ import annotations

import json
import subprocess
import sys

from helpers import cli_env

PROBE = """
import json, sys, runpy
{body}
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))))
"""


def loaded(body: str, cwd) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(body=body)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=cli_env(cwd),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_core_imports_neither_textual_nor_rich(tmp_path):
    body = (
        "import pkgutil, importlib, tui.core\n"
        "for m in pkgutil.iter_modules(tui.core.__path__): importlib.import_module('tui.core.' + m.name)\n"
        "from tui.core.workflow import Session, resolve_rubric\n"
        "s = Session.open()\ne = s.evaluate(resolve_rubric('default').rubric)\n"
        "s.report(e, resolve_rubric('default'), 'md')"
    )
    assert loaded(body, tmp_path) == []


def test_headless_run_never_loads_textual(tmp_path):
    body = (
        "import io, contextlib\nfrom tui.cli import main\nbuf = io.StringIO()\n"
        "with contextlib.redirect_stdout(buf):\n    code = main(['run', '--rubric', 'default', '--format', 'table'])\n"
        "assert code in (0, 1), code"
    )
    modules = loaded(body, tmp_path)
    assert not [m for m in modules if m.startswith("textual")]
    assert "rich" in modules  # tables are rendered with rich


def test_importing_tui_core_loads_nothing_heavy(tmp_path):
    """The package itself is light: pandas, numpy and pydantic load only when a module needs them."""
    body = "import tui, tui.core, tui.cli"
    probe = PROBE.replace("('textual', 'rich')", "('textual', 'rich', 'pandas', 'numpy', 'pydantic', 'tomlkit')")
    result = subprocess.run(
        [sys.executable, "-c", probe.format(body=body)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=cli_env(tmp_path),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
