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

import difflib
import numbers
import unicodedata
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from ..core.bounds import YEAR_MAX, YEAR_MIN
from ..core.columns import BY_NAME, LEVEL_ALIASES, LEVELS, RECOGNITION_KINDS
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
#: The sheet of a workbook that holds its metrics (``eduequity template`` writes it).
METRICS_SHEET = "指标"
#: The Chinese headers a bureau's metrics sheet uses: the school file's for year, county and
#: level (``core.columns``), and 指标/值 for metric and value.
METRIC_HEADERS = MappingProxyType({
    **{a: c for c in ("year", "county", "level") for a in (BY_NAME[c].zh, *BY_NAME[c].aliases)},
    "指标": "metric", "指标键": "metric", "值": "value", "数值": "value",
})
#: The column of a template's 指标 sheet that names each metric in Chinese: for people, not read.
METRIC_NAME_HEADER = "指标名称"
#: Yes/no metrics written as words: what a bureau types in a spreadsheet.
YES_NO = MappingProxyType({"是": 1.0, "否": 0.0, "yes": 1.0, "no": 0.0, "有": 1.0, "无": 0.0})


def metrics_sheet(path: Path, required: bool = False) -> pd.DataFrame | None:
    """The ``METRICS_SHEET`` of a workbook (None when there is none and not ``required``; then the
    first sheet when ``required``).

    The ``METRIC_NAME_HEADER`` column, which names each key in Chinese for people,
    is left out; a template's unfilled hint rows are left to ``read_metrics``.
    """
    from openpyxl import load_workbook

    from .files import _check_archive, _sheet_rows, _unreadable

    _check_archive(path, str(path))  # the bounds read_schools holds a workbook to, before it is opened
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # not a workbook, or a damaged one: openpyxl raises many kinds
        raise _unreadable(str(path), f"{type(exc).__name__}: {exc}", "a readable .xlsx workbook") from exc
    try:
        if METRICS_SHEET not in wb.sheetnames and not required:
            return None
        rows = _sheet_rows(wb[METRICS_SHEET] if METRICS_SHEET in wb.sheetnames else wb.worksheets[0], str(path))
    finally:
        wb.close()
    while rows and all(_is_blank(v) for v in rows[0]):  # blank rows above the header
        rows = rows[1:]
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ("year", "county", "metric", "value")})
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    df = pd.DataFrame([list(r) for r in rows[1:]], columns=header, dtype=object)
    return df.drop(columns=[c for c in df.columns if c == METRIC_NAME_HEADER])


def _metrics_frame(source: object) -> tuple[pd.DataFrame, str]:
    """(the observations with English headers, the name problems cite): a frame, or a CSV/XLSX path."""
    name = "metrics"
    if not isinstance(source, pd.DataFrame):
        name = str(source)
        path = Path(source)  # type: ignore[arg-type]
        source = metrics_sheet(path, required=True) if path.suffix.lower() == ".xlsx" else pd.read_csv(
            path, dtype=str, encoding="utf-8-sig")
    renamed = {c: METRIC_HEADERS[c.strip()] for c in source.columns
               if isinstance(c, str) and c.strip() in METRIC_HEADERS and c.strip() not in _METRIC_COLUMNS}
    if renamed:
        twice = [c for c in set(renamed.values()) if list(renamed.values()).count(c) > 1 or c in source.columns]
        if twice:
            raise InputError([Problem(None, c, None, "one column for each of year, county, level, metric, value "
                                      "(in English or Chinese, not both)") for c in sorted(twice)], source=name)
        source = source.rename(columns=renamed)
    return source, name


def _unknown_keys(metric: pd.Series, known: dict[str, Metric], elsewhere: frozenset[str] | None) -> dict[str, str]:
    """{key: what was expected} for keys no registered standard knows (the closest known one named);
    keys another standard knows are someone else's observations and are kept."""
    if elsewhere is None:
        return {}
    every = sorted(set(known) | set(elsewhere))
    out = {}
    for key in pd.unique(metric.dropna()):
        if key not in every:
            close = difflib.get_close_matches(key, every, n=1, cutoff=0.6)
            mine = ", ".join(sorted(known)) or "none"
            out[key] = (f"a metric key a registered standard knows{f' (did you mean {close[0]!r}?)' if close else ''}"
                        f"; this standard's: {mine}")
    return out


def _yes_no(df: pd.DataFrame, known: dict[str, Metric]) -> pd.Series:
    """The value column with 是/否 (yes/no) as 1/0 on the rows of yes/no metrics, so a bureau's
    sheet reads as typed; 是 given for a share stays an error."""
    raw = df["value"]
    keys = [k for k, m in known.items() if m.kind == "yes/no"]
    rows = df["metric"].map(lambda v: v.strip() in keys if isinstance(v, str) else False).astype(bool)
    words = raw.where(rows).map(lambda v: YES_NO.get(unicodedata.normalize("NFKC", v).strip().lower())
                                if isinstance(v, str) else None)
    return raw.where(words.isna(), words) if words.notna().any() else raw


def read_metrics(source: pd.DataFrame | str | Path | None, known: dict[str, Metric] | None = None,
                 elsewhere: frozenset[str] | None = None) -> pd.DataFrame:
    """Validate observations into ``year, county, level, metric, value``; every problem at once.

    ``source`` is a frame or a CSV/XLSX path, headed in English or in Chinese
    (年份, 县（市、区）, 学段, 指标, 值); yes/no values may be 是/否. ``known`` maps
    metric keys to their definitions; values of known share and yes/no metrics
    are range-checked. ``elsewhere``: the keys of every registered standard; a
    key outside both is a misspelling (an error naming the closest key), since a
    misspelt observation silently left out turns a verdict into "not assessable".
    Keys another standard knows are kept: one metrics file may serve several.
    A row with a metric key and no year, county or value is a template's hint
    not filled in (``eduequity template``): skipped, as a blank row is, while the
    other rows keep their numbers.
    """
    if source is None:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in
                             zip(_METRIC_COLUMNS, ["int64", "str", "str", "str", "float64"], strict=True)})
    source, name = _metrics_frame(source)
    t = _Observations(source, name, ("year", "county", "metric", "value"), _METRIC_COLUMNS)
    df = t.df
    year, blank, bad = years_of(df["year"])
    t.bad(blank | bad, "year", YEAR_EXPECTED)
    hint = blank.copy()
    value, blank, bad = numbers_of(_yes_no(df, known or {}))
    t.bad(blank | bad, "value", "a finite number (a share as a fraction, yes/no as 1 or 0, or 是/否)")
    hint &= blank
    county, blank, bad = texts_of(df["county"])
    t.bad(blank | bad, "county", "a county name or a jurisdiction id (text)")
    hint &= blank  # a key with no year, county or value: a template's hint row, not filled in
    metric, blank, bad = texts_of(df["metric"])
    t.bad(blank | bad, "metric", "a metric key (text)")
    for key, expected in _unknown_keys(metric, known or {}, elsewhere).items():
        t.bad((metric == key).to_numpy(), "metric", expected)
    level = pd.Series(pd.NA, index=df.index, dtype="str")
    if "level" in df:
        level, blank, bad = texts_of(df["level"])
        level = level.map(lambda v: LEVEL_ALIASES.get(v, v) if isinstance(v, str) else v).astype("str")
        t.bad(bad | (~blank & ~np.asarray(level.isin(LEVELS))), "level", "primary, junior (小学 / 初中) or blank")
    value = pd.Series(value, index=df.index)
    _check_kinds(t, metric, value, known or {})
    out = pd.DataFrame({"year": year, "county": county, "level": level, "metric": metric, "value": value})
    t.bad(out.duplicated(["year", "county", "level", "metric"], keep=False).to_numpy() & ~hint, "metric",
          "one observation per (year, county, level, metric)", out["metric"])
    t.problems = [p for p in t.problems if p.row is None or not hint[p.row]]
    t.raise_any()
    out = out[~hint].reset_index(drop=True)
    out["year"] = out["year"].astype("int64")
    return out


def _check_kinds(t: _Observations, metric: pd.Series, value: pd.Series, known: dict[str, Metric]) -> None:
    """Values of share and yes/no metrics in their range: 96.5 given for a share is a percentage."""
    for key, m in known.items():
        rows = (metric == key).to_numpy()
        if m.kind == "share":
            t.bad(rows & ((value < 0) | (value > 1)).to_numpy(), "value",
                  f"a share of {key} as a fraction in [0, 1] (0.965, not 96.5)", value)
        elif m.kind == "yes/no":
            t.bad(rows & value.notna().to_numpy() & ~value.isin([0, 1]).to_numpy(), "value",
                  f"1 (yes) or 0 (no) for {key}", value)


# --------------------------------------------------------------------------- recognitions

#: The kind of a recognition whose ``kind`` is blank or absent (api.md): the national basic balance.
DEFAULT_KIND = "basic-balance"


def read_recognitions(source: pd.DataFrame | None, *, default_kind: str | None = DEFAULT_KIND) -> pd.DataFrame | None:
    """Validate ``county, year`` (+ ``kind``, + ``list_year``). A blank or absent kind is
    ``default_kind``; with ``default_kind=None`` it stays ``<NA>``, for a caller to whom a
    recognition without a kind is ambiguous (``ee.track`` of a quality-balance schedule)."""
    if source is None:
        return None
    t = _Observations(source, "recognitions", ("county", "year"), ("county", "year", "kind", "list_year"))
    df = t.df
    county, blank, bad = texts_of(df["county"])
    t.bad(blank | bad, "county", "a county name (text)")
    year, blank, bad = years_of(df["year"])
    t.bad(blank | bad, "year", f"the inspection year, {YEAR_EXPECTED}")
    kind = pd.Series(default_kind, index=df.index, dtype="str")
    if "kind" in df:
        given, blank, bad = texts_of(df["kind"])
        kind = given.where(~blank, default_kind)
        t.bad(bad | (~blank & ~np.asarray(given.isin(RECOGNITION_KINDS))), "kind",
              "one of " + ", ".join(RECOGNITION_KINDS) + f", or blank ({DEFAULT_KIND})")
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
