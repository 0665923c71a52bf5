"""Refresh first-party prices and context limits from a local models.dev checkout.

``shortlist catalog refresh --from-models-dev DIR --out OUT`` reads the models.dev data
files (https://github.com/anomalyco/models.dev) and writes an *overlay*: one file
``OUT/models/<id>.toml`` for each catalogue entry whose first-party price or context
limits differ from models.dev. The bundled catalogue is never edited; the overlay is
loaded with ``--catalog-overlay OUT`` and every replaced field is marked as overridden.

models.dev layout (the parts read here):

* ``providers/<provider>/models/**/<model>.toml``: a model as one provider serves it,
  with ``[cost] input/output`` (USD per 1M tokens) and ``[limit] context/output``
  (tokens), optional ``last_updated`` and ``base_model = "<lab>/<model>"``.
* ``models/<lab>/<model>.toml``: provider-independent facts that a provider file with
  ``base_model`` inherits (the provider file wins; nested tables replace whole tables;
  ``base_model_omit`` lists dotted keys of the base that are dropped first).

Matching, for each first-party price of an entry:

1. the models.dev file the price already cites (its ``source`` is a models.dev URL), if
   that file is still in the checkout;
2. otherwise the provider folder named in :data:`PROVIDER_FOLDERS` for the price's
   provider, and in it the model file whose name (or path under ``models/``) equals the
   entry id or one of its aliases, case-insensitively (the id first, then the aliases in
   order).

Context window and maximum output come from the models.dev file the field already cites
(``specs.field_sources`` or ``specs.source``), else from the file matched for the
first-party price. Refreshed spec values get a per-field source in
``specs.field_sources`` (so the sources of the other spec fields stay true) and a line
in ``specs.note`` giving the models.dev date.

Every written value cites a public URL: ``SHORTLIST_MODELS_DEV_URL_BASE`` if set, else
``https://github.com/anomalyco/models.dev/blob/<HEAD commit>/`` when the folder is a git
checkout (read from ``.git`` without running git), else
``https://github.com/anomalyco/models.dev/blob/main/``; the file's path is appended.
``as_of`` is the file's ``last_updated`` when it is a full date, else today
(``SHORTLIST_TODAY`` for reproducible runs).
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.core.clock import today as _today
from tui.core.errors import InputError, read_toml
from tui.core.paths import replace_folder

if TYPE_CHECKING:
    from tui.core.catalog import Catalog
    from tui.core.schema import CatalogEntry, Price

URL_BASE_ENV = "SHORTLIST_MODELS_DEV_URL_BASE"
REPO_URL = "https://github.com/anomalyco/models.dev"
DEFAULT_URL_BASE = f"{REPO_URL}/blob/main/"

PROVIDER_FOLDERS: dict[str, str] = {
    # catalogue provider name (case-insensitive) -> models.dev folder under providers/
    "openai": "openai",
    "anthropic": "anthropic",
    "google": "google",
    "google (gemini api)": "google",
    "mistral ai": "mistral",
    "mistral ai (la plateforme)": "mistral",
    "deepseek": "deepseek",
    "alibaba": "alibaba",
    "alibaba cloud model studio": "alibaba",
    "alibaba cloud model studio (china region)": "alibaba-cn",
    "xai": "xai",
    "moonshot ai": "moonshotai",
    "z.ai": "zai",
    "z.ai (zhipu ai)": "zai",
    "cohere": "cohere",
    "microsoft azure ai foundry": "azure",
    "xiaomi mimo api": "xiaomi",
}
"""The explicit table from a price's provider name to a models.dev provider folder."""

_MODELS_DEV_URL = re.compile(
    r"^https?://github\.com/(?:anomalyco|sst)/models\.dev/blob/[^/]+/(?P<path>(?:providers|models)/\S+\.toml)$"
)
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SPEC_FIELDS = (("context_window", "context", "context window"), ("max_output_tokens", "output", "max output tokens"))


@dataclass(frozen=True)
class DevModel:
    """One models.dev model file, resolved (``base_model`` merged in)."""

    path: Path
    """The provider (or lab) file, as found in the checkout."""
    data: dict[str, Any]
    cost_file: Path | None
    """The file the ``[cost]`` table came from."""
    limit_file: Path | None
    """The file the ``[limit]`` table came from."""


class ModelsDev:
    """A local models.dev checkout: file lookup, ``base_model`` merging, public URLs."""

    def __init__(self, src: Path, today: dt.date):
        src = Path(src)
        if not src.exists():
            raise InputError("models.dev folder not found", path=src)
        if not src.is_dir():
            raise InputError("is a file, expected a models.dev checkout folder", path=src)
        if not (src / "providers").is_dir():
            raise InputError("not a models.dev checkout: expected providers/<provider>/models/*.toml", path=src)
        self.src = src.resolve()
        self.today = today
        self._index: dict[str, dict[str, list[Path]]] = {}
        self._cache: dict[Path, DevModel] = {}
        self._raw: dict[Path, dict[str, Any]] = {}
        self.repo_root, self.url_base = self._url_base()

    # ------------------------------------------------------------------ urls

    def _url_base(self) -> tuple[Path, str]:
        override = os.environ.get(URL_BASE_ENV, "").strip()
        if override:
            if not re.match(r"^https?://\S+$", override):
                raise InputError(f"{URL_BASE_ENV}={override!r} is not an http(s) URL")
            return self.src, override if override.endswith("/") else override + "/"
        for folder in (self.src, *self.src.parents):
            if (folder / ".git").exists():
                commit = _git_head(folder / ".git")
                if commit:
                    return folder, f"{REPO_URL}/blob/{commit}/"
                break
        return self.src, DEFAULT_URL_BASE

    def relative(self, path: Path) -> str:
        """``path`` relative to the checkout folder, as shown in reports."""
        return path.resolve().relative_to(self.src).as_posix()

    def url(self, path: Path) -> str:
        """The public URL of a file in the checkout."""
        return self.url_base + path.resolve().relative_to(self.repo_root).as_posix()

    def as_of(self, path: Path | None, data: dict[str, Any]) -> tuple[dt.date, str]:
        """The date a value is stated, and a few words saying where the date came from."""
        raw = data.get("last_updated")
        if isinstance(raw, dt.date):
            return raw, "the file's last_updated"
        if isinstance(raw, str) and _FULL_DATE.match(raw.strip()):
            try:
                return dt.date.fromisoformat(raw.strip()), "the file's last_updated"
            except ValueError:
                raise InputError(f"last_updated = {raw!r} is not a valid date", path=path) from None
        return self.today, "the refresh date (the file has no full last_updated date)"

    # ---------------------------------------------------------------- lookup

    def provider_files(self, folder: str) -> dict[str, list[Path]]:
        """Model files of one provider folder, keyed by lower-case stem and by path under models/."""
        if folder not in self._index:
            index: dict[str, list[Path]] = {}
            models = self.src / "providers" / folder / "models"
            if models.is_dir():
                files = sorted(models.rglob("*.toml"), key=lambda p: (len(p.parts), p.as_posix()))
                for path in files:
                    if not path.is_file():
                        continue
                    keys = {path.stem.lower(), path.relative_to(models).with_suffix("").as_posix().lower()}
                    for key in keys:
                        index.setdefault(key, []).append(path)
            self._index[folder] = index
        return self._index[folder]

    def find(self, folder: str, names: list[str]) -> Path | None:
        """The first file of ``folder`` named by one of ``names`` (in order)."""
        index = self.provider_files(folder)
        for name in names:
            hits = index.get(name.lower())
            if hits:
                return hits[0]
        return None

    def cited(self, url: str | None) -> Path | None:
        """The file of this checkout that a models.dev URL points at, if it is here."""
        match = _MODELS_DEV_URL.match(url or "")
        if not match:
            return None
        path = self.src / match.group("path")
        return path if path.is_file() else None

    def load(self, path: Path) -> DevModel:
        """Read one model file, merging ``base_model`` from ``models/<lab>/<model>.toml``."""
        path = path.resolve()
        if path in self._cache:
            return self._cache[path]
        data = read_toml(path)
        cost_file = path if "cost" in data else None
        limit_file = path if "limit" in data else None
        base_ref = data.get("base_model")
        if base_ref is not None:
            if not isinstance(base_ref, str) or not re.match(r"^[\w.-]+/[\w.@:-]+$", base_ref):
                raise InputError(f"base_model = {base_ref!r} is not '<lab>/<model>'", path=path)
            base_path = self.src / "models" / f"{base_ref}.toml"
            if not base_path.is_file():
                raise InputError(f"base_model {base_ref!r}: models/{base_ref}.toml not found", path=path)
            base = copy.deepcopy(read_toml(base_path))
            omit = data.get("base_model_omit", [])
            if not isinstance(omit, list) or not all(isinstance(k, str) for k in omit):
                raise InputError("base_model_omit must be a list of dotted keys", path=path)
            for dotted in omit:
                _drop(base, dotted.split("."))
            merged = {**base, **{k: v for k, v in data.items() if k not in {"base_model", "base_model_omit"}}}
            if cost_file is None and "cost" in merged:
                cost_file = base_path
            if limit_file is None and "limit" in merged:
                limit_file = base_path
            data = merged
        model = DevModel(path=path, data=data, cost_file=cost_file, limit_file=limit_file)
        self._cache[path] = model
        return model

    def table(self, model: DevModel, name: str, file: Path | None) -> dict[str, Any]:
        """A table of the merged model (``cost`` or ``limit``), checked to be a table."""
        value = model.data.get(name)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise InputError(f"{name} must be a table", path=file or model.path)
        return value

    def dated(self, file: Path) -> dict[str, Any]:
        """The file's own data (not merged with its base), for its ``last_updated``."""
        file = file.resolve()
        if file not in self._raw:
            self._raw[file] = read_toml(file)
        return self._raw[file]


def _drop(data: dict[str, Any], keys: list[str]) -> None:
    for key in keys[:-1]:
        data = data.get(key)  # type: ignore[assignment]
        if not isinstance(data, dict):
            return
    data.pop(keys[-1], None)


def _git_head(git: Path) -> str | None:
    """The commit HEAD points at, read from the ``.git`` folder (no git process)."""
    try:
        if git.is_file():  # a worktree: "gitdir: <path>"
            text = git.read_text(encoding="utf-8").strip()
            if not text.startswith("gitdir:"):
                return None
            git = (git.parent / text.split(":", 1)[1].strip()).resolve()
        head = (git / "HEAD").read_text(encoding="utf-8").strip()
        if re.fullmatch(r"[0-9a-f]{40}", head):
            return head
        if not head.startswith("ref:"):
            return None
        ref = head.split(":", 1)[1].strip()
        common = git
        if (git / "commondir").is_file():
            common = (git / (git / "commondir").read_text(encoding="utf-8").strip()).resolve()
        for folder in (git, common):
            ref_file = folder / ref
            if ref_file.is_file():
                sha = ref_file.read_text(encoding="utf-8").strip()
                return sha if re.fullmatch(r"[0-9a-f]{40}", sha) else None
            packed = folder / "packed-refs"
            if packed.is_file():
                for line in packed.read_text(encoding="utf-8").splitlines():
                    parts = line.split()
                    if len(parts) == 2 and parts[1] == ref and re.fullmatch(r"[0-9a-f]{40}", parts[0]):
                        return parts[0]
    except OSError:
        return None
    return None


def _number(table: dict[str, Any], key: str, path: Path, name: str) -> float | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise InputError(f"{name}.{key} = {value!r} is not a non-negative number", path=path)
    return float(value)


def _tokens(table: dict[str, Any], key: str, path: Path) -> int | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError(f"limit.{key} = {value!r} is not a whole number of tokens", path=path)
    return value or None  # 0 means "not stated" in models.dev; unknown stays empty


def _fmt_tokens(value: int | None) -> str:
    return "unknown" if value is None else str(value)


def _price_dict(price: Price) -> dict[str, Any]:
    data = price.model_dump(mode="python", exclude_none=True)
    if not data.get("note"):
        data.pop("note", None)
    return data


def _names(entry: CatalogEntry) -> list[str]:
    return [entry.id, *entry.aliases]


def refresh_from_models_dev(catalog: Catalog, src: Path, out: Path, today: dt.date | None = None) -> list[str]:
    """Write an overlay under ``out`` with first-party prices and limits from models.dev.

    Returns one human-readable line per changed value, then the entries that could not
    be matched, then a summary. Entries whose values already match get no file.
    """
    dev = ModelsDev(Path(src), today or _today())
    out = Path(out)
    if out.resolve() == Path(catalog.root).resolve():
        raise InputError("--out is the catalogue folder itself; write the overlay to its own folder", path=out)
    if out.exists() and not out.is_dir():
        raise InputError("is a file, expected an overlay folder", path=out)

    lines: list[str] = []
    unmatched: list[str] = []
    not_checked = 0
    matched = 0
    pending: list[tuple[Path, str]] = []
    for entry in catalog.entries:
        first_party = [i for i, p in enumerate(entry.prices) if p.first_party]
        prices = [_price_dict(p) for p in entry.prices]
        price_changed = False
        entry_lines: list[str] = []
        entry_matched = False
        price_file: Path | None = None
        for index in first_party:
            price = entry.prices[index]
            path = dev.cited(price.source)
            if path is None or Path(dev.relative(path)).parts[0] != "providers":
                folder = PROVIDER_FOLDERS.get(price.provider.strip().lower())
                path = dev.find(folder, _names(entry)) if folder else None
            if path is None:
                continue
            entry_matched = True
            price_file = price_file or path
            model = dev.load(path)
            cost_file = model.cost_file or path
            cost = dev.table(model, "cost", cost_file)
            new_in = _number(cost, "input", cost_file, "cost")
            new_out = _number(cost, "output", cost_file, "cost")
            rel = dev.relative(cost_file)
            if new_in is None or new_out is None:
                entry_lines.append(f"{entry.id}: models.dev gives no [cost] input/output; price left as is ({rel})")
                continue
            if new_in == 0 and new_out == 0:
                entry_lines.append(f"{entry.id}: models.dev lists a zero price; price left as is ({rel})")
                continue
            if (new_in, new_out) == (price.input_usd_per_mtok, price.output_usd_per_mtok):
                continue
            for label, old, new in (
                ("input", price.input_usd_per_mtok, new_in),
                ("output", price.output_usd_per_mtok, new_out),
            ):
                if old != new:
                    entry_lines.append(f"{entry.id}: {label} price {old!r} -> {new!r} USD/M tokens ({rel})")
            as_of, said = dev.as_of(cost_file, dev.dated(cost_file))
            note = (
                f"Refreshed from models.dev [cost] input/output (USD per 1M tokens) by shortlist "
                f"catalog refresh; as_of is {said}."
            )
            if cost.get("tiers") or any(k.startswith("context_over_") for k in cost):
                note += " models.dev also lists a higher price above a context size; this is the base price."
            if price.note:
                note += f" Previous note: {price.note}"
            prices[index].update(
                input_usd_per_mtok=new_in,
                output_usd_per_mtok=new_out,
                source=dev.url(cost_file),
                as_of=as_of,
                note=note,
            )
            price_changed = True

        specs: dict[str, Any] = {}
        spec_notes: list[str] = []
        for field, key, label in _SPEC_FIELDS:
            current = getattr(entry.specs, field)
            cited = entry.specs.field_sources.get(field) or entry.specs.source
            path = dev.cited(cited) if current is not None else None
            if path is None and not entry.deployment.self_hostable:
                # API-only: the first-party provider's limits are the model's limits. For
                # downloadable models a provider's serving limit is not the native window.
                path = price_file
            if path is None:
                continue
            entry_matched = True
            model = dev.load(path)
            limit_file = model.limit_file or path
            tokens = _tokens(dev.table(model, "limit", limit_file), key, limit_file)
            if tokens is None or tokens == current:
                continue
            rel = dev.relative(limit_file)
            entry_lines.append(f"{entry.id}: {label} {_fmt_tokens(current)} -> {tokens} tokens ({rel})")
            as_of, _said = dev.as_of(limit_file, dev.dated(limit_file))
            specs[field] = tokens
            specs.setdefault("field_sources", {})[field] = dev.url(limit_file)
            spec_notes.append(f"{field} {tokens} from models.dev {rel} (as of {as_of.isoformat()})")

        if entry_matched:
            matched += 1
        elif first_party:
            unmatched.append(entry.id)
        else:
            not_checked += 1
        if not price_changed and not specs:
            lines += entry_lines
            continue
        overlay: dict[str, Any] = {"id": entry.id}
        if price_changed:
            overlay["prices"] = prices
        if specs:
            refreshed = "Refreshed by shortlist catalog refresh: " + "; ".join(spec_notes) + "."
            specs["note"] = f"{entry.specs.note} {refreshed}".strip() if entry.specs.note else refreshed
            overlay["specs"] = specs
        target = out / "models" / f"{entry.id}.toml"
        pending.append((target, _overlay_text(target, overlay, dev)))
        lines += entry_lines

    # nothing is written until every input has been read, and then all at once: bad input or a
    # kill leaves OUT as it was, or complete
    if pending:
        try:
            replace_folder(out, {target.relative_to(out).as_posix(): text for target, text in pending})
        except PermissionError as exc:
            raise InputError(f"cannot write the overlay (permission denied: {exc.filename})", path=out) from None

    if unmatched:
        lines.append("no match in models.dev for: " + ", ".join(unmatched))
    if not_checked:
        lines.append(f"not checked: {not_checked} entries have no first-party price and no models.dev source")
    if pending:
        lines.append(
            f"wrote {len(pending)} overlay file(s) to {out / 'models'} "
            f"({matched} entries matched); load it with --catalog-overlay {out}"
        )
    elif lines:
        lines.append(f"no changes: prices and limits of the {matched} matched entries match models.dev")
    return lines


def _overlay_text(target: Path, overlay: dict[str, Any], dev: ModelsDev) -> str:
    """The text of one overlay file; keys of an existing file that refresh does not touch are kept."""
    if target.exists():
        existing = read_toml(target)
        if existing.get("id", target.stem) != overlay["id"]:
            raise InputError(f"id {existing.get('id')!r} does not match {overlay['id']!r}", path=target)
        if "prices" in overlay:
            existing["prices"] = overlay["prices"]
        if "specs" in overlay:
            specs = existing.setdefault("specs", {})
            if not isinstance(specs, dict):
                raise InputError("specs must be a table", path=target)
            for key, value in overlay["specs"].items():
                if key == "field_sources" and isinstance(specs.get(key), dict):
                    specs[key].update(value)
                else:
                    specs[key] = value
        overlay = {"id": overlay["id"], **{k: v for k, v in existing.items() if k != "id"}}
    header = (
        f"# Overlay written by `shortlist catalog refresh` from models.dev ({dev.url_base}).\n"
        "# Load it with --catalog-overlay; review the values before relying on them.\n"
    )
    import tomlkit

    return header + tomlkit.dumps(overlay)
