"""Phased schedules: "10 counties by 2015, 30 by 2017, all 60 by 2020".

A schedule is data, like a standard, and complete data: milestones with the
count required by a year (the count governs; the share is shown), the kind of
recognition that counts, the units that lead and share the work, each county's
own target year where the plan's annex gives one, and the source of each.
``track`` (track.py) compares recognitions with it.
"""

from __future__ import annotations

from collections import Counter
from typing import NewType

import attrs

from .bounds import COUNT, POSITIVE_COUNT, YEAR, InvalidValue, OneOf
from .columns import RECOGNITION_KINDS as KINDS
from .sources import Source


@attrs.frozen
class Milestone:
    """By ``year`` (statistical year, inclusive), at least ``count`` counties recognised."""

    year: int = attrs.field(validator=YEAR)
    count: int = attrs.field(validator=COUNT)
    source: Source | None = None


@attrs.frozen
class CountyTarget:
    """One county's own year in the plan (its annex's 分年度目标): recognised by ``year``.

    ``county`` is the county's name (or an alias) in the schedule's jurisdiction;
    ``source`` where the year is written, when not the schedule's own source.
    """

    county: str = attrs.field()
    year: int = attrs.field(validator=YEAR)
    source: Source | None = None

    @county.validator
    def _named(self, attribute, value) -> None:
        if not value.strip():
            raise InvalidValue(f"county target year {self.year!r} county: got {value!r}; expected a county's name")


#: A schedule's county target years. In a file either a list of tables
#: (``[[target_years]]`` with ``county``, ``year`` and optionally ``source``) or one table
#: of county = year (``[target_years]`` then ``"东区" = 2015``).
CountyTargets = NewType("CountyTargets", tuple[CountyTarget, ...])


@attrs.frozen
class PhasedSchedule:
    """A jurisdiction's plan of counties to be recognised, milestone by milestone.

    ``start`` is the plan's base year, from which the pace of recognition is
    measured; ``total`` the number of counties the plan covers (for shares);
    ``recognition`` the one kind of recognition the plan counts. ``target_years``
    are the counties' own years, where the plan gives them; ``lead_unit`` and
    ``partner_units`` the units responsible (牵头单位, 配合单位), as for targets.
    """

    id: str
    title: str
    jurisdiction: str
    recognition: str = attrs.field(validator=OneOf(KINDS))
    start: int = attrs.field(validator=YEAR)
    total: int = attrs.field(validator=POSITIVE_COUNT)
    milestones: tuple[Milestone, ...] = attrs.field()
    source: Source
    title_en: str = ""
    target_years: CountyTargets = attrs.field(default=(), converter=tuple)
    lead_unit: str = ""
    partner_units: tuple[str, ...] = ()

    @milestones.validator
    def _ordered(self, attribute, value) -> None:
        years = [m.year for m in value]
        counts = [m.count for m in value]
        if not value:
            raise ValueError(f"schedule {self.id!r} has no milestones")
        if years != sorted(set(years)) or counts != sorted(counts):
            raise ValueError(f"schedule {self.id!r}: milestones must rise in year and count, got {list(zip(years, counts, strict=True))}")
        if counts[-1] > self.total:
            raise ValueError(f"schedule {self.id!r}: a milestone requires {counts[-1]} of only {self.total} counties")
        if years[0] < self.start:
            raise ValueError(f"schedule {self.id!r}: milestone {years[0]} before the plan's start {self.start}")

    @target_years.validator
    def _within_the_plan(self, attribute, value) -> None:
        """Each county once, in the plan's years; a complete annex (every county) meets the milestones."""
        where = f"schedule {self.id!r} target_years"
        twice = sorted(c for c, n in Counter(t.county for t in value).items() if n > 1)
        if twice:
            raise InvalidValue(f"{where}: {'、'.join(twice)} given twice; expected each county once")
        if len(value) > self.total:
            raise InvalidValue(f"{where}: {len(value)} counties; expected at most the plan's total, {self.total}")
        last = max((m.year for m in self.milestones), default=self.start)
        for t in value:
            if not self.start <= t.year <= last:
                raise InvalidValue(f"{where}: {t.county} {t.year}; expected a year of the plan, {self.start} to {last}")
        if len(value) == self.total:
            for m in self.milestones:
                due = sum(t.year <= m.year for t in value)
                if due < m.count:
                    raise InvalidValue(f"{where}: the counties' years put {due} counties by {m.year}, but the "
                                       f"milestone requires {m.count}; expected years that meet every milestone")
