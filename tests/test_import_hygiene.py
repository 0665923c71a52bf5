"""tui.core never imports textual or rich; the headless CLI never imports textual."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import cli_env

PROBE = """
import json, sys, runpy
{body}
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))))
"""


def loaded(body: str, cwd) -> list[str]:
    result = subprocess.run([sys.executable, "-c", PROBE.format(body=body)], capture_output=True, text=True,
                            cwd=cwd, env=cli_env(cwd), timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_core_imports_neither_textual_nor_rich(tmp_path):
    body = ("import tui.core, tui.core.engine, tui.core.records, tui.core.presets, tui.core.report, "
            "tui.core.evidence, tui.core.catalog\n"
            "from tui.core.catalog import load_catalog\nfrom tui.core.resources import catalog_root\n"
            "from tui.core.presets import resolve\nfrom tui.core.engine import evaluate\n"
            "c = load_catalog(catalog_root())\nevaluate(c, resolve('default').rubric)")
    assert loaded(body, tmp_path) == []


def test_headless_run_never_loads_textual(tmp_path):
    body = ("import io, contextlib\nfrom tui.cli import main\nbuf = io.StringIO()\n"
            "with contextlib.redirect_stdout(buf):\n    code = main(['run', '--rubric', 'default', '--format', 'table'])\n"
            "assert code in (0, 1), code")
    modules = loaded(body, tmp_path)
    assert not [m for m in modules if m.startswith("textual")]
    assert "rich" in modules  # tables are rendered with rich
