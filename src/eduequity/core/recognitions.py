"""Recognitions: which county passed which inspection in which year.

A recognition counts in the year of the inspection (the national list is
published early the next year); ``list_year`` keeps the publication year when
the data has it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import InputError, Problem

KINDS = ("basic-balance", "quality-balance", "preliminary", "provincial")


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
    county = df["county"].astype("str").str.strip()
    bad = (df["county"].isna() | (county == "")).to_numpy()
    problems += [Problem(int(i), "county", df["county"].iat[i], "a county name") for i in pos[bad]]
    year = pd.to_numeric(df["year"], errors="coerce")
    bad = (year.isna() | (year % 1 != 0)).to_numpy()
    problems += [Problem(int(i), "year", df["year"].iat[i], "the inspection year, a whole number") for i in pos[bad]]
    kind = (df["kind"].astype("str").str.strip().where(df["kind"].notna(), "basic-balance")
            if "kind" in df else pd.Series("basic-balance", index=df.index))
    bad = (~kind.isin(KINDS)).to_numpy()
    problems += [Problem(int(i), "kind", df["kind"].iat[i], "one of " + ", ".join(KINDS)) for i in pos[bad]]
    out = pd.DataFrame({"county": county, "year": year, "kind": kind})
    if "list_year" in df:
        out["list_year"] = pd.to_numeric(df["list_year"], errors="coerce").astype("Int64")
    if problems:
        raise InputError(problems, source="recognitions")
    out["year"] = out["year"].astype("int64")
    return out


def first_year(recognitions: pd.DataFrame, kind: str) -> pd.Series:
    """Each county's first recognition of ``kind``, indexed by county."""
    r = recognitions[recognitions["kind"] == kind]
    return r.groupby("county")["year"].min()
