"""Per-student indicators: a resource column over registered students, on a document's scale.

The scale is not a magic number: the indicator's unit says it. "Computers per
100 students" is ``computer / hundred_students``, so the factor from the
column's canonical unit per student comes from pint, once.
"""

from __future__ import annotations

import functools

import attrs

from . import columns, units
from .sources import Source


def _known_resource(instance, attribute, value: str) -> None:
    if value not in columns.RESOURCES:
        raise ValueError(f"unknown resource column {value!r}; expected one of {', '.join(columns.RESOURCES)}")


@attrs.frozen
class Indicator:
    """A per-student indicator.

    ``key`` is the input column of the resource (``books`` = books per
    student), as the API promises; ``unit`` fixes the scale its document uses.
    """

    key: str = attrs.field(validator=_known_resource)
    zh: str
    en: str
    unit: str
    source: Source | None = None
    unit_zh: str = ""  # the unit as the national-format table prints it in the header, e.g. ㎡

    def __attrs_post_init__(self) -> None:
        # Fail at load time, naming the indicator, rather than mid-evaluation.
        try:
            self.factor
        except units.UnitError as exc:
            raise ValueError(f"indicator {self.key!r}: {exc}") from exc

    @property
    def column(self) -> columns.Column:
        return columns.BY_NAME[self.key]

    @functools.cached_property
    def factor(self) -> float:
        """Multiply resource/students (canonical units) by this to get the indicator value."""
        return units.factor(f"({self.column.unit}) / student", self.unit)
