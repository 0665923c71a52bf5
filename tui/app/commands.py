"""Command palette: jump to a step, load a preset, open a model."""

from __future__ import annotations

from functools import partial

from textual.command import Hit, Hits, Provider



class WizardCommands(Provider):
    """Steps, presets and models, searchable from the command palette (ctrl+p or F4)."""

    def _commands(self) -> list[tuple[str, str, object]]:
        from tui.core.wizard import STEP_LABELS

        app = self.app
        out: list[tuple[str, str, object]] = []
        if getattr(app, "state", None) is not None:
            for index, label in enumerate(STEP_LABELS):
                out.append((f"Go to step {index + 1}: {label}", "Jump to this step", partial(app.goto, index)))
        try:
            from tui.core.presets import list_presets

            seen: set[str] = set()
            for preset in list_presets():
                if preset.id in seen:
                    continue
                seen.add(preset.id)
                out.append((f"Load preset: {preset.id}", preset.description or preset.origin,
                            partial(app.start_from_preset, preset.id)))
        except Exception:  # a broken team preset must not break the palette
            pass
        catalog = getattr(app, "catalog", None)
        if catalog is not None:
            for entry in catalog.entries:
                out.append((f"Open model: {entry.name}", f"{entry.organisation} · {entry.id}",
                            partial(app.show_model, entry.id)))
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
