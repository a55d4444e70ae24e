"""The input table: its headers mapped to columns, each column parsed on request, problems at their cells.

``Table`` knows what every header means (``headers.match_header``: a column, a
section of a whole-school column, a bookkeeping header, or a problem), parses
a column into numbers, text codes or categories (``cells``), and notes each
problem at its cell, with the header as written and the value as given. Which
cells of each column are blank is kept, so wholly blank rows can be dropped.
The reader (``schools.py``) asks it for the columns it needs, in one pass.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..core import units
from ..core.columns import BY_NAME, IGNORED_HEADERS
from .canonical import RESOURCE_MAX
from .cells import (
    BAD_UNIT,
    CATEGORICAL,
    FOREIGN,
    NOT_A_NUMBER,
    OK,
    SPREADSHEET_ERRORS,
    blank_cells,
    foreign_cells,
    is_numeric,
    lookup,
    number_values,
    str_series,
    text_codes,
)
from .files import Raw
from .headers import Target, closest_header, describe_column, header_text, match_header, names_key
from .problems import Problems


class Table:
    """One input's columns: what each header means, each column parsed when asked, every problem noted."""

    def __init__(self, raw: Raw) -> None:
        self.raw = raw
        self.n = raw.n
        self.p = Problems()
        self.blanks: list[np.ndarray] = []  # per input column: which of its cells are blank
        self.cols: dict[Target, tuple[int, float]] = {}  # usable columns: target -> (position, factor)
        self.present: set[Target] = set()  # targets given at all (usable or not)
        self.exact: set[str] = set()  # plain columns whose input Series already is the output

    # -- headers ------------------------------------------------------------------------------

    def map_headers(self) -> None:
        headers = self.raw.headers
        first: dict[Target, int] = {}
        reported: set[int] = set()
        for pos, header in enumerate(headers):
            column = self.raw.columns[pos]
            if header.strip() == "":
                blank = blank_cells(column, text=True)
                if not blank.all():
                    self.p.add(f"(column {pos + 1})", None, "a header for every column that has data")
                    self.blanks.append(blank)
                continue
            target, unit, base = match_header(header)
            unit = unit if unit is not None or not self.raw.units else self.raw.units[pos]  # a units row's
            if target is None and base in IGNORED_HEADERS:
                self.blanks.append(np.ones(len(column), dtype=bool))
                continue
            if target is None:
                self.p.add(header, None, closest_header(base))
                self.blanks.append(blank_cells(column))
                continue
            self.present.add(target)
            if target in first:
                j = first[target]
                for i, other in ((j, pos), (pos, j)):
                    if i not in reported:
                        reported.add(i)
                        self.p.add(headers[i], None, f"one column for {target.label!r}; {headers[other]!r} is one too")
                self.cols.pop(target, None)
                self.blanks.append(blank_cells(column))
                continue
            first[target] = pos
            factor = 1.0
            if unit is not None:
                col = BY_NAME[target.column]
                problem = None
                if col.unit is None or col.name == "year":
                    problem = f"no unit: {col.name!r} is not a quantity"
                else:
                    try:
                        factor = units.cell_factor(unit, col.unit)
                    except units.UnitError:
                        try:
                            units.parse(unit)
                            problem = f"a unit convertible to {col.unit} (the unit of {target.label!r})"
                        except units.UnitError:
                            problem = f"a known unit of {col.unit} (the unit of {target.label!r})"
                if problem is not None:
                    self.p.add(header, unit, problem)
                    self.blanks.append(blank_cells(column))
                    continue
            self.cols[target] = (pos, factor)

    def has(self, name: str, section: str | None = None) -> bool:
        return Target(name, section) in self.cols

    def series(self, name: str, section: str | None = None) -> pd.Series:
        return self.raw.columns[self.cols[Target(name, section)][0]]

    def header(self, name: str, section: str | None = None) -> str:
        t = Target(name, section)
        return self.raw.headers[self.cols[t][0]] if t in self.cols else t.label

    def cells(self, where: np.ndarray, name: str, expected: str | Sequence[str], section: str | None = None,
              value: bool = True, owns: str | None = None) -> None:
        """A problem on each selected row of a column, with the cell as written in the input."""
        t = Target(name, section)
        raw = self.series(name, section) if (value and t in self.cols) else None
        order = self.cols[t][0] if t in self.cols else 1 << 20
        self.p.cells(where, self.header(name, section), raw, expected, order, owns)

    def checked(self, name: str, section: str | None, want: str) -> tuple[pd.Series, np.ndarray | None]:
        """The column with its cells that are neither text nor a number reported and blanked, and where they are.

        Each such cell is one problem (``want``, not a boolean / a list …); it
        owns its cell, so "not a number" or "required" is not said of it too.
        """
        s = self.series(name, section)
        found = foreign_cells(s)
        if not found:
            return s, None
        bad = np.zeros(self.n, dtype=bool)
        for mask, what in found:
            self.cells(mask, name, f"{want}, not {what}", section, owns="cell")
            bad |= mask
        clean = s.to_numpy(dtype=object, copy=True)
        clean[bad] = None
        return pd.Series(clean, dtype=object), bad

    # -- columns ------------------------------------------------------------------------------

    def number_column(self, name: str, section: str | None = None, suffix: str | None = None
                      ) -> tuple[np.ndarray, np.ndarray | None]:
        """float64 values (NaN: blank or bad) and the parse codes (None: no bad cell)."""
        if not self.has(name, section):
            return np.full(self.n, np.nan), None
        factor = self.cols[Target(name, section)][1]
        s, foreign = self.checked(name, section, "a number")
        values, codes = number_values(s, factor, BY_NAME[name].unit, suffix)
        if foreign is not None:
            codes = np.zeros(self.n, dtype=np.int8) if codes is None else codes
            codes[foreign] = FOREIGN
        blank = np.isnan(values)
        if codes is not None:
            blank &= codes == OK
        self.blanks.append(blank)
        if section is None and factor == 1.0 and s.dtype == (np.int64 if name == "year" else np.float64):
            self.exact.add(name)
        return values, codes

    def text_column(self, name: str, nfkc: bool = False) -> tuple[np.ndarray, pd.Index, bool] | None:
        if not self.has(name):
            return None
        s, foreign = self.checked(name, None, "text")
        codes, uniques, unchanged = text_codes(s, nfkc)
        self.blanks.append(codes < 0 if foreign is None else (codes < 0) & ~foreign)
        return codes, uniques, unchanged

    def spreadsheet_errors(self, name: str, got: tuple[np.ndarray, pd.Index, bool]) -> None:
        """A formula's error value (``#N/A``, ``#REF!``) where a key's text belongs is no county or school.

        Numbers and categories reject it anyway; a name would take it as one.
        Checked on the distinct values only.
        """
        codes, uniques, _ = got
        bad = np.asarray(uniques.isin(SPREADSHEET_ERRORS), dtype=bool)
        if bad.any():
            self.cells((codes >= 0) & bad[np.maximum(codes, 0)], name,
                       "a value, not a spreadsheet formula's error (#N/A, #REF! …)")

    def resource(self, name: str, section: str | None = None) -> np.ndarray:
        values, codes = self.number_column(name, section)
        unit = BY_NAME[name].unit
        if codes is not None:
            self.cells(codes == NOT_A_NUMBER, name, f"a number in {unit}, or blank if unknown", section)
            self.cells(codes == BAD_UNIT, name, f"a number in {unit}, or with a unit convertible to {unit}",
                       section)
        # two NaN-skipping reductions first: a mask only when some value is negative or too large
        if len(values) and (np.fmin.reduce(values) < 0 or np.fmax.reduce(values) > RESOURCE_MAX):
            self.cells((values < 0) | (values > RESOURCE_MAX), name,
                       f"a finite number ≥ 0 in {unit} (at most {RESOURCE_MAX:.0e})", section)
        return values

    def categorical(self, name: str) -> np.ndarray | None:
        """Codes over the column's fixed categories: -1 blank, -2 unknown (reported)."""
        got = self.text_column(name, nfkc=True)
        if got is None:
            return None
        codes, uniques, _ = got
        aliases, categories, _ = CATEGORICAL[name]
        mapped = lookup(uniques, aliases, categories)
        out = mapped[np.maximum(codes, 0)] if len(mapped) else np.full(self.n, -1, dtype=np.int64)
        out = np.where(codes >= 0, out, -1)
        if name == "level":
            expected = "a level: primary or junior (小学 / 初中 / 初级中学)"
        else:
            zh: dict[str, str] = {}
            for k, v in aliases.items():
                if k not in categories:
                    zh.setdefault(v, k)
            expected = f"one of {', '.join(categories)}, or a Chinese name ({' / '.join(zh.values())}), or blank"
        self.cells(out == -2, name, expected)
        return out

    def header_lines(self, bad_year: np.ndarray) -> None:
        """Data rows that are a header line (a second table below the first, exports joined): one problem each.

        Such a row is neither data nor to be dropped. Only rows whose year is
        not a year are looked at: those whose year cell names a key column, and
        at least one other cell too. Its problem owns the row, so its cells are
        not reported one by one as bad numbers and levels.
        """
        pos = np.flatnonzero(bad_year)
        if not len(pos):
            return
        codes, uniques = pd.factorize(self.series("year").iloc[pos])
        named = np.array([names_key(header_text(u).strip()) for u in uniques.tolist()], dtype=bool)
        if not named.any():
            return
        pos = pos[(codes >= 0) & named[np.maximum(codes, 0)]]
        lines, cells = [], []
        for r in pos.tolist():  # header-like rows only: a few
            row = [header_text(c.iloc[r]).strip() for c in self.raw.columns]
            if sum(map(names_key, row)) >= 2:
                lines.append(r)
                cells.append([t for t in row if t])
        self.p.rows(np.asarray(lines, dtype=np.int64), cells,
                    "a data row, not a header line (a second table below the first, or exports joined); delete "
                    "the line, or split the file into one table per header")

    def given_rows(self) -> np.ndarray:
        """``row`` of a canonical frame, or input positions."""
        if self.raw.row is None:
            return np.arange(self.n, dtype=np.int64)
        r = self.raw.row
        if is_numeric(r.dtype):
            v = r.to_numpy(dtype="float64", na_value=np.nan)
            with np.errstate(invalid="ignore"):
                if (np.isfinite(v) & (v >= 0) & (np.mod(v, 1) == 0)).all():
                    return v.astype(np.int64)
        self.p.add("row", None, "whole numbers ≥ 0 in 'row' (the input row each section came from)")
        return np.arange(self.n, dtype=np.int64)

    # -- the set of columns, and the output ----------------------------------------------------

    def check_structure(self, has_whole: bool) -> None:
        """Problems with the set of columns: missing keys, whole-school columns without their kin."""
        for name in ("year", "county", "school_id", "level", "students"):
            if Target(name) in self.present or (has_whole and name in ("level", "students")):
                continue
            extra = ", or whole-school columns students_primary / students_junior" if name in (
                "level", "students") else ""
            self.p.add(name, None, describe_column(name) + extra)
        if not has_whole:
            for t, (pos, _) in sorted(self.cols.items(), key=lambda item: item[1][0]):
                if t.section is not None:
                    self.p.add(self.raw.headers[pos], None,
                               "whole-school student counts (students_primary / students_junior) alongside it")
        elif Target("school_type") not in self.present:
            self.p.add("school_type", None, describe_column("school_type") + " to split whole-school rows")

    def exact_series(self, name: str, identity: bool) -> pd.Series | None:
        """The input column itself when it already is the output (keeps the frame cheap and writable)."""
        if identity and name in self.exact:
            s = self.series(name)
            return s.set_axis(pd.RangeIndex(len(s)))
        return None

    def text_output(self, name: str, got: tuple[np.ndarray, pd.Index, bool], take, identity: bool) -> pd.Series:
        codes, uniques, unchanged = got
        if identity and unchanged:
            s = self.series(name)
            if s.dtype == "str":
                return s.set_axis(pd.RangeIndex(len(s)))
        return str_series(take(codes), uniques)
