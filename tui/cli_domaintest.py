"""`shortlist domain-test init|run`: the team's own examples as an inspect_ai task, run on the shortlist.

The command only parses, prints and asks; the work is in :mod:`tui.core.domaintest`,
:mod:`tui.core.domainplan` and :mod:`tui.evals`, which the wizard can call the same way.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from tui.core.errors import InputError

EXAMPLES_FILE = "examples.csv"


def cmd_init(args: argparse.Namespace) -> int:
    from tui.core.domaintest import Scorer, example_csv, read_examples, write_task_folder

    folder = Path(args.dir)
    if args.example == bool(args.examples):
        raise InputError("give --examples FILE (your examples) or --example (write a 10-example sample file)")
    scorer = Scorer(args.scorer, args.regex, args.grader)
    if args.example:
        from tui.core.paths import atomic_write

        source = folder / EXAMPLES_FILE
        if folder.is_dir() and any(folder.iterdir()) and not args.force:
            raise InputError("folder is not empty; pass --force to write the task files into it", path=folder)
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(source, example_csv())
        print(f"wrote {source}: 10 invented support tickets (no real data), the format for your own examples")
    else:
        source = Path(args.examples)
    examples = read_examples(source)
    own = folder.is_dir() and {p.resolve() for p in folder.iterdir()} <= {source.resolve()}
    written = write_task_folder(folder, examples, scorer, force=args.force or own)
    print(f"wrote {', '.join(str(p) for p in written)}")
    print(f"{len(examples)} examples, scorer {scorer.describe()}. Edit them freely; then:")
    print(f"  inspect eval {folder / 'task.py'} --model PROVIDER/MODEL     # one model, by hand")
    print(f"  shortlist domain-test run {folder} --rubric default           # the shortlist, re-ranked")
    return 0


def _print_plan(plan: Any) -> None:
    from tui.core.domainplan import MOCK_BANNER

    task = plan.task
    print(f"domain test {task.name}: {plan.examples} examples, scorer {task.scorer.describe()}, task {task.task_file}")
    if plan.mock:
        print(MOCK_BANNER)
    print(plan.estimate_note())
    rows = [("model", "inspect_ai name", "route", "price in/out", "cost"), *plan.cost_rows()]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for row in rows:
        print("  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
    print(plan.total_line())
    for line in plan.skip_lines():
        print(line)


def _confirm(plan: Any, yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise InputError("not asking on a non-interactive input: pass --yes to run without confirmation")
    answer = input(plan.question())
    if answer.strip().lower() not in ("y", "yes"):
        raise KeyboardInterrupt


def _model_ids(args: argparse.Namespace, session: Any, rubric: Any) -> list[str]:
    from tui.core.domainplan import check_ids

    if args.models:
        return check_ids(args.models.split(","), session.catalog)
    evaluation = session.evaluate(rubric, seed=args.seed)
    ids = [item.id for item in evaluation.shortlist]
    if not ids:
        raise InputError(f"no model qualifies under {args.rubric}; name models with --models")
    return ids


def cmd_run(args: argparse.Namespace) -> int:
    from tui.cli import _session, _warn, parse_set
    from tui.core.domainplan import criterion_slug, display_path, domain_test_section, plan_run, rerank
    from tui.core.domaintest import read_task_folder
    from tui.core.workflow import resolve_rubric
    from tui.evals import require_inspect, run_domain_tests

    require_inspect()
    task = read_task_folder(Path(args.dir))
    resolved = resolve_rubric(args.rubric, overrides=parse_set(args.set))
    if args.choose and not args.record:
        raise InputError("--choose is for --record DIR")
    session = _session(args, resolved, evidence=False)
    plan = plan_run(
        task, session.catalog, _model_ids(args, session, resolved.rubric), os.environ, mock=args.mock, limit=args.limit
    )
    _print_plan(plan)
    if not plan.running:
        raise InputError("no model to run: every model was skipped (see above)")
    plan.check_max_cost(args.max_cost)
    _confirm(plan, args.yes)
    sys.stdout.flush()
    outcome = run_domain_tests(plan, display=args.display)
    for run in outcome.runs:
        if run.error or run.log is None:
            _warn(f"{run.model_id} ({run.inspect_model}) failed: {run.error}")
        else:
            print(f"ran {run.model_id} ({run.inspect_model}): {display_path(run.log)}")
    print(f"manifest: {outcome.manifest}")
    if not outcome.logs:
        raise InputError("no model finished the task, so nothing was imported (see the failures above)")
    criterion = f"team:{criterion_slug(task.name)}"
    session, _, after, change = rerank(
        session, resolved.rubric, outcome.logs, seed=args.seed, top=args.top, criterion=criterion, mock=plan.mock
    )
    for line in session.evidence.warning_lines() if session.evidence else []:
        _warn(line)
    for line in change.lines():
        print(line)
    print(
        f"(an imported criterion the rubric does not name gets weight 1; set it with "
        f"--set 'domain.weights.{criterion}=2')"
    )
    if args.record:
        chosen = args.choose or change.first_after
        if chosen is None:
            raise InputError("no model qualifies, so there is nothing to record")
        runs = [(r.model_id, r.log) for r in outcome.runs if r.log is not None]
        path = session.record(
            after,
            resolved,
            chosen=chosen,
            title=args.title or f"Model for {task.name} (domain test{', MOCK run' if plan.mock else ''})",
            decision_makers=args.decision_maker or [],
            folder=Path(args.record),
            domain_test=domain_test_section(task, runs, mock=plan.mock),
        )
        print(f"saved decision record {path}")
    return 0


def _cost(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of US dollars") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite amount of 0 or more")
    return value


def add_parser(sub: Any, catalog_opts: Any, positive: Any, seed: Any, parser_class: Any) -> None:
    """The `domain-test` command and its two actions."""
    from tui.core.domaintest import SCORERS

    top = sub.add_parser("domain-test", help="run the team's own examples on the shortlist with inspect_ai")
    dsub = top.add_subparsers(dest="domain_command", metavar="ACTION", required=True, parser_class=parser_class)
    p = dsub.add_parser("init", help="write an inspect_ai task folder from the team's examples (CSV or JSONL)")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--examples", metavar="FILE", help="CSV or JSONL with input, target and optional id, metadata")
    p.add_argument(
        "--example", action="store_true", help="write a 10-example sample file to DIR/examples.csv and use it"
    )
    p.add_argument("--scorer", choices=SCORERS, default="includes", help="how answers are scored (default includes)")
    p.add_argument("--regex", metavar="REGEX", help="for --scorer pattern")
    p.add_argument("--grader", metavar="PROVIDER/MODEL", help="the grader model, for --scorer model-graded")
    p.add_argument("--force", action="store_true", help="write into a non-empty folder")
    p.set_defaults(func=cmd_init)

    p = dsub.add_parser("run", help="run the task on the shortlist, import the logs and rank again")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--rubric", required=True, metavar="PRESET_OR_FILE")
    p.add_argument("--models", metavar="ID,...", help="catalogue ids to run instead of the shortlist")
    p.add_argument("--limit", type=positive, metavar="N", help="run only the first N examples")
    p.add_argument("--max-cost", type=_cost, metavar="USD", help="refuse when the estimated cost is higher")
    p.add_argument("--yes", action="store_true", help="run without asking")
    p.add_argument(
        "--mock", action="store_true", help="call inspect_ai's mock provider instead of the models (offline)"
    )
    p.add_argument("--display", choices=["rich", "plain", "none"], help="inspect_ai's progress display")
    p.add_argument("--top", type=positive, default=5, metavar="N", help="models shown in what changed (default 5)")
    p.add_argument("--seed", type=seed, default=0)
    p.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", help="change one rubric field")
    catalog_opts(p)
    p.add_argument("--record", metavar="DIR", help="save a decision record in DIR")
    p.add_argument("--choose", metavar="MODEL_ID", help="the chosen model for --record (default: the new #1)")
    p.add_argument("--title", metavar="T")
    p.add_argument("--decision-maker", action="append", metavar="NAME")
    p.set_defaults(func=cmd_run)
