"""Cells of the observation tables (metrics, recognitions), read strictly.

Observation tables are small (a row per county, year and metric) and typed by
hand or exported from spreadsheets. A value the arithmetic would take in the
wrong sense must stop here: ``True`` is not 1 student-share, ``inf`` is not a
score, a year of -5 or 1e20 is not a year, and a list in a cell is not a name.
Each helper returns values plus a mask of the cells that are wrong, so the
caller reports every bad cell at once, with its row and column.
"""

from __future__ import annotations

import numbers
import unicodedata

import numpy as np
import pandas as pd

from .bounds import YEAR_MAX, YEAR_MIN
from .errors import InputError, Problem


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
