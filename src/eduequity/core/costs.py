"""Unit costs: what one square metre built, one teacher a year or one room equipped costs.

A remedy without costs weighs additions by their share of the county's total
(unit-free); with costs it seeks the least money. No cost ships with eduequity:
prices differ by province, year and building standard, and none of the policy
texts gives one. Costs come from the caller (a bureau's own budget figures),
each with its ``source`` where it has one.

One-off costs (building, equipment) and recurring ones (a teacher's yearly pay)
are reported apart; in the objective a recurring cost counts for one year.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import pandas as pd

from . import units
from .columns import BY_NAME, RESOURCES
from .errors import InputError, Problem
from .sources import Source


def _resource(instance: Any, attribute: attrs.Attribute, value: str) -> None:
    if value not in RESOURCES:
        raise ValueError(f"unit cost: unknown resource column {value!r}; expected one of {', '.join(RESOURCES)}")


def _price(instance: Any, attribute: attrs.Attribute, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise ValueError(f"unit cost of {instance.column!r}: got {value!r}; expected a finite number of yuan ≥ 0")


@attrs.frozen
class UnitCost:
    """Yuan per ``unit`` of a resource column (``unit`` empty: the column's own unit, m² for areas)."""

    column: str = attrs.field(validator=_resource)
    yuan: float = attrs.field(validator=_price)
    unit: str = ""
    recurring: bool = False  # a yearly cost (pay), not a one-off (building, equipment)
    source: Source | None = None

    def __attrs_post_init__(self) -> None:
        try:
            self.per_unit
        except units.UnitError as exc:
            raise ValueError(f"unit cost of {self.column!r}: {exc}") from exc

    @property
    def per_unit(self) -> float:
        """Yuan per one canonical unit of the column (per m², per teacher, per yuan of equipment)."""
        canonical = BY_NAME[self.column].unit
        return self.yuan * (units.factor(canonical, self.unit) if self.unit else 1.0)


#: Equipment is counted in yuan: a yuan of equipment costs a yuan, whatever the bureau pays
#: for the rest. The one price that needs no source.
EQUIPMENT = UnitCost("equipment_value", 1.0)


def read_costs(costs: Mapping[str, float | UnitCost] | Iterable[UnitCost] | pd.DataFrame,
               needed: Iterable[str]) -> dict[str, UnitCost]:
    """Costs as given (a mapping column -> yuan or UnitCost, UnitCosts, or a frame with columns
    ``column, yuan[, unit, recurring]``), checked to cover every column in ``needed``."""
    if isinstance(costs, pd.DataFrame):
        found = _from_frame(costs)
    elif isinstance(costs, Mapping):
        found = {k: v if isinstance(v, UnitCost) else _made(k, v) for k, v in costs.items()}
        for key, cost in found.items():
            if cost.column != key:
                raise ValueError(f"costs[{key!r}] is the cost of {cost.column!r}")
    else:
        found = {c.column: c for c in costs}
    found.setdefault(EQUIPMENT.column, EQUIPMENT)
    lacking = [c for c in dict.fromkeys(needed) if c not in found]
    if lacking:
        raise InputError([Problem(None, c, None, f"a unit cost (yuan per {BY_NAME[c].unit}) for {BY_NAME[c].zh}")
                          for c in lacking], source="costs")
    return found


def _made(column: str, yuan: Any) -> UnitCost:
    try:
        return UnitCost(column, yuan)
    except (ValueError, TypeError) as exc:
        raise InputError([Problem(None, column, yuan, str(exc))], source="costs") from None


def _from_frame(frame: pd.DataFrame) -> dict[str, UnitCost]:
    missing = [c for c in ("column", "yuan") if c not in frame.columns]
    if missing:
        raise InputError([Problem(None, c, None, "a column of the costs table (column, yuan[, unit, recurring])")
                          for c in missing], source="costs")
    out, problems = {}, []
    for i, rec in enumerate(frame.to_dict("records")):  # a few rows: one per resource column
        column, yuan, unit, recurring = (_cell(rec, k) for k in ("column", "yuan", "unit", "recurring"))
        found = [(k, v, why) for k, v, why in (
            ("column", column, column in RESOURCES or f"one of {', '.join(RESOURCES)}"),
            ("yuan", yuan, _check(_price_of, column, _number(yuan))),
            ("recurring", recurring, recurring is None or _flag(recurring) is not None or "true or false"),
        ) if why is not True]
        if not found and unit is not None:
            found = [("unit", unit, why) for why in [_check(_unit_of, column, str(unit))] if why is not True]
        if not found and column in out:
            found = [("column", column, "each resource column once")]
        if found:
            problems += [Problem(i, k, v, why) for k, v, why in found]
            continue
        out[column] = UnitCost(column, float(_number(yuan)), "" if unit is None else str(unit),
                               bool(_flag(recurring)) if recurring is not None else False)
    if problems:
        raise InputError(problems, source="costs")
    return out


def _cell(rec: Mapping[str, Any], key: str) -> Any:
    """A cell, None where blank (a spreadsheet's empty cell comes as NaN or "")."""
    v = rec.get(key)
    return None if v is None or v == "" or (isinstance(v, float) and math.isnan(v)) else v


def _check(make: Any, column: Any, value: Any) -> bool | str:
    """True, or what was expected, by building the record as a bureau's row gives it."""
    try:
        make(column, value)
    except (ValueError, TypeError) as exc:
        return str(exc)
    return True


def _price_of(column: Any, yuan: Any) -> None:
    _price(attrs.make_class("Row", ["column"])(column), None, yuan)


def _unit_of(column: Any, unit: str) -> None:
    if column in RESOURCES:
        UnitCost(column, 0.0, unit)


def _flag(value: Any) -> bool | None:
    text = str(value).strip().lower()
    return {"true": True, "1": True, "yes": True, "是": True, "false": False, "0": False, "no": False,
            "否": False}.get(text, value if isinstance(value, bool) else None)


def _number(value: Any) -> Any:
    """A spreadsheet's "1200" or numpy's 1200 as a float; anything else as it is, for the error."""
    if isinstance(value, bool):
        return value
    try:
        return float(value) if isinstance(value, str | numbers.Real) else value
    except ValueError:
        return value
