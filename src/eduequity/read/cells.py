"""Cells: numbers, text and categories parsed from a column's cells, and the cells that are neither.

Everything is vectorised: numbers and text are parsed once per *distinct*
value (``pd.factorize``), so a column of 3 million cells costs one factorize
and the parsing of a few thousand strings. A number may be written ``1,234``,
in full-width digits or with a unit of the right kind (``450㎡``). A cell must
be text or a real number (blank: empty, None, NaN): a boolean, a complex
number, a date, a list, bytes or another object is found by ``foreign_cells`` and
reported at its cell, never taken as 1 student or its repr.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from ..core import units
from ..core.columns import LEVEL_ALIASES, LEVELS, OWNERSHIP_ALIASES, SCHOOL_TYPE_ALIASES, SCHOOL_TYPES, SPONSOR_ALIASES
from .canonical import LEVEL_DTYPE, OWNERSHIP_DTYPE, OWNERSHIPS, SCHOOL_TYPE_DTYPE, SPONSOR_DTYPE, SPONSORS
from .headers import normal_form

#: What a spreadsheet shows in a cell whose formula failed (also in CSV exported from one).
SPREADSHEET_ERRORS: tuple[str, ...] = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")
CATEGORICAL = {
    "level": (LEVEL_ALIASES, LEVELS, LEVEL_DTYPE),
    "school_type": (SCHOOL_TYPE_ALIASES, SCHOOL_TYPES, SCHOOL_TYPE_DTYPE),
    "ownership": (OWNERSHIP_ALIASES, OWNERSHIPS, OWNERSHIP_DTYPE),
    "sponsor": (SPONSOR_ALIASES, SPONSORS, SPONSOR_DTYPE),
}

_NUMBER = re.compile(
    r"^(?P<num>[+-]?(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
    r"\s*(?P<unit>.*)$"
)
OK, NOT_A_NUMBER, BAD_UNIT, FOREIGN = 0, 1, 2, 3  # FOREIGN: neither text nor a number, reported already


def is_numeric(dtype: Any) -> bool:
    return getattr(dtype, "kind", "O") in "iuf" and not isinstance(dtype, pd.CategoricalDtype)


#: What ``infer_dtype`` calls an object column of text, real numbers and blanks only.
_PLAIN_KINDS = frozenset({"string", "integer", "floating", "mixed-integer-float", "empty"})  # not "decimal": sNaN
#: Dtypes none of whose cells is text or a real number, by ``dtype.kind``.
_FOREIGN_KINDS = {"b": "a boolean (TRUE or FALSE)", "c": "a complex number", "M": "a date or time",
                  "m": "a duration"}
_BLANK_TYPES = (type(None), type(pd.NA), type(pd.NaT))


def _what(t: type) -> str | None:
    """How to name a cell of type ``t`` that is neither text nor a real number (None: it is one, or blank)."""
    if issubclass(t, (bool, np.bool_)):  # before int: True is an int to Python
        return _FOREIGN_KINDS["b"]
    if issubclass(t, np.timedelta64):  # before int: numpy's is a signed integer
        return _FOREIGN_KINDS["m"]
    if issubclass(t, _BLANK_TYPES) or issubclass(t, (str, int, float, Decimal, np.integer, np.floating)):
        return None
    for types, what in (((complex, np.complexfloating), "a complex number"), ((list, tuple, np.ndarray), "a list"),
                        ((Mapping,), "a dict"), ((set, frozenset), "a set"),
                        ((bytes, bytearray, memoryview), "bytes"),
                        ((datetime.date, datetime.time, np.datetime64), _FOREIGN_KINDS["M"]),
                        ((datetime.timedelta,), _FOREIGN_KINDS["m"])):
        if issubclass(t, types):
            return what
    return f"an object ({t.__name__})"


def foreign_cells(s: pd.Series) -> list[tuple[np.ndarray, str]]:
    """Cells that are neither text nor a real number, as (mask, what they are) per kind.

    Left alone, a boolean would be 1 or 0 students, a complex number its real
    part, a list, dict or set would crash the hashing of distinct values, and
    bytes or an object would become their repr. Decided by the dtype where it
    says (numbers, text, bool, complex, dates), by the categories of a
    categorical, and for an object column only when ``infer_dtype`` finds
    something besides text and numbers: then by each cell's type (a C loop),
    judged once per distinct type. (Distinct values would not do: ``True == 1``.)
    """
    dtype = s.dtype
    if is_numeric(dtype) or isinstance(dtype, pd.StringDtype):
        return []
    if isinstance(dtype, pd.CategoricalDtype):
        found = foreign_cells(pd.Series(dtype.categories))
        codes = s.cat.codes.to_numpy()
        return [((codes >= 0) & bad[np.maximum(codes, 0)], what) for bad, what in found]
    kind = getattr(dtype, "kind", "O")
    if kind in _FOREIGN_KINDS:
        return [(s.notna().to_numpy(), _FOREIGN_KINDS[kind])]
    values = s.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(values, skipna=True) in _PLAIN_KINDS:
        return []
    codes, types = pd.factorize(np.frompyfunc(type, 1, 1)(values))
    masks: dict[str, np.ndarray] = {}
    for i, t in enumerate(types):
        what, mask = _what(t), codes == i
        if what is None and issubclass(t, Decimal):  # a signalling NaN, the one Decimal that cannot be hashed
            mask[mask] = [v.is_snan() for v in values[mask]]  # Decimal cells only
            what = "a signalling NaN"
        if what is not None and mask.any():
            masks[what] = masks[what] | mask if what in masks else mask
    return [(mask, what) for what, mask in masks.items()]


def _parse_numbers(values: pd.Series, factor: float, unit: str | None, suffix: str | None
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Parse distinct cell values (object Series): canonical floats and OK / NOT_A_NUMBER / BAD_UNIT."""
    try:
        out = pd.to_numeric(values, errors="coerce")
    except OverflowError:  # errors="coerce" does not cover an int beyond any float
        out = pd.to_numeric(values.map(_capped), errors="coerce")
    out = out.to_numpy(dtype="float64", na_value=np.nan) * factor
    code = np.zeros(len(values), dtype=np.int8)
    rest = np.flatnonzero(np.isnan(out))
    if len(rest) == 0:
        return out, code
    text = values.iloc[rest].astype(str).str.normalize("NFKC").str.strip()
    if suffix:
        text = text.str.removesuffix(suffix).str.strip()
    parts = text.str.extract(_NUMBER)
    blank = (text == "").to_numpy()
    number = pd.to_numeric(parts["num"].str.replace(",", "", regex=False), errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan)
    matched = ~np.isnan(number)
    cell_unit = parts["unit"].fillna("").str.strip()
    has_unit = (cell_unit != "").to_numpy() & matched
    scale = np.full(len(rest), factor)
    bad_unit = np.zeros(len(rest), dtype=bool)
    if has_unit.any():
        distinct = pd.unique(cell_unit[has_unit])
        factors = {}
        for u in distinct:  # a handful of distinct unit spellings
            try:
                factors[u] = units.cell_factor(u, unit) if unit is not None else np.nan
            except units.UnitError:
                factors[u] = np.nan
        f = cell_unit[has_unit].map(factors).to_numpy(dtype="float64", na_value=np.nan)
        scale[has_unit] = f
        bad_unit[has_unit] = np.isnan(f)
    value = np.where(matched & ~bad_unit, number * scale, np.nan)
    out[rest] = value
    code[rest] = np.where(blank, OK, np.where(~matched, NOT_A_NUMBER, np.where(bad_unit, BAD_UNIT, OK)))
    # a number with a unit that is not one (``unit`` None: no unit allowed) is not a number
    code[rest[(code[rest] == BAD_UNIT) & (unit is None)]] = NOT_A_NUMBER
    return out, code


def blank_cells(s: pd.Series, text: bool = False) -> np.ndarray:
    """Which cells of a column that is not parsed are blank (None, NaN, NaT; with ``text`` also "  ").

    pandas' ``isna`` compares a ``Decimal('sNaN')`` and the comparison traps;
    then each cell is judged on its own (that column only), and a cell that
    cannot be judged is not blank.
    """
    try:
        blank = s.isna().to_numpy()
        return blank | (s.astype(str).str.strip() == "").to_numpy() if text else blank
    except ArithmeticError:
        return np.array([_na(v) or (text and not str(v).strip()) for v in s.tolist()], dtype=bool)


def _na(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (ArithmeticError, TypeError, ValueError):  # a signalling NaN, or a list of several cells
        return False


def _capped(v: Any) -> Any:
    """An int too large for a float as ±inf, a number no school has, which the range checks refuse."""
    if isinstance(v, int):
        try:
            float(v)
        except OverflowError:
            return math.inf if v > 0 else -math.inf
    return v


def number_values(s: pd.Series, factor: float = 1.0, unit: str | None = None, suffix: str | None = None
             ) -> tuple[np.ndarray, np.ndarray | None]:
    """Values of a numeric column as float64 (NaN: blank) and per-cell codes (None: all fine)."""
    if is_numeric(s.dtype):
        v = s.to_numpy(dtype="float64", na_value=np.nan)
        return (v * factor if factor != 1.0 else v), None
    if s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) in (
            "integer", "floating", "mixed-integer-float", "empty", "decimal"):
        try:
            v = s.to_numpy(dtype="float64", na_value=np.nan)
            return (v * factor if factor != 1.0 else v), None
        except OverflowError:  # an int beyond any float: parsed one distinct value at a time below
            pass
    codes, uniques = pd.factorize(s)
    u = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    uv, ucode = _parse_numbers(u, factor, unit, suffix)
    known = codes >= 0
    values = np.full(len(s), np.nan)
    values[known] = uv[codes[known]]
    bad = np.zeros(len(s), dtype=np.int8)
    bad[known] = ucode[codes[known]]
    return values, (bad if bad.any() else None)


def _texts(values: np.ndarray) -> list[str]:
    """Distinct non-text cell values as text: integral numbers without ``.0`` (ids read as numbers)."""
    out = []
    for v in values:  # distinct values of a column that mixes numbers and text: rare and short
        if isinstance(v, (float, np.floating)) and float(v).is_integer():
            out.append(str(int(v)))
        else:
            out.append(str(v))
    return out


def text_codes(s: pd.Series, nfkc: bool = False) -> tuple[np.ndarray, pd.Index, bool]:
    """Codes (-1: blank) over distinct stripped text values, those values, and whether nothing changed.

    "Nothing changed" means the column was already str, stripped and without
    blank strings, so callers may keep the input column as it is.
    """
    codes, uniques = pd.factorize(s)
    is_str = isinstance(s.dtype, pd.StringDtype) or (
        isinstance(s.dtype, pd.CategoricalDtype) and s.cat.categories.dtype == "str")
    if isinstance(uniques, (pd.Categorical, pd.CategoricalIndex)):
        uniques = pd.Index(np.asarray(uniques), dtype=uniques.categories.dtype)
    if is_numeric(uniques.dtype) and uniques.dtype.kind == "f":
        v = uniques.to_numpy(dtype="float64")
        with np.errstate(invalid="ignore"):
            ints = bool(np.all((np.mod(v, 1) == 0) & (np.abs(v) < 2.0**63)))
        # ids read as numbers: 3101.0 is "3101", one fractional or huge id beside it changing no other
        text = pd.Index(v.astype(np.int64).astype(str) if ints else _texts(v.astype(object)), dtype="str")
    elif is_numeric(uniques.dtype):
        text = pd.Index(uniques.astype(str), dtype="str")
    elif uniques.dtype == "str":
        text = uniques
    elif pd.api.types.infer_dtype(uniques, skipna=True) == "string":
        text = pd.Index(uniques, dtype="str")
    else:
        text = pd.Index(_texts(np.asarray(uniques, dtype=object)), dtype="str")
    if nfkc:
        text = text.str.normalize("NFKC")
    stripped = text.str.strip()
    blank = np.asarray(stripped == "", dtype=bool)
    unchanged = is_str and not blank.any() and stripped.equals(uniques)
    if unchanged:
        return codes, stripped, True
    stripped = stripped.where(~blank)
    remap, distinct = pd.factorize(stripped)
    if len(remap) and (len(distinct) != len(remap) or not np.array_equal(remap, np.arange(len(remap)))):
        known = codes >= 0
        codes = codes.copy()
        codes[known] = remap[codes[known]]
    return codes, pd.Index(distinct, dtype="str"), False


def lookup(uniques: pd.Index, aliases: Mapping[str, str], categories: tuple[str, ...]) -> np.ndarray:
    """Category code of each distinct value via its aliases; -2 for unknown values."""
    table = {normal_form(k).casefold(): categories.index(v) for k, v in aliases.items()}
    return np.array([table.get(normal_form(u).casefold(), -2) for u in uniques.tolist()], dtype=np.int64)


def str_series(codes: np.ndarray, uniques: pd.Index) -> pd.Series:
    return pd.Series(pd.Categorical.from_codes(codes, uniques)).astype("str")
