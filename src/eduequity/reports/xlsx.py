"""The XLSX writer: one sheet per table, frozen header, number formats, failures highlighted.

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

FAIL = {"not met", "missed", "late", "未达标", "behind"}
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
        elif isinstance(b, Table):
            ws = wb.create_sheet(_sheet_name(b.title, used))
            df = b.frame
            ws.append([str(c) for c in df.columns])
            for cell in ws[1]:
                cell.font = bold
                if cell.value.startswith(UNSAFE):
                    _as_text(cell)
            status_cols = [i for i, c in enumerate(df.columns) if c in ("status", "passed", "状态")]
            for r, row in enumerate(df.itertuples(index=False, name=None), start=2):
                values = [_value(v) for v in row]
                ws.append(values)
                failed = any(str(row[i]) in FAIL or row[i] is False or row[i] is np.False_ for i in status_cols)
                for j, v in enumerate(values, start=1):
                    if isinstance(v, float):
                        ws.cell(row=r, column=j).number_format = "0.000"
                    elif isinstance(v, str) and v.startswith(UNSAFE):
                        _as_text(ws.cell(row=r, column=j))
                    if failed and j - 1 in status_cols:
                        ws.cell(row=r, column=j).fill = bad
            ws.freeze_panes = "A2"
            for j, c in enumerate(df.columns, start=1):
                ws.column_dimensions[ws.cell(row=1, column=j).column_letter].width = max(10, min(40, len(str(c)) * 2))
        elif isinstance(b, Chart):
            _note(notes, f"（图表见 HTML 报告）{b.caption}")
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    wb.properties.creator = "eduequity"
    buf = io.BytesIO()
    wb.save(buf)
    return _normalise_zip(buf.getvalue())


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
