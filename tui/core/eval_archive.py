"""Read the header of an inspect_ai ``.eval`` log the way inspect does.

A ``.eval`` log is a zip archive: ``header.json`` holds the log without its samples, and
``_journal/start.json`` is all there is while the evaluation runs. From inspect_ai 0.3.206
the members are zstd-compressed (zip method 93), which Python 3.11's ``zipfile`` cannot
decompress. With the ``evals`` extra installed, inspect's own reader
(``inspect_ai.log.read_eval_log(header_only=True)``) reads the log, so any format inspect
reads is read; without it, ``zipfile`` finds the member and ``zstandard`` decompresses it.
Either way the result is the log as a JSON table. A log with no ``header.json`` has status
``"started"``.
"""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import zstandard

from tui.core.errors import InputError

ZIP_ZSTANDARD = 93
"""The zip compression method number of zstd (APPNOTE 4.4.5); inspect_ai writes it from 0.3.206."""
LOCAL_HEADER = struct.Struct("<IHHHHHIIIHH")
LOCAL_SIGNATURE = 0x04034B50
CONVERT = "convert it with `inspect log convert FILE --to json --output-dir DIR`"


def inspect_reader() -> Callable[..., Any] | None:
    """inspect_ai's own log reader when the ``evals`` extra is installed, else None."""
    try:
        from inspect_ai.log import read_eval_log
    except ImportError:
        return None
    return read_eval_log


def read_eval_header(path: Path, limit: int) -> dict[str, Any]:
    """The log of a ``.eval`` file without its samples, as a JSON table."""
    reader = inspect_reader()
    if reader is None:
        return _read_zip(path, limit)
    try:
        log = reader(str(path), header_only=True)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:  # pydantic's ValidationError is a ValueError
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
        raise InputError(f"inspect_ai cannot read this .eval log ({detail})", path=path) from None
    data: dict[str, Any] = log.model_dump(mode="json", exclude_none=True)
    return data


def _member(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """One archive member's bytes, zstd or any method zipfile reads."""
    if info.file_size > limit:
        raise InputError(f"{info.filename} in the .eval log is larger than {limit // 2**20} MiB", path=path)
    if info.compress_type != ZIP_ZSTANDARD:
        try:
            return archive.read(info)
        except NotImplementedError:
            raise InputError(
                f"inspect .eval log uses a compression shortlist cannot read; {CONVERT}", path=path
            ) from None
    with path.open("rb") as handle:
        handle.seek(info.header_offset)
        fields = LOCAL_HEADER.unpack(handle.read(LOCAL_HEADER.size))
        if fields[0] != LOCAL_SIGNATURE:
            raise zipfile.BadZipFile("bad local file header")
        handle.seek(fields[9] + fields[10], 1)  # the name and the extra field
        raw = handle.read(info.compress_size)
    try:
        data = zstandard.ZstdDecompressor().decompress(raw, max_output_size=info.file_size)
    except zstandard.ZstdError:
        raise zipfile.BadZipFile("zstd data is corrupt") from None
    if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
        raise zipfile.BadZipFile("CRC or size mismatch")
    return data


def _read_zip(path: Path, limit: int) -> dict[str, Any]:
    try:
        with zipfile.ZipFile(path) as archive:
            try:
                info = archive.getinfo("header.json")
            except KeyError:
                return {"status": "started", "eval": {}}  # only the start journal: still running, or it died
            raw = _member(path, archive, info, limit)
    except (zipfile.BadZipFile, struct.error):
        raise InputError(f"not a readable inspect .eval log (bad zip archive); {CONVERT}", path=path) from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InputError(f"header.json in the .eval log is not valid JSON; {CONVERT}", path=path) from None
    if not isinstance(data, dict):
        raise InputError("header.json in the .eval log is not a table", path=path)
    return data
