"""The XLSX writer: one sheet per table, frozen header, number formats, failures highlighted,
print setup (A4, fit to width, header row repeated, long text wrapped).

Cells are written as values, never as formulas: text beginning with = + - @
(or a tab or carriage return: ``views.UNSAFE``) is stored as text, so a spreadsheet of school names cannot run anything when
opened. The file's bytes depend only on its content (fixed timestamps).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

import numpy as np
import pandas as pd

from .views import UNSAFE, Chart, Heading, Para, Table

FAIL = {"not met", "missed", "late", "未达标", "behind", "behind plan", "未完成", "落后于规划", "逾期认定", "否", "no"}
FIXED = datetime(2000, 1, 1)
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")
_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def _sheet_name(title: str, used: set[str]) -> str:
    base = _BAD_SHEET.sub(" ", title).strip()[:28] or "Sheet"
    name, i = base, 2
    while name in used:
        name, i = f"{base[:25]}({i})", i + 1
    used.add(name)
    return name


def _value(v):
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, np.generic):
        return v.item()
    return v


def write(blocks, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    notes = wb.active
    notes.title = "说明"
    notes.append([title])
    notes["A1"].font = Font(bold=True, size=14)
    used = {"说明"}
    bad = PatternFill("solid", fgColor="F8CBAD")
    bold = Font(bold=True)
    for b in blocks:
        if isinstance(b, Heading) and b.level == 1 or isinstance(b, Para):
            _note(notes, b.text)
        elif isinstance(b, Table) and not b.detail:  # per-county pages are for HTML, Markdown and PDF
            ws = wb.create_sheet(_sheet_name(b.title, used))
            df = b.frame
            ws.append([str(c) for c in df.columns])
            for cell in ws[1]:
                cell.font = bold
                if cell.value.startswith(UNSAFE):
                    _as_text(cell)
            status_cols = [i for i, c in enumerate(df.columns) if c in ("status", "passed", "状态", "是否达标", "Status", "Passed")]
            for r, row in enumerate(df.itertuples(index=False, name=None), start=2):
                values = [_value(v) for v in row]
                ws.append(values)
                failed = any(str(row[i]) in FAIL or row[i] is False or row[i] is np.False_ for i in status_cols)
                for j, v in enumerate(values, start=1):
                    if isinstance(v, float):
                        ws.cell(row=r, column=j).number_format = "0" if v.is_integer() else "0.000"
                    elif isinstance(v, str) and v.startswith(UNSAFE):
                        _as_text(ws.cell(row=r, column=j))
                    if failed and j - 1 in status_cols:
                        ws.cell(row=r, column=j).fill = bad
            ws.freeze_panes = "A2"
            _print_setup(ws, df)
        elif isinstance(b, Chart):
            _note(notes, f"（图表见 HTML 报告）{b.caption}")
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    wb.properties.creator = "eduequity"
    buf = io.BytesIO()
    wb.save(buf)
    return _normalise_zip(buf.getvalue())


#: Columns of long text: wrapped, and wide enough to read.
WRAPPED = {"reason", "reasons", "why", "原因", "未达标原因", "条款", "依据", "文件", "message"}


def _print_setup(ws, df: pd.DataFrame) -> None:
    """A4, one page wide (landscape when wide or wrapped), the header row on every page,
    long text wrapped, so a sheet prints as a table and not 49 pages cut sideways."""
    from openpyxl.styles import Alignment

    wrap = Alignment(wrap_text=True, vertical="top")
    widths = []
    for j, c in enumerate(df.columns, start=1):
        letter = ws.cell(row=1, column=j).column_letter
        text = str(c) in WRAPPED
        width = 60 if text else max(10, min(40, len(str(c)) * 2))
        ws.column_dimensions[letter].width = width
        widths.append(width)
        if text:
            for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                cell.alignment = wrap
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if sum(widths) > 90 else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = True


def _as_text(cell) -> None:
    cell.data_type = "s"  # text, not a formula
    cell.quotePrefix = True


def _note(ws, text: str) -> None:
    ws.append([text])
    if text.startswith(UNSAFE):
        _as_text(ws.cell(row=ws.max_row, column=1))


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite the archive with fixed entry timestamps so equal content gives equal bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps the save time into "modified" whatever the workbook says.
                data = _STAMP.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", data)
            dst.writestr(fixed, data)
    return out.getvalue()
