"""One error type for bad input, and the translation of TOML and pydantic errors into one line.

The command line prints ``InputError`` as a single line and exits 2; nothing here
ever lets a traceback reach the user for a problem in a file the user wrote.
"""

from __future__ import annotations

import difflib
import re
import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):  # noqa: UP036 - the design card names tomli as the fallback
    import tomllib
else:  # pragma: no cover - the design card names tomli as the fallback
    import tomli as tomllib

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pydantic is imported where it is used: it costs ~70 ms at start-up
    from pydantic import BaseModel, ValidationError

MAX_FILE_BYTES = 1024 * 1024
"""Input files larger than this are refused before they are parsed."""


class InputError(Exception):
    """Bad input the user can fix: a file, a field, a value. ``str()`` is one line."""

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None):
        self.path = Path(path) if path is not None else None
        self.line = line
        self.detail = message
        where = ""
        if self.path is not None:
            where = f"{self.path}"
            if line is not None:
                where += f":{line}"
            where += ": "
        super().__init__(f"{where}{message}")


def read_toml(path: Path) -> dict[str, Any]:
    """Read one TOML file, turning every failure into a one-line :class:`InputError`."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError("file not found", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror})", path=path) from None
    if path.is_dir():
        raise InputError("is a folder, expected a TOML file", path=path)
    if size > MAX_FILE_BYTES:
        raise InputError(f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}", path=path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError("file is not UTF-8 text", path=path) from None
    except PermissionError:
        raise InputError("cannot read file (permission denied)", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror or exc})", path=path) from None
    return parse_toml(text, path)


def parse_toml(text: str, path: Path) -> dict[str, Any]:
    """Parse TOML text read from ``path``; every failure is one line with the line number."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        line = int(match.group(1)) if match else None
        if "end of document" in message:
            line = text.count("\n") + (0 if text.endswith("\n") else 1)
        reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
        if match:
            reason += f" (column {match.group(2)})"
        raise InputError(f"malformed TOML: {reason}", path=path, line=line) from None
    except RecursionError:
        raise InputError("malformed TOML: nested too deeply", path=path) from None


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


def _tables(text: str) -> list[tuple[int, str]]:
    """(line, table path) for every table header; arrays of tables get an index: ``benchmarks.2``."""
    counts: dict[str, int] = {}
    out = [(1, "")]
    for number, line in enumerate(text.splitlines(), start=1):
        match = _HEADER.match(line)
        if not match:
            continue
        name = ".".join(part.strip().strip('"') for part in match.group(2).split("."))
        if match.group(1) == "[[":
            counts[name] = counts.get(name, -1) + 1
            name = f"{name}.{counts[name]}"
        out.append((number, name))
    return out


def _line_of_key(text: str, loc: tuple[Any, ...]) -> int | None:
    """The line of the field at ``loc`` (e.g. ('license', 'source') or ('benchmarks', 2, 'value')).

    The key is searched inside its own table first, so a field is never blamed on an earlier
    key of the same name in another table; a table that is itself the problem gives its
    header's line.
    """
    parts = [str(part) for part in loc]
    if not parts:
        return None
    lines = text.splitlines()
    tables = _tables(text)
    key = parts[-1]
    key_re = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
    for split in range(len(parts) - 1, -1, -1):
        table = ".".join(parts[:split])
        for index, (start, name) in enumerate(tables):
            if name != table:
                continue
            end = tables[index + 1][0] if index + 1 < len(tables) else len(lines) + 1
            rest = ".".join(parts[split:-1])
            dotted = re.compile(rf"^\s*{re.escape(rest + '.' if rest else '')}\"?{re.escape(key)}\"?\s*=")
            for number in range(start, end):
                line = lines[number - 1] if number - 1 < len(lines) else ""
                if (key_re.match(line) and not rest) or dotted.match(line):
                    return number
            if split == len(parts) - 1 and table:
                continue
    for split in range(len(parts), 0, -1):  # a whole table, or a key missing from its table
        prefix = ".".join(parts[:split])
        for start, name in tables:
            if name == prefix and start > 1:
                return start
    inline = re.compile(rf"[{{,]\s*\"?{re.escape(key)}\"?\s*=")
    for number, line in enumerate(lines, start=1):
        if inline.search(line):
            return number
    return None


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names (and aliases) valid at ``loc`` inside ``model``."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields:
            return []
        field = fields.get(part) or next((f for f in fields.values() if f.alias == part), None)
        if field is None:
            return []
        annotation = field.annotation
        current = _first_model(annotation)
        if current is None:
            return []
    fields = getattr(current, "model_fields", {})
    return [f.alias or name for name, f in fields.items()]


def _first_model(annotation: Any) -> type[BaseModel] | None:
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _first_model(arg)
        if found is not None:
            return found
    return None


def format_location(loc: tuple[Any, ...]) -> str:
    """``('benchmarks', 2, 'value')`` -> ``benchmarks[2].value``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def explain_validation_error(
    exc: ValidationError, model: type[BaseModel], path: Path | None, text: str | None = None
) -> InputError:
    """Translate the first pydantic error into one line naming the field and the cause."""
    error = exc.errors()[0]
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    kind = error["type"]
    field = format_location(loc)
    value = error.get("input")
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc)
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        message = f"unknown key {field!r}{hint}"
    elif kind == "missing":
        message = f"missing required field {field!r}"
    elif kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        message = f"{field} = {value!r} is out of range: {error['msg'].lower()}"
    elif kind == "literal_error" or kind == "enum":
        # keep the case of the allowed values: they are what the user must type
        msg = error["msg"]
        message = f"{field} = {value!r} is not allowed: {msg[:1].lower()}{msg[1:]}"
    elif kind == "string_pattern_mismatch":
        message = f"{field} = {value!r} has the wrong form ({_pattern_hint(field)})"
    elif kind == "value_error":
        message = f"{field}: {error['msg'].removeprefix('Value error, ')}"
    else:
        message = f"{field}: {error['msg'].lower()} (got {_short(value)})"
    more = len(exc.errors()) - 1
    if more:
        message += f" (+{more} more problem{'s' if more > 1 else ''})"
    line = _line_of_key(text, loc) if text else None
    return InputError(message, path=path, line=line)


def _pattern_hint(field: str) -> str:
    if field.endswith(("source", "evidence")) or "sources" in field:
        return "expected a public http(s) URL"
    if field.endswith("id"):
        return "expected lower-case letters, digits, '.', '_' or '-'"
    return "see the schema"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def validate_file(model: type[BaseModel], data: dict[str, Any], path: Path) -> Any:
    """Validate ``data`` read from ``path`` against ``model``; errors become one line."""
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            text = None
        raise explain_validation_error(exc, model, path, text) from None
