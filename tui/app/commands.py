"""Command palette: jump to a step, load a preset, open a model."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from textual.command import Hit, Hits, Provider

if TYPE_CHECKING:
    from tui.app.app import ShortlistApp


class WizardCommands(Provider):
    """Steps, presets and models, searchable from the command palette (ctrl+p or F4).

    Presets are read once, in a thread, when the palette opens (never on each keystroke).
    """

    async def startup(self) -> None:
        """Read the preset list off the event loop."""
        self._presets: list[Any] = []
        worker = self.app.run_worker(self._read_presets, thread=True, group="palette", exit_on_error=False)
        await worker.wait()
        self._presets = worker.result or []

    @staticmethod
    def _read_presets() -> list[Any]:
        from tui.core.presets import list_presets

        presets, _ = list_presets(with_problems=True)  # a broken team preset must not break the palette
        seen: set[str] = set()
        out = []
        for preset in presets:
            if preset.id not in seen:
                seen.add(preset.id)
                out.append(preset)
        return out

    def _commands(self) -> list[tuple[str, str, Any]]:
        from tui.core.wizard import STEP_LABELS

        app: ShortlistApp = self.app  # type: ignore[assignment]
        out: list[tuple[str, str, Any]] = []
        if app.state is not None:
            for index, label in enumerate(STEP_LABELS):
                out.append((f"Go to step {index + 1}: {label}", "Jump to this step", partial(app.goto, index)))
        for preset in getattr(self, "_presets", []):
            out.append(
                (
                    f"Load preset: {preset.id}",
                    preset.description or preset.origin,
                    partial(app.start_from_preset, preset.id),
                )
            )
        if app.session is not None:
            for entry in app.session.catalog.entries:
                out.append(
                    (
                        f"Open model: {entry.name}",
                        f"{entry.organisation} · {entry.id}",
                        partial(app.show_model, entry.id),
                    )
                )
        return out

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            if name.startswith(("Go to", "Load preset")):
                yield Hit(1.0, name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
