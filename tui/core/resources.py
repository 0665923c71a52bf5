"""Find the bundled catalogue and rubric presets, wherever shortlist is installed.

One resolver, three places, in this order:

1. an environment override (``SHORTLIST_CATALOG``, ``SHORTLIST_BUNDLED_RUBRICS``);
2. the copy inside the installed package (``tui/_bundled/<name>``, put there by the wheel);
3. the source checkout (``<repo>/<name>``), used by editable installs and tests.

Never ``import catalog`` or ``import rubrics``: in an editable install the repository root
is on ``sys.path`` and that works by accident, but it fails from a wheel.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from tui.core.errors import InputError

_ENV = {"catalog": "SHORTLIST_CATALOG", "rubrics": "SHORTLIST_BUNDLED_RUBRICS"}


def data_root(name: str) -> Path:
    """The folder holding bundled ``catalog`` or ``rubrics`` data."""
    override = os.environ.get(_ENV[name])
    if override:
        path = Path(override).expanduser()
        if not path.is_dir():
            raise InputError(f"{_ENV[name]} points to a folder that does not exist", path=path)
        return path
    bundled = Path(str(resources.files("tui"))) / "_bundled" / name
    if bundled.is_dir():
        return bundled
    checkout = Path(__file__).resolve().parent.parent.parent / name
    if checkout.is_dir():
        return checkout
    raise InputError(f"the bundled {name} folder is missing from this installation")


def catalog_root() -> Path:
    """The bundled catalogue folder."""
    return data_root("catalog")


def bundled_rubrics_root() -> Path:
    """The bundled rubric presets folder."""
    return data_root("rubrics")
