"""Observation tables: metric observations (``metrics=``) and recognitions, their cells read strictly.

Observations come in long form, ``year, county, metric, value`` (+ ``level``).
Shares are fractions; yes/no metrics are 1/0; a comparison with another
quantity is a ratio. The kind (``core.metrics``) is what lets the boundary
reject 96.5 given for a share. Recognitions say which county passed which
inspection in which year: a recognition counts in the year of the inspection
(the national list is published early the next year); ``list_year`` keeps the
publication year when the data has it.

Observation tables are small (a row per county, year and metric) and typed by
hand or exported from spreadsheets. A value the arithmetic would take in the
wrong sense must stop here: ``True`` is not 1 student-share, ``inf`` is not a
score, a year of -5 or 1e20 is not a year, and a list in a cell is not a name.
Each cell helper returns values plus a mask of the cells that are wrong, so the
caller reports every bad cell at once, with its row and column.
"""

from __future__ import annotations

import numbers
import unicodedata

import numpy as np
import pandas as pd

from ..core.bounds import YEAR_MAX, YEAR_MIN
from ..core.columns import LEVEL_ALIASES, LEVELS, RECOGNITION_KINDS
from ..core.errors import InputError, Problem
from ..core.metrics import Metric


def _is_blank(v: object) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v) or (
        isinstance(v, str) and not v.strip())


def _real(v: object) -> bool:
    """A real number that is not a boolean (bool is an int subclass in Python and in numpy)."""
    return isinstance(v, numbers.Real) and not isinstance(v, bool | np.bool_)


def numbers_of(s: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values, blank, bad): float values (NaN where blank or bad); a cell is bad when it is not
    blank and not a finite real number written as a number or as text."""
    dtype = s.dtype
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_complex_dtype(dtype):
        blank = np.asarray(s.isna())
        return np.full(len(s), np.nan), blank, ~blank
    if getattr(dtype, "kind", "O") in "iuf" and not isinstance(dtype, pd.CategoricalDtype):
        v = s.to_numpy(dtype="float64", na_value=np.nan)
        blank = np.isnan(v)
        bad = ~blank & ~np.isfinite(v)
        return np.where(bad, np.nan, v), blank, bad
    raw = s.astype(object).to_numpy()
    blank = np.fromiter((_is_blank(v) for v in raw), dtype=bool, count=len(raw))
    usable = np.fromiter((isinstance(v, str) or _real(v) for v in raw), dtype=bool, count=len(raw))
    text = pd.Series([unicodedata.normalize("NFKC", v).strip() if isinstance(v, str) else v
                      for v in np.where(usable & ~blank, raw, None)], dtype=object)
    v = pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    bad = ~blank & ~np.isfinite(v)
    return np.where(bad, np.nan, v), blank, bad


def years_of(s: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(years, blank, bad): a year is a whole number from YEAR_MIN to YEAR_MAX."""
    v, blank, bad = numbers_of(s)
    with np.errstate(invalid="ignore"):
        bad |= ~blank & ~bad & ((np.mod(v, 1) != 0) | (v < YEAR_MIN) | (v > YEAR_MAX))
    return np.where(bad, np.nan, v), blank, bad


def texts_of(s: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """(names, blank, bad): stripped text (names are normalised by the county resolver); a cell is
    bad when it is neither blank nor text (a number, a boolean, a list)."""
    raw = s.astype(object).to_numpy()
    blank = np.fromiter((_is_blank(v) for v in raw), dtype=bool, count=len(raw))
    is_text = np.fromiter((isinstance(v, str) for v in raw), dtype=bool, count=len(raw)) & ~blank
    names = pd.Series([v.strip() if ok else None for v, ok in zip(raw, is_text, strict=True)], index=s.index,
                      dtype="str")
    return names, blank, ~blank & ~is_text


def shown(value: object) -> object:
    """A cell as a problem shows it: a blank as None, a numpy scalar as the Python one."""
    if _is_blank(value):
        return None
    return value.item() if isinstance(value, np.generic) else value


YEAR_EXPECTED = f"a whole-number year from {YEAR_MIN} to {YEAR_MAX}"


def year(value: object, argument: str, source: str) -> int:
    """One year given as an argument (``as_of``): an InputError naming the argument otherwise."""
    if _real(value) and np.isfinite(float(value)) and float(value).is_integer() and (
            YEAR_MIN <= float(value) <= YEAR_MAX):
        return int(value)
    raise InputError([Problem(None, argument, shown(value), YEAR_EXPECTED)], source=source)


# --------------------------------------------------------------------------- tables


class _Observations:
    """An observation table being read: its columns checked, then its cells, every problem kept."""

    def __init__(self, source: pd.DataFrame, name: str, required: tuple[str, ...], allowed: tuple[str, ...]) -> None:
        what = f"a column of {name} ({', '.join(required)}, optional {', '.join(c for c in allowed if c not in required)})"
        found = [Problem(None, c, None, what) for c in required if c not in source.columns]
        found += [Problem(None, c, None, f"only {', '.join(allowed)}") for c in source.columns if c not in allowed]
        if found:
            raise InputError(found, source=name)
        self.name = name
        self.df = source.reset_index(drop=True)
        self.pos = np.arange(len(self.df))
        self.problems: list[Problem] = []

    def bad(self, mask: np.ndarray, column: str, expected: str, values: pd.Series | None = None) -> None:
        """A problem at each row of ``mask``, showing the cell as written (or ``values``)."""
        cells = self.df[column] if values is None else values
        self.problems.extend(Problem(int(i), column, shown(cells.iat[i]), expected) for i in self.pos[mask])

    def raise_any(self) -> None:
        if self.problems:
            raise InputError(sorted(self.problems, key=lambda p: (p.row is None, p.row or 0)), source=self.name)


# --------------------------------------------------------------------------- metrics

_METRIC_COLUMNS = ("year", "county", "level", "metric", "value")


def read_metrics(source: pd.DataFrame | None, known: dict[str, Metric] | None = None) -> pd.DataFrame:
    """Validate observations into ``year, county, level, metric, value``; every problem at once.

    ``known`` maps metric keys to their definitions; values of known share and
    yes/no metrics are range-checked. Unknown metrics are kept: another
    standard may use them.
    """
    if source is None:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in
                             zip(_METRIC_COLUMNS, ["int64", "str", "str", "str", "float64"], strict=True)})
    if not isinstance(source, pd.DataFrame):
        source = pd.read_csv(source, dtype=str, encoding="utf-8-sig")
    t = _Observations(source, "metrics", ("year", "county", "metric", "value"), _METRIC_COLUMNS)
    df = t.df
    year, blank, bad = years_of(df["year"])
    t.bad(blank | bad, "year", YEAR_EXPECTED)
    value, blank, bad = numbers_of(df["value"])
    t.bad(blank | bad, "value", "a finite number (a share as a fraction, yes/no as 1 or 0)")
    county, blank, bad = texts_of(df["county"])
    t.bad(blank | bad, "county", "a county name or a jurisdiction id (text)")
    metric, blank, bad = texts_of(df["metric"])
    t.bad(blank | bad, "metric", "a metric key (text)")
    level = pd.Series(pd.NA, index=df.index, dtype="str")
    if "level" in df:
        level, blank, bad = texts_of(df["level"])
        level = level.map(lambda v: LEVEL_ALIASES.get(v, v) if isinstance(v, str) else v).astype("str")
        t.bad(bad | (~blank & ~np.asarray(level.isin(LEVELS))), "level", "primary, junior (小学 / 初中) or blank")
    value = pd.Series(value, index=df.index)
    for key, m in (known or {}).items():
        rows = (metric == key).to_numpy()
        if m.kind == "share":
            t.bad(rows & ((value < 0) | (value > 1)).to_numpy(), "value",
                  f"a share of {key} as a fraction in [0, 1] (0.965, not 96.5)", value)
        elif m.kind == "yes/no":
            t.bad(rows & value.notna().to_numpy() & ~value.isin([0, 1]).to_numpy(), "value",
                  f"1 (yes) or 0 (no) for {key}", value)
    out = pd.DataFrame({"year": year, "county": county, "level": level, "metric": metric, "value": value})
    t.bad(out.duplicated(["year", "county", "level", "metric"], keep=False).to_numpy(), "metric",
          "one observation per (year, county, level, metric)", out["metric"])
    t.raise_any()
    out["year"] = out["year"].astype("int64")
    return out


# --------------------------------------------------------------------------- recognitions

def read_recognitions(source: pd.DataFrame | None) -> pd.DataFrame | None:
    """Validate ``county, year`` (+ ``kind``, default basic-balance, + ``list_year``)."""
    if source is None:
        return None
    t = _Observations(source, "recognitions", ("county", "year"), ("county", "year", "kind", "list_year"))
    df = t.df
    county, blank, bad = texts_of(df["county"])
    t.bad(blank | bad, "county", "a county name (text)")
    year, blank, bad = years_of(df["year"])
    t.bad(blank | bad, "year", f"the inspection year, {YEAR_EXPECTED}")
    kind = pd.Series("basic-balance", index=df.index, dtype="str")
    if "kind" in df:
        given, blank, bad = texts_of(df["kind"])
        kind = given.where(~blank, "basic-balance")
        t.bad(bad | ~np.asarray(kind.isin(RECOGNITION_KINDS)), "kind",
              "one of " + ", ".join(RECOGNITION_KINDS) + ", or blank (basic-balance)")
    out = pd.DataFrame({"county": county, "year": year, "kind": kind})
    if "list_year" in df:
        listed, blank, bad = years_of(df["list_year"])
        with np.errstate(invalid="ignore"):
            early = ~blank & ~bad & (listed < year)
        t.bad(bad | early, "list_year", f"the year the list was published: {YEAR_EXPECTED}, not before the "
              "inspection year, or blank")
        out["list_year"] = pd.array(listed, dtype="Int64")
    t.raise_any()
    out["year"] = out["year"].astype("int64")
    return out
