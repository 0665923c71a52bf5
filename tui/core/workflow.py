"""The use cases, in one place: the command line and the wizard both call these.

resolve a rubric (presets, inheritance, locks, ``--set``) → open the catalogue with the
one overlay rule → load evidence with the alias table → evaluate → report / record /
replay. Neither front end wires this chain itself, so they cannot disagree: the same
inputs give the same JSON (a test checks it). One default for the Monte Carlo draws,
one clock.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.core.clock import today as clock_today
from tui.core.robustness import DRAWS

if TYPE_CHECKING:
    from collections.abc import Callable

    from tui.core.catalog import Catalog
    from tui.core.engine import Evaluation
    from tui.core.evidence import EvidenceBundle
    from tui.core.presets import ResolvedRubric
    from tui.core.records import ReplayReport
    from tui.core.rubric import Rubric
    from tui.core.scores import ScoreTable
    from tui.core.stitching import Capabilities

__all__ = ["DRAWS", "Session", "open_catalog", "overlay_for", "resolve_rubric"]

OVERLAY_ENV = "SHORTLIST_CATALOG_OVERLAY"
FORMATS = ("json", "md", "csv")


def resolve_rubric(spec: str, overrides: dict[str, Any] | None = None, cwd: Path | None = None) -> ResolvedRubric:
    """A preset name or file, with inheritance, locks and command-line overrides applied."""
    from tui.core.presets import resolve

    return resolve(spec, cwd=cwd, overrides=overrides)


def overlay_for(explicit: str | Path | None, resolved: ResolvedRubric | None) -> Path | None:
    """The catalogue overlay to use: the explicit one, else $SHORTLIST_CATALOG_OVERLAY, else the preset's."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(OVERLAY_ENV)
    if env:
        return Path(env)
    if resolved is not None and resolved.rubric.catalog_overlay and resolved.path is not None:
        from tui.core.errors import InputError

        folder = resolved.path.parent.resolve()
        overlay = (folder / resolved.rubric.catalog_overlay).resolve()
        if overlay != folder and folder not in overlay.parents:
            raise InputError(
                f"catalog_overlay {resolved.rubric.catalog_overlay!r} points outside the preset's folder",
                path=resolved.path,
            )
        return overlay
    return None


def open_catalog(catalog_dir: str | Path | None = None, overlay: str | Path | None = None) -> Catalog:
    """The bundled catalogue (or ``catalog_dir``), with an optional overlay folder."""
    from tui.core.catalog import load_catalog
    from tui.core.resources import catalog_root

    root = Path(catalog_dir) if catalog_dir else catalog_root()
    return load_catalog(root, Path(overlay) if overlay else None)


@dataclass
class Session:
    """A loaded catalogue and imported evidence, and the score tables computed on them.

    Score tables depend only on the catalogue, the evidence, the criteria and the reporter
    preference, so they are memoised here (never on the catalogue object) and reused while
    the user edits thresholds and weights.
    """

    catalog: Catalog
    evidence: EvidenceBundle | None = None
    _scores: dict[tuple[Any, ...], ScoreTable] = field(default_factory=dict, repr=False)
    _caps: list[Capabilities | None] = field(default_factory=list, repr=False)

    @classmethod
    def open(
        cls,
        *,
        catalog_dir: str | Path | None = None,
        overlay: str | Path | None = None,
        resolved: ResolvedRubric | None = None,
        evidence: list[str | Path] | None = None,
        aliases: str | Path | None = None,
    ) -> Session:
        """Open the catalogue (with the one overlay rule) and load any evidence."""
        session = cls(open_catalog(catalog_dir, overlay_for(overlay, resolved)))
        if evidence:
            session = session.with_evidence(evidence, aliases)
        return session

    def with_evidence(self, paths: list[str | Path] | None, aliases: str | Path | None = None) -> Session:
        """The same catalogue with these evidence files (none: without evidence)."""
        bundle = None
        if paths:
            from tui.core.evidence import load_evidence

            bundle = load_evidence([Path(p) for p in paths], self.catalog, aliases=Path(aliases) if aliases else None)
        return Session(self.catalog, bundle, {}, self._caps)

    def with_bundle(self, bundle: EvidenceBundle | None) -> Session:
        """The same catalogue with an already loaded evidence bundle."""
        return Session(self.catalog, bundle, {}, self._caps)

    # ---------------------------------------------------------------- evaluate

    def prepare(self, rubric: Rubric) -> tuple[Rubric, list[str]]:
        """The rubric as evaluated: imported criteria weighted, criteria without evidence left out.

        Returns the rubric and notes for the user. An id that is neither a benchmark nor an
        imported ``team:`` criterion is an InputError (from :func:`build_criteria`).
        """
        from tui.core.evidence import with_default_weights

        notes = []
        team = self.evidence.criteria if self.evidence else {}
        missing = {c for c in rubric.criteria_ids() if c.startswith("team:") and c not in team}
        if missing:
            rubric = rubric.without(missing)
            notes.append(
                "no imported results for " + ", ".join(sorted(missing)) + ": left out of this run "
                "(import them with --evidence, or on step 3)"
            )
        if team:
            rubric = with_default_weights(rubric, team)
        if rubric.total_weight() <= 0:
            from tui.core.errors import InputError

            raise InputError(
                "nothing to rank on: every weighted criterion comes from imported results that are not loaded"
            )
        return rubric, notes

    def capabilities(self) -> Capabilities | None:
        """Every catalogue model's stitched capability (computed once per session's catalogue)."""
        return self.catalog.capabilities

    def scores(self, rubric: Rubric) -> ScoreTable:
        """The memoised score table for the rubric's criteria and reporter preference."""
        from tui.core.scores import build_criteria, build_scores

        team = self.evidence.criteria if self.evidence else None
        key = (rubric.baselines.prefer, tuple(sorted(rubric.criteria_ids())))
        table = self._scores.get(key)
        if table is None:
            criteria = build_criteria(self.catalog, rubric, team)
            extra = self.evidence.results if self.evidence else None
            table = build_scores(self.catalog, criteria, rubric.baselines.prefer, extra, self.capabilities())
            if len(self._scores) >= 16:
                self._scores.clear()
            self._scores[key] = table
        return table

    def evaluate(
        self,
        rubric: Rubric,
        *,
        seed: int = 0,
        draws: int = DRAWS,
        today: dt.date | None = None,
        funnel_only: bool = False,
        cancelled: Callable[[], bool] | None = None,
    ) -> Evaluation:
        """Screen, rank and explain with ``rubric`` (after :meth:`prepare`)."""
        from tui.core.engine import evaluate

        prepared, notes = self.prepare(rubric)
        evaluation = evaluate(
            self.catalog,
            prepared,
            today=today or clock_today(),
            seed=seed,
            draws=draws,
            scores=self.scores(prepared),
            latency=self.evidence.latency if self.evidence else None,
            funnel_only=funnel_only,
            cancelled=cancelled,
        )
        evaluation.warnings = notes + evaluation.warnings
        return evaluation

    # ---------------------------------------------------------------- outputs

    def report_data(self, evaluation: Evaluation, resolved: ResolvedRubric, top: int | None = None) -> dict[str, Any]:
        """The JSON contract of an evaluation."""
        from tui.core import report

        return report.to_dict(
            evaluation, self.catalog, resolved, top=top, evidence=self.evidence.meta() if self.evidence else None
        )

    def report(
        self,
        evaluation: Evaluation,
        resolved: ResolvedRubric,
        fmt: str,
        top: int | None = None,
        data: dict[str, Any] | None = None,
    ) -> str:
        """The evaluation as JSON, Markdown or CSV text (``data``: :meth:`report_data`, when already made)."""
        from tui.core import report

        if fmt == "csv":
            return report.to_csv(evaluation, top)
        data = data if data is not None else self.report_data(evaluation, resolved, top)
        if fmt == "json":
            return report.to_json(data)
        if fmt == "md":
            return report.to_markdown(data, evaluation)
        raise ValueError(f"unknown format {fmt!r}")

    def record(
        self,
        evaluation: Evaluation,
        resolved: ResolvedRubric,
        *,
        chosen: str,
        title: str,
        decision_makers: list[str],
        folder: Path,
        today: dt.date | None = None,
        domain_test: dict[str, Any] | None = None,
    ) -> Path:
        """Write a decision record for ``chosen``; returns its path (``domain_test``: the team's task and logs)."""
        from tui.core.records import build_record_data, render_record, save_record

        data = build_record_data(
            evaluation,
            self.catalog,
            resolved,
            chosen=chosen,
            title=title,
            decision_makers=decision_makers,
            evidence=self.evidence.meta() if self.evidence else None,
            today=today or clock_today(),
            domain_test=domain_test,
        )
        return save_record(folder, render_record(data, evaluation), title)

    def replay(self, record: dict[str, Any], *, seed: int = 0, today: dt.date | None = None) -> ReplayReport:
        """Re-run a record against this catalogue and say what changed.

        With evidence files of its own, the session compares them with the record's (by path
        and sha256); without, it replays the values the record embeds.
        """
        from tui.core.records import replay

        session = self
        if self.evidence is None and record.get("evidence"):
            from tui.core.evidence import bundle_from_record

            session = self.with_bundle(bundle_from_record(record, self.catalog))
        return replay(
            record,
            session,
            seed=seed,
            today=today or clock_today(),
            evidence=self.evidence.meta() if self.evidence is not None else None,
        )


def resolved_for(
    rubric: Rubric, chain: tuple[str, ...], locks: tuple[Any, ...], warnings: tuple[str, ...] = ()
) -> ResolvedRubric:
    """A ResolvedRubric for a rubric edited in the wizard (no file of its own)."""
    from tui.core.presets import ResolvedRubric

    return ResolvedRubric(
        rubric=rubric, chain=chain or (rubric.ref,), path=None, origin="wizard", locks=locks, warnings=warnings
    )


def with_rubric(resolved: ResolvedRubric, rubric: Rubric) -> ResolvedRubric:
    """The same resolution with another rubric body (after prepare)."""
    return replace(resolved, rubric=rubric)
