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
from .rules import OPS, compare
from .sources import Source

@attrs.frozen
class MetricTarget:
    """A dated commitment on one metric; ``value`` is in the metric's canonical unit."""

    id: str
    metric: str
    op: str = attrs.field(validator=attrs.validators.in_(OPS))
    value: float
    source: Source
    title: str = ""
    deadline: int | None = None
    start: int | None = None
    approximate: bool = False
    scope: str = attrs.field(default="county", validator=attrs.validators.in_(("county", "jurisdiction")))
    level: str | None = attrs.field(default=None, validator=attrs.validators.in_((None, "primary", "junior")))
    lead_unit: str = ""
    partner_units: tuple[str, ...] = ()
    veto: bool = False


TARGET_COLUMNS = ["target", "year", "county", "level", "metric", "value", "op", "required",
                  "deadline", "approximate", "status", "passed"]


def judge(targets, observations: pd.DataFrame, places: pd.DataFrame, jurisdiction: str) -> pd.DataFrame:
    """One row per (target, year, place) with its status, for all targets in one merge.

    ``places`` holds the (year, county) pairs county-scope targets are judged
    for; jurisdiction-scope targets are judged once a year under the
    jurisdiction's id, for every year of the places or of the observations.
    """
    if not targets:
        return empty()
    years = np.union1d(places["year"].to_numpy(), observations["year"].to_numpy())
    county_years = (places["year"].to_numpy(), places["county"].to_numpy(dtype=object))
    jur_years = (years, np.full(len(years), jurisdiction, dtype=object))
    # Every (target, year, place) to judge: index arrays only, no frame per target.
    which, year, county = [], [], []
    for i, t in enumerate(targets):
        y, c = county_years if t.scope == "county" else jur_years
        keep = y >= t.start if t.start is not None else np.ones(len(y), bool)
        which.append(np.full(int(keep.sum()), i))
        year.append(y[keep])
        county.append(c[keep])
    which = np.concatenate(which)
    spec = pd.DataFrame({
        "metric": [t.metric for t in targets], "level": pd.array([t.level for t in targets], dtype="str"),
        "op": [t.op for t in targets], "required": [float(t.value) for t in targets],
        "deadline": pd.array([t.deadline for t in targets], dtype="Int64"),
    })
    rows = pd.DataFrame({"_t": which, "year": np.concatenate(year).astype(np.int64),
                         "county": np.concatenate(county).astype(object)})
    rows = rows.join(spec, on="_t")
    obs = observations[["year", "county", "metric", "level", "value"]]
    m = rows.merge(obs, on=["year", "county", "metric", "level"], how="left", sort=False)
    v = m["value"].to_numpy(dtype="float64")
    known = ~np.isnan(v)
    op = m["op"].to_numpy()
    sat = np.zeros(len(m), dtype=bool)
    for o in OPS:  # five comparisons, each over all rows that use it
        use = op == o
        sat[use] = compare(o, v[use], m["required"].to_numpy()[use])
    deadline = m["deadline"].to_numpy(dtype=float, na_value=np.nan)
    early = m["year"].to_numpy() < deadline  # False where there is no deadline (NaN)
    pending = known & ~sat & early
    passed = verdicts.boolean(sat, known=known & ~pending)
    return pd.DataFrame({
        "target": pd.array(np.asarray([t.id for t in targets], dtype=object)[m["_t"].to_numpy()], dtype="str"),
        "year": m["year"].to_numpy(), "county": pd.array(m["county"].to_numpy(), dtype="str"),
        "level": m["level"].astype("str"), "metric": m["metric"].astype("str"), "value": v,
        "op": m["op"].astype("str"), "required": m["required"].to_numpy(), "deadline": m["deadline"].array,
        "approximate": np.array([t.approximate for t in targets], dtype=bool)[m["_t"].to_numpy()],
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
