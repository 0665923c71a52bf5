"""A compiled catalogue: parsed, validated and tabulated once, then loaded from a cache.

Parsing and validating ~150 TOML files costs more than half a second; the result depends
only on the bytes of those files (and of the calibration), and on this code. The cache
file is keyed by a sha256 of both, lives in the user cache folder, and holds the whole
:class:`~tui.core.catalog.Catalog` with its frames and capabilities already computed.

A cache file is trusted only when its embedded key matches the one computed from the
files on disk; anything else (a stale, truncated or corrupt file, another version of
shortlist) is ignored and rebuilt. Writes are atomic, so a killed process leaves either
no cache or a complete one. The cache folder is the user's own; shortlist never reads a
cache from anywhere else.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from pathlib import Path
from typing import TYPE_CHECKING

from tui.core.paths import user_cache_dir

if TYPE_CHECKING:
    from tui.core.catalog import Catalog

FORMAT = 1
"""Bump when the pickled structure changes."""
KEEP = 8
"""Compiled catalogues kept in the cache folder (the newest)."""


def cache_key(root: Path, overlay: Path | None) -> str:
    """sha256 of the catalogue's files, its calibration and the code that reads them."""
    from tui import __version__
    from tui.core.catalog import catalog_hash

    digest = hashlib.sha256()
    digest.update(f"{FORMAT}|{__version__}|".encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())  # a code change never reuses an old compiled form
    digest.update(catalog_hash(root, overlay).encode())
    calibration = root / "calibration.toml"
    if calibration.is_file():
        digest.update(calibration.read_bytes())
    digest.update(str(root.resolve()).encode() + b"\0" + str(overlay.resolve() if overlay else "").encode())
    return digest.hexdigest()


def cached_catalog(root: Path, overlay: Path | None) -> Catalog:
    """The catalogue from the cache when it is current, else parsed and cached."""
    from tui.core.catalog import parse_catalog

    key = cache_key(root, overlay)
    folder = user_cache_dir()
    path = folder / f"catalog-{key[:40]}.pickle"
    catalog = _read(path, key)
    if catalog is not None:
        return catalog
    catalog = parse_catalog(root, overlay)
    catalog.frame  # noqa: B018 - compile the frames and capabilities into the cache
    catalog.capabilities  # noqa: B018
    catalog.as_of  # noqa: B018
    _write(folder, path, key, catalog)
    return catalog


def _read(path: Path, key: str) -> Catalog | None:
    from tui.core.catalog import Catalog

    try:
        with path.open("rb") as handle:
            stored_key, catalog = pickle.load(handle)
    except (
        OSError,
        EOFError,
        pickle.UnpicklingError,
        ValueError,
        TypeError,
        AttributeError,
        ImportError,
        IndexError,
        MemoryError,
        RecursionError,
    ):
        return None
    if stored_key != key or not isinstance(catalog, Catalog):
        return None
    return catalog


def _write(folder: Path, path: Path, key: str, catalog: Catalog) -> None:
    """Write atomically; a cache that cannot be written is simply not written."""
    from tui.core.paths import atomic_write_bytes

    try:
        atomic_write_bytes(path, pickle.dumps((key, catalog), protocol=pickle.HIGHEST_PROTOCOL))
        _prune(folder)
    except OSError:
        pass


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("catalog-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in files[KEEP:]:
        with contextlib.suppress(OSError):
            os.unlink(stale)
