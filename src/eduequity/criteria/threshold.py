"""School thresholds: every school meets at least k of n per-student minimums, and each one it
misses is at least a floor share of it (教督〔2017〕6号: 6 of 7, the missed one ≥ 85%).

Judged section by section, one indicator at a time against its two per-level
bounds, so the tolerance for binary rounding is applied once per level, not per
school; a group passes when every school of it passes (Kleene AND).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, ClassVar

import attrs
import numpy as np
import pandas as pd

from ..core import units, verdicts
from ..core.bounds import FLOOR, THRESHOLD, Range, as_float, label
from ..core.columns import BY_NAME, LEVELS
from ..core.kernel import Groups
from ..core.sources import Source
from . import reasons as txt
from .base import (Amount, Context, Criterion, Explained, Focus, Holdings, Outcome, Slot, blank_cells, changed,
                   criteria_frame, group_levels)
from .limits import PerLevel, bound, compare, each_level, indicator_list


@attrs.frozen
class Threshold:
    """A per-school minimum for one indicator, by level, in ``unit``."""

    indicator: str
    value: PerLevel = attrs.field(validator=each_level(THRESHOLD))
    unit: str


@attrs.frozen
class SchoolThreshold(Criterion):
    """Every school meets at least ``min_met`` of the thresholds, and each one it
    misses is at least ``floor`` of that threshold (e.g. 6 of 7, missed one ≥ 85%).

    ``min_met`` None means all; ``floor`` None means no floor.
    """

    KIND: ClassVar[str] = "school-threshold"
    RESOURCE: ClassVar[bool] = True
    id: str
    title: str
    thresholds: tuple[Threshold, ...] = attrs.field(validator=indicator_list)
    source: Source
    min_met: int | None = attrs.field(default=None)
    floor: float | None = attrs.field(default=None, converter=as_float, validator=attrs.validators.optional(FLOOR))
    floor_source: Source | None = None
    title_en: str = ""  # the title an English report shows (``title`` where blank)

    @min_met.validator
    def _min_met(self, attribute: attrs.Attribute, value: int | None) -> None:
        # 0 of 7 passes every school; 8 of 7 is read as 7 of 7: neither is what the file says.
        if value is not None:
            n = len(self.thresholds)
            Range(1, n, whole=True, why=f"the rule has {n} thresholds").check(value, label(self) + attribute.name)

    def threshold_id(self, indicator: str) -> str:
        return f"{self.id}.{indicator}"

    # -- what it asks for ----------------------------------------------------------------------

    def indicators_read(self) -> tuple[str, ...]:
        return tuple(t.indicator for t in self.thresholds)

    def section_values(self) -> tuple[str, ...]:
        return self.indicators_read()

    def judged(self) -> frozenset[tuple[str, str]]:
        return frozenset((t.indicator, lv) for t in self.thresholds for lv in LEVELS if t.value.get(lv) is not None)

    def columns_made(self) -> tuple[str, ...]:
        return ("schools_met", "schools_not_met", "schools_not_assessable")

    def check(self, standard: Any) -> None:
        known = {i.key: i for i in standard.indicators}
        for t in self.thresholds:
            if t.indicator not in known:
                raise ValueError(f"rule {self.id!r} uses indicator {t.indicator!r}, which standard "
                                 f"{standard.id!r} does not define")
            check_units(t, known[t.indicator].unit)

    def sources(self) -> list[tuple[str, Source | None, bool]]:
        out = super().sources()
        if self.floor is not None:
            out.append((f"rule {self.id!r} (floor)", self.floor_source, False))
        return out

    def amounts(self, indicators: Mapping[str, Any]) -> list[Amount]:
        """Each threshold per student in canonical units (a threshold meant per 100 students but
        written per student is 100 times too large)."""
        out = []
        for t in self.thresholds:
            per_student = units.factor(t.unit, f"({BY_NAME[t.indicator].unit}) / student")
            out += [Amount(f"threshold {self.threshold_id(t.indicator)!r}", t.indicator, lv, v, t.unit, v * per_student)
                    for lv in LEVELS if (v := t.value.get(lv)) is not None]
        return out

    def slots(self) -> list[Slot]:
        out = [Slot(self.threshold_id(t.indicator), "threshold", t.value) for t in self.thresholds]
        return out + ([Slot(f"{self.id}.floor", "floor", self.floor)] if self.floor is not None else [])

    def overridden(self, key: str, value: Any) -> SchoolThreshold | None:
        field = key[len(self.id) + 1:] if key.startswith(self.id + ".") else None
        if field in {t.indicator for t in self.thresholds}:
            return attrs.evolve(self, thresholds=tuple(changed(t, "value", value) if t.indicator == field else t
                                                       for t in self.thresholds))
        return super().overridden(key, value)

    # -- judging -------------------------------------------------------------------------------

    @classmethod
    def judge(cls, criteria: Sequence[SchoolThreshold], ctx: Context) -> list[Outcome]:
        return [c._judge(ctx) for c in criteria]

    def _judge(self, ctx: Context) -> Outcome:
        g = ctx.groups
        level = g.spread(g.keys["level"].cat.codes.to_numpy().astype(np.intp))  # an index: converted once
        keys = [t.indicator for t in self.thresholds]
        by_level = [t.value.array(check_units(t, ctx.indicators[t.indicator].unit)) for t in self.thresholds]
        floor = self.floor if self.floor is not None else 0.0
        passes, fails = _schools(self.min_met, [ctx.values[k] for k in keys], by_level, level, floor)
        school_passed = verdicts.boolean(passes, passes | fails)
        passed = verdicts.all_of(g.codes, school_passed, g.n)
        n_fail, n_na, n_ok = g.count(fails), g.count(~passes & ~fails), g.count(passes)
        lead = txt.lead(g, self.title)
        reason = np.where(n_fail > 0, txt.text(*lead, n_fail, " 所学校未达标 schools fail (", self.source.cite(), ")",
                                               where=n_fail > 0),
                          txt.text(*lead, "无法评估 not assessable — ", n_na, " 所学校缺数据 schools have missing data",
                                   where=(n_fail == 0) & (n_na > 0)))
        evidence = functools.partial(_evidence, g, ctx.school_ids, keys, [ctx.values[k] for k in keys], level,
                                     by_level, floor, school_passed)
        return Outcome(self.id, passed, reason,
                       columns={"schools_met": n_ok, "schools_not_met": n_fail, "schools_not_assessable": n_na},
                       schools=evidence)


    def school_verdicts(self, ctx: Context, values: Mapping[str, np.ndarray] | None = None
                        ) -> tuple[np.ndarray, np.ndarray]:
        """Per section: (definitely passes, definitely fails) — with ``values`` (indicator -> per
        section) in place of the context's, for what a school would get with other numbers
        (``ee.sensitivity``'s stated errors)."""
        g = ctx.groups
        level = g.spread(g.keys["level"].cat.codes.to_numpy().astype(np.intp))
        by_level = [t.value.array(check_units(t, ctx.indicators[t.indicator].unit)) for t in self.thresholds]
        given = {**ctx.values, **(values or {})}
        return _schools(self.min_met, [given[t.indicator] for t in self.thresholds], by_level, level,
                        self.floor if self.floor is not None else 0.0)

    # -- remedying ------------------------------------------------------------------------------

    def remedy(self, h: Holdings) -> dict[str, np.ndarray]:
        """Per failing school, the cheapest way over the rule: every threshold raised to its value
        except the ``n − k`` whose raising would cost most beyond lifting them to the floor,
        which are lifted to the floor only (exact for continuous amounts: the costs add up
        threshold by threshold, so leaving out the largest savings is optimal). Schools with
        a blank cell are left alone: no addition can be worked out for them."""
        g = h.groups
        keys, full, low, applies, skip = self._gaps(h)
        saving = full - low
        for row, k in zip(saving, keys):  # in money, or in shares of the county's total
            row *= h.price[k][g.codes] * g.students / h.indicators[k].factor
        saving[~applies] = -1.0  # a threshold that does not apply is never the one left out
        n_apply = applies.sum(axis=0)
        spare = n_apply - (n_apply if self.min_met is None else np.minimum(self.min_met, n_apply))
        rise = full
        if spare.max(initial=0) == 1:  # "6 of 7": leave out the one that saves most (first on ties)
            best = np.argmax(saving, axis=0)
            at = np.flatnonzero(spare == 1)
            rise[best[at], at] = low[best[at], at]
        elif spare.max(initial=0) > 1:  # rank them; ties: the standard's order
            order = np.argsort(-saving, axis=0, kind="stable")
            rank = np.empty_like(order)
            np.put_along_axis(rank, order, np.arange(len(keys))[:, None], axis=0)
            rise = np.where(rank < spare, low, full)
        rise[:, skip] = 0.0
        return {k: h.addition(k, r) for k, r in zip(keys, rise) if r.any()}

    def shortfalls(self, h: Holdings) -> dict[str, np.ndarray]:
        """What each school lacks of each threshold it misses (``remedy`` may ask for less: the
        k-of-n rule lets some stay at the floor)."""
        keys, x, by_level, level = self._values(h)
        full = np.fmax(by_level[:, level] - x, 0.0)  # fmax: a blank cell or no threshold gives 0
        return {k: h.addition(k, r) for k, r in zip(keys, full) if r.any()}

    def _values(self, h: Holdings) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
        """(keys, values thresholds x sections, thresholds x levels, each section's level)."""
        g = h.groups
        level = g.spread(g.keys["level"].cat.codes.to_numpy().astype(np.intp))
        keys = [t.indicator for t in self.thresholds]
        by_level = np.array([t.value.array(check_units(t, h.indicators[k].unit)) for t, k in zip(self.thresholds, keys)])
        x = np.empty((len(keys), len(level)))
        for row, k in zip(x, keys):  # multiplied before divided, as evaluate does
            np.multiply(h.amounts[k], h.indicators[k].factor, out=row)
            row /= g.students
        return keys, x, by_level, level

    def _gaps(self, h: Holdings) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(keys, the rise to each threshold, the rise to its floor, where it applies, the sections
        to leave alone: passing, or with a blank cell) — thresholds by sections."""
        keys, x, by_level, level = self._values(h)
        floor = self.floor if self.floor is not None else 0.0
        passes, _ = _schools(self.min_met, list(x), list(by_level), level, floor)
        thr = by_level[:, level]
        floors = np.array([decimal_product(floor, b) for b in by_level])[:, level]
        applies = ~np.isnan(thr)
        with np.errstate(invalid="ignore"):
            full = np.maximum(thr - x, 0.0)
            low = np.maximum(floors - x, 0.0)
        if not applies.all():
            full[~applies], low[~applies] = 0.0, 0.0
        return keys, full, low, applies, passes | (np.isnan(x) & applies).any(axis=0)

    # -- explaining ----------------------------------------------------------------------------

    def explain(self, focus: Focus) -> Explained:
        """Per level, the schools that fail out of the schools judged (held to none failing);
        per school that does not pass, each threshold it misses and why the school fails."""
        g = focus.ctx.groups
        o = self._judge(focus.ctx)
        held = np.isin(group_levels(g), sorted({lv for _, lv in self.judged()}))
        failing = o.columns["schools_not_met"][held]
        with np.errstate(invalid="ignore", divide="ignore"):
            share = failing / g.size[held]
        criteria = criteria_frame(self, group_levels(g)[held], "", share, "<=", np.zeros(len(share)),
                                  verdicts.status(o.passed[held]), o.reason[held], g.size[held], failing)
        return Explained(criteria, self._misses(focus, o.schools()), blank_cells(focus, self))

    def _misses(self, focus: Focus, evidence: pd.DataFrame) -> pd.DataFrame:
        """The (school, threshold) pairs a school that does not pass misses, failing schools first,
        each with why: too many thresholds missed, a miss below the floor, or a blank cell."""
        met = evidence["met"].array
        missed = ~met.to_numpy(dtype=bool, na_value=True)  # <NA> (a blank cell) is not a definite miss
        section = pd.factorize(evidence["level"].astype(str) + "|" + evidence["school_id"].astype(str))[0]
        n_missed = np.bincount(section, weights=missed)[section].astype(np.int64)
        n_apply = np.bincount(section)[section]
        allowed = n_apply - (n_apply if self.min_met is None else np.minimum(self.min_met, n_apply))
        keep = (~evidence["school_passed"].array.to_numpy(dtype=bool, na_value=False)
                & ~met.to_numpy(dtype=bool, na_value=False))  # the misses and blanks of schools that do not pass
        value, floor = evidence["value"].to_numpy(), evidence["floor"].to_numpy()
        blank = np.isnan(value)
        below = missed & compare("<", value, floor) if self.floor is not None else np.zeros(len(value), dtype=bool)
        too_many = missed & (n_missed > allowed)
        share = f"{Decimal(repr(self.floor or 0)) * 100:f}".rstrip("0").rstrip(".")
        why = txt.joined(txt.joined(txt.text("缺数据 missing data", where=blank),
                                    txt.text("低于要求的", share, "% below ", share, "% of the threshold", where=below)),
                         txt.text(n_missed, " 项未达标 ", n_missed, " thresholds missed (", allowed, " allowed)",
                                  where=too_many))
        why = np.where(missed & (why == ""), txt.text("未达标，在允许的", allowed, "项内 missed, within the ", allowed,
                                                      " allowed", where=missed), why)
        sub = evidence.assign(why=why, _missed=-n_missed)[keep]
        sub = sub.assign(criterion=self.id, **focus.school_names(sub["school_id"]))
        order = np.lexsort((sub["indicator"].cat.codes.to_numpy(), sub["school_id"].cat.codes.to_numpy(),
                            sub["level"].cat.codes.to_numpy(), sub["_missed"].to_numpy(),
                            np.asarray(sub["school_passed"].isna())))
        cols = ["criterion", "level", "indicator", "school_id", *focus.school_names([]), "value", "threshold", "floor",
                "met", "school_passed", "why"]
        return sub.take(order)[cols].astype({"level": str, "indicator": str, "school_id": str}).reset_index(drop=True)


def _schools(min_met: int | None, values: list[np.ndarray], by_level: list[np.ndarray], level: np.ndarray,
             floor: float) -> tuple[np.ndarray, np.ndarray]:
    """Per section: (definitely passes, definitely fails) the k-of-n rule with its floor.

    Counts per section how many thresholds apply, are met, are missed and cannot be
    judged, and whether a miss is below the floor.
    """
    n = len(level)
    n_apply, n_met, n_unmet, n_unknown = (np.zeros(n, dtype=np.int8) for _ in range(4))
    below_floor = np.zeros(n, dtype=bool)
    with np.errstate(invalid="ignore"):
        for x, b in zip(values, by_level, strict=True):
            blank = np.isnan(x)
            met = x >= bound(">=", b)[level]
            if np.isnan(b).any():  # a level without this threshold
                applies = ~np.isnan(b)[level]
                n_apply += applies
                n_unknown += applies & blank
                unmet = applies & ~blank & ~met
            else:
                n_apply += 1
                n_unknown += blank
                unmet = ~(blank | met)
            n_met += met  # NaN never meets
            n_unmet += unmet
            below_floor |= unmet & (x < bound("<", decimal_product(floor, b))[level])
    need = n_apply if min_met is None else np.minimum(min_met, n_apply)
    fails = (n_unmet > n_apply - need) | below_floor
    passes = (n_unknown == 0) & (n_met >= need) & ~fails
    return passes, fails


def decimal_product(a: float, values: np.ndarray) -> np.ndarray:
    """a x values computed in decimal and rounded once, so 85% of 4.5 is the float 3.825.

    In binary, 0.85 * 4.5 is 3.8249999999999997; a school recorded at exactly
    85% of its threshold must compare equal to the floor, not by luck of rounding.
    """
    return np.array([np.nan if np.isnan(v) else float(Decimal(repr(float(a))) * Decimal(repr(float(v))))
                     for v in values])


def _evidence(g: Groups, ids: pd.Categorical, keys: list[str], values: list[np.ndarray], level: np.ndarray,
              by_level: list[np.ndarray], floor: float, school_passed: pd.arrays.BooleanArray) -> pd.DataFrame:
    """One row per (section, threshold), built when ``ev.schools`` is first read.

    Nationally that is 22 million rows, several times the cost of the verdicts:
    callers who never look at it should not pay for it. Sections are already in
    (group, school id) order, whatever the input order; keys are categoricals and
    per-section columns are repeated, not gathered.
    """
    k, n = len(keys), len(g.codes)
    val = np.vstack(values)
    thr = np.vstack([b[level] for b in by_level])
    floor_thr = np.vstack([decimal_product(floor, b)[level] for b in by_level])
    known = ~np.isnan(val) & ~np.isnan(thr)

    def each(per_section: np.ndarray) -> np.ndarray:
        return np.repeat(per_section, k)

    year = g.spread(g.keys["year"].to_numpy())
    county = g.spread(g.keys["county"].cat.codes.to_numpy())
    frame = pd.DataFrame({
        "year": each(year),
        "county": pd.Categorical.from_codes(each(county), dtype=g.keys["county"].dtype, validate=False),
        "level": pd.Categorical.from_codes(each(level), dtype=g.keys["level"].dtype, validate=False),
        "school_id": pd.Categorical.from_codes(each(ids.codes), dtype=ids.dtype, validate=False),
        "indicator": pd.Categorical.from_codes(np.tile(np.arange(k, dtype=np.int8), n), categories=keys,
                                               validate=False),
        "value": val.T.ravel(),
        "threshold": thr.T.ravel(),
        "floor": floor_thr.T.ravel(),
        "met": verdicts.boolean(compare(">=", val, thr).T.ravel(), known.T.ravel()),
        "school_passed": verdicts.boolean(each(school_passed.to_numpy(dtype=bool, na_value=False)),
                                          known=each(~np.asarray(school_passed.isna()))),
    }, copy=False)
    applies = ~np.isnan(thr.T.ravel())
    return frame if applies.all() else frame[applies].reset_index(drop=True)


def check_units(threshold: Threshold, indicator_unit: str) -> float:
    """The factor from the threshold's unit to the indicator's; raises on a dimension mismatch."""
    try:
        return units.factor(threshold.unit, indicator_unit)
    except units.UnitError as exc:
        raise ValueError(f"threshold for {threshold.indicator!r}: {exc}") from exc
