"""Headers: what a column's header means, and where a file's header row is.

A header is matched after NFKC, one kind of bracket and no whitespace, against
the English and Chinese names and aliases of ``columns.COLUMNS`` (and the
per-section names of whole-school columns, ``小学在校生数``); a unit in
brackets at its end (``[亩]``, ``(万元)``) is split off. In a file, the header
row is looked for among the first ``HEADER_SCAN`` rows, below titles, blank
rows and notes, with two-row headers joined; a unit note above the table and a
second header line are problems.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Sequence
from typing import Any, NamedTuple

from ..core import units
from ..core.columns import BY_NAME, COLUMNS, IGNORED_HEADERS, RESOURCES, SECTION_ZH
from ..core.errors import InputError, Problem


class Target(NamedTuple):
    """What a header means: a canonical column, or one section of a whole-school column."""

    column: str
    section: str | None = None  # "primary" / "junior" / "senior" for whole-school columns

    @property
    def label(self) -> str:
        return self.column if self.section is None else f"{self.column}_{self.section}"


_BRACKETS = str.maketrans({"【": "[", "】": "]", "〔": "(", "〕": ")", "［": "[", "］": "]"})
_WS = re.compile(r"\s+")
_UNIT_SUFFIX = re.compile(r"^(?P<base>.+?)[\[(](?P<unit>[^\[\]()]+)[\])]$")


def normal_form(text: str) -> str:
    """NFKC, one kind of bracket, no whitespace (case kept: units such as ``RMB`` need it)."""
    return _WS.sub("", unicodedata.normalize("NFKC", text).translate(_BRACKETS))


@functools.cache
def _header_table() -> tuple[dict[str, Target], dict[str, str]]:
    """Normalised header -> target, and normalised header -> the label it came from."""
    table: dict[str, Target] = {}
    labels: dict[str, str] = {}

    def add(label: str, target: Target) -> None:
        key = normal_form(label).casefold()
        if table.setdefault(key, target) != target:  # pragma: no cover - a mistake in columns.py
            raise RuntimeError(f"header {label!r} means both {table[key].label} and {target.label}")
        labels.setdefault(key, label)

    for col in COLUMNS:
        for label in (col.name, col.zh, col.en, *col.aliases):
            add(label, Target(col.name))
    for name in ("students", *RESOURCES):  # per section: people always, others where split= leaves them out
        col = BY_NAME[name]
        for section, zh in SECTION_ZH.items():
            add(f"{name}_{section}", Target(name, section))
            for label in (col.zh, *col.aliases):
                add(zh + label, Target(name, section))
    return table, labels


def match_header(header: str) -> tuple[Target | None, str | None, str]:
    """(target, unit text or None, normalised base) of one header."""
    table, _ = _header_table()
    norm = normal_form(header)
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


def closest_header(norm: str) -> str:
    table, labels = _header_table()
    found = difflib.get_close_matches(norm.casefold(), list(table), n=1, cutoff=0.6)
    if not found:
        return "a known column (see eduequity.core.columns.COLUMNS); nothing close"
    label, target = labels[found[0]], table[found[0]]
    also = "" if label == target.label else f" (= {target.label})"
    return f"a known column; closest is {label!r}{also}"


def describe_column(name: str) -> str:
    col = BY_NAME[name]
    names = dict.fromkeys((col.zh, *col.aliases))
    return f"a {name!r} column ({' / '.join(names)})"


def header_text(h: Any) -> str:
    if h is None or (isinstance(h, float) and h != h):
        return ""
    return h if isinstance(h, str) else str(h)


#: How many rows at the top of a file are searched for the header row.
HEADER_SCAN = 20
#: Columns a header row must name at least one of (the required columns).
_KEY_NAMES: tuple[str, ...] = ("year", "county", "school_id", "level", "students")
_UNIT_NOTE = re.compile(r"(?:^|[\s(（])(?:计量)?单位\s*[:：]\s*(?P<units>[^()（）]+)")
_UNIT_SEP = re.compile(r"[、，,/;；\s]+")


@functools.lru_cache(maxsize=4096)
def _recognised(text: str) -> tuple[Target | None, bool]:
    """(target, is a bookkeeping header) of one header cell; cached, since header rows repeat."""
    target, _, base = match_header(text)
    return target, target is None and base in IGNORED_HEADERS


class HeaderRow(NamedTuple):
    """Where a file's table starts: its column headers and how many rows precede the first data row."""

    headers: list[str]
    skip: int  # rows before the first data row (title, notes, blank rows and the header row(s))
    problems: list[Problem]


def _texts_of(row: Sequence[Any], width: int) -> list[str]:
    """Cells as header text, as written (blank cells are ``""``)."""
    return [t if (t := header_text(row[c]) if c < len(row) else "").strip() else "" for c in range(width)]


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
    known: set[Target | str] = set()
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


def find_header(grid: Sequence[Sequence[Any]], lines: Sequence[int], source: str,
                 merges: Sequence[Merge] | None) -> HeaderRow:
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
    return HeaderRow(headers, r + 1, _second_headers(texts, top, lines, merges) + _unit_notes(texts[:top], headers))


def names_key(text: str) -> bool:
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
        keys = [c for c, text in enumerate(texts[i]) if names_key(text)]
        if not keys or (merges and all(any(r0 <= i and r1 >= top and c0 <= c <= c1 for r0, c0, r1, c1 in merges)
                                       for c in keys)):
            continue
        found.append(Problem(None, None, [t for t in texts[i] if t],
                             f"one header line: line {lines[i]} reads as a second header line, above the header "
                             f"on line {lines[top]}, and the rows between would be skipped as titles; delete one "
                             f"header, or split the file into one table per header"))
    return found


def _no_header(texts: list[list[str]], lines: Sequence[int], source: str) -> InputError:
    looked = "; ".join(describe_column(name) for name in _KEY_NAMES)
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
        target, unit, _ = match_header(h) if h else (None, None, "")
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


def is_text_header(header: str) -> bool:
    """Columns read from CSV as text (keys and names: "0123" must survive)."""
    target, _, _ = match_header(header)
    return target is not None and target.section is None and BY_NAME[target.column].unit is None
