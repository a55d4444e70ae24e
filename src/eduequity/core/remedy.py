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

from collections.abc import Iterable, Mapping

import attrs
import numpy as np
import pandas as pd

from ..criteria import Holdings, KINDS
from . import units
from .columns import BY_NAME, RESOURCES, UNIT_ZH
from .costs import UnitCost, read_costs
from .evaluation import Evaluation
from .kernel import Groups, group
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
    shortfalls: pd.DataFrame
    unresolved: pd.DataFrame
    costs: tuple[UnitCost, ...] = ()

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` (canonical, as ``read_schools`` returns it) with the additions made."""
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
    ordered = sections if order is None else sections.take(order).reset_index(drop=True)
    start = {c: ordered[c].to_numpy(dtype=np.float64) for c in RESOURCES if c in ordered.columns}
    rows = Schools.of(ordered["row"].to_numpy())
    share = {c: _shares(ordered, rows, start[c]) for c in start if BY_NAME[c].split}
    h = Holdings(g, dict(start), {i.key: i for i in std.indicators}, _weights(g, start, prices))
    check_std = attrs.evolve(std, rules=tuple(rules), targets=())
    check = None
    for _ in range(ROUNDS if rules and len(ordered) else 0):  # a standard of metric targets: nothing to add
        before = dict(h.amounts)
        for rule in rules:
            h = _added(h, _settle(rule.remedy(h), share, rows), start)
        check = evaluate(ordered.assign(**h.amounts), check_std)
        if check.counties["passed"].fillna(False).all() or all(np.array_equal(before[c], h.amounts[c]) for c in before):
            break
    added = {c: h.amounts[c] - start[c] for c in start}
    return _plan(std, ordered, g, added, share, rows, prices, check, rules)


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


def _shares(ordered: pd.DataFrame, schools: Schools, amount: np.ndarray) -> np.ndarray:
    """Each section's share of its input row's amount (1 for a school of one section): how
    ``read_schools`` split a mixed school's whole-school amount. Where the school has none of
    it, the students' shares stand in (the split weights cannot be read back from zeros)."""
    students = ordered["students"].to_numpy(dtype=np.float64)
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

def _plan(std, ordered: pd.DataFrame, g: Groups, added: Mapping[str, np.ndarray], share: Mapping[str, np.ndarray],
          rows: Schools, prices: Mapping[str, UnitCost] | None, check: Evaluation | None, rules: list) -> Plan:
    cols = [c for c in RESOURCES if c in added]
    amount = np.zeros((len(cols), len(ordered)))  # columns x sections
    for i, c in enumerate(cols):
        amount[i] = np.nan_to_num(added[c])
    parts = {}
    if prices is not None:
        paid = amount - _implied(cols, amount)  # a teacher counted in a part is not paid for twice
        cost = np.nan_to_num(paid * np.array([prices[c].per_unit if c in prices else 0.0 for c in cols])[:, None])
        yearly = np.array([c in prices and prices[c].recurring for c in cols])[:, None]
        parts = {"cost_one_off": np.where(yearly, 0.0, cost), "cost_yearly": np.where(yearly, cost, 0.0)}
    schools = _long(ordered, cols, amount, share, "addition", parts)
    h = Holdings(g, {c: ordered[c].to_numpy(dtype=np.float64) for c in cols}, {i.key: i for i in std.indicators}, {})
    gaps = np.zeros_like(amount)
    for rule in rules:
        for c, a in _settle(rule.shortfalls(h), share, rows).items():
            gaps[cols.index(c)] = np.maximum(gaps[cols.index(c)], a)
    shortfalls = _long(ordered, cols, gaps, share, "shortfall", {})
    counties = _counties(g, cols, {"addition": amount, "shortfall": gaps, **parts}, amount > 0, gaps > 0)
    return Plan(std.id, schools, counties, shortfalls, _unresolved(check),
                tuple(prices.values()) if prices is not None else ())


def _implied(cols: list[str], amount: np.ndarray) -> np.ndarray:
    """For a parent column (teachers), the part of its addition its parts already count."""
    out = np.zeros_like(amount)
    for i, c in enumerate(cols):
        mine = [j for j, p in enumerate(cols) if BY_NAME[p].part_of == c]
        if mine:
            out[i] = np.minimum(amount[i], amount[mine].max(axis=0))
    return out


def _long(ordered: pd.DataFrame, cols: list[str], amount: np.ndarray, share: Mapping[str, np.ndarray], name: str,
          parts: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """One row per (section, column) with an amount > 0. Sections are in (year, county, level,
    school) order already and columns in the vocabulary's order: no sort is needed."""
    sec, j = np.nonzero(amount.T > 0)
    out = {k: ordered[k].array.take(sec) for k in KEYS}
    if "school_name" in ordered.columns:
        out["school_name"] = ordered["school_name"].to_numpy(dtype=object)[sec]
    got = amount[j, sec]
    whole = np.ones(len(j))
    for i, c in enumerate(cols):
        if c in share:
            whole[j == i] = share[c][sec[j == i]]
    out |= {
        "indicator": pd.Categorical.from_codes(j, categories=cols),
        "resource": pd.Categorical.from_codes(j, categories=[BY_NAME[c].zh for c in cols]),
        "unit": np.array([UNIT_ZH[BY_NAME[c].unit] for c in cols], dtype=object)[j],
        name: got,
        "whole_school": got / whole,
        **{k: v[j, sec] for k, v in parts.items()},
    }
    return pd.DataFrame(out)


def _counties(g: Groups, cols: list[str], sums: Mapping[str, np.ndarray], *given: np.ndarray) -> pd.DataFrame:
    """Totals per (year, county, level, column) where the plan adds or a school falls short:
    the plan's additions, the schools they go to, the plain shortfall against the thresholds,
    and the cost where costs were given. One bincount over (group, column) keys."""
    k = len(cols)
    key = (g.codes[None, :] * k + np.arange(k)[:, None]).ravel()  # column-major over sections
    size = g.n * k
    adds = sums["addition"].ravel() > 0
    total = {name: np.bincount(key, weights=v.ravel(), minlength=size) for name, v in sums.items()}
    counted = np.bincount(key, weights=adds, minlength=size)
    seen = np.flatnonzero(np.bincount(key, weights=np.logical_or.reduce(given).ravel(), minlength=size) > 0)
    group, j = seen // k, seen % k
    out = g.keys.iloc[group].reset_index(drop=True)
    out["indicator"] = pd.Categorical.from_codes(j, categories=cols)
    out["resource"] = pd.Categorical.from_codes(j, categories=[BY_NAME[c].zh for c in cols])
    out["unit"] = np.array([UNIT_ZH[BY_NAME[c].unit] for c in cols], dtype=object)[j]
    out["schools"] = counted[seen].astype(np.int64)
    for name, v in total.items():
        out[name] = v[seen]
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
