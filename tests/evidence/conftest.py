"""Real logs for the evidence tests, written once per test session by the installed tools.

``real_logs`` runs ``real_logs.py`` twice in parallel subprocesses (inspect_ai on its mock
model, lm-evaluation-harness on its dummy model), offline. Under xdist the workers share one
copy: the first to take the lock writes it, the others wait on the lock (no polling).
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent / "real_logs.py"


def _write(root: Path) -> None:
    env = {
        **os.environ,
        "HF_DATASETS_OFFLINE": "1",
        "HF_HUB_OFFLINE": "1",
        "HF_HOME": str(root / "hf"),
        "XDG_CACHE_HOME": str(root / "cache"),
        "XDG_DATA_HOME": str(root / "data"),
        "INSPECT_DISPLAY": "none",
        "PYTHONWARNINGS": "ignore",
    }
    runs = {
        kind: subprocess.Popen(
            [sys.executable, str(SCRIPT), kind, str(root / kind)],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for kind in ("inspect", "lm-eval")
    }
    for kind, process in runs.items():
        output, _ = process.communicate(timeout=300)
        if process.returncode != 0 or not (root / kind / "index.json").exists():
            raise RuntimeError(f"{kind} could not write its logs:\n{output[-4000:]}")
    (root / "done").write_text("")


@pytest.fixture(scope="session")
def real_logs(tmp_path_factory) -> dict[str, Path]:
    """Name -> path of a log written by a real run ("inspect:epochs.eval", "lm-eval:named", ...)."""
    base = tmp_path_factory.getbasetemp()
    # under xdist each worker's base is a folder of this session's own; share its parent
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "real-evidence-logs"
    root.mkdir(exist_ok=True)
    with (root / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "done").exists():
            _write(root)
    logs = {}
    for kind in ("inspect", "lm-eval"):
        for name, path in json.loads((root / kind / "index.json").read_text()).items():
            logs[f"{kind}:{name}"] = Path(path)
    logs["inspect:unfinished.eval"] = next((root / "inspect" / "unfinished").glob("*.eval"))
    return logs
