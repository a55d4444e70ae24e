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
from .scope import exclude

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
    from .evaluate import evaluate  # evaluate imports this package's criteria; import at call time

    std = ev.standard
    sections = _sections(ev, frame)
    rules = sorted((c for c in std.criteria if c.RESOURCE), key=lambda c: [type(c) is k for k in KINDS].index(True))
    read = list(dict.fromkeys(k for c in rules for k in c.indicators_read()))
    prices = None if costs is None else read_costs(costs, read + _parents(read))
    g, _, order = group(sections)
    ordered = sections if order is None else sections.take(order).reset_index(drop=True)
    start = {c: ordered[c].to_numpy(dtype=np.float64) for c in RESOURCES if c in ordered.columns}
    share = {c: _shares(ordered, c, start[c]) for c in start if BY_NAME[c].split}
    rows = ordered["row"].to_numpy()
    h = Holdings(g, dict(start), {i.key: i for i in std.indicators}, _weights(g, start, prices))
    check_std = attrs.evolve(std, rules=tuple(rules), targets=())
    check = None
    for _ in range(ROUNDS):
        before = dict(h.amounts)
        for rule in rules:
            h = _added(h, _settle(rule.remedy(h), share, rows), start)
        check = evaluate(ordered.assign(**h.amounts), check_std)
        if check.counties["passed"].fillna(False).all() or all(np.array_equal(before[c], h.amounts[c]) for c in before):
            break
    added = {c: h.amounts[c] - start[c] for c in start}
    return _plan(std, ordered, g, added, share, rows, prices, check, rules)


def _sections(ev: Evaluation, frame: pd.DataFrame | None) -> pd.DataFrame:
    if frame is None:
        if ev.sections is None:
            raise ValueError("this evaluation keeps no school sections (it was loaded from JSON): "
                             "pass the school frame it was judged on, ee.remedy(ev, frame=...)")
        return ev.sections
    from ..read.schools import read_schools

    canonical = read_schools(frame)
    _, _, keep = exclude(canonical, ev.standard.exclusions)
    return canonical if keep is None else canonical[keep]


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


def _shares(ordered: pd.DataFrame, column: str, amount: np.ndarray) -> np.ndarray:
    """Each section's share of its input row's ``column`` (1 for a school of one section): how
    ``read_schools`` split a mixed school's whole-school amount. Where the school has none of
    it, the students' shares stand in (the split weights cannot be read back from zeros)."""
    row = ordered["row"].to_numpy()
    students = ordered["students"].to_numpy(dtype=np.float64)
    total = pd.Series(np.nan_to_num(amount)).groupby(row).transform("sum").to_numpy()
    pupils = pd.Series(students).groupby(row).transform("sum").to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, np.nan_to_num(amount) / total, students / pupils)


def _settle(adds: Mapping[str, np.ndarray], share: Mapping[str, np.ndarray], rows: np.ndarray
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
            school = pd.Series(need).groupby(rows).transform("max").to_numpy()
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
          rows: np.ndarray, prices: Mapping[str, UnitCost] | None, check: Evaluation | None, rules: list) -> Plan:
    implied = _implied(added)
    schools = _long(ordered, {c: a for c, a in added.items() if (a > 0).any()}, share, "addition")
    if prices is not None:
        charged = np.maximum(schools["addition"].to_numpy() - implied(schools), 0.0)
        price = schools["indicator"].map({c: p.per_unit for c, p in prices.items()}).astype(float).to_numpy()
        yearly = schools["indicator"].map({c: p.recurring for c, p in prices.items()}).fillna(False).to_numpy(bool)
        cost = np.nan_to_num(charged * price)
        schools["cost_one_off"] = np.where(yearly, 0.0, cost)
        schools["cost_yearly"] = np.where(yearly, cost, 0.0)
    h = Holdings(g, {c: ordered[c].to_numpy(dtype=np.float64) for c in added}, {i.key: i for i in std.indicators},
                 {})
    gaps: dict[str, np.ndarray] = {}
    for rule in rules:
        for c, a in _settle(rule.shortfalls(h), share, rows).items():
            gaps[c] = np.maximum(gaps.get(c, 0.0), a)
    shortfalls = _long(ordered, gaps, share, "shortfall")
    return Plan(std.id, schools, _counties(schools, shortfalls), shortfalls, _unresolved(check),
                tuple(prices.values()) if prices is not None else ())


def _long(ordered: pd.DataFrame, amounts: Mapping[str, np.ndarray], share: Mapping[str, np.ndarray], name: str
          ) -> pd.DataFrame:
    """One row per (section, column) with an amount > 0, in (year, county, level, school) order."""
    cols = [c for c in (*KEYS, "school_name") if c in ordered.columns]
    parts = []
    for column, a in amounts.items():
        at = np.flatnonzero(a > 0)
        part = ordered.iloc[at][cols].reset_index(drop=True)
        part["indicator"] = column
        part["unit"] = UNIT_ZH[BY_NAME[column].unit]
        part[name] = a[at]
        part["whole_school"] = a[at] / share[column][at] if column in share else a[at]
        part["row"] = ordered["row"].to_numpy()[at]
        parts.append(part)
    if not parts:
        out = ordered.iloc[:0][cols].reset_index(drop=True)
        return out.assign(indicator=pd.Series(dtype="str"), unit=pd.Series(dtype="str"),
                          **{name: pd.Series(dtype="float64"), "whole_school": pd.Series(dtype="float64")})
    order = {c: i for i, c in enumerate(RESOURCES)}
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(["row", "level", "indicator"], key=lambda s: s.map(order) if s.name == "indicator" else s,
                          kind="stable")
    out = out.sort_values(["year", "county", "level", "school_id"], kind="stable").drop(columns="row")
    return out.reset_index(drop=True)


def _implied(added: Mapping[str, np.ndarray]):
    """For each plan row of a parent column (teachers), how much of it its parts already count."""
    def of(schools: pd.DataFrame) -> np.ndarray:
        out = np.zeros(len(schools))
        parts = [c for c in added if BY_NAME[c].part_of]
        if not parts:
            return out
        key = schools[KEYS].astype(str).agg("|".join, axis=1)
        sub = schools[schools["indicator"].isin(parts)]
        most = sub.groupby(key[sub.index])["addition"].max()
        is_parent = schools["indicator"].isin({BY_NAME[c].part_of for c in parts}).to_numpy()
        out[is_parent] = key[is_parent].map(most).fillna(0.0).to_numpy()
        return out
    return of


def _counties(schools: pd.DataFrame, shortfalls: pd.DataFrame) -> pd.DataFrame:
    """Totals per (year, county, level, column): the plan's additions, the schools they go to,
    the plain shortfall against the thresholds, and the cost where costs were given."""
    by = ["year", "county", "level", "indicator", "unit"]
    money = [c for c in ("cost_one_off", "cost_yearly") if c in schools.columns]
    plan = schools.groupby(by, observed=True, sort=True).agg(
        schools=("school_id", "nunique"), addition=("addition", "sum"), **{c: (c, "sum") for c in money})
    gap = shortfalls.groupby(by, observed=True, sort=True)["shortfall"].sum()
    out = plan.join(gap, how="outer").reset_index()
    out["schools"] = out["schools"].fillna(0).astype(np.int64)
    for c in ("addition", "shortfall", *money):
        out[c] = out[c].fillna(0.0)
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
