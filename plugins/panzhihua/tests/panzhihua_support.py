"""Helpers shared by the Panzhihua plugin's tests (not a test module itself).

The truth table here is typed again from api.md ("Targets"), not taken from the
engine, so a wrong op, value or deadline in a data file, or a wrong verdict from
core, shows up as a failing test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path

import pandas as pd

import eduequity as ee

JURISDICTION = "panzhihua"
COUNTIES = ("东区", "西区", "仁和区", "米易县", "盐边县")
COUNTY = "米易县"  # where county-scope targets are observed in the boundary tests
STANDARDS = (
    "panzhihua.balanced-allocation-2015",
    "panzhihua.education-highland-2019",
    "panzhihua.basic-education-quality-2021",
)
DOCUMENTS = {
    "panzhihua.balanced-allocation-2015": "攀办发〔2015〕2号",
    "panzhihua.education-highland-2019": "攀办发〔2019〕88号",
    "panzhihua.basic-education-quality-2021": "攀办发〔2021〕73号",
}
SEEDS = {
    "攀办发〔2015〕2号": "panzhihua-2015-balanced-allocation-plan.txt",
    "攀办发〔2019〕88号": "panzhihua-2019-regional-education-highland-plan.txt",
    "攀办发〔2021〕73号": "panzhihua-2021-basic-education-quality-plan.txt",
}
SCHEDULE = "panzhihua.county-balance-2015"
#: The 8 indicators of the national basic-balance method (教督〔2012〕3号), typed again.
NATIONAL_8 = ("teaching_area", "sports_area", "equipment_value", "computers", "books", "teachers",
              "teachers_above_degree", "teachers_mid_senior_title")


def seeds_dir() -> Path | None:
    """The shared seed documents (../shared/seeds from the repository), if this checkout has them."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "shared" / "seeds"
        if candidate.is_dir() and any(candidate.glob("panzhihua-*.txt")):
            return candidate
    return None


def standard(sid: str):
    return ee.registry().standards[sid]


def all_targets() -> list[tuple[str, object]]:
    return [(sid, t) for sid in STANDARDS for t in standard(sid).targets]


def target_ids() -> list[str]:
    return [t.id for _, t in all_targets()]


def kind(sid: str, t) -> str:
    return standard(sid).metric_map[t.metric].kind


def place(t) -> str:
    return JURISDICTION if t.scope == "jurisdiction" else COUNTY


def step(metric_kind: str) -> float:
    """The smallest change a record of this kind shows: one unit of a count or amount, 0.1% of a share."""
    return 1.0 if metric_kind in ("count", "quantity", "score", "year") else 0.001


def passing(t, metric_kind: str) -> float:
    """A value that satisfies the target (the boundary itself where the comparison includes it)."""
    if t.op in (">=", "<=", "=="):
        return t.value
    return t.value + step(metric_kind) if t.op == ">" else t.value - step(metric_kind)


def failing(t, metric_kind: str) -> float:
    """A value one step on the wrong side of the boundary (0 for a yes/no target of 1)."""
    if t.op == "==":
        return 0.0 if t.value == 1.0 else 1.0
    return t.value - step(metric_kind) if t.op in (">=", ">") else t.value + step(metric_kind)


def satisfies(op: str, v: float, limit: float) -> bool:
    """``v op limit`` in decimal, with the one tolerance api.md allows (one part in 10^12)."""
    a, b = Decimal(repr(float(v))), Decimal(repr(float(limit)))
    tol = abs(b) * Decimal("1e-12")
    return {">=": a >= b - tol, ">": a > b + tol, "<=": a <= b + tol, "<": a < b - tol,
            "==": abs(a - b) <= tol}[op]


def expected_status(t, year: int, v: float | None) -> str | None:
    """api.md's truth table: None where the year gets no row (before ``start``)."""
    if t.start is not None and year < t.start:
        return None
    if v is None:
        return "not assessable"
    if satisfies(t.op, v, t.value):
        return "met"
    if t.deadline is not None and year < t.deadline:
        return "pending"
    return "not met"


def years_around(t) -> list[int]:
    """The deadline and the years either side (the start too, and the year before it)."""
    marks = {t.deadline} if t.deadline is not None else {2020}
    if t.start is not None:
        marks |= {t.start}
    return sorted({y + d for y in marks for d in (-1, 0, 1)})


def observations(sid: str, value: Callable[[object, str], float],
                 years: Callable[[object], Iterable[int]] = years_around) -> pd.DataFrame:
    """Long-form observations of every target of ``sid``: ``value(target, kind)`` in each of ``years(target)``."""
    rows = []
    for t in standard(sid).targets:
        for y in years(t):
            rows.append({"year": y, "county": place(t), "level": t.level, "metric": t.metric,
                         "value": value(t, kind(sid, t))})
    df = pd.DataFrame(rows)
    dup = df.duplicated(["year", "county", "level", "metric"])
    assert not dup.any(), f"two targets of {sid} share an observation: {df[dup]}"
    return df


def evaluate(sid: str, metrics: pd.DataFrame, **kw):
    """The standard, by its id, evaluated from observations alone (no school frame).

    The 2015 plan's composite-CV rules then judge nothing; its targets still are.
    """
    return ee.evaluate(None, sid, metrics=metrics, **kw)


def rows_of(ev, t, county: str | None = None) -> pd.DataFrame:
    """The target's rows at one place (by default where ``place`` observes it), indexed by year."""
    out = ev.targets[(ev.targets["target"] == t.id) & (ev.targets["county"] == (county or place(t)))]
    return out.set_index("year")


def places_of(ev, t) -> list[tuple[int, str]]:
    """The (year, place) pairs the target has rows for, sorted, duplicates kept."""
    rows = ev.targets[ev.targets["target"] == t.id]
    return sorted(zip(rows["year"].astype(int), rows["county"].astype(str), strict=True))


def expected_places(t, years: Iterable[int]) -> list[tuple[int, str]]:
    """api.md, without a school frame: a target is judged in every year observed (any metric),
    from its ``start``; a city-wide one once under the city's id, a county-scope one for
    each of the five counties the city lists, observed or not."""
    where = (JURISDICTION,) if t.scope == "jurisdiction" else COUNTIES
    return sorted((int(y), c) for y in set(years) if t.start is None or y >= t.start for c in where)
