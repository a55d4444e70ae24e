"""The rule kinds a standard is built from, as data.

Each rule is a small frozen record; the arithmetic that checks it lives in
``checks.py`` so the records stay plain enough to load from a data file and to
round-trip through JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
import numpy as np

from . import columns, units
from .bounds import CV_LIMIT, FLOOR, THRESHOLD, YEARS_BEFORE, InvalidValue, Range, as_float, label, show
from .recognitions import KINDS as RECOGNITIONS
from .sources import Source

OPS = (">=", ">", "<=", "<", "==")

#: Values within one part in 10^12 of a limit count as at the limit. Records are
#: decimal and binary floating point is not: 183.6 m² for 48 students is
#: 3.8249999999999997 m², yet the school is exactly at 85% of 4.5. No recorded
#: statistic carries twelve significant digits, so nothing really beyond a limit
#: is let through.
REL_TOL = 1e-12


def bound(op: str, limit):
    """The limit moved by REL_TOL so that ``x op limit`` is a plain comparison with it.

    Computed once per threshold and level, the tolerance then costs nothing per school.
    """
    limit = np.asarray(limit, dtype=float)
    tol = REL_TOL * np.abs(limit)
    return limit - tol if op in (">=", "<") else limit + tol


def compare(op: str, x, limit):
    """``x op limit`` element-wise, with REL_TOL; NaN compares False (callers mark it unknown)."""
    x = np.asarray(x, dtype=float)
    with np.errstate(invalid="ignore"):
        if op == ">=":
            return x >= bound(op, limit)
        if op == ">":
            return x > bound(op, limit)
        if op == "<=":
            return x <= bound(op, limit)
        if op == "<":
            return x < bound(op, limit)
        if op == "==":
            limit = np.asarray(limit, dtype=float)
            return np.abs(x - limit) <= REL_TOL * np.abs(limit)
    raise ValueError(f"unknown comparison {op!r}; expected one of {OPS}")


@attrs.frozen
class PerLevel:
    """A value that may differ between primary and junior sections; None = not set for that level.

    The record holding it checks the values (``_each_level``): only it knows whether
    they are CV limits or thresholds, and so what range to say was expected.
    """

    primary: float | None = attrs.field(default=None, converter=as_float)
    junior: float | None = attrs.field(default=None, converter=as_float)

    def get(self, level: str) -> float | None:
        return getattr(self, level)

    def array(self, scale: float = 1.0) -> np.ndarray:
        """Values in ``columns.LEVELS`` order, NaN where unset: index it with level codes."""
        return np.array([np.nan if (v := self.get(lv)) is None else v * scale for lv in columns.LEVELS])

    def updated(self, value: float | Mapping[str, float] | PerLevel) -> PerLevel:
        """This value with ``value`` laid over it (overrides): a number sets both levels, a mapping
        only the levels it names.

        A level left out keeps its value: ``{"primary": 0.60}`` must not drop the junior
        limit, or junior would be held to nothing and pass. A level cannot be set to None
        here for the same reason; a rule for one level is written without the other.
        """
        if isinstance(value, PerLevel):
            return value
        if not isinstance(value, Mapping):
            return PerLevel(value, value)
        unknown = [k for k in value if k not in columns.LEVELS]
        if unknown or not value:
            raise InvalidValue(f"got levels {show(list(value))}; expected primary, junior or both")
        unset = [k for k, v in value.items() if v is None]
        if unset:
            raise InvalidValue(f"{unset[0]}: got None; expected a number (a rule for one level is written "
                               "without the other, not overridden to None)")
        return attrs.evolve(self, **value)


def _each_level(kind: Range):
    """An attrs validator: a PerLevel with at least one level set, each level in ``kind``.

    A PerLevel with neither level holds nobody to anything: every county would pass.
    """

    def check(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
        where = label(instance) + attribute.name
        if not isinstance(value, PerLevel):
            raise InvalidValue(f"{where}: got {show(value)}; expected primary and junior values (PerLevel)")
        if value.primary is None and value.junior is None:
            raise InvalidValue(f"{where}: got no level; expected a value for primary or junior, or both")
        for level in columns.LEVELS:
            if (v := value.get(level)) is not None:
                kind.check(v, f"{where}.{level}")

    return check


def _indicator_list(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
    """An attrs validator: at least one indicator, each once.

    A rule over no indicators has nothing to judge (the mean of no CVs is not a number),
    and an indicator listed twice counts twice in a composite or a "6 of 7".
    """
    where = label(instance) + attribute.name
    if isinstance(value, str) or not isinstance(value, tuple | list):
        raise InvalidValue(f"{where}: got {show(value)}; expected a list")
    keys = [getattr(v, "indicator", v) for v in value]
    if not keys:
        raise InvalidValue(f"{where}: got none; expected at least one indicator")
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise InvalidValue(f"{where}: {', '.join(map(repr, twice))} listed twice; expected each indicator once")


@attrs.frozen
class Threshold:
    """A per-school minimum for one indicator, by level, in ``unit``."""

    indicator: str
    value: PerLevel = attrs.field(validator=_each_level(THRESHOLD))
    unit: str


@attrs.frozen
class SchoolThreshold:
    """Every school meets at least ``min_met`` of the thresholds, and each one it
    misses is at least ``floor`` of that threshold (e.g. 6 of 7, missed one ≥ 85%).

    ``min_met`` None means all; ``floor`` None means no floor.
    """

    KIND: ClassVar[str] = "school-threshold"
    id: str
    title: str
    thresholds: tuple[Threshold, ...] = attrs.field(validator=_indicator_list)
    source: Source
    min_met: int | None = attrs.field(default=None)
    floor: float | None = attrs.field(default=None, converter=as_float, validator=attrs.validators.optional(FLOOR))
    floor_source: Source | None = None

    @min_met.validator
    def _min_met(self, attribute: attrs.Attribute, value: int | None) -> None:
        # 0 of 7 passes every school; 8 of 7 is read as 7 of 7: neither is what the file says.
        if value is not None:
            n = len(self.thresholds)
            Range(1, n, whole=True, why=f"the rule has {n} thresholds").check(value, label(self) + attribute.name)

    def threshold_id(self, indicator: str) -> str:
        return f"{self.id}.{indicator}"


@attrs.frozen
class Dispersion:
    """Enrollment-weighted CVs within a limit (``op``, usually ≤).

    ``aggregate = "mean"``: the mean of the indicators' CVs (the composite) is
    held to the limit and written to the county column ``column``;
    ``aggregate = "each"``: every indicator's CV is held to it separately.
    """

    KIND: ClassVar[str] = "dispersion"
    id: str
    title: str
    indicators: tuple[str, ...] = attrs.field(validator=_indicator_list)
    limit: PerLevel = attrs.field(validator=_each_level(CV_LIMIT))
    source: Source
    aggregate: str = attrs.field(default="each", validator=attrs.validators.in_(("mean", "each")))
    op: str = attrs.field(default="<=", validator=attrs.validators.in_(OPS))
    column: str | None = None


@attrs.frozen
class Recognition:
    """A county must have been recognised (``kind``) at least ``years_before`` years earlier."""

    KIND: ClassVar[str] = "recognition"
    id: str
    title: str
    recognition: str = attrs.field(validator=attrs.validators.in_(RECOGNITIONS))
    years_before: int = attrs.field(validator=YEARS_BEFORE)
    source: Source
    lead_unit: str = ""
    partner_units: tuple[str, ...] = ()


@attrs.frozen
class Trend:
    """"逐步缩小": a county column (e.g. ``composite_cv``) must not rise from the last observed year.

    The first observed year of a (county, level) is not assessable; with
    ``after`` set to a recognition kind, only years after the county's
    recognition are judged (the year before may still be the one compared with).
    """

    KIND: ClassVar[str] = "trend"
    id: str
    title: str
    value: str
    source: Source
    after: str | None = attrs.field(default=None,
                                    validator=attrs.validators.optional(attrs.validators.in_(RECOGNITIONS)))
    lead_unit: str = ""
    partner_units: tuple[str, ...] = ()


@attrs.frozen
class Exclusion:
    """Schools a standard leaves out, by the value of a descriptive column, with the reason."""

    column: str = attrs.field(validator=attrs.validators.in_(("school_type", "ownership", "sponsor")))
    values: tuple[str, ...]
    reason: str
    source: Source


Rule = SchoolThreshold | Dispersion | Recognition | Trend
RULE_KINDS: tuple[type, ...] = (SchoolThreshold, Dispersion, Recognition, Trend)


def check_units(threshold: Threshold, indicator_unit: str) -> float:
    """The factor from the threshold's unit to the indicator's; raises on a dimension mismatch."""
    try:
        return units.factor(threshold.unit, indicator_unit)
    except units.UnitError as exc:
        raise ValueError(f"threshold for {threshold.indicator!r}: {exc}") from exc
