"""Step 1: how open must the model be?"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.events import DescendantFocus
from textual.widgets import Checkbox, Label, Select

from tui.app.screens.step_base import StepScreen, lock_note
from tui.core.schema import DIMENSIONS, LEVEL_ORDER, LICENSE_LADDER
from tui.core.wizard import WizardState

DIMENSION_HELP = {
    "weights": (
        "Model weights",
        "Can you download the trained parameters and run them yourself? Open weights let you "
        "self-host, fine-tune and keep using the model if the provider changes course.",
    ),
    "architecture": (
        "Architecture",
        "Is the network's design published, ideally as code? It lets you understand "
        "cost, limits and behaviour, and run it in other runtimes.",
    ),
    "training_methodology": (
        "Training methodology",
        "Do you know how it was trained: stages, recipes, code? It "
        "matters for reproducing results, auditing and adapting the model.",
    ),
    "training_data": (
        "Training data",
        "Is the data described, inspectable or released? It decides whether you can "
        "check for contamination, bias, copyright and privacy exposure.",
    ),
    "inference_code": (
        "Inference code",
        "Can you run the model independently of one provider? Open inference code means no lock-in to a single API.",
    ),
    "documentation": (
        "Documentation",
        "Model card, technical report, data card: what you need to use it responsibly "
        "and to defend the choice to others.",
    ),
    "license": (
        "Licence",
        "The legal terms: OSI-open, open weights with restrictions, non-commercial, or "
        "proprietary. It decides what you are allowed to build.",
    ),
}
LEVEL_HELP = (
    "opaque: nothing public · described: documented in prose · inspectable: available under "
    "restrictions · open: available under an open licence"
)
ANY = "any"


class OpennessScreen(StepScreen):
    """Minimum openness per dimension, allowed licence classes, minimum MOF class."""

    STEP = 0
    TITLE_TEXT = "1 · Openness needs"
    INTRO = "Set the least openness you can accept on each dimension. Leave 'any' where you do not mind."

    def compose_form(self) -> ComposeResult:
        # initial values come from the state: a Select posts Changed for its first value
        policy = self.state.rubric.openness
        options = [("any level", ANY)] + [(level.value, level.value) for level in LEVEL_ORDER[1:]]
        for dim in DIMENSIONS:
            level = policy.min_levels.get(dim)
            with Horizontal(classes="row"):
                yield Label(DIMENSION_HELP[dim][0], classes="label")
                yield Select(
                    options,
                    id=f"lvl-{dim}",
                    allow_blank=False,
                    value=level.value if level and level.rank > 0 else ANY,
                    classes="field",
                    compact=True,
                )
        yield Label("[b]Licence classes allowed[/b]", classes="section", id="lic-title")
        allowed = {c.value for c in policy.license_classes}
        for klass in LICENSE_LADDER:
            yield Checkbox(
                klass.value, value=klass.value in allowed, id=f"lic-{klass.value}", classes="check", compact=True
            )
        with Horizontal(classes="row"):
            yield Label("Minimum MOF class", classes="label")
            yield Select(
                [("any", ANY), ("III Open Model", "III"), ("II Open Tooling", "II"), ("I Open Science", "I")],
                id="mof",
                allow_blank=False,
                value=policy.min_mof_class or ANY,
                classes="field",
                compact=True,
            )

    def load_state(self, state: WizardState) -> None:
        policy = state.rubric.openness
        levels_locked = state.locked("openness.min_levels")
        with self.prevent(Select.Changed, Checkbox.Changed):
            for dim in DIMENSIONS:
                select = self.query_one(f"#lvl-{dim}", Select)
                level = policy.min_levels.get(dim)
                select.value = level.value if level and level.rank > 0 else ANY
                select.disabled = levels_locked is not None
            allowed = {c.value for c in policy.license_classes}
            for klass in LICENSE_LADDER:
                box = self.query_one(f"#lic-{klass.value}", Checkbox)
                box.value = klass.value in allowed
                box.disabled = state.locked("openness.license_classes") is not None
            mof = self.query_one("#mof", Select)
            mof.value = policy.min_mof_class or ANY
            mof.disabled = state.locked("openness.min_mof_class") is not None
        title = "[b]Licence classes allowed[/b]" + lock_note(state, "openness.license_classes")
        self.query_one("#lic-title", Label).update(title)
        self.side(self._explain("weights"))

    @on(Select.Changed)
    def _level_changed(self, event: Select.Changed) -> None:
        if event.select.id == "mof":
            self.edit("openness.min_mof_class", None if event.value == ANY else event.value)
            return
        levels = {d: lvl.value for d, lvl in self.state.rubric.openness.min_levels.items()}
        dim = str(event.select.id).removeprefix("lvl-")
        if event.value == ANY:
            levels.pop(dim, None)
        else:
            levels[dim] = str(event.value)
        self.edit("openness.min_levels", levels)

    @on(Checkbox.Changed)
    def _licence_changed(self, event: Checkbox.Changed) -> None:
        allowed = [k.value for k in LICENSE_LADDER if self.query_one(f"#lic-{k.value}", Checkbox).value]
        if not allowed:
            self.problem("openness.license_classes", "allow at least one licence class")
            self.show_blocked("allow at least one licence class")
            return
        self.problem("openness.license_classes", None)
        self.edit("openness.license_classes", allowed)

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        widget_id = str(event.widget.id or "")
        if widget_id.startswith("lvl-"):
            self.side(self._explain(widget_id.removeprefix("lvl-")))
        elif widget_id.startswith("lic-"):
            self.side(
                "[b]Licence classes[/b]\n\nosi-open: an OSI-approved licence (Apache-2.0, MIT).\n"
                "open-weights-restricted: downloadable, but with user caps or an acceptable-use policy "
                "(Llama, Gemma).\nnon-commercial: research use only.\nproprietary: a provider's terms "
                "of service only." + lock_note(self.state, "openness.license_classes")
            )
        elif widget_id == "mof":
            self.side(
                "[b]Model Openness Framework class[/b] (derived)\n\nIII Open Model: weights, architecture, "
                "model and data cards, report and evaluation results under open licences.\nII Open Tooling: "
                "adds training, inference and evaluation code and evaluation data.\nI Open Science: adds "
                "the datasets, preprocessing code, intermediate checkpoints and a research paper.\n\n"
                "shortlist derives the class from the Model Openness Tool's component lists. A model whose "
                "weights are not released has no class; released weights without a component list have an "
                "unknown class, which fails a minimum under the missing-data policy 'fail'."
                + lock_note(self.state, "openness.min_mof_class")
            )

    def _explain(self, dim: str) -> str:
        title, text = DIMENSION_HELP[dim]
        counts = ""
        session = self.session
        if session is not None:
            from tui.core.views import level_counts

            parts = [f"{level} or better: {count}" for level, count in level_counts(session.catalog, dim).items()]
            counts = f"\n\nCatalogue models ({len(session.catalog.entries)}): " + "; ".join(parts)
        return f"[b]{title}[/b]\n\n{text}\n\n[dim]{LEVEL_HELP}[/dim]{counts}" + lock_note(
            self.state, "openness.min_levels"
        )
