"""Recognitions: which county passed which inspection in which year.

A recognition counts in the year of the inspection (the national list is
published early the next year); ``list_year`` keeps the publication year when
the data has it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .columns import RECOGNITION_KINDS
from .errors import InputError, Problem
from .observations import YEAR_EXPECTED, shown, texts_of, years_of

KINDS = RECOGNITION_KINDS


def read_recognitions(source: pd.DataFrame | None) -> pd.DataFrame | None:
    """Validate ``county, year`` (+ ``kind``, default basic-balance, + ``list_year``)."""
    if source is None:
        return None
    problems: list[Problem] = []
    for c in ("county", "year"):
        if c not in source.columns:
            problems.append(Problem(None, c, None, "a column of recognitions (county, year[, kind, list_year])"))
    for c in source.columns:
        if c not in ("county", "year", "kind", "list_year"):
            problems.append(Problem(None, c, None, "only county, year, kind, list_year"))
    if problems:
        raise InputError(problems, source="recognitions")
    df = source.reset_index(drop=True)
    pos = np.arange(len(df))

    def bad_cells(mask: np.ndarray, column: str, expected: str) -> None:
        problems.extend(Problem(int(i), column, shown(df[column].iat[i]), expected) for i in pos[mask])

    county, blank, bad = texts_of(df["county"])
    bad_cells(blank | bad, "county", "a county name (text)")
    year, blank, bad = years_of(df["year"])
    bad_cells(blank | bad, "year", f"the inspection year, {YEAR_EXPECTED}")
    kind = pd.Series("basic-balance", index=df.index, dtype="str")
    if "kind" in df:
        given, blank, bad = texts_of(df["kind"])
        kind = given.where(~blank, "basic-balance")
        bad_cells(bad | ~np.asarray(kind.isin(KINDS)), "kind", "one of " + ", ".join(KINDS) + ", or blank (basic-balance)")
    out = pd.DataFrame({"county": county, "year": year, "kind": kind})
    if "list_year" in df:
        listed, blank, bad = years_of(df["list_year"])
        with np.errstate(invalid="ignore"):
            early = ~blank & ~bad & (listed < year)
        bad_cells(bad | early, "list_year", f"the year the list was published: {YEAR_EXPECTED}, not before the "
                  "inspection year, or blank")
        out["list_year"] = pd.array(listed, dtype="Int64")
    if problems:
        raise InputError(sorted(problems, key=lambda p: (p.row is None, p.row or 0)), source="recognitions")
    out["year"] = out["year"].astype("int64")
    return out


def first_year(recognitions: pd.DataFrame, kind: str) -> pd.Series:
    """Each county's first recognition of ``kind``, indexed by county."""
    r = recognitions[recognitions["kind"] == kind]
    return r.groupby("county")["year"].min()
