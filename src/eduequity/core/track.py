"""``ee.track``: recognitions against a phased schedule, milestone by milestone.

A recognition counts in its inspection year; a county counts once, from its
first recognition of the schedule's kind. Nothing after ``as_of`` is known.
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

from .errors import InputError, Problem
from .jurisdictions import closest
from .recognitions import read_recognitions
from .registry import Registry, registry as default_registry
from .schedules import PhasedSchedule

MILESTONE_STATUSES = ("met", "missed", "on track", "behind")
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

    FRAMES = ("milestones", "counties", "cumulative")

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

    ``as_of`` defaults to the latest recognition year. ``target_years`` (a
    mapping or a frame of county, target_year) gives each county's own year
    from the plan's annex, when the user has it.
    """
    reg = registry or default_registry()
    sched = _schedule(schedule, reg)
    rec = read_recognitions(recognitions)
    names = reg.counties(sched.jurisdiction)  # name or alias -> County; empty: any name
    canon = {n: c.name for n, c in names.items()}
    rec = rec[rec["kind"] == sched.recognition]
    rec = rec.assign(county=_resolve(rec["county"], canon, "recognitions", sched.jurisdiction))
    targets = _targets(target_years, canon, sched.jurisdiction)
    if as_of is None:
        as_of = int(rec["year"].max()) if len(rec) else sched.start
    first = rec[rec["year"] <= as_of].groupby("county")["year"].min()

    universe = sorted({c.name for c in names.values()} | set(rec["county"]) | set(targets))
    years_recognised = first.reindex(universe)
    elapsed = max(as_of - sched.start + 1, 1)
    achieved_now = int(first.size)
    pace = achieved_now / elapsed

    ms = pd.DataFrame({"year": [m.year for m in sched.milestones],
                       "required": [m.count for m in sched.milestones]})
    ms["share"] = ms["required"] / sched.total
    upto = np.minimum(ms["year"].to_numpy(), as_of)
    rec_years = np.sort(first.to_numpy())
    ms["achieved"] = np.searchsorted(rec_years, upto, side="right")
    reached = ms["achieved"] >= ms["required"]
    projected = achieved_now + pace * (ms["year"] - as_of)
    due = ms["year"] <= as_of
    ms["status"] = np.where(due, np.where(reached, "met", "missed"),
                            np.where(reached | (projected >= ms["required"]), "on track", "behind"))
    ms["missing"] = np.maximum(ms["required"] - ms["achieved"], 0)
    # Names joined with 、 (one string per milestone): readable in reports, lossless in JSON.
    ms["recognised"] = pd.array(["、".join(sorted(first.index[first <= y])) for y in upto], dtype="str")
    ms["unrecognised"] = pd.array(["、".join(c for c in universe if not (years_recognised.get(c, np.nan) <= y))
                                   for y in upto], dtype="str")

    last = sched.milestones[-1].count
    if achieved_now >= last:
        projected_year: int | None = int(rec_years[last - 1]) if last else sched.start
    elif pace > 0:
        projected_year = as_of + math.ceil((last - achieved_now) / pace)
    else:
        projected_year = None

    counties = pd.DataFrame({"county": universe})
    counties["target_year"] = pd.array([targets.get(c) for c in universe], dtype="Int64")
    counties["recognised_year"] = pd.array(years_recognised.to_numpy(), dtype="Int64")
    counties["status"] = _county_status(counties, as_of)

    horizon = max(sched.milestones[-1].year, as_of)
    first_year = min([sched.start, *rec_years.astype(int)])  # a recognition before the plan still counts
    years = np.arange(first_year, horizon + 1)
    per_year = pd.Series(rec_years).value_counts().reindex(years, fill_value=0).to_numpy()
    cum = np.cumsum(per_year).astype(float)
    cum[years > as_of] = np.nan
    planned = np.zeros(len(years), dtype=np.int64)
    for m in sched.milestones:  # a handful of milestones
        planned[years >= m.year] = m.count
    cumulative = pd.DataFrame({"year": years, "recognised": per_year, "cumulative": cum, "planned": planned})

    return TrackResult(sched, int(as_of), float(pace), projected_year, ms, counties, cumulative)


def _schedule(schedule: str | PhasedSchedule, reg: Registry) -> PhasedSchedule:
    if isinstance(schedule, PhasedSchedule):
        return schedule
    try:
        return reg.schedules[schedule]
    except KeyError:
        raise KeyError(f"unknown schedule {schedule!r}; registered: {', '.join(sorted(reg.schedules)) or 'none'}") from None


def _resolve(county: pd.Series, canon: dict[str, str], source: str, jurisdiction: str) -> pd.Series:
    """Canonical county names; an unknown name is an InputError suggesting the closest."""
    if not canon:
        return county
    bad = ~county.isin(list(canon)).to_numpy()
    if bad.any():
        known = list(canon)
        raise InputError([
            Problem(int(i), "county", name, f"a county of {jurisdiction} (closest: {', '.join(closest(name, known)) or 'none'})")
            for i, name in zip(np.flatnonzero(bad), county.to_numpy()[bad], strict=True)
        ], source=source)
    return county.map(canon)


def _targets(target_years, canon: dict[str, str], jurisdiction: str) -> dict[str, int]:
    if target_years is None:
        return {}
    if isinstance(target_years, pd.DataFrame):
        missing = [c for c in ("county", "target_year") if c not in target_years.columns]
        if missing:
            raise InputError([Problem(None, c, None, "a column of target years (county, target_year)") for c in missing],
                             source="target_years")
        pairs = list(zip(target_years["county"], target_years["target_year"], strict=True))
    else:
        pairs = list(target_years.items())
    problems = [Problem(i, "target_year", y, "a whole year") for i, (_, y) in enumerate(pairs)
                if not isinstance(y, int | np.integer) and not (isinstance(y, float) and float(y).is_integer())]
    if problems:
        raise InputError(problems, source="target_years")
    names = _resolve(pd.Series([c for c, _ in pairs], dtype="str"), canon, "target_years", jurisdiction)
    return {n: int(y) for n, (_, y) in zip(names, pairs, strict=True)}


def _county_status(counties: pd.DataFrame, as_of: int) -> pd.Categorical:
    target = counties["target_year"].to_numpy(dtype=float, na_value=np.nan)
    got = counties["recognised_year"].to_numpy(dtype=float, na_value=np.nan)
    has_t, has_r = ~np.isnan(target), ~np.isnan(got)
    status = np.select(
        [has_t & has_r & (got < target), has_t & has_r & (got == target), has_t & has_r & (got > target),
         has_t & ~has_r & (as_of >= target), ~has_t & has_r],
        ["early", "on time", "late", "late", "recognised"], default="pending")
    return pd.Categorical(status, categories=list(COUNTY_STATUSES))
