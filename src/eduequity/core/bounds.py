"""What a number in a standard, a schedule or an override may be.

A bad number in a standard does not fail on its own, it passes: NaN compares
False with everything, so a NaN limit is a limit nobody is held to; a floor of
5.0 or a limit of 65 (a percentage typed for a fraction) quietly changes every
verdict. So each number field of the records names the kind of number it holds
(``CV_LIMIT``, ``YEAR``, …) and one ``Range`` checks it, wherever the record is
built: from a TOML file, in Python by a plugin, or by ``ee.override``.

The reader (read/schools.py), the observations (metrics, recognitions, ``as_of``) and
the records share the year bounds from here, so a year a standard may name is a
year a school table or an observation may hold.
"""

from __future__ import annotations

import math
import numbers
import reprlib
from typing import Any

import attrs

#: Statistical years eduequity accepts anywhere: from the founding of the PRC to well past any plan.
YEAR_MIN, YEAR_MAX = 1949, 2100
#: Coefficients of variation are fractions. Single CVs of recognised counties reach about
#: 1.3 (sports area in a dense district), no document sets a limit above 1, and a limit
#: of 65 is 0.65 typed as a percentage: 2 leaves room for any plausible what-if.
CV_LIMIT_MAX = 2.0
#: "Recognised at least N years earlier": 3 in the 2017 method. Plans run ten years; a
#: number in the thousands is a year typed where a count of years belongs.
YEARS_BEFORE_MAX = 30

_show = reprlib.Repr()
_show.maxstring = _show.maxother = 80


def show(value: Any) -> str:
    """``repr`` of a value for a message, shortened: a file may hold a megabyte where a number belongs."""
    return _show.repr(value)


class InvalidValue(ValueError):
    """A value of a standard, a schedule or an override that is of the wrong kind or out of range.

    The message says where, what was there and what was expected, in that order, as
    ``InputError`` problems do; loaders add the file and the path of the entry.
    """


@attrs.frozen
class Range:
    """The numbers a field may hold: finite, of the right type, within ``lo`` … ``hi``.

    ``whole`` asks for an ``int`` (a year, a count): ``2020.7`` and ``2020.0`` are
    refused, as ``True`` is everywhere — a bool is not a number. ``choices`` narrows
    the range to a few values (a yes/no target is 0 or 1). ``why`` is shown with the
    expectation: it is what turns "got 65" into a fix.
    """

    lo: float = -math.inf
    hi: float = math.inf
    lo_open: bool = False
    whole: bool = False
    choices: tuple[float, ...] = ()
    why: str = ""

    @property
    def expected(self) -> str:
        if self.choices:
            text = " or ".join(f"{c:g}" for c in self.choices)
        elif self.whole:
            text = (f"a whole number from {self.lo:g} to {self.hi:g}" if math.isfinite(self.hi)
                    else f"a whole number ≥ {self.lo:g}")
        else:
            bounds = []
            if math.isfinite(self.lo):
                bounds.append(f"{'>' if self.lo_open else '≥'} {self.lo:g}")
            if math.isfinite(self.hi):
                bounds.append(f"≤ {self.hi:g}")
            text = "a number " + " and ".join(bounds) if bounds else "a finite number"
        return f"{text} ({self.why})" if self.why else text

    def accepts(self, value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, numbers.Integral if self.whole else numbers.Real):
            return False  # numpy's bool_ is not a numbers.Real, Python's bool is
        if not self.whole:
            try:
                value = float(value)
            except OverflowError:  # an int beyond any float
                return False
            if not math.isfinite(value):
                return False
        if self.choices:
            return value in self.choices
        return (self.lo < value if self.lo_open else self.lo <= value) and value <= self.hi

    def check(self, value: Any, what: str) -> None:
        """Raise ``InvalidValue`` naming ``what`` unless ``value`` is in the range."""
        if not self.accepts(value):
            raise InvalidValue(f"{what}: got {show(value)}; expected {self.expected}")

    def __call__(self, instance: Any, attribute: attrs.Attribute, value: Any) -> None:
        """As an attrs validator: the message names the record (its id) and the field."""
        self.check(value, label(instance) + attribute.name)


@attrs.frozen
class OneOf:
    """The words a field may hold (a recognition kind, an operator, a scope), as an attrs validator.

    attrs' own ``in_`` raises with the ``Attribute`` object among its arguments, so a
    file's mistake read as ``Attribute(name='recognition', default=NOTHING, …)``. This one
    says, as ``Range`` does, the record, the field, what was there and every word allowed.
    ``None`` among the choices means the field may be left out.
    """

    choices: tuple[Any, ...]
    why: str = ""

    @property
    def expected(self) -> str:
        words = [str(c) for c in self.choices if c is not None]
        text = ("one of " + ", ".join(words)) if len(words) > 1 else words[0]
        if None in self.choices:
            text += ", or left out"
        return f"{text} ({self.why})" if self.why else text

    def accepts(self, value: Any) -> bool:
        return any(value is c or (type(value) is type(c) and value == c) for c in self.choices)

    def __call__(self, instance: Any, attribute: attrs.Attribute, value: Any) -> None:
        if not self.accepts(value):
            raise InvalidValue(f"{label(instance)}{attribute.name}: got {show(value)}; expected {self.expected}")


#: Any finite number; the range, if any, is checked by the record that knows the number's kind.
FINITE = Range()
YEAR = Range(YEAR_MIN, YEAR_MAX, whole=True, why="a statistical year")
CV_LIMIT = Range(0, CV_LIMIT_MAX, lo_open=True, why="a CV limit is a fraction: 0.65, not 65")
THRESHOLD = Range(0)
FLOOR = Range(0, 1, lo_open=True, why="a share of the threshold: 0.85 for 85%")
YEARS_BEFORE = Range(0, YEARS_BEFORE_MAX, whole=True, why="a number of years")
COUNT = Range(0, whole=True)
POSITIVE_COUNT = Range(1, whole=True)

#: What a message calls a record of each class: the words of the files, not the class names.
NOUNS = {"MetricTarget": "target", "PhasedSchedule": "schedule", "Standard": "standard",
         "Threshold": "threshold", "Milestone": "milestone", "Metric": "metric", "Source": "source",
         "Exclusion": "exclusion", "Indicator": "indicator", "CountyTarget": "county target year",
         "ReportFormat": "report format", "Jurisdiction": "jurisdiction", "County": "county",
         "PluginFile": "plugin", "CountyFile": "county list"}


def label(instance: Any) -> str:
    """"rule 'cn.basic-balance-2012.composite-cv' " — what a message about a field of ``instance`` starts with."""
    cls = type(instance)
    noun = NOUNS.get(cls.__name__) or ("rule" if hasattr(cls, "KIND") else cls.__name__)
    ident = next((v for k in ("id", "key", "indicator", "county", "year") if (v := getattr(instance, k, None))), None)
    return f"{noun} {ident!r} " if isinstance(ident, str | int) and not isinstance(ident, bool) else f"{noun} "


def boolean(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
    """An attrs validator: ``True`` or ``False``, never a string ("false" is a true string) or a number."""
    if not isinstance(value, bool):
        raise InvalidValue(f"{label(instance)}{attribute.name}: got {show(value)}; expected true or false")


def as_float(value: Any) -> Any:
    """An attrs converter: an int (or a numpy number) where a float belongs becomes a float.

    Then a standard built in Python with ``2000`` is the standard that comes back from
    JSON with ``2000.0``. Anything else is left for the validator to refuse, by name.
    """
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and type(value) is not float:
        try:
            return float(value)
        except OverflowError:
            return value
    return value
