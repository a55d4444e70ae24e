"""Limits and thresholds by level, and comparing values with them.

Every criterion kind compares numbers with a limit (a CV with 0.65, a school's
value with 4.5 m² a student, a share with 0.95): one comparison with one
tolerance for binary rounding serves them all, and one per-level value type
holds what may differ between primary and junior.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np

from ..core import columns
from ..core.bounds import InvalidValue, Range, as_float, label, show

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


def margin(op, value, limit) -> np.ndarray:
    """How far ``value`` is from failing ``op limit``, positive where there is room to spare:
    ``limit - value`` under a ceiling (≤, <), ``value - limit`` over a floor (≥, >), and minus
    the distance for an equality. ``op`` is one comparison or one per value."""
    value, limit = np.asarray(value, dtype=float), np.asarray(limit, dtype=float)
    ops = np.broadcast_to(np.asarray(op, dtype=object), value.shape)
    out = np.where(np.isin(ops, ("<=", "<")), limit - value, value - limit)
    return np.where(ops == "==", -np.abs(value - limit), out)


@attrs.frozen
class PerLevel:
    """A value that may differ between primary and junior sections; None = not set for that level.

    The record holding it checks the values (``each_level``): only it knows whether
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


def each_level(kind: Range):
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


def indicator_list(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
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
