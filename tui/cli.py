"""The `shortlist` command: the wizard with no arguments, a headless CLI otherwise.

Headless output is an API: results go to stdout, diagnostics to stderr, and the exit
code says what happened (see :class:`Exit`). Every command is a thin caller of the
use-case layer (:mod:`tui.core.workflow`), the same one the wizard calls. This module
never imports textual; the wizard is imported only when it is opened.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Sequence
from enum import IntEnum
from pathlib import Path
from typing import Any, NoReturn

from tui.core.errors import InputError


class Exit(IntEnum):
    """Exit codes of every command."""

    OK = 0
    NO_QUALIFIER = 1
    BAD_INPUT = 2
    INTERNAL = 3
    INTERRUPTED = 130


def _warn(line: str) -> None:
    print(f"shortlist: warning: {line}", file=sys.stderr)


def parse_set(values: list[str]) -> dict[str, Any]:
    """``--set practical.min_context=128000`` -> {"practical.min_context": 128000}.

    Values are read as TOML values (numbers, true/false, strings, arrays, inline tables);
    a bare word is a string. NaN and infinity are refused.
    """
    import tomllib

    out: dict[str, Any] = {}
    for raw in values or []:
        key, sep, text = raw.partition("=")
        key = key.strip()
        if not sep or not key:
            raise InputError(f"--set {raw!r}: expected FIELD=VALUE")
        try:
            value = tomllib.loads(f"v = {text}")["v"]
        except tomllib.TOMLDecodeError:
            value = text.strip()  # a bare word such as api or lenient
        except RecursionError:
            raise InputError(f"--set {raw!r}: the value is nested too deeply") from None
        if _not_finite(value):
            raise InputError(f"--set {raw!r}: NaN and infinity are not allowed")
        out[key] = value
    return out


def _not_finite(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_not_finite(v) for v in value.values())
    if isinstance(value, list):
        return any(_not_finite(v) for v in value)
    return False


def _session(args: argparse.Namespace, resolved: Any = None, evidence: bool = True) -> Any:
    from tui.core.workflow import Session

    session = Session.open(
        catalog_dir=getattr(args, "catalog", None), overlay=getattr(args, "catalog_overlay", None), resolved=resolved
    )
    files = getattr(args, "evidence", None) if evidence else None
    if files:
        session = session.with_evidence(files, getattr(args, "aliases", None))
        for line in session.evidence.warning_lines() if session.evidence else []:
            _warn(line)
    return session


# --------------------------------------------------------------------------- run


def cmd_run(args: argparse.Namespace) -> int:
    from tui.core.workflow import resolve_rubric

    overrides = parse_set(args.set)
    resolved = resolve_rubric(args.rubric, overrides=overrides)
    if args.top and args.top > resolved.rubric.policy.shortlist_size and "policy.shortlist_size" not in overrides:
        # --top N lists N models: the shortlist is made N long, as --set policy.shortlist_size=N would
        resolved = resolve_rubric(args.rubric, overrides={**overrides, "policy.shortlist_size": args.top})
    if args.record and not args.choose:
        raise InputError("--record needs --choose MODEL_ID (a shortlisted model)")
    session = _session(args, resolved)
    try:
        evaluation = session.evaluate(resolved.rubric, seed=args.seed)
    except InputError as exc:
        raise _blame(exc, args.set, resolved.path) from None
    data = session.report_data(evaluation, resolved, top=args.top)
    for warning in data["warnings"]:
        _warn(warning)
    if args.format == "table":
        from tui.render import print_run

        print_run(evaluation, data)
    else:
        sys.stdout.write(session.report(evaluation, resolved, args.format, top=args.top, data=data))
    if args.record:
        path = session.record(
            evaluation,
            resolved,
            chosen=args.choose,
            title=args.title or f"Choose an LLM with {resolved.rubric.id}",
            decision_makers=args.decision_maker or [],
            folder=Path(args.record),
        )
        print(f"shortlist: saved decision record {path}", file=sys.stderr)
    if not evaluation.qualified:
        print(f"shortlist: no model qualifies; the funnel emptied at step '{evaluation.emptied_at}'", file=sys.stderr)
        return Exit.NO_QUALIFIER
    return Exit.OK


def _blame(exc: InputError, sets: list[str], path: Path | None) -> InputError:
    """Name the --set argument or the preset file an unknown criterion came from."""
    if exc.path is not None:
        return exc
    match = re.search(r"unknown benchmark '([^']+)'", exc.detail)
    if match:
        culprit = next((raw for raw in sets or [] if match.group(1) in raw.partition("=")[0]), None)
        if culprit:
            return InputError(f"--set {culprit}: {exc.detail}")
    return InputError(exc.detail, path=path)


# ------------------------------------------------------------------------ rubric


def cmd_rubric_check(args: argparse.Namespace) -> int:
    from tui.core.scores import build_criteria
    from tui.core.workflow import open_catalog, resolve_rubric

    resolved = resolve_rubric(args.file)
    try:
        build_criteria(open_catalog(args.catalog), resolved.rubric)
    except InputError as exc:
        raise InputError(exc.detail, path=resolved.path) from None
    chain = " <- ".join(resolved.chain)
    print(f"ok: {resolved.rubric.ref} ({chain}); {len(resolved.locks)} lock(s)")
    for warning in resolved.warnings:
        _warn(warning)
    return Exit.OK


def cmd_rubric_schema(args: argparse.Namespace) -> int:
    from tui.core.presetio import schema_text, write_schema

    if args.out:
        write_schema(Path(args.out))
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(schema_text())
    return Exit.OK


def cmd_rubric_list(args: argparse.Namespace) -> int:
    from tui.core.presets import list_presets

    presets, problems = list_presets(with_problems=True)
    for problem in problems:
        _warn(problem)
    if args.format == "json":
        print(
            json.dumps(
                [
                    {
                        "id": p.id,
                        "version": p.version,
                        "origin": p.origin,
                        "path": str(p.path),
                        "extends": p.extends,
                        "shadows": list(p.shadows),
                        "description": p.description,
                    }
                    for p in presets
                ],
                indent=2,
            )
        )
        return Exit.OK
    from tui.render import print_presets

    print_presets(presets)
    return Exit.OK


def cmd_rubric_diff(args: argparse.Namespace) -> int:
    from tui.core.workflow import resolve_rubric

    a = resolve_rubric(args.a).rubric.model_dump(mode="json")
    b = resolve_rubric(args.b).rubric.model_dump(mode="json")
    differences = list(_diff(a, b, ""))
    for key, left, right in differences:
        print(f"{key}: {json.dumps(left)} -> {json.dumps(right)}")
    if not differences:
        print("no differences after inheritance")
    return Exit.OK


def _diff(a: Any, b: Any, prefix: str) -> Any:
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
    from tui.core.presetio import SCHEMA_FILE, target_folder, write_new_preset

    where = "user" if args.user else "project"
    had_schema = (target_folder(where) / SCHEMA_FILE).exists()
    path = write_new_preset(args.name, base=args.base, where=where)
    print(f"wrote {path}")
    if not had_schema and (path.parent / SCHEMA_FILE).is_file():
        print(f"wrote {path.parent / SCHEMA_FILE} (its '#:schema' line points there, for editors)")
    return Exit.OK


# ----------------------------------------------------------------------- catalog


def cmd_catalog_check(args: argparse.Namespace) -> int:
    from tui.core.catalog import check_catalog, load_catalog
    from tui.core.clock import today
    from tui.core.resources import catalog_root

    root = Path(args.dir) if args.dir else catalog_root()
    catalog = load_catalog(root)
    problems = check_catalog(catalog, today=today())
    for problem in problems:
        print(f"{root}: {problem}", file=sys.stderr)
    if problems:
        return Exit.BAD_INPUT
    open_weights = sum(1 for e in catalog.entries if e.deployment.self_hostable)
    results = sum(len(e.benchmarks) for e in catalog.entries)
    print(
        f"ok: {len(catalog.entries)} models ({open_weights} with open weights), {len(catalog.registry)} benchmarks, "
        f"{results} results; catalogue {catalog.meta.version} as of {catalog.meta.as_of}; calibration fresh"
    )
    return Exit.OK


def _entry_json(entry: Any) -> dict[str, Any]:
    """An entry with the TOML's field names; 'overridden' only when an overlay changed it."""
    data: dict[str, Any] = entry.model_dump(mode="json", by_alias=True, exclude_none=True)
    if not data.get("overridden"):
        data.pop("overridden", None)
    return data


def cmd_catalog_list(args: argparse.Namespace) -> int:
    from tui.core.detail import capability_text

    session = _session(args, evidence=False)
    catalog = session.catalog
    caps = session.capabilities()
    if args.format == "json":
        out = []
        for entry in catalog.entries:
            data = _entry_json(entry)
            if caps is not None:
                mean, sd, n = caps.lookup([entry.id])
                data["capability"] = {
                    "mean": round(float(mean[0]), 4),
                    "sd": round(float(sd[0]), 4),
                    "results": int(n[0]),
                }
            out.append(data)
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return Exit.OK
    from tui.render import print_catalog

    rows = []
    for entry in catalog.entries:
        price = entry.prices[0] if entry.prices else None
        rows.append(
            {
                "id": entry.id,
                "organisation": entry.organisation,
                "params": "unknown" if entry.specs.params_total_b is None else f"{entry.specs.params_total_b:g}",
                "context": "unknown" if entry.specs.context_window is None else f"{entry.specs.context_window:,}",
                "license_class": entry.license.license_class.value,
                "weights": entry.openness.weights.level.value,
                "results": str(len(entry.benchmarks)),
                "capability": capability_text(entry.id, caps).split(" (")[0],
                "price": "unknown"
                if price is None
                else f"{price.input_usd_per_mtok:g} / {price.output_usd_per_mtok:g}",
            }
        )
    print_catalog(rows)
    return Exit.OK


def cmd_catalog_show(args: argparse.Namespace) -> int:
    import difflib

    from tui.core.detail import model_detail

    session = _session(args, evidence=False)
    catalog = session.catalog
    if args.id not in catalog.by_id:
        close = difflib.get_close_matches(args.id, list(catalog.by_id), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise InputError(f"no model with id {args.id!r} in the catalogue{hint}")
    if args.format == "json":
        print(json.dumps(_entry_json(catalog.by_id[args.id]), indent=2, ensure_ascii=False))
        return Exit.OK
    from tui.render import print_entry

    print_entry(model_detail(catalog, args.id, session.capabilities()))
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

    session = _session(args, evidence=False)
    changes = refresh_from_models_dev(session.catalog, Path(args.from_models_dev), Path(args.out))
    for line in changes:
        print(line)
    if not changes:
        print("no changes: prices and limits match the catalogue")
    return Exit.OK


def cmd_catalog_calibrate(args: argparse.Namespace) -> int:
    from tui.core.calibrate import calibrate_catalog
    from tui.core.resources import catalog_root

    root = Path(args.dir) if args.dir else catalog_root()
    outcome = calibrate_catalog(root, folds=args.folds, seed=args.seed, report=args.report, write=not args.dry_run)
    if args.report and args.format == "json":
        print(json.dumps({"cv": outcome.cv, "calibration": outcome.summary}, indent=2))
    elif args.report:
        for line in outcome.report_lines():
            print(line)
    if outcome.path is not None:
        print(f"shortlist: wrote {outcome.path}", file=sys.stderr)
    return Exit.OK


# ------------------------------------------------------------------------ record


def cmd_record_replay(args: argparse.Namespace) -> int:
    from tui.core.records import read_record

    record = read_record(Path(args.file))
    session = _session(args)
    if session.evidence is None and record.get("evidence"):
        print(
            "shortlist: note: team evidence replayed from the values embedded in the record; "
            "pass --evidence to compare against the current files",
            file=sys.stderr,
        )
    report = session.replay(record, seed=args.seed)
    for line in report.lines():
        print(line)
    return Exit.OK


# ------------------------------------------------------------------------ parser


class _Parser(argparse.ArgumentParser):
    """One line for a bad argument, then a pointer to --help."""

    def error(self, message: str) -> NoReturn:
        self.exit(Exit.BAD_INPUT, f"shortlist: error: {message}; see {self.prog} --help\n")


class _MainParser(_Parser):
    """The top-level parser: its --help ends with where the draft, presets, cache and records live."""

    def format_help(self) -> str:
        self.epilog = _where_things_live()  # resolved only when help is shown: it costs start-up time
        return super().format_help()


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be 1 or more")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"{text!r} must be between 0 and 2^63 - 1")
    return value


class _VersionAction(argparse.Action):
    """--version, resolved only when asked for (the metadata lookup costs start-up time)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: Any, values: Any, option_string: Any = None) -> None:
        from tui import __version__

        print(f"shortlist {__version__}")
        parser.exit()


def _where_things_live() -> str:
    """The --help epilog: the real folders, with the SHORTLIST_*_DIR overrides applied."""
    from tui.core.paths import locations

    rows = locations()
    width = max(len(label) for label, _ in rows)
    lines = [f"  {label:<{width}}  {path}" for label, path in rows]
    return "where things live:\n" + "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = _MainParser(
        prog="shortlist",
        description="Choose a large language model and defend the choice. With no command, opens the wizard.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_VersionAction, nargs=0, help="print the version and exit")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an internal error")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def catalog_opts(p: argparse.ArgumentParser) -> None:
        p.add_argument("--catalog", metavar="DIR", help="a catalogue folder instead of the bundled one")
        p.add_argument(
            "--catalog-overlay", metavar="DIR", help="team models and field overrides (also SHORTLIST_CATALOG_OVERLAY)"
        )

    def evidence_opts(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--evidence",
            nargs="+",
            metavar="FILE",
            help="team evaluation results: lm-eval JSON, inspect_ai log, or CSV",
        )
        p.add_argument(
            "--aliases", metavar="FILE", help="TOML alias table mapping imported model names to catalogue ids"
        )

    run = sub.add_parser("run", help="screen and rank the catalogue with a rubric preset")
    run.add_argument("--rubric", required=True, metavar="PRESET_OR_FILE")
    catalog_opts(run)
    evidence_opts(run)
    run.add_argument("--format", choices=["table", "json", "md", "csv"], default="table")
    run.add_argument(
        "--top",
        type=_positive,
        metavar="N",
        help="show the first N ranked models (the shortlist is made N long when the rubric's is shorter)",
    )
    run.add_argument("--seed", type=_seed, default=0, help="seed of the robustness Monte Carlo (default 0)")
    run.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="change one rubric field, e.g. practical.min_context=128000 (locked fields only tighten)",
    )
    run.add_argument(
        "--record",
        nargs="?",
        const="decisions",
        metavar="DIR",
        help="save a decision record in DIR (default ./decisions)",
    )
    run.add_argument("--choose", metavar="MODEL_ID", help="the chosen model, for --record")
    run.add_argument("--title", metavar="T", help="the decision's title, for --record")
    run.add_argument("--decision-maker", action="append", metavar="NAME", help="repeat for each decision-maker")
    run.set_defaults(func=cmd_run)

    rubric = sub.add_parser("rubric", help="check, list, compare and create rubric presets")
    rsub = rubric.add_subparsers(dest="rubric_command", metavar="ACTION", required=True, parser_class=_Parser)
    p = rsub.add_parser("check", help="validate a preset file (after inheritance)")
    p.add_argument("file")
    p.add_argument("--catalog", metavar="DIR")
    p.set_defaults(func=cmd_rubric_check)
    p = rsub.add_parser("schema", help="print the JSON Schema of the preset format, or write it with --out")
    p.add_argument(
        "--out",
        metavar="FILE",
        help="write it to FILE (e.g. .shortlist/rubrics/rubric.schema.json, which presets there point at)",
    )
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

    catalog = sub.add_parser("catalog", help="check, list, show and calibrate the model catalogue")
    csub = catalog.add_subparsers(dest="catalog_command", metavar="ACTION", required=True, parser_class=_Parser)
    p = csub.add_parser("check", help="validate a catalogue folder (default: the bundled one)")
    p.add_argument("dir", nargs="?")
    p.set_defaults(func=cmd_catalog_check)
    p = csub.add_parser("list", help="every model with its stitched capability; --format json prints full entries")
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
    p.add_argument(
        "--out",
        default="shortlist-overlay",
        metavar="DIR",
        help="overlay folder to write (default ./shortlist-overlay)",
    )
    catalog_opts(p)
    p.set_defaults(func=cmd_catalog_refresh)
    p = csub.add_parser("calibrate", help="fit the stitched capability model and write DIR/calibration.toml")
    p.add_argument("dir", nargs="?", help="the catalogue folder (default: the bundled one)")
    p.add_argument("--report", action="store_true", help="print the 10-fold cross-validated prediction error")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--folds", type=_positive, default=10)
    p.add_argument("--seed", type=_seed, default=0)
    p.add_argument("--dry-run", action="store_true", help="fit and report, but do not write the file")
    p.set_defaults(func=cmd_catalog_calibrate)

    record = sub.add_parser("record", help="decision records")
    rec = record.add_subparsers(dest="record_command", metavar="ACTION", required=True, parser_class=_Parser)
    p = rec.add_parser("replay", help="re-run a record's rubric against today's catalogue and say what changed")
    p.add_argument("file")
    catalog_opts(p)
    evidence_opts(p)
    p.add_argument("--seed", type=_seed, default=0)
    p.set_defaults(func=cmd_record_replay)

    from tui.cli_domaintest import add_parser as add_domain_test

    add_domain_test(sub, catalog_opts, _positive, _seed, _Parser)

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
    return run_wizard(
        rubric=getattr(args, "rubric", None),
        catalog=getattr(args, "catalog", None),
        overlay=getattr(args, "catalog_overlay", None),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `shortlist` console script and `python -m tui`.

    One guard turns every failure into one line: exit 2 for bad input (a file, a field, a
    permission), exit 3 for an internal error (``--debug`` shows its traceback).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args([*(["--debug"] if args.debug else []), "wizard"])
    try:
        return int(args.func(args))
    except InputError as exc:
        print(f"shortlist: error: {exc}", file=sys.stderr)
        return Exit.BAD_INPUT
    except KeyboardInterrupt:
        return Exit.INTERRUPTED
    except BrokenPipeError:
        return Exit.OK
    except PermissionError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"shortlist: error: {where}permission denied", file=sys.stderr)
        return Exit.BAD_INPUT
    except RecursionError:
        print("shortlist: error: the input is nested too deeply to read", file=sys.stderr)
        return Exit.BAD_INPUT
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"shortlist: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return Exit.BAD_INPUT
    except Exception as exc:
        if args.debug:
            raise
        print(
            f"shortlist: internal error: {type(exc).__name__}: {exc}; rerun with --debug for the traceback, "
            "and please report it",
            file=sys.stderr,
        )
        return Exit.INTERNAL


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
