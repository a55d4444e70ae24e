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
    """One row per (target, year, place) with its status, vectorised per target.

    ``places`` holds the (year, county) pairs county-scope targets are judged
    for; jurisdiction-scope targets are judged once a year under the
    jurisdiction's id, for every year of the places or of the observations.
    """
    years = pd.DataFrame({"year": np.union1d(places["year"].to_numpy(), observations["year"].to_numpy())})
    years["county"] = jurisdiction
    parts = []
    for t in targets:
        base = places if t.scope == "county" else years
        if t.start is not None:
            base = base[base["year"] >= t.start]
        obs = observations[(observations["metric"] == t.metric)
                           & (observations["level"].isna() if t.level is None else observations["level"] == t.level)]
        m = base.merge(obs[["year", "county", "value"]], on=["year", "county"], how="left")
        v = m["value"].to_numpy(dtype="float64")
        known = ~np.isnan(v)
        sat = compare(t.op, v, t.value)
        early = (m["year"].to_numpy() < t.deadline) if t.deadline is not None else np.zeros(len(m), bool)
        pending = known & ~sat & early
        passed = verdicts.boolean(sat, known=known & ~pending)
        parts.append(pd.DataFrame({
            "target": t.id, "year": m["year"].to_numpy(), "county": m["county"].to_numpy(),
            "level": pd.Series([t.level] * len(m), dtype="str"), "metric": t.metric, "value": v, "op": t.op, "required": t.value,
            "deadline": pd.array([t.deadline] * len(m), dtype="Int64"), "approximate": t.approximate,
            "status": verdicts.status(passed, pending=pending), "passed": passed,
        }))
    if not parts:
        return empty()
    return pd.concat(parts, ignore_index=True)


def empty() -> pd.DataFrame:
    return pd.DataFrame({
        "target": pd.Series(dtype="str"), "year": pd.Series(dtype="int64"), "county": pd.Series(dtype="str"),
        "level": pd.Series(dtype="str"), "metric": pd.Series(dtype="str"), "value": pd.Series(dtype="float64"),
        "op": pd.Series(dtype="str"), "required": pd.Series(dtype="float64"), "deadline": pd.Series(dtype="Int64"),
        "approximate": pd.Series(dtype="bool"), "status": pd.Series(pd.Categorical([], dtype=verdicts.STATUS_DTYPE)),
        "passed": pd.Series(dtype="boolean"),
    })
