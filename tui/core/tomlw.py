"""A small TOML writer for the files shortlist writes (presets, overlays).

The standard library reads TOML but cannot write it; what shortlist writes is simple
(tables, arrays of tables, scalars, dates, lists of scalars and inline tables), so a
few lines do instead of another dependency. Output round-trips through tomllib.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(key: str) -> str:
    return key if _BARE.match(key) else json.dumps(key)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ValueError("TOML cannot hold NaN or infinity here")
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_scalar(v)}" for k, v in value.items() if v is not None) + " }"
    if hasattr(value, "value"):  # enums
        return _scalar(value.value)
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def dumps(data: dict[str, Any]) -> str:
    """Serialise ``data``; ``None`` values are left out (unknown stays empty)."""
    return _dump(data, "").strip("\n") + "\n"


def _dump(data: dict[str, Any], prefix: str) -> str:
    lines: list[str] = []
    nested: list[tuple[str, Any]] = []
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, dict) or _is_table_array(value):
            nested.append((key, value))
        else:
            lines.append(f"{_key(key)} = {_scalar(value)}")
    out = "\n".join(lines)
    for key, value in nested:
        name = f"{prefix}{_key(key)}"
        if isinstance(value, dict):
            out += f"\n\n[{name}]\n" + _dump(value, name + ".")
        else:
            for item in value:
                out += f"\n\n[[{name}]]\n" + _dump(item, name + ".")
    return out
