"""``ee.remedy``: the least additions of resources that pass a standard's resource rules.

缺什么、补什么 (攀办发〔2015〕2号): a county that fails needs to know what to build,
buy and hire, at which school. Each resource criterion says what it would add
(``Criterion.remedy``, beside its ``judge``): the school thresholds first, school
by school, then each dispersion limit on the values the thresholds left. This
module turns those continuous amounts into a plan a bureau can carry out —

- whole teachers, rooms, computers and books, rounded up at the whole school: a
  mixed school's shared rooms are added once and shared out between its sections
  by the split ``read_schools`` applied (teachers are reported per section, so
  they are hired per section);
- a teacher hired above the degree, as a backbone or for PE/art is a teacher too:
  the teachers column grows by the most any of its parts grows (one hire may hold
  several of them);
- checked: the additions are applied and the resource rules judged again by
  ``evaluate``; what rounding or the coupling of a composite's CVs leaves over a
  limit is remedied again (a few rounds), and what still fails — a blank cell no
  addition can fill — is listed in ``plan.unresolved`` with the reason.

Minimality, and where the steps are heuristics, is in docs/remedy.md.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs
import numpy as np
import pandas as pd
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from ..criteria import Holdings, KINDS
from ..read.canonical import MARK
from ..read.schools import read_schools
from ..read.split import SPLIT
from . import units
from .columns import BY_NAME, RESOURCES, UNIT_ZH
from .costs import UnitCost, read_costs
from .evaluation import Evaluation
from .kernel import Groups, group
from .serialise import converter, frame_from_data, frame_to_data
from .evaluate import evaluate, judged_sections

#: Rounds of remedy and re-evaluation before what still fails is listed as unresolved.
ROUNDS = 4
KEYS = ["year", "county", "level", "school_id"]


@attrs.frozen(eq=False)
class Plan:
    """What to add where (``schools``), per county and level (``counties``), the plain shortfall
    of each school against each threshold (``shortfalls``), and what no addition fixes
    (``unresolved``). Amounts in the column's unit: m², yuan, teachers, rooms …"""

    standard: str
    schools: pd.DataFrame
    counties: pd.DataFrame
    # Built when first read, as ``ev.schools`` is: nationally ten million rows that the plan
    # itself does not need (its county totals are summed without them).
    _shortfalls: pd.DataFrame | Callable[[], pd.DataFrame] = attrs.field(alias="shortfalls", repr=False)
    unresolved: pd.DataFrame
    costs: tuple[UnitCost, ...] = ()

    @property
    def shortfalls(self) -> pd.DataFrame:
        """What each school lacks of each threshold it misses, one row per (school, threshold)."""
        if callable(self._shortfalls):
            object.__setattr__(self, "_shortfalls", self._shortfalls())
        return self._shortfalls

    def apply(self, frame: Any) -> pd.DataFrame:
        """``frame`` with the additions made: canonical (as ``read_schools`` returns it; anything
        ``read_schools`` accepts is read first), so it can be evaluated again as it is."""
        if not isinstance(frame, pd.DataFrame) or frame.attrs.get("eduequity") != MARK:
            frame = read_schools(frame)
        out = frame.copy()
        if not len(self.schools):
            return out
        wide = self.schools.pivot_table(index=KEYS, columns="indicator", values="addition", aggfunc="sum",
                                        observed=True)
        at = pd.MultiIndex.from_arrays([frame[k].astype(str) if k != "year" else frame[k] for k in KEYS])
        wide.index = pd.MultiIndex.from_arrays([wide.index.get_level_values(k).astype(str) if k != "year"
                                                else wide.index.get_level_values(k) for k in KEYS])
        add = wide.reindex(at).fillna(0.0)
        for column in wide.columns:
            out[column] = out[column].to_numpy(dtype=np.float64) + add[column].to_numpy()
        return out


def remedy(ev: Evaluation, costs: Mapping[str, float | UnitCost] | Iterable[UnitCost] | pd.DataFrame | None = None,
           *, frame: pd.DataFrame | None = None) -> Plan:
    """The least additions that bring every school over the thresholds and every CV under its
    limit, for the standard ``ev`` was judged on.

    ``costs``: yuan per unit of each column the rules read (``UnitCost``s, a mapping or a
    frame ``column, yuan[, unit, recurring]``); without, the objective is unit-free: the
    least sum of each addition over the county's total of that column. ``frame``: the
    school frame, for an evaluation loaded from JSON (which keeps no sections).
    """
    std = ev.standard
    sections = judged_sections(ev, frame)
    rules = sorted((c for c in std.criteria if c.RESOURCE), key=lambda c: [type(c) is k for k in KINDS].index(True))
    read = list(dict.fromkeys(k for c in rules for k in c.indicators_read()))
    prices = None if costs is None else read_costs(costs, read + _parents(read))
    g, _, order = group(sections)
    ordered = Ordered(sections, order)
    start = {c: ordered.column(c) for c in RESOURCES if c in read + _parents(read) and c in sections.columns}
    rows = Schools.of(ordered.column("row"))
    # a mixed school's shared resources, as the national list has them (read_schools(split=…)
    # may have split others; the remedy cannot tell, and shares out the national ones)
    share = {c: _shares(ordered, rows, start[c]) for c in start if c in SPLIT}
    h = Holdings(g, dict(start), {i.key: i for i in std.indicators}, _weights(g, start, prices))
    check_std = attrs.evolve(std, rules=tuple(rules), targets=())
    check = None
    for _ in range(ROUNDS if rules and len(sections) else 0):  # a standard of metric targets: nothing to add
        before = dict(h.amounts)
        for rule in rules:
            h = _added(h, _settle(rule.remedy(h), share, rows), start)
        check = evaluate(ordered.with_amounts(h.amounts), check_std)
        if check.counties["passed"].fillna(False).all() or all(np.array_equal(before[c], h.amounts[c]) for c in before):
            break
    added = {c: h.amounts[c] - start[c] for c in start}
    return _plan(std, ordered, g, start, added, share, rows, prices, check, rules)


@attrs.frozen
class Ordered:
    """The judged sections read in the groups' (year, county, level, school) order without
    copying the frame: a column at a time, gathered by ``order`` (None: already in it)."""

    frame: pd.DataFrame
    order: np.ndarray | None

    def column(self, name: str) -> np.ndarray:
        """A numeric column in group order (never written to: additions make new arrays)."""
        x = self.frame[name].to_numpy()
        x = x if self.order is None else x[self.order]
        return x if name == "row" else x.astype(np.float64, copy=False)

    def take(self, name: str, positions: np.ndarray) -> Any:
        """``name`` at ``positions`` of the group order, keeping the column's own type."""
        at = positions if self.order is None else self.order[positions]
        col = self.frame[name]
        return col.to_numpy()[at] if col.dtype.kind in "iufb" else col.array.take(at)

    def with_amounts(self, amounts: Mapping[str, np.ndarray]) -> pd.DataFrame:
        """The frame, in its own order, with these columns (given in group order) in place."""
        def back(a: np.ndarray) -> np.ndarray:
            if self.order is None:
                return a
            out = np.empty_like(a)
            out[self.order] = a
            return out
        return self.frame.assign(**{c: back(a) for c, a in amounts.items()})


def _parents(columns: list[str]) -> list[str]:
    return [p for p in dict.fromkeys(BY_NAME[c].part_of for c in columns) if p]


def _weights(g: Groups, amounts: Mapping[str, np.ndarray], prices: Mapping[str, UnitCost] | None
             ) -> dict[str, np.ndarray]:
    """Per column and group, what one unit weighs: its price, or 1 / the group's total."""
    if prices is not None:
        return {c: np.full(g.n, prices[c].per_unit if c in prices else np.nan) for c in amounts}
    out = {}
    for c, x in amounts.items():
        total = g.sum(np.nan_to_num(x))
        out[c] = 1.0 / np.where(total > 0, total, 1.0)
    return out


@attrs.frozen
class Schools:
    """Which sections are one input row (a mixed school's sections), for what is added to the whole
    school. Most schools have one section: only the few mixed ones are grouped, by one sort."""

    mixed: np.ndarray  # positions of the sections of mixed schools, sorted by row
    starts: np.ndarray  # where each mixed school begins in ``mixed``

    @classmethod
    def of(cls, rows: np.ndarray) -> Schools:
        order = np.argsort(rows, kind="stable")
        r = rows[order]
        first = np.ones(len(r), dtype=bool)
        np.not_equal(r[1:], r[:-1], out=first[1:])
        size = np.diff(np.append(np.flatnonzero(first), len(r)))
        many = np.repeat(size > 1, size)
        mixed = order[many]
        new = first[many]
        return cls(mixed, np.flatnonzero(new))

    def spread(self, values: np.ndarray, how: np.ufunc) -> np.ndarray:
        """``values`` with each mixed school's sections replaced by ``how`` over them (sum, max)."""
        out = values.copy()
        if len(self.mixed):
            per = how.reduceat(values[self.mixed], self.starts)
            out[self.mixed] = np.repeat(per, np.diff(np.append(self.starts, len(self.mixed))))
        return out


def _shares(ordered: Ordered, schools: Schools, amount: np.ndarray) -> np.ndarray:
    """Each section's share of its input row's amount (1 for a school of one section): how
    ``read_schools`` split a mixed school's whole-school amount. Where the school has none of
    it, the students' shares stand in (the split weights cannot be read back from zeros)."""
    students = ordered.column("students")
    have = np.nan_to_num(amount)
    total, pupils = schools.spread(have, np.add), schools.spread(students, np.add)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, have / total, students / pupils)


def _settle(adds: Mapping[str, np.ndarray], share: Mapping[str, np.ndarray], schools: Schools
            ) -> dict[str, np.ndarray]:
    """Continuous additions made into ones a school can carry out: whole counts, a mixed school's
    shared resources added to the whole school and shared out as the split did."""
    out = {}
    for column, a in adds.items():
        a = np.maximum(np.nan_to_num(a), 0.0)
        whole = units.counted(BY_NAME[column].unit)
        if column in share:
            s = share[column]
            with np.errstate(invalid="ignore", divide="ignore"):
                need = np.where(s > 0, a / s, 0.0)
            school = schools.spread(need, np.maximum)
            a = (_whole(school) if whole else school) * s
        elif whole:
            a = _whole(a)
        out[column] = a
    return out


def _whole(a: np.ndarray) -> np.ndarray:
    """Rounded up to whole units; 2.0000000001 teachers (float noise) is 2."""
    return np.ceil(a - 1e-9 * np.maximum(a, 1.0)).clip(min=0.0)


def _added(h: Holdings, adds: Mapping[str, np.ndarray], start: Mapping[str, np.ndarray]) -> Holdings:
    """``h`` with ``adds`` made; a column's parent (teachers) grown to cover what its parts grew."""
    if not adds:
        return h
    amounts = dict(h.amounts)
    for column, a in adds.items():
        amounts[column] = amounts[column] + a
    for column in {BY_NAME[c].part_of for c in adds} - {None}:
        if column in amounts:
            parts = [amounts[c] - start[c] for c in amounts if BY_NAME[c].part_of == column]
            grown = np.nan_to_num(np.max(np.vstack(parts), axis=0))
            amounts[column] = np.maximum(amounts[column], start[column] + grown)
    return attrs.evolve(h, amounts=amounts)


# -- the plan's frames --------------------------------------------------------------------------

def _plan(std, ordered: Ordered, g: Groups, start: Mapping[str, np.ndarray], added: Mapping[str, np.ndarray],
          share: Mapping[str, np.ndarray],
          rows: Schools, prices: Mapping[str, UnitCost] | None, check: Evaluation | None, rules: list) -> Plan:
    """The plan's frames. Amounts are held sections x columns, so that the rows of a section come
    out together, in the sections' (year, county, level, school) order, with no sort."""
    cols = [c for c in RESOURCES if c in added]
    amount = np.zeros((len(g.codes), len(cols)))
    for i, c in enumerate(cols):
        amount[:, i] = np.nan_to_num(added[c])
    parts = {}
    if prices is not None:
        paid = amount - _implied(cols, amount)  # a teacher counted in a part is not paid for twice
        cost = np.nan_to_num(paid * np.array([prices[c].per_unit if c in prices else 0.0 for c in cols]))
        yearly = np.array([c in prices and prices[c].recurring for c in cols])
        parts = {"cost_one_off": np.where(yearly, 0.0, cost), "cost_yearly": np.where(yearly, cost, 0.0)}
    split = np.ones_like(amount)
    for i, c in enumerate(cols):
        if c in share:
            split[:, i] = share[c]
    schools = _long(ordered, g, cols, amount, split, "addition", parts, group=True)
    h = Holdings(g, dict(start), {i.key: i for i in std.indicators}, {})
    gaps = np.zeros_like(amount)
    for rule in rules:
        for c, a in _settle(rule.shortfalls(h), share, rows).items():
            np.maximum(gaps[:, cols.index(c)], a, out=gaps[:, cols.index(c)])
    counties = _counties(g, cols, schools, gaps)
    shortfalls = functools.partial(_long, ordered, g, cols, gaps, split, "shortfall", {})
    return Plan(std.id, schools.drop(columns="group"), counties, shortfalls, _unresolved(check),
                tuple(prices.values()) if prices is not None else ())


def _implied(cols: list[str], amount: np.ndarray) -> np.ndarray:
    """For a parent column (teachers), the part of its addition its parts already count."""
    out = np.zeros_like(amount)
    for i, c in enumerate(cols):
        mine = [j for j, p in enumerate(cols) if BY_NAME[p].part_of == c]
        if mine:
            out[:, i] = np.minimum(amount[:, i], amount[:, mine].max(axis=1))
    return out


def _long(ordered: Ordered, g: Groups, cols: list[str], amount: np.ndarray, split: np.ndarray, name: str,
          parts: Mapping[str, np.ndarray], group: bool = False) -> pd.DataFrame:
    """One row per (section, column) with an amount > 0 (``amount``: sections x columns), and
    with ``group`` its group's number, for the county totals."""
    has = amount > 0
    sec, j = np.nonzero(has)
    out = {k: ordered.take(k, sec) for k in (*KEYS[1:], "school_name") if k in ordered.frame.columns}
    got = amount[has]
    return pd.DataFrame({
        "year": ordered.take("year", sec), **out,
        "indicator": pd.Categorical.from_codes(j, categories=cols),
        "resource": pd.Categorical.from_codes(j, categories=[BY_NAME[c].zh for c in cols]),
        "unit": _units(cols, j),
        name: got,
        "whole_school": got / split[has],
        **{k: v[has] for k, v in parts.items()},
        **({"group": g.codes[sec]} if group else {}),
    })


def _units(cols: list[str], j: np.ndarray) -> pd.Categorical:
    """Each row's unit as a report prints it (㎡, 元, 人 …), by the column's position ``j``."""
    names = [UNIT_ZH[BY_NAME[c].unit] for c in cols]
    kinds = list(dict.fromkeys(names))
    return pd.Categorical.from_codes(np.array([kinds.index(u) for u in names], dtype=np.int8)[j] if len(cols)
                                     else np.zeros(len(j), dtype=np.int8), categories=kinds or ["—"])


def _counties(g: Groups, cols: list[str], schools: pd.DataFrame, gaps: np.ndarray) -> pd.DataFrame:
    """Totals per (year, county, level, column) where the plan adds or a school falls short:
    the plan's additions, the schools they go to, the plain shortfall against the thresholds,
    and the cost where costs were given — summed over the entries that are not 0, by one
    integer key per (group, column)."""
    k, size = len(cols), g.n * len(cols)
    a = schools["group"].to_numpy() * k + schools["indicator"].cat.codes.to_numpy()
    short = gaps > 0
    sec, j = np.nonzero(short)
    s = g.codes[sec] * k + j
    seen = np.flatnonzero((np.bincount(a, minlength=size) + np.bincount(s, minlength=size)) > 0)
    group, j = seen // k, seen % k
    out = g.keys.iloc[group].reset_index(drop=True)
    out["indicator"] = pd.Categorical.from_codes(j, categories=cols)
    out["resource"] = pd.Categorical.from_codes(j, categories=[BY_NAME[c].zh for c in cols])
    out["unit"] = _units(cols, j)
    out["schools"] = np.bincount(a, minlength=size)[seen]
    money = [c for c in ("cost_one_off", "cost_yearly") if c in schools.columns]
    for name in ("addition", *money):
        out[name] = np.bincount(a, weights=schools[name].to_numpy(), minlength=size)[seen]
    out["shortfall"] = np.bincount(s, weights=gaps[short], minlength=size)[seen]
    return out


def _unresolved(check: Evaluation | None) -> pd.DataFrame:
    """Groups the remedied data still does not pass, with the reasons the re-evaluation gives."""
    cols = ["year", "county", "level", "status", "reasons"]
    if check is None:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    c = check.counties
    left = c.loc[~c["passed"].fillna(False).to_numpy(dtype=bool), ["year", "county", "level", "status"]]
    why = check.verdicts[["year", "county", "reasons"]]
    return left.astype({"county": str}).merge(why.astype({"county": str}), how="left").reset_index(drop=True)


# A Plan keeps its shortfalls as ``_shortfalls`` (built on demand); its data says ``shortfalls``.
converter.register_unstructure_hook(Plan, make_dict_unstructure_fn(
    Plan, converter, _shortfalls=override(rename="shortfalls", unstruct_hook=lambda v: frame_to_data(
        v() if callable(v) else v))))
converter.register_structure_hook(Plan, make_dict_structure_fn(
    Plan, converter, _cattrs_forbid_extra_keys=True,
    _shortfalls=override(rename="shortfalls", struct_hook=lambda d, _: frame_from_data(d))))
