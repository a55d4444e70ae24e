"""The input boundary: ``read_schools`` turns a table of schools into the canonical frame.

Everything that can be wrong with a user's table is found here, in one pass,
and raised together as one ``InputError``; what
comes out is a frame ``evaluate`` can trust without checking again (its
columns and dtypes: ``canonical.py``).

The pass, step by step (``_Reader.run``): the source loaded (``files.py``,
headers found by ``headers.py``), headers mapped to columns (``table.py``), the
key columns parsed and checked, whole-school rows told from section rows, the
resources and optional columns parsed (``cells.py``), whole-school rows split
(``split.py``), wholly blank rows dropped, each output section given its input
row, the keys checked across rows (``keys.py``), every problem raised at once
(``problems.py``), and the frame built.

Everything is vectorised: numbers and text are parsed once per *distinct*
value (``pd.factorize``), and a frame that already has the canonical dtypes
only goes through cheap array checks and one factorize of ``school_id``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ..core.bounds import YEAR_MAX, YEAR_MIN
from ..core.columns import COLUMNS, SCHOOL_TYPES
from ..core.errors import InputError
from ..core.kernel import sorted_categorical
from .canonical import ATTR, LEVEL_DTYPE, MARK, STUDENTS_MAX
from .cells import CATEGORICAL, FOREIGN, OK, blank_cells
from .bureau import bureau_rows
from .files import Raw, load
from .keys import check_keys
from . import split as split_
from .split import SECTIONS
from .table import Table

__all__ = ["read_schools"]

_TEXT = ("school_name", "urban_rural")


def read_schools(
    source: str | os.PathLike | pd.DataFrame,
    *,
    sheet: str | int | None = None,
    weights: Mapping[str, split_.SectionWeights | tuple] | None = None,
    split: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Read school statistics into the canonical school-section frame.

    ``source`` is a path to a ``.csv`` (UTF-8 with or without BOM, or
    GB18030/GBK), ``.xlsx`` (the first sheet, or ``sheet``) or ``.parquet``
    file, or a DataFrame (never modified). Headers may be the English names of
    ``columns.COLUMNS`` or their Chinese names, and may end in a unit
    (``教学及辅助用房面积 [亩]``, ``equipment_value (万元)``), which is converted.
    A cell may carry a unit of the right kind too (``450㎡``), and may be
    written ``1,234`` or in full-width digits.

    Mixed schools may be given as whole-school rows: ``school_type`` (nine-year,
    twelve-year, complete secondary), ``students_primary`` / ``students_junior``
    / ``students_senior`` and ``level`` and ``students`` left blank. Their
    physical resources are split between the sections by the national weights
    (``eduequity.read.split``; data of the national plugin, confidence V3),
    which ``weights=`` overrides per school type
    (``weights={"nine_year": (1.0, 1.1, None)}``); their teachers come per section
    as ``teachers_primary`` / ``teachers_junior`` (``*_senior`` is accepted and
    ignored). Which resources are split is national data too (``split.SPLIT``:
    the five physical resources of 教督〔2012〕3号, V3, and multimedia rooms,
    eduequity's reading, R); ``split=`` names others, and a resource it leaves out
    comes per section like the teachers (``multimedia_classrooms_primary``).
    Only primary and junior sections are returned.

    In a file, the header row is looked for in the first ``HEADER_SCAN`` (20)
    rows: a title, blank rows and notes above it are skipped, a two-row header
    (a group label such as ``学校`` over ``代码`` / ``名称``) is joined into
    column names, and an XLSX sheet's merged cells count as filled (in the
    header, and in text columns below it: a county merged down its schools).
    No row naming a key column is one ``InputError`` saying what was looked
    for; a unit note above the table (``单位：万元``) that would rescale a
    column is refused, since it cannot say which columns it means, and so is a
    second header line, above the header or among the rows (two tables in one
    file). A CSV file is in one encoding, UTF-8 or GB18030, decided on the
    whole file: lines in both, or in neither, are refused naming them. A
    workbook is bounded (``XLSX_MAX_CELLS``, ``XLSX_MAX_BYTES``,
    ``XLSX_MAX_RATIO``), so that a stray cell far out or a zip bomb is refused
    before it takes the machine's memory.

    A cell must be text or a real number (blank: empty, None, NaN): a boolean,
    a complex number, a date, a list, bytes or another object is a problem at
    its cell, never 1 student or its repr. A school has one county in a year.

    Blank resource cells stay NaN (missing, never imputed). Wholly blank rows
    are skipped; ``row`` still counts them, so for a file the error's
    ``line(row)`` is the line (CSV) or sheet row (XLSX): ``row`` plus its
    ``line_offset`` (2 when the header is the first line), unless a quoted
    cell above spans lines. A ``row`` column is kept only from a frame
    that ``read_schools`` returned (``attrs["eduequity"] == "schools/1"``), so
    ``read_schools(read_schools(x))`` equals ``read_schools(x)``.

    Every problem found is raised at once as an ``InputError`` whose
    ``.problems`` name the row (the input row, 0-based), the column (the header
    as written in the input) and what was expected. A missing file raises
    ``FileNotFoundError``; a bad ``weights=`` raises ``ValueError``/``TypeError``.
    """
    table = split_.resolve(weights)
    shared = split_.SPLIT if split is None else split_.split_columns(split)
    raw = bureau_rows(load(source, sheet))
    return _Reader(raw, split_.matrix(table), shared).run()


class _Keys(NamedTuple):
    """The key columns as parsed: values or (codes, distinct values, unchanged); None where absent."""

    year: np.ndarray  # float64, NaN: blank or bad
    year_ok: np.ndarray
    county: tuple[np.ndarray, pd.Index, bool] | None
    code: tuple[np.ndarray, pd.Index, bool] | None
    sid: tuple[np.ndarray, pd.Index, bool] | None
    level: np.ndarray  # category codes, -1: blank
    students: np.ndarray  # float64, NaN: blank or bad
    students_blank: np.ndarray


class _Whole(NamedTuple):
    """Which rows are whole-school rows, and their students per section (n, 3); None without such columns."""

    whole: np.ndarray
    part: np.ndarray  # the section rows: ~whole
    counts: np.ndarray | None
    given: np.ndarray | None
    count_ok: np.ndarray | None


class _Order(NamedTuple):
    """Where each output section comes from, in output order.

    ``src`` is its input row and ``kind`` 0 for a section row, 1 / 2 for the
    primary / junior section of a whole-school row; both None when every row is
    one section (``identity``: the input columns are the output). ``lvl``: level codes.
    """

    identity: bool
    src: np.ndarray | None
    kind: np.ndarray | None
    lvl: np.ndarray

    def take(self, a: np.ndarray) -> np.ndarray:
        """An array over input rows, taken for each output section."""
        return a if self.identity else a[self.src]


class _Reader(Table):
    """One pass over one input: parse every column, collect every problem, build the frame."""

    def __init__(self, raw: Raw, weights: np.ndarray, shared: tuple[str, ...] = split_.SPLIT) -> None:
        super().__init__(raw)
        self.weights = weights
        self.shared = shared  # resources a whole-school row splits by the weights
        self.people = split_.people(shared)  # the others: given per section

    def run(self) -> pd.DataFrame:
        """The canonical frame, or one ``InputError`` with every problem: the steps below, in order."""
        rows = self.start()
        has_whole = any(self.has("students", s) for s in SECTIONS)
        self.check_structure(has_whole)
        keys = self.key_columns()
        whole = self.whole_rows(has_whole, keys)
        self.check_sections(has_whole, keys, whole.part)
        values, per_section = self.resources()
        categories = {name: self.categorical(name) for name in ("school_type", "ownership", "sponsor")
                      if self.has(name)}
        texts = {name: self.text_column(name) for name in _TEXT if self.has(name)}
        shares, emit = self.split_rows(has_whole, whole, values, per_section, categories.get("school_type"))
        dropped = self.dropped_rows()
        order = self.order(whole.part & ~dropped, emit, ~dropped, keys.level)
        if keys.sid is not None:
            check_keys(self.cells, rows, order.src, order.lvl, keys.year, keys.year_ok, keys.sid, keys.county)
        found = self.p.build(rows, dropped) if self.p else []
        if found:
            raise InputError(found, source=self.raw.source, line_offset=self.raw.line_offset,
                             lines=self.raw.lines() if self.raw.lines is not None else None)
        out = self.key_output(rows, keys, whole.counts, order)
        out.update(self.resource_output(order, values, per_section, shares))
        for name, got in categories.items():
            out[name] = pd.Categorical.from_codes(order.take(got), dtype=CATEGORICAL[name][2])
        for name, got in texts.items():
            out[name] = self.text_output(name, got, order.take, order.identity)
        columns = ["row"] + [c.name for c in COLUMNS if c.name in out]
        frame = pd.DataFrame({c: out[c] for c in columns}, copy=False)
        frame.attrs[ATTR] = MARK
        return frame

    # -- the steps of the pass, in order -------------------------------------------------------

    def start(self) -> np.ndarray:
        """The input's rows, with the problems found while loading and the headers mapped."""
        if not self.raw.headers and self.raw.row is None:
            self.p.add(None, None, "a header line and at least one data row")
            raise InputError(self.p.build(np.zeros(0, np.int64), None), source=self.raw.source)
        rows = self.given_rows()
        for found in self.raw.problems:
            self.p.add(found.column, found.value, found.expected)
        self.map_headers()
        return rows

    def key_columns(self) -> _Keys:
        """year, county, county_code, school_id, level and students parsed, with their problems."""
        year, ycodes = self.number_column("year", suffix="年")
        with np.errstate(invalid="ignore"):
            year_ok = np.isfinite(year) & (np.mod(year, 1) == 0) & (year >= YEAR_MIN) & (year <= YEAR_MAX)
        year_blank = np.isnan(year)
        if ycodes is not None:
            year_ok &= ycodes == OK
            year_blank &= ycodes == OK
        if self.has("year"):
            self.cells(year_blank, "year", "a year (required)")
            self.cells(~year_ok & ~year_blank, "year", f"a whole-number year from {YEAR_MIN} to {YEAR_MAX}")
            self.header_lines(~year_ok & ~year_blank & (True if ycodes is None else ycodes != FOREIGN))
        county = self.text_column("county")
        if county is not None:
            self.cells(county[0] < 0, "county", "a county name (required)")
            self.spreadsheet_errors("county", county)
        code = self.text_column("county_code", nfkc=True)
        if code is not None:
            bad = ~np.asarray(code[1].str.fullmatch(r"[0-9]{6}"), dtype=bool)
            if len(bad):
                self.cells((code[0] >= 0) & bad[np.maximum(code[0], 0)], "county_code",
                           "a 6-digit county code (县级行政区划代码), or blank")
        sid = self.text_column("school_id")
        if sid is not None:
            self.cells(sid[0] < 0, "school_id", "a school id (required)")
            self.spreadsheet_errors("school_id", sid)
        level = self.categorical("level")
        level_code = level if level is not None else np.full(self.n, -1, dtype=np.int64)
        students, scodes = self.number_column("students")
        students_blank = np.isnan(students)
        if scodes is not None:
            students_blank &= scodes == OK
        return _Keys(year, year_ok, county, code, sid, level_code, students, students_blank)

    def whole_rows(self, has_whole: bool, keys: _Keys) -> _Whole:
        """Whole-school rows: level and students blank, students per section given."""
        n = self.n
        if not has_whole:
            whole = np.zeros(n, dtype=bool)
            return _Whole(whole, ~whole, None, None, None)
        counts = np.full((n, 3), np.nan)
        given = np.zeros((n, 3), dtype=bool)
        count_ok = np.ones((n, 3), dtype=bool)
        for k, sec in enumerate(SECTIONS):
            v, c = self.number_column("students", sec)
            counts[:, k] = v
            given[:, k] = ~np.isnan(v) if c is None else (~np.isnan(v) | (c != OK))
            with np.errstate(invalid="ignore"):
                count_ok[:, k] = np.isnan(v) | ((v >= 0) & (v <= STUDENTS_MAX) & (np.mod(v, 1) == 0))
            if c is not None:
                count_ok[:, k] &= c == OK
        whole = (keys.level == -1) & keys.students_blank & given.any(axis=1)
        return _Whole(whole, ~whole, counts, given, count_ok)

    def check_sections(self, has_whole: bool, keys: _Keys, part: np.ndarray) -> None:
        """A section row needs its level and a positive whole number of students."""
        if self.has("level") or has_whole:
            self.cells(part & (keys.level == -1), "level", "a level: primary or junior (小学 / 初中), required")
        if self.has("students") or has_whole:
            self.cells(part & keys.students_blank, "students", "a number of students (required)")
        students = keys.students
        with np.errstate(invalid="ignore"):
            students_ok = (students > 0) & (students <= STUDENTS_MAX) & (np.mod(students, 1) == 0)
        self.cells(part & ~keys.students_blank & ~students_ok, "students",
                   f"a positive whole number of students (at most {STUDENTS_MAX:,})")

    def resources(self) -> tuple[dict[str, np.ndarray], dict[tuple[str, str], np.ndarray]]:
        """Resources: whole-school totals or section values, and people per section."""
        values = {name: self.resource(name) for name in self.shared + self.people if self.has(name)}
        per_section: dict[tuple[str, str], np.ndarray] = {}
        for name in self.shared:
            for sec in SECTIONS:
                if self.has(name, sec):  # recognised (split= may leave it out), not used: say why
                    self.p.add(self.header(name, sec), None,
                               f"no column: {name!r} is split between the sections by the section weights; give it "
                               f"once for the whole school (or read_schools(split=...) without it)")
                    self.blanks.append(blank_cells(self.series(name, sec)))
        for name in self.people:
            for sec in ("primary", "junior"):
                if self.has(name, sec):
                    per_section[name, sec] = self.resource(name, sec)
            if self.has(name, "senior"):  # accepted and not used: senior is not compulsory education
                self.blanks.append(blank_cells(self.series(name, "senior")))
        return values, per_section

    def split_rows(self, has_whole: bool, rows: _Whole, values: dict[str, np.ndarray],
              per_section: dict[tuple[str, str], np.ndarray], type_code: np.ndarray | None
              ) -> tuple[np.ndarray | None, np.ndarray | None]:
        """Check whole-school rows: each section's share of them (n, 3) and which sections to emit (n, 2).

        Both are None when the input has no whole-school columns.
        """
        n = self.n
        if not has_whole:
            return None, None
        whole, part, counts, given, count_ok = rows
        shares = np.full((n, 3), np.nan)
        emit = np.zeros((n, 2), dtype=bool)
        rule = "whole-school rows leave level and students blank"
        for k, sec in enumerate(SECTIONS):
            if self.has("students", sec):
                self.cells(part & given[:, k], "students", f"blank on a section row (one with a level); {rule}", sec)
                self.cells(whole & ~count_ok[:, k], "students",
                           f"a whole number ≥ 0 of students (at most {STUDENTS_MAX:,}), or blank", sec)
        for (name, sec), v in per_section.items():
            self.cells(part & ~np.isnan(v), name, f"blank on a section row (use {name!r})", sec)
        for name in self.people:
            if name in values:
                self.cells(whole & ~np.isnan(values[name]), name,
                           f"blank on a whole-school row; give {name}_primary / {name}_junior")
        if type_code is None:
            return shares, emit  # the missing column is reported already
        mixed_types = [t for i, t in enumerate(SCHOOL_TYPES) if not np.isnan(self.weights[i]).all()]
        w = np.full((n, 3), np.nan)
        typed = type_code >= 0
        w[typed] = self.weights[type_code[typed]]
        mixed = ~np.isnan(w).all(axis=1)
        self.cells(whole & (type_code != -2) & ~mixed, "school_type",
                   f"a school type with section weights ({', '.join(mixed_types)}) on a whole-school row")
        n0 = np.nan_to_num(counts)
        names = np.asarray(SCHOOL_TYPES, dtype=object)[np.maximum(type_code, 0)]
        for k, sec in enumerate(SECTIONS):
            stray = whole & mixed & np.isnan(w[:, k]) & (n0[:, k] > 0)
            if stray.any():
                self.cells(stray, "students", [f"0 or blank: a {t} school has no {sec} section"
                                               for t in names[stray]], sec)
        compulsory = np.where(np.isnan(w[:, :2]), 0.0, n0[:, :2]).sum(axis=1)
        first = next(s for s in SECTIONS if self.has("students", s))
        self.cells(whole & mixed & (compulsory <= 0), "students",
                   "students in the primary or junior section of a whole-school row", first, value=False)
        good = whole & mixed & count_ok.all(axis=1)
        shares[good] = split_.shares(n0[good], w[good])
        emit[:, 0] = good & (n0[:, 0] > 0) & ~np.isnan(w[:, 0])
        emit[:, 1] = good & (n0[:, 1] > 0) & ~np.isnan(w[:, 1])
        return shares, emit

    def dropped_rows(self) -> np.ndarray:
        """Wholly blank rows, which are not data rows; no data row at all is a problem."""
        dropped = self.blanks[0].copy() if self.blanks else np.zeros(self.n, dtype=bool)
        for blank in self.blanks[1:]:
            if not dropped.any():
                break
            dropped &= blank
        if self.n == 0 or dropped.all():
            self.p.add(None, None, "a header line and at least one data row")
        return dropped

    def order(self, sections_only: np.ndarray, emit: np.ndarray | None, keep: np.ndarray,
              level_code: np.ndarray) -> _Order:
        """Sections in input order; a mixed school's primary before its junior.

        Usually every row is one section: then the input columns are the output (no index arrays).
        """
        if (emit is None or not emit.any()) and bool(sections_only.all()):
            return _Order(True, None, None, level_code)
        part_pos = np.flatnonzero(sections_only)
        if emit is None:
            wp = wj = np.zeros(0, dtype=np.int64)
        else:
            wp, wj = np.flatnonzero(emit[:, 0] & keep), np.flatnonzero(emit[:, 1] & keep)
        src = np.concatenate([part_pos, wp, wj])
        kind = np.concatenate([np.zeros(len(part_pos), np.int8), np.ones(len(wp), np.int8),
                               np.full(len(wj), 2, np.int8)])
        lvl = np.concatenate([level_code[part_pos], np.zeros(len(wp), np.int64), np.ones(len(wj), np.int64)])
        if len(wp) + len(wj):
            order = np.lexsort((lvl, src))
            src, kind, lvl = src[order], kind[order], lvl[order]
        return _Order(False, src, kind, lvl)

    # -- the canonical frame -------------------------------------------------------------------

    def key_output(self, rows: np.ndarray, keys: _Keys, counts: np.ndarray | None, order: _Order
                   ) -> dict[str, Any]:
        """The output's key columns and students, by output section."""
        identity, src, kind, take = order.identity, order.src, order.kind, order.take
        county, code, sid = keys.county, keys.code, keys.sid
        out: dict[str, Any] = {"row": take(rows)}
        out["year"] = _either(self.exact_series("year", identity), lambda: take(keys.year).astype(np.int64))
        out["county"] = sorted_categorical(take(county[0]), county[1])
        if code is not None:
            out["county_code"] = self.text_output("county_code", code, take, identity)
        # sorted categories: evaluate sums each group's schools in id order, and needs no factorize
        out["school_id"] = sorted_categorical(take(sid[0]), sid[1])
        out["level"] = pd.Categorical.from_codes(order.lvl, dtype=LEVEL_DTYPE)
        if identity:
            out["students"] = _either(self.exact_series("students", identity), lambda: keys.students)
        else:
            st = keys.students[src]
            if counts is not None:
                for k in (1, 2):
                    st[kind == k] = counts[src[kind == k], k - 1]
            out["students"] = st
        return out

    def resource_output(self, order: _Order, values: dict[str, np.ndarray],
                        per_section: dict[tuple[str, str], np.ndarray], shares: np.ndarray | None
                        ) -> dict[str, Any]:
        """The output's resource columns: section values, a whole school's split by its shares, people per section."""
        identity, src, kind = order.identity, order.src, order.kind
        out: dict[str, Any] = {}
        for col in COLUMNS:
            name = col.name
            given_sections = [s for s in ("primary", "junior") if (name, s) in per_section]
            if col.role != "resource" or (name not in values and not given_sections):
                continue
            if identity:
                out[name] = _either(self.exact_series(name, identity),
                                    lambda: values.get(name, np.full(self.n, np.nan)))
                continue
            v = values[name][src] if name in values else np.full(len(src), np.nan)
            for k, sec in ((1, "primary"), (2, "junior")) if shares is not None else ():
                m = kind == k
                if name in self.shared:
                    v[m] = v[m] * shares[src[m], k - 1]
                else:
                    v[m] = per_section[name, sec][src[m]] if (name, sec) in per_section else np.nan
            out[name] = v
        return out


def _either(series: pd.Series | None, otherwise: Callable[[], Any]) -> Any:
    return otherwise() if series is None else series
