"""``ee.track``: recognitions against a phased schedule, milestone by milestone.

A recognition counts in its inspection year; a county counts once, from its
first recognition of the schedule's kind. Recognitions of another kind are left
out with a warning saying how many, and a recognition without a kind counts as
basic balance only for a basic-balance schedule: for any other schedule it is an
``InputError`` — never a silent "0 of 10 recognised". Nothing after ``as_of`` is
known. Each county's target year comes from the schedule (its annex) and from
``target_years=``, which adds to it and wins county by county.
Milestone status: ``met`` / ``missed`` once ``as_of`` reaches its year; before
that ``on track`` if the average pace so far reaches the count in time, else
``behind``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import attrs
import numpy as np
import pandas as pd

from ..read import observations
from ..read.inputs import resolve_column
from ..read.observations import DEFAULT_KIND, read_recognitions
from ..read.resolver import Resolver
from . import warnings as _warnings
from .columns import RECOGNITION_KINDS
from .errors import InputError, Problem
from .registry import Registry, registry as default_registry
from .schedules import PhasedSchedule
from .warnings import Notice

COUNTY_STATUSES = ("early", "on time", "late", "pending", "recognised")


@attrs.frozen(eq=False)
class TrackResult:
    """Where a schedule stands ``as_of`` a year.

    ``milestones``: year, required, share, achieved, status, missing (how many
    more are needed), recognised and unrecognised (names as of the milestone,
    joined with 、).
    ``counties``: county, target_year, recognised_year, status (early / on time /
    late / pending; ``recognised`` or ``pending`` where no target year is given).
    As for milestones, ``as_of`` is a year whose recognitions are all known: a
    county not recognised by its target year is late once ``as_of`` reaches it.
    ``cumulative``: per year, recognised that year, cumulative, planned.
    """

    schedule: PhasedSchedule
    as_of: int
    pace: float
    projected_year: int | None
    milestones: pd.DataFrame
    counties: pd.DataFrame
    cumulative: pd.DataFrame
    #: What is worth a look in the recognitions (a county name one edit from a registered one).
    warnings: pd.DataFrame = attrs.Factory(lambda: _warnings.frame(()))

    FRAMES = ("milestones", "counties", "cumulative", "warnings")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TrackResult):
            return NotImplemented
        return (self.schedule == other.schedule and self.as_of == other.as_of and self.pace == other.pace
                and self.projected_year == other.projected_year
                and all(getattr(self, f).equals(getattr(other, f)) for f in self.FRAMES))


def track(
    schedule: str | PhasedSchedule,
    recognitions: pd.DataFrame,
    *,
    as_of: int | None = None,
    target_years: Mapping[str, int] | pd.DataFrame | None = None,
    registry: Registry | None = None,
) -> TrackResult:
    """Compare ``recognitions`` (county, year[, kind]) with ``schedule`` as of ``as_of``.

    ``as_of`` defaults to the latest recognition year. Each county's target year
    is the schedule's own (``schedule.target_years``, from the plan's annex),
    updated by ``target_years`` (a mapping or a frame of county, target_year).
    """
    reg = registry or default_registry()
    sched = _schedule(schedule, reg)
    resolver = reg.resolver(sched.jurisdiction)
    notices: list[Notice] = []
    rec = resolve_column(_of_the_kind(sched, recognitions, notices), resolver, notices, "recognitions")
    own = {t.county: t.year for t in sched.target_years}
    targets = _targets(own, resolver, notices, f"schedule {sched.id} target_years") | _targets(
        target_years, resolver, notices)
    if as_of is None:
        as_of = int(rec["year"].max()) if len(rec) else sched.start
    else:
        as_of = observations.year(as_of, "as_of", "track")
    first = rec[rec["year"] <= as_of].groupby("county")["year"].min()

    listed = {c.name for cs in resolver.by_name.values() for c in cs} if resolver.strict else set()
    universe = sorted(listed | set(rec["county"]) | set(targets))
    years_recognised = first.reindex(universe)
    pace = int(first.size) / max(as_of - sched.start + 1, 1)

    rec_years = np.sort(first.to_numpy())
    ms = _milestones(sched, first, universe, as_of, pace)
    counties = pd.DataFrame({"county": universe})
    counties["target_year"] = pd.array([targets.get(c) for c in universe], dtype="Int64")
    counties["recognised_year"] = pd.array(years_recognised.to_numpy(), dtype="Int64")
    counties["status"] = _county_status(counties, as_of)
    projected_year = _projected_year(sched, rec_years, as_of, pace)
    cumulative = _cumulative(sched, rec_years, as_of, targets)

    found = _warnings.frame(notices)
    _warnings.emit(found)
    return TrackResult(sched, int(as_of), float(pace), projected_year, ms, counties, cumulative, found)


def _milestones(sched: PhasedSchedule, first: pd.Series, universe: list[str], as_of: int, pace: float
                ) -> pd.DataFrame:
    """Each milestone: required, share, achieved, status, missing, and who is (not) recognised."""
    ms = pd.DataFrame({"year": [m.year for m in sched.milestones],
                       "required": [m.count for m in sched.milestones]})
    ms["share"] = ms["required"] / sched.total
    upto = np.minimum(ms["year"].to_numpy(), as_of)
    ms["achieved"] = np.searchsorted(np.sort(first.to_numpy()), upto, side="right")
    reached = ms["achieved"] >= ms["required"]
    projected = first.size + pace * (ms["year"] - as_of)
    due = ms["year"] <= as_of
    ms["status"] = np.where(due, np.where(reached, "met", "missed"),
                            np.where(reached | (projected >= ms["required"]), "on track", "behind"))
    ms["missing"] = np.maximum(ms["required"] - ms["achieved"], 0)
    # Names joined with 、 (one string per milestone): readable in reports, lossless in JSON.
    years_recognised = first.reindex(universe)
    ms["recognised"] = pd.array(["、".join(sorted(first.index[first <= y])) for y in upto], dtype="str")
    ms["unrecognised"] = pd.array(["、".join(c for c in universe if not (years_recognised.get(c, np.nan) <= y))
                                   for y in upto], dtype="str")
    return ms


def _projected_year(sched: PhasedSchedule, rec_years: np.ndarray, as_of: int, pace: float) -> int | None:
    """When the last milestone is reached at the average pace so far (its year if it already is)."""
    last, achieved_now = sched.milestones[-1].count, len(rec_years)
    if achieved_now >= last:
        return int(rec_years[last - 1]) if last else sched.start
    if pace > 0:
        return as_of + math.ceil((last - achieved_now) / pace)
    return None


def _cumulative(sched: PhasedSchedule, rec_years: np.ndarray, as_of: int, targets: dict[str, int]) -> pd.DataFrame:
    """Per year: recognised that year, cumulative (blank after ``as_of``), planned.

    Planned is the milestone in force, or more where the counties' own target years put
    more counties by then: the plan line of the charts rises year by year with the annex.
    """
    horizon = max(sched.milestones[-1].year, as_of)
    first_year = min([sched.start, *rec_years.astype(int)])  # a recognition before the plan still counts
    years = np.arange(first_year, horizon + 1)
    per_year = pd.Series(rec_years).value_counts().reindex(years, fill_value=0).to_numpy()
    cum = np.cumsum(per_year).astype(float)
    cum[years > as_of] = np.nan
    planned = np.zeros(len(years), dtype=np.int64)
    for m in sched.milestones:  # a handful of milestones
        planned[years >= m.year] = m.count
    if targets:
        by = np.sort(np.fromiter(targets.values(), dtype=np.int64))
        planned = np.maximum(planned, np.searchsorted(by, years, side="right"))
    return pd.DataFrame({"year": years, "recognised": per_year, "cumulative": cum, "planned": planned})


def _of_the_kind(sched: PhasedSchedule, recognitions: pd.DataFrame, notices: list[Notice]) -> pd.DataFrame:
    """The recognitions of the schedule's kind. A row without a kind is basic balance only where the
    schedule counts basic balance; for another schedule it is an error. Rows of other kinds are
    left out and counted in a warning, so a file of the wrong kind never reads as "0 recognised"."""
    rec = read_recognitions(recognitions, default_kind=None)
    blank = rec["kind"].isna().to_numpy()
    if blank.any() and sched.recognition != DEFAULT_KIND:
        expected = (f"the kind of recognition: schedule {sched.id} counts {sched.recognition}, and a recognition "
                    f"without a kind would be read as {DEFAULT_KIND}; give one of {', '.join(RECOGNITION_KINDS)}")
        rows = [None] if "kind" not in recognitions.columns else [int(i) for i in np.flatnonzero(blank)]
        raise InputError([Problem(r, "kind", None, expected) for r in rows], source="recognitions")
    kind = rec["kind"].fillna(DEFAULT_KIND)
    other = kind[kind != sched.recognition].value_counts()
    if len(other):
        counts = "、".join(f"{n} {k}" for k, n in other.items())
        notices.append(Notice("recognition-other-kind", "recognitions, kind",
                              f"{int(other.sum())} 条其他类型的认定未计入（{counts}）：本计划只计 {sched.recognition}。"
                              f"{int(other.sum())} recognitions of another kind are not counted ({counts}): "
                              f"schedule {sched.id} counts {sched.recognition}"))
    return rec[(kind == sched.recognition).to_numpy()].assign(kind=sched.recognition)


def _schedule(schedule: str | PhasedSchedule, reg: Registry) -> PhasedSchedule:
    if isinstance(schedule, PhasedSchedule):
        return schedule
    try:
        return reg.schedules[schedule]
    except KeyError:
        raise KeyError(f"unknown schedule {schedule!r}; registered: {', '.join(sorted(reg.schedules)) or 'none'}") from None


def _targets(target_years, resolver: Resolver, notices: list[Notice], source: str = "target_years") -> dict[str, int]:
    """County → target year, the names resolved in the schedule's jurisdiction."""
    if target_years is None or len(target_years) == 0:
        return {}
    if isinstance(target_years, pd.DataFrame):
        missing = [c for c in ("county", "target_year") if c not in target_years.columns]
        if missing:
            raise InputError([Problem(None, c, None, "a column of target years (county, target_year)") for c in missing],
                             source=source)
        pairs = list(zip(target_years["county"], target_years["target_year"], strict=True))
    else:
        pairs = list(target_years.items())
    years, _, bad = observations.years_of(pd.Series([y for _, y in pairs], dtype=object))
    problems = [Problem(int(i), "target_year", observations.shown(pairs[i][1]), observations.YEAR_EXPECTED)
                for i in np.flatnonzero(bad | np.isnan(years))]
    if problems:
        raise InputError(problems, source=source)
    names = resolve_column(pd.DataFrame({"county": pd.Series([c for c, _ in pairs], dtype="str")}), resolver,
                           notices, source)["county"]
    return {n: int(y) for n, y in zip(names, years, strict=True)}


def _county_status(counties: pd.DataFrame, as_of: int) -> pd.Categorical:
    target = counties["target_year"].to_numpy(dtype=float, na_value=np.nan)
    got = counties["recognised_year"].to_numpy(dtype=float, na_value=np.nan)
    has_t, has_r = ~np.isnan(target), ~np.isnan(got)
    status = np.select(
        [has_t & has_r & (got < target), has_t & has_r & (got == target), has_t & has_r & (got > target),
         has_t & ~has_r & (as_of >= target), ~has_t & has_r],
        ["early", "on time", "late", "late", "recognised"], default="pending")
    return pd.Categorical(status, categories=list(COUNTY_STATUSES))
