"""Today's date, or SHORTLIST_TODAY (YYYY-MM-DD) for reproducible runs and tests."""

from __future__ import annotations

import datetime as dt
import os

from tui.core.errors import InputError


def today() -> dt.date:
    """The date staleness is judged against and records are dated with."""
    raw = os.environ.get("SHORTLIST_TODAY")
    if raw:
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise InputError(f"SHORTLIST_TODAY={raw!r} is not a YYYY-MM-DD date") from None
    return dt.date.today()
