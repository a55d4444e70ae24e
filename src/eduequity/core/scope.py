"""Which schools a standard counts: exclusions by school type, ownership and sponsor.

教督〔2012〕3号 leaves out teaching points, private schools, schools the province
or city runs, special-education and vocational schools. Every row left out is
listed in ``ev.excluded`` with the first reason that applies: nothing vanishes.
"""

from __future__ import annotations

import attrs
import numpy as np
import pandas as pd

from .bounds import OneOf
from .columns import LEVELS
from .kernel import distinct
from .sources import Source

#: The key columns of ``ev.excluded`` (with the school's name and type where the input has them).
EXCLUDED_KEYS = ["row", "year", "county", "school_id", "level"]


@attrs.frozen
class Exclusion:
    """Schools a standard leaves out, by the value of a descriptive column, with the reason."""

    column: str = attrs.field(validator=OneOf(("school_type", "ownership", "sponsor")))
    values: tuple[str, ...]
    reason: str
    source: Source


def exclude(frame: pd.DataFrame, exclusions: tuple[Exclusion, ...]
            ) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray | None]:
    """(the rows left out with their reasons, the (year, county, level) of the sections left
    out, the mask of sections kept — None when all are)."""
    which = np.zeros(len(frame), dtype=np.int16)  # 0: kept, i: the i-th exclusion (1-based)
    for i, ex in enumerate(exclusions, start=1):
        if ex.column in frame.columns:
            which[frame[ex.column].isin(ex.values).to_numpy() & (which == 0)] = i
    out = which > 0
    reasons = np.array([""] + [f"{ex.reason} [{ex.source.cite()}]" for ex in exclusions], dtype=object)
    cols = [c for c in EXCLUDED_KEYS + ["school_name", "school_type"] if c in frame.columns]
    excluded = (frame.loc[out, cols].assign(reason=reasons[which[out]]).drop_duplicates("row")
                .sort_values(["year", "county", "school_id", "level"], kind="stable",
                             key=lambda c: c.astype("str") if c.name in ("county", "school_id") else c)
                .reset_index(drop=True))
    return excluded, places_of(frame, out), (~out if out.any() else None)


def places_of(frame: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """The distinct (year, county, level) of the selected rows, by one packed integer key (a mixed
    school's excluded row is two sections, of two levels)."""
    county = frame["county"].cat
    year = frame["year"].to_numpy()[rows].astype(np.int64)
    y0, width = (int(year.min()) if len(year) else 0), max(len(county.categories), 1)
    key = distinct(((year - y0) * width + county.codes.to_numpy()[rows]) * len(LEVELS)
                    + frame["level"].cat.codes.to_numpy()[rows])
    return pd.DataFrame({"year": y0 + key // (width * len(LEVELS)),
                         "county": np.asarray(county.categories, dtype=object)[(key // len(LEVELS)) % width],
                         "level": np.asarray(LEVELS, dtype=object)[key % len(LEVELS)]})
