"""Metric targets: a county- or jurisdiction-level observation compared with a value, in time.

The truth table (api.md) for a target in year Y with observation v:
no observation → not assessable; Y before ``start`` → no row; v satisfies op →
met (before the deadline too); v fails and Y < deadline → pending; otherwise
not met. All targets of a standard are judged at once: rows are index arrays into
the places until the frame is built, and only metrics observed at all go through
a merge.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import attrs
import numpy as np
import pandas as pd

from ..core import verdicts
from ..core.bounds import FINITE, YEAR, InvalidValue, OneOf, as_float, boolean
from ..core.metrics import TARGET_VALUES
from ..core.sources import Source
from .base import Context, Criterion, Outcome, Slot, target_rows
from .limits import OPS, compare

_year = attrs.validators.optional(YEAR)


@attrs.frozen
class MetricTarget(Criterion):
    """A dated commitment on one metric; ``value`` is in the metric's canonical unit.

    ``value`` is any finite number here; the range its metric's kind allows (a share
    in [0, 1]) is checked with the standard, which knows the metric.
    """

    KIND: ClassVar[str] = "target"
    NOUN: ClassVar[str] = "target"
    id: str
    metric: str
    op: str = attrs.field(validator=OneOf(OPS))
    value: float = attrs.field(converter=as_float, validator=FINITE)
    source: Source
    title: str = ""
    deadline: int | None = attrs.field(default=None, validator=_year)
    start: int | None = attrs.field(default=None, validator=_year)
    approximate: bool = attrs.field(default=False, validator=boolean)
    scope: str = attrs.field(default="county", validator=OneOf(("county", "jurisdiction")))
    level: str | None = attrs.field(default=None, validator=OneOf(("primary", "junior", None)))
    lead_unit: str = ""
    partner_units: tuple[str, ...] = ()
    veto: bool = attrs.field(default=False, validator=boolean)
    title_en: str = ""  # the title an English report shows (``title`` where blank)

    def __attrs_post_init__(self) -> None:
        # Two years swapped, most likely: as written the target is never pending, only late.
        if self.deadline is not None and self.start is not None and self.deadline < self.start:
            raise InvalidValue(f"target {self.id!r}: deadline {self.deadline} is before start {self.start}; "
                               "expected a deadline in or after the start year")

    def needs(self) -> frozenset[str]:
        return frozenset({"metrics"})

    def supplies(self) -> str:
        return "metric"

    def check(self, standard: Any) -> None:
        kinds = {m.key: m.kind for m in standard.metrics}
        if self.metric not in kinds:
            raise ValueError(f"target {self.id!r} measures {self.metric!r}, which standard {standard.id!r} "
                             "does not define")
        if (allowed := TARGET_VALUES.get(kinds[self.metric])) is not None:
            allowed.check(self.value, f"target {self.id!r} value ({kinds[self.metric]} {self.metric!r})")

    def slots(self) -> list[Slot]:
        return [Slot(self.id, "target", self.value)]

    def overridden(self, key: str, value: Any) -> MetricTarget | None:
        if key == self.id:
            return attrs.evolve(self, value=value)
        return super().overridden(key, value)

    @classmethod
    def judge(cls, criteria: Sequence[MetricTarget], ctx: Context) -> list[Outcome]:
        """One outcome for all the targets: one row per (target, year, place)."""
        if not criteria:
            return []
        return [Outcome(criteria[0].id, rows=rows(criteria, ctx.observations, ctx.places, ctx.jurisdiction))]


def rows(criteria: Sequence[MetricTarget], observations: pd.DataFrame, places: pd.DataFrame,
         jurisdiction: str) -> pd.DataFrame:
    """The rows of ``ev.targets`` for these targets: county-scope ones at each of ``places``
    (year, county), jurisdiction-scope ones once a year under ``jurisdiction``."""
    which, year, county = _rows(criteria, observations, places, jurisdiction)
    metric = _text(criteria, "metric", which)
    level = _text(criteria, "level", which)
    value = _observed(criteria, observations, which, year, county, metric, level)
    known = ~np.isnan(value)
    required = np.asarray([float(t.value) for t in criteria])[which]
    sat = np.zeros(len(which), dtype=bool)
    if known.any():
        op = np.asarray([OPS.index(t.op) for t in criteria], dtype=np.int8)[which]
        for i, o in enumerate(OPS):  # five comparisons, each over all rows that use it
            use = op == i
            sat[use] = compare(o, value[use], required[use])
    deadline = pd.array([t.deadline for t in criteria], dtype="Int64").take(which)
    early = year < deadline.to_numpy(dtype=float, na_value=np.nan)  # False where there is no deadline
    pending = known & ~sat & early
    passed = verdicts.boolean(sat, known=known & ~pending)
    return target_rows(_text(criteria, "id", which), year, county, level, metric, value, _text(criteria, "op", which),
                       required, passed, deadline=deadline, pending=pending,
                       approximate=np.array([t.approximate for t in criteria], dtype=bool)[which])


def _rows(criteria: Sequence[MetricTarget], observations: pd.DataFrame, places: pd.DataFrame,
          jurisdiction: str) -> tuple[np.ndarray, np.ndarray, Any]:
    """(target index, year, place) of every row: county-scope targets at each place,
    jurisdiction-scope ones once a year under the jurisdiction's id; none before a start."""
    years = np.union1d(places["year"].to_numpy(), observations["year"].to_numpy())
    place_year = np.concatenate([places["year"].to_numpy(), years]).astype(np.int64)
    place_name = pd.array(np.concatenate([places["county"].to_numpy(dtype=object),
                                          np.full(len(years), jurisdiction, dtype=object)]), dtype="str")
    county_places = np.arange(len(places))
    jur_places = np.arange(len(places), len(place_year))
    which, where = [], []
    for i, t in enumerate(criteria):
        at = county_places if t.scope == "county" else jur_places
        if t.start is not None:
            at = at[place_year[at] >= t.start]
        which.append(np.full(len(at), i))
        where.append(at)
    which_all, where_all = np.concatenate(which), np.concatenate(where)
    return which_all, place_year[where_all], place_name.take(where_all)


def _text(criteria: Sequence[MetricTarget], attr: str, which: np.ndarray) -> Any:
    """A text field of each row's target: one conversion per target, not per row."""
    return pd.array([getattr(t, attr) for t in criteria], dtype="str").take(which)


def _observed(criteria: Sequence[MetricTarget], observations: pd.DataFrame, which: np.ndarray, year: np.ndarray,
              county: Any, metric: Any, level: Any) -> np.ndarray:
    """The observed value of each row (NaN where none), merging only rows of observed metrics."""
    value = np.full(len(which), np.nan)
    observed = np.isin([t.metric for t in criteria], observations["metric"].unique())
    if observed.any():
        rows = np.flatnonzero(observed[which])
        keys = pd.DataFrame({"year": year[rows], "county": np.asarray(county.take(rows), dtype=object),
                             "metric": np.asarray(metric.take(rows), dtype=object), "level": level.take(rows)})
        obs = observations[["year", "county", "metric", "level", "value"]].astype({"county": object})
        value[rows] = keys.merge(obs, on=["year", "county", "metric", "level"], how="left",
                                 sort=False, validate="many_to_one")["value"].to_numpy(dtype="float64")
    return value
