"""The input boundary: ``read_schools`` turns a table of schools into the canonical frame.

Everything that can be wrong with a user's table is found here, in one pass,
and raised together as one :class:`~eduequity.core.errors.InputError`; what
comes out is a frame ``evaluate`` can trust without checking again:

========================= =====================================================
column                    dtype
========================= =====================================================
row                       int64: 0-based position of the input data row
year                      int64
county                    category (str categories, sorted, only those used)
county_code               str (6 digits, NaN for blank) — only if in the input
school_id                 category (str categories, sorted)
level                     category ["primary", "junior"]
students                  float64, a positive whole number
<resource>                float64 in ``Column.unit`` (NaN: missing)
school_name, urban_rural  str (NaN for blank)
school_type               category over ``columns.SCHOOL_TYPES``
ownership                 category ["public", "private"]
sponsor                   category ["county", "city", "province"]
========================= =====================================================

One row per school section, key (year, school_id, level) unique; rows in input
order (the sections of one mixed school in the order primary, junior); columns
in the order ``row`` then ``columns.COLUMNS``, only those the input has;
``frame.attrs["eduequity"] == "schools/1"``.

Everything is vectorised: numbers and text are parsed once per *distinct*
value (``pd.factorize``), and a frame that already has the canonical dtypes
only goes through cheap array checks and one factorize of ``school_id``.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import difflib
import functools
import itertools
import math
import os
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from . import sections, units
from .bounds import YEAR_MAX, YEAR_MIN
from .columns import (
    BY_NAME,
    COLUMNS,
    IGNORED_HEADERS,
    LEVEL_ALIASES,
    LEVELS,
    OWNERSHIP_ALIASES,
    SCHOOL_TYPE_ALIASES,
    SCHOOL_TYPES,
    SPONSOR_ALIASES,
)
from .errors import InputError, Problem
from .kernel import sorted_categorical

__all__ = [
    "ATTR",
    "LEVEL_DTYPE",
    "MARK",
    "OWNERSHIP_DTYPE",
    "SCHOOL_TYPE_DTYPE",
    "SPONSOR_DTYPE",
    "read_schools",
]

#: ``frame.attrs[ATTR] == MARK`` marks a canonical school-section frame.
ATTR = "eduequity"
MARK = "schools/1"

LEVEL_DTYPE = pd.CategoricalDtype(pd.Index(LEVELS, dtype="str"))
SCHOOL_TYPE_DTYPE = pd.CategoricalDtype(pd.Index(SCHOOL_TYPES, dtype="str"))
OWNERSHIPS: tuple[str, ...] = ("public", "private")
SPONSORS: tuple[str, ...] = ("county", "city", "province")
OWNERSHIP_DTYPE = pd.CategoricalDtype(pd.Index(OWNERSHIPS, dtype="str"))
SPONSOR_DTYPE = pd.CategoricalDtype(pd.Index(SPONSORS, dtype="str"))

#: Bounds far beyond any school (the biggest have tens of thousands of students) that keep
#: a slip of the keyboard (1e300, a phone number in the students column) from reaching the
#: arithmetic, where sums and squares would overflow to inf and verdicts would be nonsense.
STUDENTS_MAX = 1_000_000
RESOURCE_MAX = 1e15
#: What a spreadsheet shows in a cell whose formula failed (also in CSV exported from one).
SPREADSHEET_ERRORS: tuple[str, ...] = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")
SUFFIXES = (".csv", ".xlsx", ".parquet")

#: Resource columns split between the sections of a mixed school, and those
#: (people) given per section as ``<name>_primary`` / ``<name>_junior``.
SPLIT: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.role == "resource" and c.split)
PEOPLE: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.role == "resource" and not c.split)
_SECTION_ZH = {"primary": "小学", "junior": "初中", "senior": "高中"}
_CATEGORICAL = {
    "level": (LEVEL_ALIASES, LEVELS, LEVEL_DTYPE),
    "school_type": (SCHOOL_TYPE_ALIASES, SCHOOL_TYPES, SCHOOL_TYPE_DTYPE),
    "ownership": (OWNERSHIP_ALIASES, OWNERSHIPS, OWNERSHIP_DTYPE),
    "sponsor": (SPONSOR_ALIASES, SPONSORS, SPONSOR_DTYPE),
}
_TEXT = ("school_name", "urban_rural")


# --------------------------------------------------------------------------- headers


class _Target(NamedTuple):
    """What a header means: a canonical column, or one section of a whole-school column."""

    column: str
    section: str | None = None  # "primary" / "junior" / "senior" for whole-school columns

    @property
    def label(self) -> str:
        return self.column if self.section is None else f"{self.column}_{self.section}"


_BRACKETS = str.maketrans({"【": "[", "】": "]", "〔": "(", "〕": ")", "［": "[", "］": "]"})
_WS = re.compile(r"\s+")
_UNIT_SUFFIX = re.compile(r"^(?P<base>.+?)[\[(](?P<unit>[^\[\]()]+)[\])]$")


def _norm(text: str) -> str:
    """NFKC, one kind of bracket, no whitespace (case kept: units such as ``RMB`` need it)."""
    return _WS.sub("", unicodedata.normalize("NFKC", text).translate(_BRACKETS))


@functools.cache
def _header_table() -> tuple[dict[str, _Target], dict[str, str]]:
    """Normalised header -> target, and normalised header -> the label it came from."""
    table: dict[str, _Target] = {}
    labels: dict[str, str] = {}

    def add(label: str, target: _Target) -> None:
        key = _norm(label).casefold()
        if table.setdefault(key, target) != target:  # pragma: no cover - a mistake in columns.py
            raise RuntimeError(f"header {label!r} means both {table[key].label} and {target.label}")
        labels.setdefault(key, label)

    for col in COLUMNS:
        for label in (col.name, col.zh, col.en, *col.aliases):
            add(label, _Target(col.name))
    for name in ("students", *PEOPLE):
        col = BY_NAME[name]
        for section, zh in _SECTION_ZH.items():
            add(f"{name}_{section}", _Target(name, section))
            for label in (col.zh, *col.aliases):
                add(zh + label, _Target(name, section))
    return table, labels


def _match(header: str) -> tuple[_Target | None, str | None, str]:
    """(target, unit text or None, normalised base) of one header."""
    table, _ = _header_table()
    norm = _norm(header)
    target = table.get(norm.casefold())
    if target is not None:
        return target, None, norm
    m = _UNIT_SUFFIX.match(norm)
    if m is not None:
        target = table.get(m["base"].casefold())
        if target is not None:
            return target, m["unit"], m["base"]
        norm = m["base"]
    return None, None, norm


def _closest(norm: str) -> str:
    table, labels = _header_table()
    found = difflib.get_close_matches(norm.casefold(), list(table), n=1, cutoff=0.6)
    if not found:
        return "a known column (see eduequity.core.columns.COLUMNS); nothing close"
    label, target = labels[found[0]], table[found[0]]
    also = "" if label == target.label else f" (= {target.label})"
    return f"a known column; closest is {label!r}{also}"


def _describe_column(name: str) -> str:
    col = BY_NAME[name]
    names = dict.fromkeys((col.zh, *col.aliases))
    return f"a {name!r} column ({' / '.join(names)})"


# --------------------------------------------------------------------------- problems


class _Problems:
    """Problems collected as vectorised chunks; turned into ``Problem``s once, at the end.

    A chunk may *own* its cells (``owns="cell"``: a list where a number belongs is
    that, not also "not a number" and "required") or its whole rows
    (``owns="row"``: a header line among the data is one problem, not one per
    cell); the other problems of what it owns are left out.
    """

    def __init__(self) -> None:
        self._whole: list[Problem] = []
        self._chunks: list[tuple[np.ndarray, str | None, list, Any, int, str | None]] = []

    def __bool__(self) -> bool:
        return bool(self._whole or self._chunks)

    def add(self, column: str | None, value: Any, expected: str) -> None:
        self._whole.append(Problem(None, column, value, expected))

    def cells(self, where: np.ndarray, column: str | None, raw: pd.Series | None, expected: str | Sequence[str],
              order: int = 1 << 30, owns: str | None = None) -> None:
        """One problem per selected row; ``where`` is a boolean mask or positions."""
        pos = np.flatnonzero(where) if where.dtype == bool else np.asarray(where, dtype=np.int64)
        if len(pos) == 0:
            return
        values = raw.iloc[pos].tolist() if raw is not None else [None] * len(pos)
        self._chunks.append((pos, column, values, expected, order, owns))

    def rows(self, pos: np.ndarray, values: list, expected: str) -> None:
        """One problem per row, owning it: ``values`` are what each row holds."""
        if len(pos):
            self._chunks.append((np.asarray(pos, dtype=np.int64), None, values, expected, -1, "row"))

    def build(self, rows: np.ndarray, dropped: np.ndarray | None) -> list[Problem]:
        owned_rows: set[int] = set()
        owned_cells: dict[str | None, set[int]] = {}
        for pos, column, _, _, _, owns in self._chunks:
            if owns == "row":
                owned_rows.update(pos.tolist())
            elif owns == "cell":
                owned_cells.setdefault(column, set()).update(pos.tolist())
        cells: list[tuple[int, int, int, Problem]] = []
        seq = 0
        for pos, column, values, expected, order, owns in self._chunks:
            skip = owned_cells.get(column, set()) if owns is None else set()
            for i, (p, v) in enumerate(zip(pos.tolist(), values)):
                if (dropped is not None and dropped[p]) or p in skip or (owns != "row" and p in owned_rows):
                    continue
                exp = expected if isinstance(expected, str) else expected[i]
                if isinstance(v, float) and v != v:  # NaN: a blank cell
                    v = None
                elif isinstance(v, np.generic):
                    v = v.item()
                cells.append((p, order, seq, Problem(int(rows[p]), column, v, exp)))
                seq += 1
        cells.sort(key=lambda c: c[:3])
        return self._whole + [c[3] for c in cells]


# --------------------------------------------------------------------------- loading


class _Raw(NamedTuple):
    headers: list[str]
    columns: list[pd.Series]  # positional, RangeIndex
    n: int
    source: str
    line_offset: int | None
    row: pd.Series | None  # the ``row`` column of a canonical frame
    problems: Sequence[Problem] = ()  # found while locating the table (a unit note above it)
    #: Each row's line where it is not row + line_offset (quoted line breaks); asked only to report problems.
    lines: Callable[[], Sequence[int] | None] | None = None


def _header_text(h: Any) -> str:
    if h is None or (isinstance(h, float) and h != h):
        return ""
    return h if isinstance(h, str) else str(h)


def _from_frame(df: pd.DataFrame, source: str, line_offset: int | None, problems: Sequence[Problem] = (),
                lines: Callable[[], Sequence[int] | None] | None = None) -> _Raw:
    marked = df.attrs.get(ATTR) == MARK
    headers, columns, row = [], [], None
    for i in range(df.shape[1]):
        h = df.columns[i]
        if isinstance(h, str) and h == "row":
            # Our own column: kept from a canonical frame, recomputed otherwise.
            if marked and row is None:
                row = df.iloc[:, i].reset_index(drop=True)
            continue
        headers.append(_header_text(h))
        columns.append(df.iloc[:, i].reset_index(drop=True))
    return _Raw(headers, columns, len(df), source, line_offset, row, problems, lines)


def _unreadable(source: str, value: Any, expected: str) -> InputError:
    return InputError([Problem(None, None, value, expected)], source=source)



#: How many rows at the top of a file are searched for the header row.
HEADER_SCAN = 20
#: Columns a header row must name at least one of (the required columns).
_KEY_NAMES: tuple[str, ...] = ("year", "county", "school_id", "level", "students")
_UNIT_NOTE = re.compile(r"(?:^|[\s(（])(?:计量)?单位\s*[:：]\s*(?P<units>[^()（）]+)")
_UNIT_SEP = re.compile(r"[、，,/;；\s]+")


@functools.lru_cache(maxsize=4096)
def _recognised(text: str) -> tuple[_Target | None, bool]:
    """(target, is a bookkeeping header) of one header cell; cached, since header rows repeat."""
    target, _, base = _match(text)
    return target, target is None and base in IGNORED_HEADERS


class _HeaderRow(NamedTuple):
    """Where a file's table starts: its column headers and how many rows precede the first data row."""

    headers: list[str]
    skip: int  # rows before the first data row (title, notes, blank rows and the header row(s))
    problems: list[Problem]


def _texts_of(row: Sequence[Any], width: int) -> list[str]:
    """Cells as header text, as written (blank cells are ``""``)."""
    return [t if (t := _header_text(row[c]) if c < len(row) else "").strip() else "" for c in range(width)]


def _combine(parent: list[str], child: list[str], fill: bool) -> tuple[list[str], int]:
    """Headers of a two-row header, and whether every filled child cell took part.

    A column keeps the child's text when that is a known header; otherwise the
    parent's text joined to it (``学校`` + ``代码``, ``在校生数`` under which
    ``小学`` reads ``小学在校生数``) if that is one, or the parent's alone under a
    blank child. Combinations that name nothing are never used, so a title or a
    note above the header cannot leak into a column name. The flag (1/0) is 1
    when every child cell that names nothing alone made a match with its
    parent: a row of units or sub-headers, not a row of data.

    ``fill``: the file cannot say which cells were merged (CSV), so a blank
    parent cell may stand for the group label to its left — tried only under a
    child that names nothing by itself, and kept only if the join is a known
    header. An XLSX grid comes with its merged cells filled, and ``fill`` off.
    """
    out, used, filled = [], 0, 0
    left = ""
    for p, c in zip(parent, child, strict=True):
        left = p or left
        if fill and not p and c:  # under a blank child a blank parent stays blank: no column is made up
            p = left
        header = c
        alone = _known(c)
        filled += bool(c) and not alone
        if p and not alone:
            for joined in ((p + c, c + p) if c else (p,)):
                if _known(joined):
                    header = joined
                    used += bool(c)
                    break
        out.append(header)
    return out, int(filled > 0 and used == filled)


def _known(text: str) -> bool:
    target, ignored = _recognised(text) if text else (None, False)
    return target is not None or ignored


def _score(headers: list[str]) -> tuple[int, int]:
    """(how many key columns, how many columns) a candidate header row names.

    Distinct columns, so a group label filled across its merged cells does not
    count once per cell; bookkeeping headers (序号, 备注) count too.
    """
    keys: set[str] = set()
    known: set[_Target | str] = set()
    for h in headers:
        if not h:
            continue
        target, ignored = _recognised(h)
        if target is not None:
            known.add(target)
            if target.column in _KEY_NAMES:
                keys.add(target.column)
        elif ignored:
            known.add(h)
    return len(keys), len(known)


Merge = tuple[int, int, int, int]  # 0-based first row, first column, last row, last column


def _find_header(grid: Sequence[Sequence[Any]], lines: Sequence[int], source: str,
                 merges: Sequence[Merge] | None) -> _HeaderRow:
    """Find the header row among the first rows of a file (``grid``, merged cells already filled).

    Bureau sheets put a title, a blank row or a unit note above the table, and
    sometimes a two-row header (a group label over its sub-headers). Each row,
    alone and joined to the row above it (``_combine``), is scored by the key
    columns and known headers it names; the best wins, the earliest on a tie,
    and a two-row reading beats the one-row reading above it on a tie only when
    every cell of its lower row took part. A flat file's first row is therefore
    its header, exactly as before. ``lines`` gives each row's line (CSV) or
    sheet row (XLSX) number, for messages; ``merges`` are the merged cells
    (already filled into ``grid``) where the file says (XLSX), None where it
    cannot (CSV).

    No row naming any key column: one ``InputError`` saying what was looked for
    and which row came closest. A unit note above the table (``单位：万元``) that
    would change a column's numbers is a problem too: it cannot say which
    columns it applies to, so the unit belongs in their headers. So is a row
    above the header that reads as a header itself (``_second_headers``).
    """
    width = max((len(r) for r in grid), default=0)
    texts = [_texts_of(r, width) for r in grid]
    best: tuple[tuple[int, int, int], int, int, list[str]] | None = None  # rank, first row, last row, headers
    for r, row in enumerate(texts):
        if not any(row):
            continue
        readings = [(row, 0, r)]
        if r > 0 and any(texts[r - 1]):
            readings.append((*_combine(texts[r - 1], row, merges is None), r - 1))
        for headers, whole, top in readings:
            keys, known = _score(headers)
            rank = (keys, known, whole)
            if keys and (best is None or rank > best[0]):
                best = (rank, top, r, headers)
    if best is None:
        raise _no_header(texts, lines, source)
    _, top, r, headers = best
    headers = headers[:max(len(grid[i]) for i in range(top, r + 1))]  # a CSV line longer than these is an error
    return _HeaderRow(headers, r + 1, _second_headers(texts, top, lines, merges) + _unit_notes(texts[:top], headers))


def _names_key(text: str) -> bool:
    target, _ = _recognised(text) if text else (None, False)
    return target is not None and target.column in _KEY_NAMES


def _second_headers(texts: list[list[str]], top: int, lines: Sequence[int], merges: Sequence[Merge] | None
                    ) -> list[Problem]:
    """Problems for rows above the chosen header that read as a header too (name a key column).

    An older, shorter header over a first block of rows, or a second table
    stacked under a first: the rows between would be skipped as titles. A row
    whose key cells are merged down into the header (a third header row of a
    merged block) is part of the header, not a second one.
    """
    found = []
    for i in range(top):
        keys = [c for c, text in enumerate(texts[i]) if _names_key(text)]
        if not keys or (merges and all(any(r0 <= i and r1 >= top and c0 <= c <= c1 for r0, c0, r1, c1 in merges)
                                       for c in keys)):
            continue
        found.append(Problem(None, None, [t for t in texts[i] if t],
                             f"one header line: line {lines[i]} reads as a second header line, above the header "
                             f"on line {lines[top]}, and the rows between would be skipped as titles; delete one "
                             f"header, or split the file into one table per header"))
    return found


def _no_header(texts: list[list[str]], lines: Sequence[int], source: str) -> InputError:
    looked = "; ".join(_describe_column(name) for name in _KEY_NAMES)
    filled = [(r, row) for r, row in enumerate(texts) if any(row)]
    wanted = f"a header row in the first {HEADER_SCAN} rows naming at least one key column ({looked})"
    if not filled:
        return InputError([Problem(None, None, None, f"{wanted}; those rows are blank")], source=source)
    r, row = max(filled, key=lambda item: (_score(item[1])[1], -item[0]))
    return InputError([Problem(None, None, [c for c in row if c],
                               f"{wanted}; none does, the closest is line {lines[r]}")], source=source)


def _unit_notes(above: list[list[str]], headers: list[str]) -> list[Problem]:
    """Problems for unit notes (``单位：亩``) above the table that would rescale a column.

    A note in a column's canonical unit (``单位：平方米、元``) or a count word
    (``人``, ``台``) changes nothing and passes; a note in another unit of a
    column the file has (亩 for an area, 万元 for money) or an unknown unit would
    be guessed at, so the file is refused with the header to write instead.
    """
    notes = [(cell.strip(), m) for row in above for cell in row if cell
             for m in _UNIT_NOTE.finditer(unicodedata.normalize("NFKC", cell))]
    if not notes:
        return []
    columns = []
    for h in headers:
        target, unit, _ = _match(h) if h else (None, None, "")
        if target is not None and unit is None and BY_NAME[target.column].unit is not None:
            columns.append((h, BY_NAME[target.column].unit))
    found = []
    for cell, note in notes:
        for token in filter(None, _UNIT_SEP.split(note["units"].strip())):
            if units.normalise(token) in units.COUNT_WORDS:
                continue
            try:
                units.parse(token)
            except units.UnitError:
                found.append(Problem(None, None, cell, f"a unit eduequity knows, or the unit in each header "
                                     f"it applies to: {token!r} is unknown"))
                continue
            for header, unit in columns:
                if units.same_dimension(token, unit) and units.factor(token, unit) != 1.0:
                    found.append(Problem(None, header, cell,
                                         f"the unit in the header ({header + ' [' + token + ']'!r}): a note above "
                                         f"the table does not say which columns it applies to"))
    return found



def _is_text_header(header: str) -> bool:
    """Columns read from CSV as text (keys and names: "0123" must survive)."""
    target, _, _ = _match(header)
    return target is not None and target.section is None and BY_NAME[target.column].unit is None


def _csv_head(path: Path, encoding: str) -> tuple[list[list[str]], list[int]]:
    """The first ``HEADER_SCAN + 1`` records and the line each starts on (a quoted cell may span lines)."""
    rows: list[list[str]] = []
    with path.open(encoding=encoding, newline="") as fh, _field_limit(path):
        lines = list(_record_starts(csv.reader(fh), rows, HEADER_SCAN + 1))
    return rows, lines


@contextlib.contextmanager
def _field_limit(path: Path) -> Iterator[None]:
    """The csv module's field limit (131,072 characters) raised to the file's size while it is read, then put back.

    A long cell (a note, a pasted text) would otherwise refuse a valid file;
    pandas has no such limit. No field is longer than the file.
    """
    before = csv.field_size_limit()
    csv.field_size_limit(max(before, min(path.stat().st_size + 1, 2**31 - 1)))  # a C long on every platform
    try:
        yield
    finally:
        csv.field_size_limit(before)


def _record_starts(reader: Any, rows: list | None = None, limit: int | None = None) -> Iterator[int]:
    """The line each record of ``reader`` starts on: one after the line the previous one ended on.

    ``line_num`` counts the lines the reader took (CR LF, LF or a bare CR
    ends one, inside quotes too), so this holds below any quoted line break.
    """
    end = 0
    for row in itertools.islice(reader, limit):
        if rows is not None:
            rows.append(row)
        yield end + 1
        end = reader.line_num


def _row_lines(path: Path, encoding: str, skip: int, n: int, first: int) -> list[int] | None:
    """The line of each of the ``n`` data rows below ``skip`` records, when quoted cells span lines.

    None when the file has one line per record (row ``r`` is on line
    ``first + r``), found by counting line ends; otherwise the file is read
    again record by record. Called only to report problems.
    """
    data = path.read_bytes()
    ends = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
    if ends + (not data.endswith((b"\n", b"\r"))) <= first - 1 + n:
        return None
    with path.open(encoding=encoding, newline="") as fh, _field_limit(path):
        starts = list(itertools.islice(_record_starts(csv.reader(fh)), skip, skip + n))
    return starts if len(starts) == n else None


def _read_csv(path: Path, source: str) -> _Raw:
    """A CSV file in UTF-8 or, if not that, GB18030 — decided on the whole file, never line by line silently.

    The UTF-8 reading decodes every byte (the header scan its lines, pandas
    every field), so a file it reads is UTF-8 throughout and costs nothing
    more. Otherwise every line must be GB18030 (``_encoding_problems``).
    """
    try:
        return _read_csv_as(path, source, "utf-8-sig")
    except UnicodeDecodeError:
        data = path.read_bytes()
    found = _encoding_problems(data, check_gb=False)
    if found:
        raise InputError(found, source=source)
    try:
        return _read_csv_as(path, source, "gb18030")
    except UnicodeDecodeError as exc:
        raise InputError(_encoding_problems(data, check_gb=True)
                         or [Problem(None, None, str(exc), ENCODINGS)], source=source) from exc


ENCODINGS = "text in UTF-8 (with or without BOM) or GB18030/GBK"


def _read_csv_as(path: Path, source: str, encoding: str) -> _Raw:
    try:
        grid, lines = _csv_head(path, encoding)
        if len(grid) <= HEADER_SCAN and not any(c.strip() for r in grid for c in r):
            return _from_frame(pd.DataFrame(), source, 2)  # empty, or blank lines only
        found = _find_header(grid[:HEADER_SCAN], lines, source, None)
        names = [f"c{i}" for i in range(len(found.headers))]
        with warnings.catch_warnings():
            # a line with more fields than the header: pandas would drop the extra ones with a warning
            warnings.simplefilter("error", pd.errors.ParserWarning)
            data = pd.read_csv(
                path, header=None, skiprows=found.skip, names=names, index_col=False, encoding=encoding,
                dtype={name: str for name, h in zip(names, found.headers) if _is_text_header(h)},
                keep_default_na=False, na_values=[""], skip_blank_lines=False, low_memory=False,
            )
        data.columns = found.headers
        offset = lines[found.skip] if found.skip < len(lines) else lines[-1] + 1
        return _from_frame(data, source, offset, found.problems,
                           lambda: _row_lines(path, encoding, found.skip, len(data), offset))
    except (UnicodeDecodeError, InputError):
        raise
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError, csv.Error) as exc:
        raise _unreadable(source, str(exc).strip(),
                          "a readable CSV file (as many fields on every line as in the header)") from exc


def _encoding_problems(data: bytes, check_gb: bool) -> list[Problem]:
    """Problems with the encoding of a file that is not UTF-8 throughout, naming the lines.

    Decoding such a file as GB18030 would turn the UTF-8 lines of a file joined
    from two exports into mojibake (东区 -> 涓滃尯) without a word; so each line
    with non-ASCII bytes is judged on its own, and a file mixing the two is
    refused. Lines are told apart from one decoding of the whole file with
    U+FFFD for what is not UTF-8 (no exception per line); GB18030 itself is
    left to pandas' reading, and looked at line by line (``check_gb``) only
    when that fails, or to name the lines of a mixed file. (Neither
    encoding's multi-byte sequences hold a CR or LF byte, so lines can be
    judged apart.) A BOM says the file means to be UTF-8.
    """
    text = data.decode("utf-8", "replace")
    if "\r" in text:  # lines end at CR LF, LF or CR, as the CSV reader and bytes.splitlines() have them
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    wide = [i for i, line in enumerate(lines) if not line.isascii()]
    other = [i for i in wide if "\ufffd" in lines[i]]
    literal = b"\xef\xbf\xbd" in data
    raw = data.splitlines() if (check_gb or literal or len(other) < len(wide)) else []
    if literal:  # a U+FFFD the file itself holds is UTF-8, not a replacement
        other = [i for i in other if lines[i].count("\ufffd") != raw[i].count(b"\xef\xbf\xbd")]
    if not other:  # pragma: no cover - every line is UTF-8, yet the file did not read as UTF-8
        return [Problem(None, None, None, f"{ENCODINGS}: the file reads as UTF-8 line by line, not as a whole")]
    if not check_gb and len(other) == len(wide):
        return []  # no line is UTF-8: GB18030, which pandas' reading will confirm
    utf8 = sorted(set(wide) - set(other))
    gb = [i for i in other if _decodes(raw[i], "gb18030")]
    found = [(i + 1, _shown(raw[i]), f"{ENCODINGS}: line {i + 1} is neither") for i in sorted(set(other) - set(gb))]
    if utf8 and gb:
        by = {"UTF-8": utf8, "GB18030/GBK": gb}
        major, minor = ("UTF-8", "GB18030/GBK") if data.startswith(b"\xef\xbb\xbf") or len(utf8) >= len(gb) \
            else ("GB18030/GBK", "UTF-8")
        n = len(by[major])
        found += [(i + 1, _shown(raw[i].decode("utf-8" if minor == "UTF-8" else "gb18030")),
                   f"{major} like the file's other {n} line{'s' if n > 1 else ''} of non-ASCII text: line {i + 1} "
                   f"is {minor} (a file joined from two exports?); save the whole file again in one encoding")
                  for i in by[minor]]
    return [Problem(None, None, value, expected) for _, value, expected in sorted(found)]


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _shown(text: Any, width: int = 80) -> Any:
    """A line as shown in a message: cut to ``width`` characters (or bytes)."""
    return text if len(text) <= width else text[:width] + ("…" if isinstance(text, str) else b"...")


#: Cells a sheet may span, rows x columns as read (openpyxl pads each row to the used range):
#: 1,048,576 rows, the most a sheet holds, by 64 columns. A national sheet (~25 columns) reads,
#: a province's (~20,000 rows) is far below; a stray cell at XFD1048576 (17 billion cells once
#: padded, from a file of 1.5 KB) is refused before it takes the machine's memory.
XLSX_MAX_CELLS = 1_048_576 * 64
#: Bytes a workbook's parts may expand to in all: a national sheet of 1,048,576 rows x 25 columns
#: is about 1.2 GB of XML. zipfile reads no part past its declared size, so this bounds what is read.
XLSX_MAX_BYTES = 4 * 2**30
#: How many times a part over XLSX_RATIO_FROM bytes may expand: real sheets compress 5-20x (7.8x
#: the benchmark panel, 15x a sheet of one row repeated); a zip bomb, a tiny file expanding hugely,
#: about 1000x.
XLSX_MAX_RATIO = 100
XLSX_RATIO_FROM = 16 * 2**20


def _check_archive(path: Path, source: str) -> None:
    """Refuse a workbook whose parts would expand past reason before openpyxl opens any (it reads
    the shared strings whole, and the sheet's XML is streamed through twice)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return  # load_workbook says what is wrong with it
    total = sum(p.file_size for p in parts)
    if total > XLSX_MAX_BYTES:
        raise _unreadable(source, f"{total:,} bytes", f"a workbook whose parts expand to at most "
                          f"{XLSX_MAX_BYTES:,} bytes (a zip bomb?)")
    for part in parts:
        if part.file_size > XLSX_RATIO_FROM and part.file_size > XLSX_MAX_RATIO * max(part.compress_size, 1):
            raise _unreadable(source, f"{part.filename}: {part.compress_size:,} bytes expanding to "
                              f"{part.file_size:,}", f"parts that expand at most {XLSX_MAX_RATIO} times, as "
                              f"spreadsheets do (a zip bomb?)")


def _too_big(source: str, title: str, cells: int, ref: str) -> InputError:
    return _unreadable(source, f"{ref} ({cells:,} cells)",
                       f"a used range of at most {XLSX_MAX_CELLS:,} cells on sheet {title!r}: delete what lies "
                       f"beyond the table (Ctrl+End goes to its last cell), or split the sheet")


def _corner(rows: int, columns: int) -> str:
    from openpyxl.utils import get_column_letter

    try:
        return f"A1:{get_column_letter(max(columns, 1))}{rows}"
    except ValueError:  # past XFD: a file no spreadsheet wrote
        return f"{rows} rows x {columns} columns"


def _sheet_rows(ws: Any, source: str) -> list[tuple]:
    """The sheet's rows as read, bounded by XLSX_MAX_CELLS.

    The used range its ``<dimension>`` gives is checked up front; then the
    dimension is dropped, so that one smaller than the data (some writers get
    it wrong) cannot cut rows or columns off, and the cells are counted while
    read, so that a dimension that lies, or none, cannot pad past the limit.
    """
    if ws.max_row and ws.max_column and ws.max_row * ws.max_column > XLSX_MAX_CELLS:
        raise _too_big(source, ws.title, ws.max_row * ws.max_column, _corner(ws.max_row, ws.max_column))
    ws.reset_dimensions()
    rows: list[tuple] = []
    width = 0
    for row in ws.iter_rows(min_row=1, min_col=1, values_only=True):
        rows.append(row or ())  # a missing row comes as one shared list
        if len(row) > width:
            width = len(row)
        if len(rows) * width > XLSX_MAX_CELLS:
            raise _too_big(source, ws.title, len(rows) * width, _corner(len(rows), width))
    return rows


_MERGE_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref=\"([^\"]+)\"")
_SHEET_DATA_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?sheetData>|<(?:[A-Za-z_][\w.-]*:)?sheetData\s*/>")


def _merged_ranges(ws: Any, n_rows: int, source: str) -> list[Merge]:
    """0-based (first row, first column, last row, last column) of the sheet's merged cells over its rows.

    openpyxl's read-only mode, several times faster than the full one, skips
    ``<mergeCells>``; it follows the cell data in the sheet's XML, so one scan
    of that part, in chunks, finds them. Without it (another openpyxl) no cell
    is filled, and a header that needed the fill is reported as missing, not
    guessed. Filling counts toward XLSX_MAX_CELLS: a range over the whole
    sheet would otherwise pad every row to 16,384 columns.
    """
    from openpyxl.utils.cell import range_boundaries

    opener = getattr(ws, "_get_source", None)
    if opener is None:  # pragma: no cover - openpyxl internals changed
        return []
    out, area = [], 0
    with opener() as fh:
        for ref in _merge_refs(fh):
            c0, r0, c1, r1 = range_boundaries(ref.decode("ascii"))
            if r0 > n_rows:
                continue
            area += (min(r1, n_rows) - r0 + 1) * (c1 - c0 + 1)
            if area > XLSX_MAX_CELLS:
                raise _too_big(source, ws.title, area, f"merged cells such as {ref.decode('ascii')}")
            out.append((r0 - 1, c0 - 1, r1 - 1, c1 - 1))
    return out


def _merge_refs(fh: Any, chunk: int = 1 << 20) -> Iterator[bytes]:
    """The ``ref`` of each ``<mergeCell>`` after the sheet's cell data, read chunk by chunk (never whole)."""
    carry, after = b"", False
    while True:
        data = fh.read(chunk)
        buf = carry + data
        if not after:
            at = buf.rfind(b"sheetData")  # a fast scan; the pattern only where the name is
            end = _SHEET_DATA_END.search(buf, max(0, at - 64)) if at >= 0 else None
            if end is None:
                carry = buf[-64:]  # a closing tag cut in two
                if not data:
                    return
                continue
            after, buf = True, buf[end.end():]
        cut = buf.rfind(b">") + 1 if data else len(buf)
        yield from _MERGE_CELL.findall(buf, 0, cut)
        carry = buf[cut:][-256:]  # a tag cut in two (no mergeCell is longer)
        if not data:
            return


def _fill_merged(rows: list[Any], merged: list[Merge], first: int = 0,
                 columns: Sequence[bool] | None = None) -> None:
    """Give every cell of a merged range the value of its top-left cell, in place.

    Only ranges starting at row ``first`` or below, and only the columns where
    ``columns`` is true (all without it); rows are tuples from openpyxl and
    become lists when touched. The loop runs over merged cells, which are few.
    """
    for r0, c0, r1, c1 in merged:
        if r0 < first or r0 >= len(rows):
            continue
        top = rows[r0]
        value = top[c0] if c0 < len(top) else None
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            if not isinstance(row, list):
                row = rows[r] = list(row)
            if len(row) <= c1:
                row.extend([None] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0) and (columns is None or (c < len(columns) and columns[c])):
                    row[c] = value


def _read_xlsx(path: Path, source: str, sheet: str | int | None) -> _Raw:
    """A sheet as found: the header row located (``_find_header``), merged cells filled.

    Merged cells take their top-left value in the header rows (group labels)
    and, below them, in text columns (a county or a year merged down a block of
    schools); merged quantities are left to their first row, since a number
    shown once for several schools is not each school's number.
    """
    from openpyxl import load_workbook

    _check_archive(path, source)
    try:
        wb = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except FileNotFoundError:
        raise
    except Exception as exc:  # zipfile.BadZipFile, openpyxl's InvalidFileException, KeyError …
        raise _unreadable(source, f"{type(exc).__name__}: {exc}", "a readable .xlsx workbook") from exc
    try:
        try:
            ws = wb.worksheets[0 if sheet is None else sheet] if not isinstance(sheet, str) else wb[sheet]
        except (KeyError, IndexError, TypeError) as exc:
            names = ", ".join(repr(n) for n in wb.sheetnames)
            raise _unreadable(source, sheet, f"a sheet named or numbered {sheet!r} (the workbook has {names})"
                              ) from exc
        try:
            rows: list[Any] = _sheet_rows(ws, source)
            merged = _merged_ranges(ws, len(rows), source)
        except InputError:
            raise
        except Exception as exc:  # a damaged sheet part
            raise _unreadable(source, f"{type(exc).__name__}: {exc}", "a readable .xlsx workbook") from exc
    finally:
        wb.close()
    while rows and all(v is None or (isinstance(v, str) and not v.strip()) for v in rows[-1]):
        rows.pop()
    if not rows:
        return _from_frame(pd.DataFrame(), source, 2)
    grid = [list(r) for r in rows[:HEADER_SCAN]]
    _fill_merged(grid, merged)
    found = _find_header(grid, range(1, HEADER_SCAN + 1), source, merged)
    body = rows[found.skip:]
    _fill_merged(body, [(r0 - found.skip, c0, r1 - found.skip, c1) for r0, c0, r1, c1 in merged],
                 columns=[_is_text_header(h) for h in found.headers])
    width = max([len(found.headers), *map(len, body)])
    data = pd.DataFrame([r if len(r) == width else (*r, *[None] * (width - len(r))) for r in body]
                        if body else None, columns=range(width))
    data.columns = found.headers + [""] * (width - len(found.headers))
    return _from_frame(data, source, found.skip + 1, found.problems)


def _read_parquet(path: Path, source: str) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except (FileNotFoundError, ImportError):
        raise
    except Exception as exc:  # pyarrow.ArrowInvalid and friends
        raise _unreadable(source, f"{type(exc).__name__}: {exc}", "a readable .parquet file") from exc


def _load(source: str | os.PathLike | pd.DataFrame, sheet: str | int | None) -> _Raw:
    if isinstance(source, pd.DataFrame):
        if sheet is not None:
            raise ValueError("sheet= applies to .xlsx files only")
        return _from_frame(source, "DataFrame", None)
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"read_schools reads a path or a DataFrame, not {type(source).__name__}")
    path = Path(source)
    name = os.fspath(source)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise _unreadable(name, path.suffix or path.name, "a .csv, .xlsx or .parquet file (or a DataFrame)")
    if sheet is not None and suffix != ".xlsx":
        raise ValueError("sheet= applies to .xlsx files only")
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {name}")
    if suffix == ".csv":
        return _read_csv(path, name)
    if suffix == ".xlsx":
        return _read_xlsx(path, name, sheet)
    frame = _read_parquet(path, name)
    return _from_frame(frame, name, None)


# --------------------------------------------------------------------------- parsing values

_NUMBER = re.compile(
    r"^(?P<num>[+-]?(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
    r"\s*(?P<unit>.*)$"
)
OK, NOT_A_NUMBER, BAD_UNIT, FOREIGN = 0, 1, 2, 3  # FOREIGN: neither text nor a number, reported already


def _is_numeric(dtype: Any) -> bool:
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


def _foreign(s: pd.Series) -> list[tuple[np.ndarray, str]]:
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
    if _is_numeric(dtype) or isinstance(dtype, pd.StringDtype):
        return []
    if isinstance(dtype, pd.CategoricalDtype):
        found = _foreign(pd.Series(dtype.categories))
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


def _missing(s: pd.Series, text: bool = False) -> np.ndarray:
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


def _numbers(s: pd.Series, factor: float = 1.0, unit: str | None = None, suffix: str | None = None
             ) -> tuple[np.ndarray, np.ndarray | None]:
    """Values of a numeric column as float64 (NaN: blank) and per-cell codes (None: all fine)."""
    if _is_numeric(s.dtype):
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


def _text_codes(s: pd.Series, nfkc: bool = False) -> tuple[np.ndarray, pd.Index, bool]:
    """Codes (-1: blank) over distinct stripped text values, those values, and whether nothing changed.

    "Nothing changed" means the column was already str, stripped and without
    blank strings, so callers may keep the input column as it is.
    """
    codes, uniques = pd.factorize(s)
    is_str = isinstance(s.dtype, pd.StringDtype) or (
        isinstance(s.dtype, pd.CategoricalDtype) and s.cat.categories.dtype == "str")
    if isinstance(uniques, (pd.Categorical, pd.CategoricalIndex)):
        uniques = pd.Index(np.asarray(uniques), dtype=uniques.categories.dtype)
    if _is_numeric(uniques.dtype) and uniques.dtype.kind == "f":
        v = uniques.to_numpy(dtype="float64")
        with np.errstate(invalid="ignore"):
            ints = bool(np.all((np.mod(v, 1) == 0) & (np.abs(v) < 2.0**63)))
        # ids read as numbers: 3101.0 is "3101", one fractional or huge id beside it changing no other
        text = pd.Index(v.astype(np.int64).astype(str) if ints else _texts(v.astype(object)), dtype="str")
    elif _is_numeric(uniques.dtype):
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


def _lookup(uniques: pd.Index, aliases: Mapping[str, str], categories: tuple[str, ...]) -> np.ndarray:
    """Category code of each distinct value via its aliases; -2 for unknown values."""
    table = {_norm(k).casefold(): categories.index(v) for k, v in aliases.items()}
    return np.array([table.get(_norm(u).casefold(), -2) for u in uniques.tolist()], dtype=np.int64)


def _str_series(codes: np.ndarray, uniques: pd.Index) -> pd.Series:
    return pd.Series(pd.Categorical.from_codes(codes, uniques)).astype("str")


# --------------------------------------------------------------------------- the reader


def read_schools(
    source: str | os.PathLike | pd.DataFrame,
    *,
    sheet: str | int | None = None,
    weights: Mapping[str, sections.SectionWeights | tuple] | None = None,
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
    physical resources are split between the sections by the weights of
    :mod:`eduequity.core.sections` (override them per school type with
    ``weights={"nine_year": (1.0, 1.1, None)}``); their teachers come per section
    as ``teachers_primary`` / ``teachers_junior`` (``*_senior`` is accepted and
    ignored). Only primary and junior sections are returned.

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

    Every problem found is raised at once as an :class:`InputError` whose
    ``.problems`` name the row (the input row, 0-based), the column (the header
    as written in the input) and what was expected. A missing file raises
    ``FileNotFoundError``; a bad ``weights=`` raises ``ValueError``/``TypeError``.
    """
    table = sections.resolve(weights)
    raw = _load(source, sheet)
    return _Reader(raw, sections.matrix(table)).run()


class _Reader:
    """One pass over one input: parse every column, collect every problem, build the frame."""

    def __init__(self, raw: _Raw, weights: np.ndarray) -> None:
        self.raw = raw
        self.weights = weights
        self.n = raw.n
        self.p = _Problems()
        self.blanks: list[np.ndarray] = []  # per input column: which of its cells are blank
        self.cols: dict[_Target, tuple[int, float]] = {}  # usable columns: target -> (position, factor)
        self.present: set[_Target] = set()  # targets given at all (usable or not)
        self.exact: set[str] = set()  # plain columns whose input Series already is the output

    # -- headers ------------------------------------------------------------------------------

    def map_headers(self) -> None:
        headers = self.raw.headers
        first: dict[_Target, int] = {}
        reported: set[int] = set()
        for pos, header in enumerate(headers):
            column = self.raw.columns[pos]
            if header.strip() == "":
                blank = _missing(column, text=True)
                if not blank.all():
                    self.p.add(f"(column {pos + 1})", None, "a header for every column that has data")
                    self.blanks.append(blank)
                continue
            target, unit, base = _match(header)
            if target is None and base in IGNORED_HEADERS:
                self.blanks.append(np.ones(len(column), dtype=bool))
                continue
            if target is None:
                self.p.add(header, None, _closest(base))
                self.blanks.append(_missing(column))
                continue
            self.present.add(target)
            if target in first:
                j = first[target]
                for i, other in ((j, pos), (pos, j)):
                    if i not in reported:
                        reported.add(i)
                        self.p.add(headers[i], None, f"one column for {target.label!r}; {headers[other]!r} is one too")
                self.cols.pop(target, None)
                self.blanks.append(_missing(column))
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
                    self.blanks.append(_missing(column))
                    continue
            self.cols[target] = (pos, factor)

    def has(self, name: str, section: str | None = None) -> bool:
        return _Target(name, section) in self.cols

    def series(self, name: str, section: str | None = None) -> pd.Series:
        return self.raw.columns[self.cols[_Target(name, section)][0]]

    def header(self, name: str, section: str | None = None) -> str:
        t = _Target(name, section)
        return self.raw.headers[self.cols[t][0]] if t in self.cols else t.label

    def cells(self, where: np.ndarray, name: str, expected: str | Sequence[str], section: str | None = None,
              value: bool = True, owns: str | None = None) -> None:
        """A problem on each selected row of a column, with the cell as written in the input."""
        t = _Target(name, section)
        raw = self.series(name, section) if (value and t in self.cols) else None
        order = self.cols[t][0] if t in self.cols else 1 << 20
        self.p.cells(where, self.header(name, section), raw, expected, order, owns)

    def checked(self, name: str, section: str | None, want: str) -> tuple[pd.Series, np.ndarray | None]:
        """The column with its cells that are neither text nor a number reported and blanked, and where they are.

        Each such cell is one problem (``want``, not a boolean / a list …); it
        owns its cell, so "not a number" or "required" is not said of it too.
        """
        s = self.series(name, section)
        found = _foreign(s)
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
        factor = self.cols[_Target(name, section)][1]
        s, foreign = self.checked(name, section, "a number")
        values, codes = _numbers(s, factor, BY_NAME[name].unit, suffix)
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
        codes, uniques, unchanged = _text_codes(s, nfkc)
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
        aliases, categories, _ = _CATEGORICAL[name]
        mapped = _lookup(uniques, aliases, categories)
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
        named = np.array([_names_key(_header_text(u).strip()) for u in uniques.tolist()], dtype=bool)
        if not named.any():
            return
        pos = pos[(codes >= 0) & named[np.maximum(codes, 0)]]
        lines, cells = [], []
        for r in pos.tolist():  # header-like rows only: a few
            row = [_header_text(c.iloc[r]).strip() for c in self.raw.columns]
            if sum(map(_names_key, row)) >= 2:
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
        if _is_numeric(r.dtype):
            v = r.to_numpy(dtype="float64", na_value=np.nan)
            with np.errstate(invalid="ignore"):
                if (np.isfinite(v) & (v >= 0) & (np.mod(v, 1) == 0)).all():
                    return v.astype(np.int64)
        self.p.add("row", None, "whole numbers ≥ 0 in 'row' (the input row each section came from)")
        return np.arange(self.n, dtype=np.int64)

    # -- the pass -----------------------------------------------------------------------------

    def run(self) -> pd.DataFrame:
        n, p = self.n, self.p
        if not self.raw.headers and self.raw.row is None:
            p.add(None, None, "a header line and at least one data row")
            raise InputError(p.build(np.zeros(0, np.int64), None), source=self.raw.source)
        rows = self.given_rows()
        for found in self.raw.problems:
            p.add(found.column, found.value, found.expected)
        self.map_headers()
        has_whole = any(self.has("students", s) for s in sections.SECTIONS)
        self.check_structure(has_whole)

        # keys
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
        level_code = level if level is not None else np.full(n, -1, dtype=np.int64)
        students, scodes = self.number_column("students")
        students_blank = np.isnan(students)
        if scodes is not None:
            students_blank &= scodes == OK

        # whole-school rows: level and students blank, students per section given
        level_blank = level_code == -1
        counts = given = count_ok = None
        if has_whole:
            counts = np.full((n, 3), np.nan)
            given = np.zeros((n, 3), dtype=bool)
            count_ok = np.ones((n, 3), dtype=bool)
            for k, sec in enumerate(sections.SECTIONS):
                v, c = self.number_column("students", sec)
                counts[:, k] = v
                given[:, k] = ~np.isnan(v) if c is None else (~np.isnan(v) | (c != OK))
                with np.errstate(invalid="ignore"):
                    count_ok[:, k] = np.isnan(v) | ((v >= 0) & (v <= STUDENTS_MAX) & (np.mod(v, 1) == 0))
                if c is not None:
                    count_ok[:, k] &= c == OK
            whole = level_blank & students_blank & given.any(axis=1)
        else:
            whole = np.zeros(n, dtype=bool)
        part = ~whole

        if self.has("level") or has_whole:
            self.cells(part & level_blank, "level", "a level: primary or junior (小学 / 初中), required")
        if self.has("students") or has_whole:
            self.cells(part & students_blank, "students", "a number of students (required)")
        with np.errstate(invalid="ignore"):
            students_ok = (students > 0) & (students <= STUDENTS_MAX) & (np.mod(students, 1) == 0)
        self.cells(part & ~students_blank & ~students_ok, "students",
                   f"a positive whole number of students (at most {STUDENTS_MAX:,})")

        # resources: whole-school totals or section values, and people per section
        values = {name: self.resource(name) for name in SPLIT + PEOPLE if self.has(name)}
        per_section: dict[tuple[str, str], np.ndarray] = {}
        for name in PEOPLE:
            for sec in ("primary", "junior"):
                if self.has(name, sec):
                    per_section[name, sec] = self.resource(name, sec)
            if self.has(name, "senior"):  # accepted and not used: senior is not compulsory education
                self.blanks.append(_missing(self.series(name, "senior")))

        # optional columns
        categories = {name: self.categorical(name) for name in ("school_type", "ownership", "sponsor")
                      if self.has(name)}
        texts = {name: self.text_column(name) for name in _TEXT if self.has(name)}

        shares, emit = self.split(has_whole, whole, part, counts, given, count_ok, values, per_section,
                                  categories.get("school_type"))

        # wholly blank rows are not data rows
        dropped = self.blanks[0].copy() if self.blanks else np.zeros(n, dtype=bool)
        for blank in self.blanks[1:]:
            if not dropped.any():
                break
            dropped &= blank
        if n == 0 or dropped.all():
            p.add(None, None, "a header line and at least one data row")
        keep = ~dropped

        # sections in input order; a mixed school's primary before its junior. Usually
        # every row is one section: then the input columns are the output (no index arrays).
        sections_only = part & keep
        identity = (emit is None or not emit.any()) and bool(sections_only.all())
        if identity:
            src, kind, lvl = None, None, level_code
        else:
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

        if sid is not None:
            self.keys(rows, src, lvl, year, year_ok, sid, county)

        found = p.build(rows, dropped) if p else []
        if found:
            raise InputError(found, source=self.raw.source, line_offset=self.raw.line_offset,
                             lines=self.raw.lines() if self.raw.lines is not None else None)

        # the canonical frame
        def take(a: np.ndarray) -> np.ndarray:
            return a if identity else a[src]

        out: dict[str, Any] = {"row": take(rows)}
        out["year"] = _either(self.exact_series("year", identity), lambda: take(year).astype(np.int64))
        out["county"] = sorted_categorical(take(county[0]), county[1])
        if code is not None:
            out["county_code"] = self.text_output("county_code", code, take, identity)
        # sorted categories: evaluate sums each group's schools in id order, and needs no factorize
        out["school_id"] = sorted_categorical(take(sid[0]), sid[1])
        out["level"] = pd.Categorical.from_codes(lvl, dtype=LEVEL_DTYPE)
        if identity:
            out["students"] = _either(self.exact_series("students", identity), lambda: students)
        else:
            st = students[src]
            if counts is not None:
                for k in (1, 2):
                    st[kind == k] = counts[src[kind == k], k - 1]
            out["students"] = st
        for col in COLUMNS:
            name = col.name
            given_sections = [s for s in ("primary", "junior") if (name, s) in per_section]
            if col.role != "resource" or (name not in values and not given_sections):
                continue
            if identity:
                out[name] = _either(self.exact_series(name, identity),
                                    lambda: values.get(name, np.full(n, np.nan)))
                continue
            v = values[name][src] if name in values else np.full(len(src), np.nan)
            for k, sec in ((1, "primary"), (2, "junior")) if shares is not None else ():
                m = kind == k
                if name in SPLIT:
                    v[m] = v[m] * shares[src[m], k - 1]
                else:
                    v[m] = per_section[name, sec][src[m]] if (name, sec) in per_section else np.nan
            out[name] = v
        for name, got in categories.items():
            out[name] = pd.Categorical.from_codes(take(got), dtype=_CATEGORICAL[name][2])
        for name, got in texts.items():
            out[name] = self.text_output(name, got, take, identity)
        columns = ["row"] + [c.name for c in COLUMNS if c.name in out]
        frame = pd.DataFrame({c: out[c] for c in columns}, copy=False)
        frame.attrs[ATTR] = MARK
        return frame

    def check_structure(self, has_whole: bool) -> None:
        """Problems with the set of columns: missing keys, whole-school columns without their kin."""
        for name in ("year", "county", "school_id", "level", "students"):
            if _Target(name) in self.present or (has_whole and name in ("level", "students")):
                continue
            extra = ", or whole-school columns students_primary / students_junior" if name in (
                "level", "students") else ""
            self.p.add(name, None, _describe_column(name) + extra)
        if not has_whole:
            for t, (pos, _) in sorted(self.cols.items(), key=lambda item: item[1][0]):
                if t.section is not None:
                    self.p.add(self.raw.headers[pos], None,
                               "whole-school student counts (students_primary / students_junior) alongside it")
        elif _Target("school_type") not in self.present:
            self.p.add("school_type", None, _describe_column("school_type") + " to split whole-school rows")

    def split(self, has_whole, whole, part, counts, given, count_ok, values, per_section, type_code
              ) -> tuple[np.ndarray | None, np.ndarray | None]:
        """Check whole-school rows: each section's share of them (n, 3) and which sections to emit (n, 2).

        Both are None when the input has no whole-school columns.
        """
        n = self.n
        if not has_whole:
            return None, None
        shares = np.full((n, 3), np.nan)
        emit = np.zeros((n, 2), dtype=bool)
        rule = "whole-school rows leave level and students blank"
        for k, sec in enumerate(sections.SECTIONS):
            if self.has("students", sec):
                self.cells(part & given[:, k], "students", f"blank on a section row (one with a level); {rule}", sec)
                self.cells(whole & ~count_ok[:, k], "students",
                           f"a whole number ≥ 0 of students (at most {STUDENTS_MAX:,}), or blank", sec)
        for (name, sec), v in per_section.items():
            self.cells(part & ~np.isnan(v), name, f"blank on a section row (use {name!r})", sec)
        for name in PEOPLE:
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
        for k, sec in enumerate(sections.SECTIONS):
            stray = whole & mixed & np.isnan(w[:, k]) & (n0[:, k] > 0)
            if stray.any():
                self.cells(stray, "students", [f"0 or blank: a {t} school has no {sec} section"
                                               for t in names[stray]], sec)
        compulsory = np.where(np.isnan(w[:, :2]), 0.0, n0[:, :2]).sum(axis=1)
        first = next(s for s in sections.SECTIONS if self.has("students", s))
        self.cells(whole & mixed & (compulsory <= 0), "students",
                   "students in the primary or junior section of a whole-school row", first, value=False)
        good = whole & mixed & count_ok.all(axis=1)
        shares[good] = sections.shares(n0[good], w[good])
        emit[:, 0] = good & (n0[:, 0] > 0) & ~np.isnan(w[:, 0])
        emit[:, 1] = good & (n0[:, 1] > 0) & ~np.isnan(w[:, 1])
        return shares, emit

    def keys(self, rows, src, lvl, year, year_ok, sid, county) -> None:
        """The checks across rows: (year, school_id, level) unique, and one county per school in a year.

        One packed int key per section, (year, school, level), serves both: its
        groups are the duplicates, and ``key >> 1`` is (year, school), whose
        groups must each have one county. (A section of a school under another
        level in another county passes the first check alone.) The usual input,
        a dense key with neither problem, costs one table (``_clean_keys``).
        """
        codes, uniques, _ = sid
        whole = src is None  # every row is one section
        s = codes if whole else codes[src]
        valid = (year_ok if whole else year_ok[src]) & (s >= 0) & (lvl >= 0)
        if not valid.any():
            return
        # key = (year, school, level) as one int, built in place (3 million rows: no temporaries)
        y = year if whole else year[src]
        all_valid = bool(valid.all())
        key = y.astype(np.int64) if all_valid else np.where(valid, y, YEAR_MIN).astype(np.int64)
        key -= YEAR_MIN
        key *= max(len(uniques), 1)
        key += s if all_valid else np.maximum(s, 0)
        key *= 2
        key += lvl if all_valid else np.maximum(lvl, 0)
        k = key if all_valid else key[valid]
        k -= k.min() & ~1  # from 0 or 1: a school-year's two levels stay side by side
        if not all_valid:
            key[valid] = k
        c = None if county is None else (county[0] if whole else county[0][src])
        if k.max() < 4 * len(k) + 1024 and _clean_keys(k, None if c is None else (c if all_valid else c[valid]),
                                                       0 if county is None else len(county[1])):
            return
        at = rows if whole else rows[src]
        self.duplicates(key, valid, at, src)
        if c is not None:
            self.one_county(key, valid & (c >= 0), c, at, src, county[1], uniques[s], y)

    def duplicates(self, key, valid, at, src) -> None:
        """Every section whose (year, school_id, level) is not unique, naming the other rows of its key."""
        pos = np.flatnonzero(valid)
        groups, size = _group_codes(key[pos])
        if size == len(groups):
            return
        idx = pos[np.bincount(groups, minlength=size)[groups] > 1]
        peers = _peers(key[idx], at[idx].tolist())
        expected = []
        for k, r in zip(key[idx].tolist(), at[idx].tolist()):  # formatting the problem list
            others = sorted(set(peers[k]) - {r}) or [r]
            expected.append("a unique (year, school_id, level); the same key is on " + _rows_text(others))
        self.cells(idx if src is None else src[idx], "school_id", expected)

    def one_county(self, key, valid, c, at, src, counties, schools, y) -> None:
        """Every section of a school that is in two counties in one year, naming the rows in the other county."""
        pos = np.flatnonzero(valid)
        groups, size = _group_codes(key[pos] >> 1)
        first = np.empty(size, dtype=np.int64)
        first[groups] = c[pos]
        split = np.zeros(size, dtype=bool)
        split[groups[first[groups] != c[pos]]] = True
        idx = pos[split[groups]]
        if not len(idx):
            return
        ys = key[idx] >> 1
        names = counties[c[idx]].tolist()
        peers = _peers(ys, list(zip(at[idx].tolist(), names)))
        expected = []
        for k, name, school, year in zip(ys.tolist(), names, schools[idx].tolist(), y[idx].astype(np.int64).tolist()):
            away = sorted({(o, oc) for o, oc in peers[k] if oc != name})
            expected.append(f"one county for a school in a year: {school!r} in {year} is on "
                            + _rows_text([o for o, _ in away]) + f" ({', '.join(dict.fromkeys(oc for _, oc in away))})")
        self.cells(idx if src is None else src[idx], "county", expected)

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
        return _str_series(take(codes), uniques)


def _either(series: pd.Series | None, otherwise) -> Any:
    return otherwise() if series is None else series


def _clean_keys(k: np.ndarray, county: np.ndarray | None, n_counties: int) -> bool:
    """Whether a dense section key (from 0 or 1) has no repeat and no school in two counties in a year.

    One table: slot ``k`` holds its section's county code (-1: empty), in the
    smallest int that holds them. A repeated key leaves fewer filled slots than
    sections; and with no repeat a school has at most two sections in a year,
    in the two slots of one even pair, which must not hold two counties. False
    means "look closer", not "wrong": it is also said when a county is blank.
    """
    if county is not None and county.min() < 0:
        return False
    dtype = np.min_scalar_type(-max(n_counties, 1))
    slot = np.full((int(k.max()) + 2) & ~1, -1, dtype=dtype)
    slot[k] = 0 if county is None else county.astype(dtype, copy=False)  # cast first: a casting scatter is slow
    if np.count_nonzero(slot >= 0) != len(k):
        return False
    if county is None:
        return True
    primary, junior = slot[0::2], slot[1::2]
    return not np.any((primary != junior) & ((primary | junior) >= 0))  # both filled, two counties


def _group_codes(key: np.ndarray) -> tuple[np.ndarray, int]:
    """Group numbers of an int key and how many groups there are (factorized: problem paths only)."""
    codes, uniques = pd.factorize(key)
    return codes, len(uniques)


def _peers(keys: np.ndarray, items: Sequence[Any]) -> dict[int, list[Any]]:
    """The items (rows, or (row, county) pairs) of each key, for messages naming a problem's other rows."""
    out: dict[int, list[Any]] = {}
    for k, item in zip(keys.tolist(), items):  # problem rows only
        out.setdefault(k, []).append(item)
    return out


def _rows_text(rows: Sequence[int]) -> str:
    return ("rows " if len(rows) > 1 else "row ") + ", ".join(map(str, rows))
