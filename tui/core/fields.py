"""Labels, help and bounds of rubric fields, read from the pydantic models themselves.

The wizard's forms and the preset template both call :func:`field_spec`, so a label, a
help text or a bound is written once: as the field's docstring and its constraints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_args

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel


@dataclass(frozen=True)
class FieldSpec:
    """What a form needs to know about one field."""

    name: str
    label: str
    help: str
    minimum: float | None
    exclusive_minimum: bool
    maximum: float | None
    integer: bool
    optional: bool

    def parse(self, text: str) -> tuple[int | float | None, str | None]:
        """The value typed in ``text`` (1,000 and 1_000 accepted), or an error message."""
        cleaned = text.strip().replace(",", "").replace("_", "")
        if not cleaned:
            return (None, None) if self.optional else (None, "required")
        try:
            number = float(cleaned)
        except ValueError:
            return None, self.expected()
        if number != number or number in (float("inf"), float("-inf")):
            return None, self.expected()
        if self.integer and not number.is_integer():
            return None, self.expected()
        if self.minimum is not None and (number < self.minimum or (self.exclusive_minimum and number == self.minimum)):
            return None, self.expected()
        if self.maximum is not None and number > self.maximum:
            return None, self.expected()
        return (int(number) if self.integer else number), None

    def expected(self) -> str:
        """``a whole number, 1 or more`` and the like."""
        kind = "a whole number" if self.integer else "a number"
        low = (
            ""
            if self.minimum is None
            else (f" above {_num(self.minimum)}" if self.exclusive_minimum else f", {_num(self.minimum)} or more")
        )
        high = "" if self.maximum is None else f", at most {_num(self.maximum)}"
        return f"{kind}{low}{high}"


def _num(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


def _bounds(metadata: list[Any]) -> tuple[float | None, bool, float | None]:
    low, exclusive, high = None, False, None
    for item in metadata:
        if isinstance(item, Ge):
            low, exclusive = float(item.ge), False  # type: ignore[arg-type]
        elif isinstance(item, Gt):
            low, exclusive = float(item.gt), True  # type: ignore[arg-type]
        elif isinstance(item, Le):
            high = float(item.le)  # type: ignore[arg-type]
        elif isinstance(item, Lt):
            high = float(item.lt)  # type: ignore[arg-type]
    return low, exclusive, high


def field_spec(model: type[BaseModel], name: str) -> FieldSpec:
    """The label (the docstring's first sentence), help (the rest) and bounds of a field."""
    import sys

    from tui.core.schema import document

    document(sys.modules[model.__module__])
    info = model.model_fields[name]
    text = " ".join((info.description or name.replace("_", " ")).split())
    label, _, rest = text.partition(". ")
    annotation = info.annotation
    args = [a for a in get_args(annotation) if a is not type(None)]
    base = args[0] if args else annotation
    metadata = list(info.metadata)
    for arg in get_args(annotation):
        extra = getattr(arg, "__metadata__", None)
        if extra:  # Annotated[T, Field(...)] inside an optional union
            base = get_args(arg)[0]
            for item in extra:
                metadata += list(getattr(item, "metadata", [item]))
    low, exclusive, high = _bounds(metadata)
    return FieldSpec(
        name=name,
        label=label.rstrip("."),
        help=rest.strip(),
        minimum=low,
        exclusive_minimum=exclusive,
        maximum=high,
        integer=base is int,
        optional=type(None) in get_args(annotation),
    )
