"""The arithmetic of each rule kind, vectorised over every group at once.

A check takes the shared ``Groups`` and the per-section indicator values and
returns an ``Outcome``: a three-valued verdict per (year, county, level)
group, the reason where it is not a pass, and the evidence for the result
frames. No loop runs per county or per school; loops run over rules and
indicators only.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal

import attrs
import numpy as np
import pandas as pd

from . import verdicts
from .columns import LEVELS
from .kernel import Groups
from .recognitions import first_year
from .rules import Dispersion, SchoolThreshold, Trend, bound, check_units, compare

LEVEL_ZH = {"primary": "小学", "junior": "初中"}
SYMBOL = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}


@attrs.frozen
class Outcome:
    rule: str
    passed: pd.arrays.BooleanArray  # per group
    reason: np.ndarray  # per group: why not passed ("" where passed)
    columns: dict = attrs.Factory(dict)  # extra county columns
    limits: dict = attrs.Factory(dict)  # indicator -> (limit per group, passed per group)
    schools: Callable[[], pd.DataFrame] | None = None  # evidence per school, built on demand
    # county columns that depend on the level alone (a limit): known for a level without schools too
    by_level: dict = attrs.Factory(dict)  # column -> values in columns.LEVELS order


@attrs.frozen
class Context:
    """What every check needs: the groups, indicator values and their moments, computed once."""

    groups: Groups
    values: dict  # indicator key -> per-section values, sections in (group, school id) order
    means: dict  # indicator key -> per-group mean
    cvs: dict  # indicator key -> per-group CV
    missing: dict  # indicator key -> per-group text naming the schools with blank cells
    school_ids: pd.Categorical
    indicators: dict  # key -> Indicator


@attrs.frozen
class _Num:
    """Numbers formatted only where a text is actually written."""

    values: np.ndarray = attrs.field(eq=False)
    spec: str = "%.3f"


def _fmt(x: np.ndarray, spec: str = "%.3f") -> _Num:
    return _Num(np.asarray(x, dtype=float), spec)


def _text(*parts, where: np.ndarray) -> np.ndarray:
    """Concatenate scalars and per-group arrays, only at ``where`` ("" elsewhere).

    Reasons are needed for the groups that fail or cannot be assessed, a small
    share of 85 thousand county-levels a year: text is built for those alone.
    """
    out = np.full(len(where), "", dtype=object)
    idx = np.flatnonzero(where)
    if not len(idx):
        return out
    merged: list = []  # adjacent constant parts joined first: each part costs a pass over the rows
    for p in parts:
        if merged and not isinstance(p, _Num | np.ndarray) and not isinstance(merged[-1], _Num | np.ndarray):
            merged[-1] = str(merged[-1]) + str(p)
        else:
            merged.append(p)
    acc = np.full(len(idx), "", dtype=object)
    for p in merged:
        if isinstance(p, _Num):
            acc = acc + np.char.mod(p.spec, p.values[idx]).astype(object)
        elif isinstance(p, np.ndarray):
            acc = acc + p[idx].astype(str).astype(object)
        else:
            acc = acc + str(p)
    out[idx] = acc
    return out


def _lead(g: Groups, title: str) -> tuple:
    """"小学 综合差异系数: " as parts for ``_text``, so it is only built where needed."""
    return (level_names(g), " ", title, ": ")


def level_names(groups: Groups) -> np.ndarray:
    return np.array([LEVEL_ZH[lv] for lv in LEVELS], dtype=object)[groups.keys["level"].cat.codes.to_numpy()]


def not_assessable_reason(ctx: Context, keys: tuple[str, ...], lead: tuple, where: np.ndarray) -> np.ndarray:
    """Why a group's CV is missing: the schools with blank cells, or a zero mean."""
    reason = np.full(ctx.groups.n, "", dtype=object)
    if not where.any():
        return reason
    for key in keys:
        miss = ctx.missing[key]
        has = (miss != "") & where
        zero = (ctx.means[key] == 0) & ~has & where
        label = ctx.indicators[key].zh
        add = np.where(zero, label + " 全县平均值为0，差异系数无定义 (mean is 0)",
                       _text(label, " 缺数据的学校 (missing data): ", miss, where=has))
        both = (add != "") & (reason != "")
        reason = np.where(both, _text(reason, "; ", add, where=both), np.where(add != "", add, reason))
    return _text(*lead, "无法评估 not assessable — ", reason, where=reason != "")


def _decimal_product(a: float, values: np.ndarray) -> np.ndarray:
    """a x values computed in decimal and rounded once, so 85% of 4.5 is the float 3.825.

    In binary, 0.85 * 4.5 is 3.8249999999999997; a school recorded at exactly
    85% of its threshold must compare equal to the floor, not by luck of rounding.
    """
    return np.array([np.nan if np.isnan(v) else float(Decimal(repr(float(a))) * Decimal(repr(float(v))))
                     for v in values])


@functools.singledispatch
def check(rule, ctx: Context) -> Outcome:  # pragma: no cover - guarded by the rule union
    raise TypeError(f"no check for {type(rule).__name__}")


@check.register
def _(rule: Dispersion, ctx: Context) -> Outcome:
    g = ctx.groups
    level = g.keys["level"].cat.codes.to_numpy()
    limit = rule.limit.array()[level]
    cite = rule.source.cite()
    lead = _lead(g, rule.title)
    applies = ~np.isnan(limit)  # a level with no limit is not held to this rule (as for thresholds)
    if rule.aggregate == "mean":
        cv = np.mean(np.vstack([ctx.cvs[k] for k in rule.indicators]), axis=0)
        known = ~np.isnan(cv)
        ok = compare(rule.op, cv, limit) | ~applies
        passed = verdicts.boolean(ok, known | ~applies)
        fail = known & ~ok
        reason = np.where(fail, _text(*lead, _fmt(cv), "，超出限值 over the limit ", SYMBOL[rule.op], " ",
                                      _fmt(limit, "%g"), " (", cite, ")", where=fail),
                          not_assessable_reason(ctx, rule.indicators, lead, applies & ~known))
        column = rule.column or rule.id
        limit_column = column.removesuffix("_cv") + "_limit"
        return Outcome(rule.id, passed, np.where(passed.fillna(False).to_numpy(dtype=bool), "", reason),
                       columns={column: cv, limit_column: limit}, by_level={limit_column: rule.limit.array()})
    limits, parts_passed, reasons = {}, [], np.full(g.n, "", dtype=object)
    for k in rule.indicators:
        cv = ctx.cvs[k]
        known = ~np.isnan(cv)
        ok = compare(rule.op, cv, limit) | ~applies
        p = verdicts.boolean(ok, known | ~applies)
        limits[k] = (limit, verdicts.boolean(ok, known & applies))  # <NA> where the level has no limit
        parts_passed.append(p)
        fail = known & ~ok
        msg = _text(ctx.indicators[k].zh, " ", _fmt(cv), "，限值 limit ", SYMBOL[rule.op], " ", _fmt(limit, "%g"),
                    where=fail)
        both = fail & (reasons != "")
        reasons = np.where(both, _text(reasons, "; ", msg, where=both), np.where(fail, msg, reasons))
    stacked = pd.array(np.concatenate([np.asarray(p.fillna(False), dtype=bool) for p in parts_passed]), dtype="boolean")
    stacked[np.concatenate([np.asarray(p.isna()) for p in parts_passed])] = pd.NA
    passed = verdicts.all_of(np.tile(np.arange(g.n), len(parts_passed)), stacked, g.n)
    failed = ~passed.fillna(True).to_numpy(dtype=bool)
    unknown = np.asarray(passed.isna())
    reason = np.where(failed, _text(*lead, "差异系数超过限值 CV over the limit: ", reasons, " (", cite, ")", where=failed),
                      not_assessable_reason(ctx, rule.indicators, lead, unknown))
    return Outcome(rule.id, passed, np.where(passed.fillna(False).to_numpy(dtype=bool), "", reason), limits=limits)


@check.register
def _(rule: SchoolThreshold, ctx: Context) -> Outcome:
    g = ctx.groups
    level = g.spread(g.keys["level"].cat.codes.to_numpy().astype(np.intp))  # an index: converted once, not per use
    keys = [t.indicator for t in rule.thresholds]
    by_level = [t.value.array(check_units(t, ctx.indicators[t.indicator].unit)) for t in rule.thresholds]
    floor = rule.floor if rule.floor is not None else 0.0
    # Per section, how many thresholds apply, are met, are missed, cannot be judged, and
    # whether a miss is below the floor; one indicator at a time against its two
    # per-level bounds (tolerance applied once per level, not per school).
    n = len(g.codes)
    n_apply, n_met, n_unmet, n_unknown = (np.zeros(n, dtype=np.int8) for _ in range(4))
    below_floor = np.zeros(n, dtype=bool)
    with np.errstate(invalid="ignore"):
        for key, b in zip(keys, by_level, strict=True):
            x = ctx.values[key]
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
            below_floor |= unmet & (x < bound("<", _decimal_product(floor, b))[level])
    need = n_apply if rule.min_met is None else np.minimum(rule.min_met, n_apply)
    definitely_fails = (n_unmet > n_apply - need) | below_floor
    definitely_passes = (n_unknown == 0) & (n_met >= need) & ~definitely_fails
    school_passed = verdicts.boolean(definitely_passes, definitely_passes | definitely_fails)
    passed = verdicts.all_of(g.codes, school_passed, g.n)
    n_fail = g.count(definitely_fails)
    n_na = g.count(~definitely_passes & ~definitely_fails)
    n_ok = g.count(definitely_passes)
    lead = _lead(g, rule.title)
    reason = np.where(n_fail > 0, _text(*lead, n_fail, " 所学校未达标 schools fail (", rule.source.cite(), ")",
                                        where=n_fail > 0),
                      _text(*lead, "无法评估 not assessable — ", n_na, " 所学校缺数据 schools have missing data",
                            where=(n_fail == 0) & (n_na > 0)))
    evidence = functools.partial(_threshold_evidence, g, ctx.school_ids, keys, [ctx.values[k] for k in keys],
                                 level, by_level, floor, school_passed)
    return Outcome(rule.id, passed, reason,
                   columns={"schools_met": n_ok, "schools_not_met": n_fail, "schools_not_assessable": n_na},
                   schools=evidence)


def _threshold_evidence(g: Groups, ids: pd.Categorical, keys: list[str], values: list[np.ndarray], level: np.ndarray,
                        by_level: list[np.ndarray], floor: float, school_passed: pd.arrays.BooleanArray
                        ) -> pd.DataFrame:
    """One row per (section, threshold), built when ``ev.schools`` is first read.

    Nationally that is 22 million rows, several times the cost of the verdicts:
    callers who never look at it should not pay for it. Sections are already in
    (group, school id) order, whatever the input order; keys are categoricals and
    per-section columns are repeated, not gathered.
    """
    k, n = len(keys), len(g.codes)
    val = np.vstack(values)
    thr = np.vstack([b[level] for b in by_level])
    floor_thr = np.vstack([_decimal_product(floor, b)[level] for b in by_level])
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


def trend(rule: Trend, g: Groups, value: np.ndarray, recognitions: pd.DataFrame | None):
    """Year-on-year "must not rise" per (county, level): an Outcome and its rows for ev.targets.

    The previous value is the last observed year of the same county and level,
    found with one vectorised shift over the groups sorted by (county, level, year).
    """
    keys = g.keys
    county = keys["county"].cat.codes.to_numpy()
    level = keys["level"].cat.codes.to_numpy()
    year = keys["year"].to_numpy()
    if g.n == 0:
        empty = verdicts.boolean(np.zeros(0, bool))
        return Outcome(rule.id, empty, np.zeros(0, dtype=object)), _trend_rows(rule, keys, year, level, empty,
                                                                                np.zeros(0), np.zeros(0), empty)
    order = np.lexsort((year, level, county))
    same = np.zeros(g.n, dtype=bool)
    same[1:] = (county[order][1:] == county[order][:-1]) & (level[order][1:] == level[order][:-1])
    prev = np.full(g.n, np.nan)
    prev_year = np.full(g.n, -1, dtype=np.int64)
    shifted = np.where(same, np.concatenate([[np.nan], value[order][:-1]]), np.nan)
    prev[order] = shifted
    prev_year[order] = np.where(same, np.concatenate([[-1], year[order][:-1]]), -1)
    judged = np.ones(g.n, dtype=bool)
    known_after = np.ones(g.n, dtype=bool)
    if rule.after is not None:
        if recognitions is None:
            known_after[:] = False
        else:
            first = first_year(recognitions, rule.after)
            since = keys["county"].astype("str").map(first).to_numpy(dtype=float)
            judged = ~np.isnan(since) & (year > since)
    known = ~np.isnan(value) & ~np.isnan(prev) & known_after
    ok = compare("<=", value, prev)
    passed = verdicts.boolean(ok | ~judged, known | ~judged)
    lead = _lead(g, rule.title)
    rose = judged & known & ~ok
    reason = np.where(rose, _text(*lead, _fmt(value), " 高于上一年 rose from ", _fmt(prev), " (", prev_year, ", ",
                                  rule.source.cite(), ")", where=rose),
                      _text(*lead, "无法评估 not assessable — 无上一年数据或认定信息 "
                                   "no earlier year or recognition to compare", where=judged & ~known))
    return Outcome(rule.id, passed, reason), _trend_rows(rule, keys, year, level, judged, value, prev, passed)


def _trend_rows(rule, keys, year, level, judged, value, prev, passed) -> pd.DataFrame:
    judged = np.asarray(judged, dtype=bool)
    return pd.DataFrame({
        "target": rule.id, "year": year[judged], "county": keys["county"].astype("str").to_numpy()[judged],
        "level": pd.Series(np.asarray(LEVELS, dtype=object)[level[judged]], dtype="str"),
        "metric": f"trend:{rule.value}", "value": value[judged], "op": "<=", "required": prev[judged],
        "deadline": pd.array([pd.NA] * int(judged.sum()), dtype="Int64"), "approximate": False,
        "status": verdicts.status(passed[judged]), "passed": passed[judged],
    })
