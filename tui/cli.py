"""The `shortlist` command: the wizard with no arguments, a headless CLI otherwise.

Headless output is an API: results go to stdout, diagnostics to stderr, and the exit
code says what happened (see :class:`Exit`). This module never imports textual; the
wizard is imported only when it is opened.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from enum import IntEnum
from pathlib import Path
from typing import Any, Sequence

from tui.core.clock import today as _today
from tui.core.errors import InputError


class Exit(IntEnum):
    """Exit codes of every command."""

    OK = 0
    NO_QUALIFIER = 1
    BAD_INPUT = 2
    INTERRUPTED = 130


def _parse_set(values: list[str]) -> dict[str, Any]:
    """``--set practical.min_context=128000`` -> {"practical.min_context": 128000}."""
    import tomllib

    out: dict[str, Any] = {}
    for raw in values or []:
        if "=" not in raw:
            raise InputError(f"--set {raw!r}: expected FIELD=VALUE")
        key, text = raw.split("=", 1)
        try:
            out[key.strip()] = tomllib.loads(f"v = {text}")["v"]
        except tomllib.TOMLDecodeError:
            out[key.strip()] = text  # a bare word such as api or lenient
    return out


def load_context(args: argparse.Namespace, rubric_spec: str | None = None):
    """Resolve the rubric and load the catalogue (with its overlay) for a command."""
    from tui.core.catalog import load_catalog
    from tui.core.presets import resolve
    from tui.core.resources import catalog_root

    resolved = None
    if rubric_spec:
        resolved = resolve(rubric_spec, overrides=_parse_set(getattr(args, "set", [])))
    root = Path(args.catalog) if getattr(args, "catalog", None) else catalog_root()
    overlay = getattr(args, "catalog_overlay", None) or os.environ.get("SHORTLIST_CATALOG_OVERLAY")
    if overlay is None and resolved is not None and resolved.rubric.catalog_overlay and resolved.path:
        overlay = str((resolved.path.parent / resolved.rubric.catalog_overlay).resolve())
    catalog = load_catalog(root, Path(overlay) if overlay else None)
    return catalog, resolved


# --------------------------------------------------------------------------- run


def cmd_run(args: argparse.Namespace) -> int:
    from tui.core import report
    from tui.core.engine import evaluate

    catalog, resolved = load_context(args, args.rubric)
    assert resolved is not None
    extra, team, evidence_meta = _load_evidence(args, catalog)
    if team:
        from dataclasses import replace

        from tui.core.evidence import with_default_weights

        resolved = replace(resolved, rubric=with_default_weights(resolved.rubric, team))
    evaluation = evaluate(catalog, resolved.rubric, seed=args.seed, today=_today(),
                          extra_results=extra, team_criteria=team)
    data = report.to_dict(evaluation, catalog, resolved, top=args.top, evidence=evidence_meta)
    for warning in data["warnings"]:
        print(f"shortlist: warning: {warning}", file=sys.stderr)
    if args.format == "json":
        sys.stdout.write(report.to_json(data))
    elif args.format == "md":
        sys.stdout.write(report.to_markdown(data, evaluation))
    elif args.format == "csv":
        sys.stdout.write(report.to_csv(evaluation))
    else:
        from tui.render import print_run

        print_run(evaluation, data)
    if args.record:
        if not args.choose:
            raise InputError("--record needs --choose MODEL_ID (a shortlisted model)")
        from tui.core.records import build_record_data, render_record, save_record

        record = build_record_data(
            evaluation, catalog, resolved, chosen=args.choose,
            title=args.title or f"Choose an LLM with {resolved.rubric.id}",
            decision_makers=args.decision_maker or [], evidence=evidence_meta, today=_today(),
        )
        path = save_record(Path(args.record), render_record(record, evaluation), record["title"])
        print(f"shortlist: saved decision record {path}", file=sys.stderr)
    if not evaluation.qualified:
        print(f"shortlist: no model qualifies; the funnel emptied at step '{evaluation.emptied_at}'", file=sys.stderr)
        return Exit.NO_QUALIFIER
    return Exit.OK


def _load_evidence(args: argparse.Namespace, catalog) -> tuple[Any, Any, list[dict[str, Any]] | None]:
    files = getattr(args, "evidence", None) or []
    if not files:
        return None, None, None
    from tui.core.evidence import load_evidence

    bundle = load_evidence([Path(f) for f in files], catalog,
                           aliases=Path(args.aliases) if getattr(args, "aliases", None) else None)
    for line in bundle.warning_lines():
        print(f"shortlist: warning: {line}", file=sys.stderr)
    return bundle.results, bundle.criteria, bundle.meta()


# ------------------------------------------------------------------------ rubric


def cmd_rubric_check(args: argparse.Namespace) -> int:
    from tui.core.catalog import load_catalog
    from tui.core.engine import _criteria
    from tui.core.presets import resolve
    from tui.core.resources import catalog_root

    resolved = resolve(args.file)
    catalog = load_catalog(Path(args.catalog) if args.catalog else catalog_root())
    _criteria(catalog, resolved.rubric, {})  # unknown benchmark ids are errors
    chain = " <- ".join(resolved.chain)
    print(f"ok: {resolved.rubric.ref} ({chain}); {len(resolved.locks)} lock(s)")
    for warning in resolved.warnings:
        print(f"shortlist: warning: {warning}", file=sys.stderr)
    return Exit.OK


def cmd_rubric_schema(args: argparse.Namespace) -> int:
    from tui.core.rubric import rubric_schema

    print(json.dumps(rubric_schema(), indent=2))
    return Exit.OK


def cmd_rubric_list(args: argparse.Namespace) -> int:
    from tui.core.presets import list_presets

    presets = list_presets()
    if args.format == "json":
        print(json.dumps([{
            "id": p.id, "version": p.version, "origin": p.origin, "path": str(p.path),
            "extends": p.extends, "shadows": list(p.shadows), "description": p.description,
        } for p in presets], indent=2))
        return Exit.OK
    from tui.render import print_presets

    print_presets(presets)
    return Exit.OK


def cmd_rubric_diff(args: argparse.Namespace) -> int:
    from tui.core.presets import resolve

    a = resolve(args.a).rubric.model_dump(mode="json")
    b = resolve(args.b).rubric.model_dump(mode="json")
    differences = list(_diff(a, b, ""))
    for key, left, right in differences:
        print(f"{key}: {json.dumps(left)} -> {json.dumps(right)}")
    if not differences:
        print("no differences after inheritance")
    return Exit.OK


def _diff(a: Any, b: Any, prefix: str):
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key in {"id", "version", "name", "description", "extends"} and not prefix:
                if a.get(key) != b.get(key):
                    yield key, a.get(key), b.get(key)
                continue
            yield from _diff(a.get(key), b.get(key), f"{prefix}{key}.")
    elif a != b:
        yield prefix.rstrip("."), a, b


def cmd_rubric_new(args: argparse.Namespace) -> int:
    from tui.core.presetio import write_new_preset

    path = write_new_preset(args.name, base=args.base, where="user" if args.user else "project")
    print(f"wrote {path}")
    return Exit.OK


# ----------------------------------------------------------------------- catalog


def cmd_catalog_check(args: argparse.Namespace) -> int:
    from tui.core.catalog import check_catalog, load_catalog
    from tui.core.resources import catalog_root

    root = Path(args.dir) if args.dir else catalog_root()
    catalog = load_catalog(root)
    problems = check_catalog(root, today=_today())
    for problem in problems:
        print(f"{root}: {problem}", file=sys.stderr)
    if problems:
        return Exit.BAD_INPUT
    open_weights = sum(1 for e in catalog.entries if e.deployment.self_hostable)
    results = sum(len(e.benchmarks) for e in catalog.entries)
    print(f"ok: {len(catalog.entries)} models ({open_weights} with open weights), "
          f"{len(catalog.registry)} benchmarks, {results} results; catalogue {catalog.meta.version} "
          f"as of {catalog.meta.as_of}")
    return Exit.OK


def _entry_json(entry) -> dict[str, Any]:
    """An entry with the TOML's field names; 'overridden' only when an overlay changed it."""
    data = entry.model_dump(mode="json", by_alias=True, exclude_none=True)
    if not data.get("overridden"):
        data.pop("overridden", None)
    return data


def cmd_catalog_list(args: argparse.Namespace) -> int:
    catalog, _ = load_context(args)
    if args.format == "json":
        entries = [_entry_json(e) for e in catalog.entries]
        print(json.dumps(entries, indent=2, ensure_ascii=False))
        return Exit.OK
    from tui.render import print_catalog

    print_catalog(catalog)
    return Exit.OK


def cmd_catalog_show(args: argparse.Namespace) -> int:
    catalog, _ = load_context(args)
    entry = catalog.by_id.get(args.id)
    if entry is None:
        import difflib

        close = difflib.get_close_matches(args.id, list(catalog.by_id), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise InputError(f"no model with id {args.id!r} in the catalogue{hint}")
    if args.format == "json":
        print(json.dumps(_entry_json(entry), indent=2, ensure_ascii=False))
        return Exit.OK
    from tui.render import print_entry

    print_entry(entry, catalog)
    return Exit.OK


def cmd_catalog_sources(args: argparse.Namespace) -> int:
    from tui.core.attribution import ATTRIBUTIONS

    for item in ATTRIBUTIONS:
        print(f"{item['name']} ({item['license']})")
        print(f"  {item['url']}")
        print(f"  {item['credit']}")
    return Exit.OK


def cmd_catalog_refresh(args: argparse.Namespace) -> int:
    from tui.core.refresh import refresh_from_models_dev

    catalog, _ = load_context(args)
    changes = refresh_from_models_dev(catalog, Path(args.from_models_dev), Path(args.out))
    for line in changes:
        print(line)
    if not changes:
        print("no changes: prices and limits match the catalogue")
    return Exit.OK


# ------------------------------------------------------------------------ record


def cmd_record_replay(args: argparse.Namespace) -> int:
    from tui.core.records import read_record, replay

    record = read_record(Path(args.file))
    catalog, _ = load_context(args)
    extra, team, evidence_meta = _load_evidence(args, catalog)
    if extra is None and record.get("evidence"):
        from tui.core.evidence import bundle_from_record

        bundle = bundle_from_record(record, catalog)
        extra, team = bundle.results, bundle.criteria
        print("shortlist: note: team evidence replayed from the values embedded in the record; "
              "pass --evidence to compare against the current files", file=sys.stderr)
    report = replay(record, catalog, seed=args.seed, today=_today(), extra_results=extra,
                    team_criteria=team, evidence=evidence_meta)
    for line in report.lines():
        print(line)
    return Exit.OK


# ------------------------------------------------------------------------ parser


class _VersionAction(argparse.Action):
    """--version, resolved only when asked for (the metadata lookup costs start-up time)."""

    def __call__(self, parser, namespace, values, option_string=None):  # noqa: ANN001
        from tui import __version__

        print(f"shortlist {__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shortlist",
        description="Choose a large language model and defend the choice. With no command, opens the wizard.",
    )
    parser.add_argument("--version", action=_VersionAction, nargs=0, help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def catalog_opts(p: argparse.ArgumentParser) -> None:
        p.add_argument("--catalog", metavar="DIR", help="a catalogue folder instead of the bundled one")
        p.add_argument("--catalog-overlay", metavar="DIR", help="team models and field overrides (also SHORTLIST_CATALOG_OVERLAY)")

    def evidence_opts(p: argparse.ArgumentParser) -> None:
        p.add_argument("--evidence", nargs="+", metavar="FILE", help="team evaluation results: lm-eval JSON, inspect_ai JSON log, or CSV")
        p.add_argument("--aliases", metavar="FILE", help="TOML alias table mapping imported model names to catalogue ids")

    run = sub.add_parser("run", help="screen and rank the catalogue with a rubric preset")
    run.add_argument("--rubric", required=True, metavar="PRESET_OR_FILE")
    catalog_opts(run)
    evidence_opts(run)
    run.add_argument("--format", choices=["table", "json", "md", "csv"], default="table")
    run.add_argument("--top", type=int, metavar="N", help="show only the first N shortlisted models")
    run.add_argument("--seed", type=int, default=0, help="seed of the robustness Monte Carlo (default 0)")
    run.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                     help="change one rubric field, e.g. practical.min_context=128000 (locked fields only tighten)")
    run.add_argument("--record", metavar="DIR", help="save a decision record in DIR (e.g. ./decisions)")
    run.add_argument("--choose", metavar="MODEL_ID", help="the chosen model, for --record")
    run.add_argument("--title", metavar="T", help="the decision's title, for --record")
    run.add_argument("--decision-maker", action="append", metavar="NAME", help="repeat for each decision-maker")
    run.set_defaults(func=cmd_run)

    rubric = sub.add_parser("rubric", help="check, list, compare and create rubric presets")
    rsub = rubric.add_subparsers(dest="rubric_command", metavar="ACTION", required=True)
    p = rsub.add_parser("check", help="validate a preset file (after inheritance)")
    p.add_argument("file")
    p.add_argument("--catalog", metavar="DIR")
    p.set_defaults(func=cmd_rubric_check)
    p = rsub.add_parser("schema", help="print the JSON Schema of the preset format")
    p.set_defaults(func=cmd_rubric_schema)
    p = rsub.add_parser("list", help="every preset found, with origin, version and shadowing")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=cmd_rubric_list)
    p = rsub.add_parser("diff", help="what differs between two presets after inheritance")
    p.add_argument("a")
    p.add_argument("b")
    p.set_defaults(func=cmd_rubric_diff)
    p = rsub.add_parser("new", help="write a commented preset template")
    p.add_argument("name")
    p.add_argument("--from", dest="base", default="default", metavar="PRESET", help="the preset it extends")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--project", action="store_true", help="in ./.shortlist/rubrics (the default)")
    where.add_argument("--user", action="store_true", help="in the user config folder")
    p.set_defaults(func=cmd_rubric_new)

    catalog = sub.add_parser("catalog", help="check, list and show the model catalogue")
    csub = catalog.add_subparsers(dest="catalog_command", metavar="ACTION", required=True)
    p = csub.add_parser("check", help="validate a catalogue folder (default: the bundled one)")
    p.add_argument("dir", nargs="?")
    p.set_defaults(func=cmd_catalog_check)
    p = csub.add_parser("list", help="every model; --format json prints full entries")
    catalog_opts(p)
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=cmd_catalog_list)
    p = csub.add_parser("show", help="one model with every value's source and date")
    p.add_argument("id")
    catalog_opts(p)
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=cmd_catalog_show)
    p = csub.add_parser("sources", help="attribution for every dataset the catalogue uses")
    p.set_defaults(func=cmd_catalog_sources)
    p = csub.add_parser("refresh", help="write an overlay with updated prices and limits from a models.dev checkout")
    p.add_argument("--from-models-dev", required=True, metavar="DIR")
    p.add_argument("--out", default="shortlist-overlay", metavar="DIR", help="overlay folder to write (default ./shortlist-overlay)")
    catalog_opts(p)
    p.set_defaults(func=cmd_catalog_refresh)

    record = sub.add_parser("record", help="decision records")
    rec = record.add_subparsers(dest="record_command", metavar="ACTION", required=True)
    p = rec.add_parser("replay", help="re-run a record's rubric against today's catalogue and say what changed")
    p.add_argument("file")
    catalog_opts(p)
    evidence_opts(p)
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_record_replay)

    wizard = sub.add_parser("wizard", help="open the wizard (the default with no command)")
    wizard.add_argument("--rubric", metavar="PRESET_OR_FILE", help="start a new decision from this preset")
    catalog_opts(wizard)
    wizard.set_defaults(func=cmd_wizard)
    return parser


def cmd_wizard(args: argparse.Namespace) -> int:
    try:
        from tui.app import run_wizard
    except ImportError as exc:  # pragma: no cover - textual missing from a broken install
        raise InputError(f"the wizard needs textual: {exc}") from None
    return run_wizard(rubric=getattr(args, "rubric", None), catalog=getattr(args, "catalog", None),
                      overlay=getattr(args, "catalog_overlay", None))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `shortlist` console script and `python -m tui`."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["wizard"])
    try:
        return int(args.func(args))
    except InputError as exc:
        print(f"shortlist: error: {exc}", file=sys.stderr)
        return Exit.BAD_INPUT
    except KeyboardInterrupt:
        return Exit.INTERRUPTED
    except BrokenPipeError:
        return Exit.OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
