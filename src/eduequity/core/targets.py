"""Metric targets: a county- or jurisdiction-level observation compared with a value, in time.

The truth table (api.md) for a target in year Y with observation v:
no observation → not assessable; Y before ``start`` → no row; v satisfies op →
met (before the deadline too); v fails and Y < deadline → pending; otherwise
not met.
"""

from __future__ import annotations

import attrs
import numpy as np
import pandas as pd

from . import verdicts
from .bounds import FINITE, YEAR, InvalidValue, as_float, boolean
from .rules import OPS, compare
from .sources import Source

_year = attrs.validators.optional(YEAR)


@attrs.frozen
class MetricTarget:
    """A dated commitment on one metric; ``value`` is in the metric's canonical unit.

    ``value`` is any finite number here; the range its metric's kind allows (a share
    in [0, 1]) is checked by the standard, which knows the metric.
    """

    id: str
    metric: str
    op: str = attrs.field(validator=attrs.validators.in_(OPS))
    value: float = attrs.field(converter=as_float, validator=FINITE)
    source: Source
    title: str = ""
    deadline: int | None = attrs.field(default=None, validator=_year)
    start: int | None = attrs.field(default=None, validator=_year)
    approximate: bool = attrs.field(default=False, validator=boolean)
    scope: str = attrs.field(default="county", validator=attrs.validators.in_(("county", "jurisdiction")))
    level: str | None = attrs.field(default=None, validator=attrs.validators.in_((None, "primary", "junior")))
    lead_unit: str = ""
    partner_units: tuple[str, ...] = ()
    veto: bool = attrs.field(default=False, validator=boolean)

    def __attrs_post_init__(self) -> None:
        # Two years swapped, most likely: as written the target is never pending, only late.
        if self.deadline is not None and self.start is not None and self.deadline < self.start:
            raise InvalidValue(f"target {self.id!r}: deadline {self.deadline} is before start {self.start}; "
                               "expected a deadline in or after the start year")


TARGET_COLUMNS = ["target", "year", "county", "level", "metric", "value", "op", "required",
                  "deadline", "approximate", "status", "passed"]


def judge(targets, observations: pd.DataFrame, places: pd.DataFrame, jurisdiction: str) -> pd.DataFrame:
    """One row per (target, year, place) with its status, for all targets at once.

    ``places`` holds the (year, county) pairs county-scope targets are judged
    for; jurisdiction-scope targets are judged once a year under the
    jurisdiction's id, for every year of the places or of the observations.
    Rows are index arrays into the places until the frame is built, and only the
    rows of metrics that were observed at all go through a merge.
    """
    if not targets:
        return empty()
    years = np.union1d(places["year"].to_numpy(), observations["year"].to_numpy())
    place_year = np.concatenate([places["year"].to_numpy(), years]).astype(np.int64)
    place_name = pd.array(np.concatenate([places["county"].to_numpy(dtype=object),
                                          np.full(len(years), jurisdiction, dtype=object)]), dtype="str")
    county_places = np.arange(len(places))
    jur_places = np.arange(len(places), len(place_year))
    which, where = [], []  # the target and the place of each row
    for i, t in enumerate(targets):
        at = county_places if t.scope == "county" else jur_places
        if t.start is not None:
            at = at[place_year[at] >= t.start]
        which.append(np.full(len(at), i))
        where.append(at)
    which, where = np.concatenate(which), np.concatenate(where)
    year, county = place_year[where], place_name.take(where)

    def text(attr: str) -> pd.api.extensions.ExtensionArray:  # one conversion per target, not per row
        return pd.array([getattr(t, attr) for t in targets], dtype="str").take(which)

    metric, level = text("metric"), text("level")
    value = np.full(len(which), np.nan)
    observed = np.isin([t.metric for t in targets], observations["metric"].unique())
    if observed.any():
        rows = np.flatnonzero(observed[which])
        keys = pd.DataFrame({"year": year[rows], "county": np.asarray(county.take(rows), dtype=object),
                             "metric": np.asarray(metric.take(rows), dtype=object), "level": level.take(rows)})
        obs = observations[["year", "county", "metric", "level", "value"]].astype({"county": object})
        value[rows] = keys.merge(obs, on=["year", "county", "metric", "level"], how="left",
                                 sort=False, validate="many_to_one")["value"].to_numpy(dtype="float64")
    known = ~np.isnan(value)
    required = np.asarray([float(t.value) for t in targets])[which]
    sat = np.zeros(len(which), dtype=bool)
    if known.any():
        op = np.asarray([OPS.index(t.op) for t in targets], dtype=np.int8)[which]
        for i, o in enumerate(OPS):  # five comparisons, each over all rows that use it
            use = op == i
            sat[use] = compare(o, value[use], required[use])
    deadline = pd.array([t.deadline for t in targets], dtype="Int64").take(which)
    early = year < deadline.to_numpy(dtype=float, na_value=np.nan)  # False where there is no deadline
    pending = known & ~sat & early
    passed = verdicts.boolean(sat, known=known & ~pending)
    return pd.DataFrame({
        "target": text("id"), "year": year, "county": county, "level": level, "metric": metric,
        "value": value, "op": text("op"), "required": required, "deadline": deadline,
        "approximate": np.array([t.approximate for t in targets], dtype=bool)[which],
        "status": verdicts.status(passed, pending=pending), "passed": passed,
    })


def empty() -> pd.DataFrame:
    return pd.DataFrame({
        "target": pd.Series(dtype="str"), "year": pd.Series(dtype="int64"), "county": pd.Series(dtype="str"),
        "level": pd.Series(dtype="str"), "metric": pd.Series(dtype="str"), "value": pd.Series(dtype="float64"),
        "op": pd.Series(dtype="str"), "required": pd.Series(dtype="float64"), "deadline": pd.Series(dtype="Int64"),
        "approximate": pd.Series(dtype="bool"), "status": pd.Series(pd.Categorical([], dtype=verdicts.STATUS_DTYPE)),
        "passed": pd.Series(dtype="boolean"),
    })
