"""The rows a bureau's sheet carries around its data: a units row under the header, signatures and notes below.

County bureaus export their tables with a row of units directly under the
header (``单位 | | 人 | ㎡ | 万元``), and end them with a signature row
(``填表人：张三  审核人：李四``) and notes (``注：…``, ``说明：…``). Read as data they
are a school with no id and a student count of "人". Here they are recognised
before any cell is parsed, and only when nothing in them can be data: a row
holding a number is never skipped (it is read, and its bad cells reported), so
a skipped row cannot hide a real school.

The units row's units apply to the columns whose headers have none (``教学仪器设备值``
with 万元 below it reads as ``教学仪器设备值 [万元]`` would, converted with pint as
header units are; problems still name the header as written); a unit that
contradicts the header's own is a problem naming both.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pandas as pd

from ..core import units
from ..core.errors import Problem
from .files import Raw
from .headers import match_header

#: The label cell of a units row (单位, 计量单位, 单位：).
_UNITS_LABEL = re.compile(r"^(?:计量)?单位\s*[:：]?$")
#: The first words of a signature row's cells: who filled in, checked, made or answers for the
#: table, and when.
_SIGNATURE = re.compile(r"^(?:填表人|填报人|审核人|审核|制表人|制表|负责人|单位负责人|统计负责人|主管领导|联系人|"
                        r"联系电话|日期|填表日期|填报日期|制表日期|报出日期)\s*[:：]")
#: The first words of a note row.
_NOTE = re.compile(r"^(?:注|说明|备注)\s*\d*\s*[:：]")
_BRACKETS = re.compile(r"^[\[(（【](?P<unit>.+)[\])）】]$")


def _text(v: Any) -> str:
    return unicodedata.normalize("NFKC", v).strip() if isinstance(v, str) else ""


def _unit_of(cell: str) -> str | None:
    """The unit a units-row cell names (``㎡``, ``(万元)``, ``人``), or None if it names none."""
    m = _BRACKETS.match(cell)
    token = m["unit"].strip() if m else cell
    if units.normalise(token) in units.COUNT_WORDS:
        return token
    try:
        unit = units.parse(token)
    except units.UnitError:
        return None
    return token if not unit.dimensionless else None


def _row(raw: Raw, i: int) -> list[Any]:
    return [c.iat[i] for c in raw.columns]


def _blank(v: Any) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v) or (
        isinstance(v, str) and not v.strip())


def _not_text(cells: list[Any]) -> bool:
    """Whether a cell holds a number, a date or any other non-text value: such a row is data."""
    return any(not _blank(v) and not isinstance(v, str) for v in cells)


def _has_number(cells: list[Any]) -> bool:
    """Whether a cell is a number, or text that reads as one ("1,234", full-width digits)."""
    if _not_text(cells):
        return True
    for v in cells:
        if isinstance(v, str):
            try:
                float(unicodedata.normalize("NFKC", v).strip().replace(",", ""))
                return True
            except ValueError:
                continue
    return False


def _units_row(raw: Raw) -> list[str | None] | None:
    """The unit of each column if the first row under the header is a units row, else None.

    A units row holds only units, a 单位 label and blanks, and at least one unit.
    """
    if raw.n == 0 or raw.row is not None:
        return None
    cells = _row(raw, 0)
    if _has_number(cells):
        return None
    found: list[str | None] = []
    for v in cells:
        text = _text(v)
        if not text or _UNITS_LABEL.match(text):
            found.append(None)
            continue
        unit = _unit_of(text)
        if unit is None:
            return None
        found.append(unit)
    return found if any(found) else None


def _with_units(raw: Raw, found: list[str | None]) -> tuple[list[str | None], list[Problem]]:
    """The unit of each column the units row gives where its header has none; contradictions as problems."""
    out: list[str | None] = []
    problems = []
    for header, unit in zip(raw.headers, found, strict=True):
        given = match_header(header)[1] if unit is not None and header.strip() else None
        out.append(unit if given is None else None)
        if given is None:
            continue
        try:
            same = units.normalise(given) == units.normalise(unit) or units.factor(given, unit) == 1.0
        except units.UnitError:
            same = False
        if not same:
            problems.append(Problem(None, header, unit, f"one unit for the column: the header says {given!r} and "
                                    f"the units row under it {unit!r}; correct one of them"))
    return out, problems


def _trailing(raw: Raw, first: int) -> int:
    """How many rows to keep: the rows before the trailing signature, note and blank rows."""
    n = raw.n
    while n > first:
        cells = _row(raw, n - 1)
        texts = [t for t in (_text(v) for v in cells) if t]
        if all(_blank(v) for v in cells):
            n -= 1
            continue
        if _has_number(cells):
            break  # a number (or a date, or any value not text) is data: read, never skipped
        if not (_SIGNATURE.match(texts[0]) or _NOTE.match(texts[0])):
            break
        n -= 1
    return n


def bureau_rows(raw: Raw) -> Raw:
    """``raw`` without its units row (its units kept in ``Raw.units`` for the columns whose headers
    have none) and its trailing signature and note rows. A frame ``read_schools`` returned is
    left as it is. Line numbers still name the sheet's rows (``line_offset`` moves past the
    units row)."""
    if raw.row is not None or raw.n == 0:
        return raw
    found = _units_row(raw)
    first = 0 if found is None else 1
    keep = _trailing(raw, first)
    if found is None and keep == raw.n:
        return raw
    given, problems = ((), []) if found is None else _with_units(raw, found)
    columns = [c.iloc[first:keep].reset_index(drop=True) for c in raw.columns]
    lines = raw.lines
    if first and lines is not None:
        old = lines

        def lines():  # type: ignore[no-redef]
            got = old()
            return None if got is None else list(got)[first:]
    offset = None if raw.line_offset is None else raw.line_offset + first
    return raw._replace(columns=columns, n=keep - first, line_offset=offset, problems=[*raw.problems, *problems],
                        lines=lines, units=given)
