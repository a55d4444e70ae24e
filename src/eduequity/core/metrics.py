"""County- and jurisdiction-level observations (``metrics=``) and what they measure.

Observations come in long form, ``year, county, metric, value`` (+ ``level``).
Shares are fractions; yes/no metrics are 1/0; a comparison with another
quantity is a ratio. The kind is what lets the boundary reject 96.5 given for
a share.
"""

from __future__ import annotations

import attrs
import numpy as np
import pandas as pd

from .bounds import YEAR_MAX, YEAR_MIN, Range
from .errors import InputError, Problem
from .observations import YEAR_EXPECTED, numbers_of, shown as _shown, texts_of, years_of

KINDS = ("share", "ratio", "yes/no", "quantity", "count", "score", "year")

#: The values a target may compare a metric of each kind with. Quantities and scores
#: are the document's to choose (any finite number, as every target value is).
TARGET_VALUES: dict[str, Range] = {
    "share": Range(0, 1, why="a share is a fraction: 0.965, not 96.5"),
    "yes/no": Range(choices=(0, 1), why="1 for yes, 0 for no"),
    "ratio": Range(0, why="a ratio of two amounts"),
    "count": Range(0, why="a number of things"),
    "year": Range(YEAR_MIN, YEAR_MAX, why="a statistical year"),
}


@attrs.frozen
class Metric:
    """What an observation measures: a key, its labels, its kind and canonical unit."""

    key: str
    zh: str
    en: str
    kind: str = attrs.field(validator=attrs.validators.in_(KINDS))
    unit: str = ""


_REQUIRED = ("year", "county", "metric", "value")


def read_metrics(source: pd.DataFrame | None, known: dict[str, Metric] | None = None) -> pd.DataFrame:
    """Validate observations into ``year, county, level, metric, value``; every problem at once.

    ``known`` maps metric keys to their definitions; values of known share and
    yes/no metrics are range-checked. Unknown metrics are kept: another
    standard may use them.
    """
    cols = ["year", "county", "level", "metric", "value"]
    if source is None:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in
                             zip(cols, ["int64", "str", "str", "str", "float64"], strict=True)})
    if not isinstance(source, pd.DataFrame):
        source = pd.read_csv(source, dtype=str, encoding="utf-8-sig")
    problems: list[Problem] = []
    missing = [c for c in _REQUIRED if c not in source.columns]
    for c in missing:
        problems.append(Problem(None, c, None, "a column of metric observations (year, county, metric, value)"))
    unknown = [c for c in source.columns if c not in cols]
    for c in unknown:
        problems.append(Problem(None, c, None, "only year, county, level, metric, value"))
    if problems:
        raise InputError(problems, source="metrics")
    df = source.reset_index(drop=True)
    pos = np.arange(len(df))

    def bad_cells(mask: np.ndarray, column: str, expected: str) -> None:
        problems.extend(Problem(int(i), column, _shown(df[column].iat[i]), expected) for i in pos[mask])

    year, blank, bad = years_of(df["year"])
    bad_cells(blank | bad, "year", YEAR_EXPECTED)
    value, blank, bad = numbers_of(df["value"])
    bad_cells(blank | bad, "value", "a finite number (a share as a fraction, yes/no as 1 or 0)")
    county, blank, bad = texts_of(df["county"])
    bad_cells(blank | bad, "county", "a county name or a jurisdiction id (text)")
    metric, blank, bad = texts_of(df["metric"])
    bad_cells(blank | bad, "metric", "a metric key (text)")
    level = pd.Series(pd.NA, index=df.index, dtype="str")
    if "level" in df:
        level, blank, bad = texts_of(df["level"])
        level = level.replace({"小学": "primary", "初中": "junior"})
        bad_cells(bad | (~blank & ~np.asarray(level.isin(["primary", "junior"]))), "level", "primary, junior or blank")
    value = pd.Series(value, index=df.index)
    for key, m in (known or {}).items():
        rows = (metric == key).to_numpy()
        if m.kind == "share":
            bad = rows & ((value < 0) | (value > 1)).to_numpy()
            problems += [Problem(int(i), "value", value.iat[i], f"a share of {key} as a fraction in [0, 1] (0.965, not 96.5)")
                         for i in pos[bad]]
        elif m.kind == "yes/no":
            bad = rows & value.notna().to_numpy() & ~value.isin([0, 1]).to_numpy()
            problems += [Problem(int(i), "value", value.iat[i], f"1 (yes) or 0 (no) for {key}") for i in pos[bad]]
    out = pd.DataFrame({"year": year, "county": county, "level": level, "metric": metric, "value": value})
    dup = out.duplicated(["year", "county", "level", "metric"], keep=False).to_numpy()
    problems += [Problem(int(i), "metric", out["metric"].iat[i],
                         "one observation per (year, county, level, metric)") for i in pos[dup]]
    if problems:
        raise InputError(sorted(problems, key=lambda p: (p.row is None, p.row or 0)), source="metrics")
    out["year"] = out["year"].astype("int64")
    return out
