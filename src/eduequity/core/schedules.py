"""Phased schedules: "10 counties by 2015, 30 by 2017, all 60 by 2020".

A schedule is data, like a standard: milestones with the count required by a
year (the count governs; the share is shown), the kind of recognition that
counts, and the source. ``track`` (track.py) compares recognitions with it.
"""

from __future__ import annotations

import attrs

from .bounds import COUNT, POSITIVE_COUNT, YEAR, OneOf
from .columns import RECOGNITION_KINDS as KINDS
from .sources import Source


@attrs.frozen
class Milestone:
    """By ``year`` (statistical year, inclusive), at least ``count`` counties recognised."""

    year: int = attrs.field(validator=YEAR)
    count: int = attrs.field(validator=COUNT)
    source: Source | None = None


@attrs.frozen
class PhasedSchedule:
    """A jurisdiction's plan of counties to be recognised, milestone by milestone.

    ``start`` is the plan's base year, from which the pace of recognition is
    measured; ``total`` the number of counties the plan covers (for shares).
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
