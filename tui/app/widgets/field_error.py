"""An inline field error: a full line under its field, shown only while there is a message."""

from __future__ import annotations

from typing import Any

from textual.widgets import Label


class FieldError(Label):
    """``⚠ message`` under a form row's field; hidden (taking no room) while empty."""

    DEFAULT_CSS = """
    FieldError { display: none; }
    FieldError.-shown { display: block; }
    """

    def update(self, content: Any = "", *, layout: bool = True) -> None:
        super().update(content, layout=layout)
        self.set_class(bool(str(content).strip()), "-shown")
