"""``eduequity template ID --out F.xlsx``: a blank workbook holding what a standard needs.

A bureau fills a sheet it was given far more reliably than one it designs: the
school sheet carries the Chinese headers of the columns the standard reads
(``Standard.needed_columns``, headed as ``core.columns`` names them) and the
指标 sheet one row per metric key the standard's targets use, with its Chinese
name beside it. ``eduequity evaluate F.xlsx -s ID`` reads both sheets back.
"""

from __future__ import annotations

from pathlib import Path

import click

from .shared import guard

SCHOOL_SHEET = "学校"
#: Columns every school sheet has, before the resources: the keys, and the name to recognise a row by.
_KEYS = ("year", "county", "school_id", "school_name", "level", "students")


def workbook(std) -> bytes:
    """The template of ``std`` as XLSX bytes."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    from eduequity.core.columns import BY_NAME
    from eduequity.read.observations import METRIC_NAME_HEADER, METRICS_SHEET

    wb = Workbook()
    ws = wb.active
    ws.title = SCHOOL_SHEET
    ws.append([BY_NAME[k].zh for k in (*_KEYS, *(c for c in std.needed_columns if c not in _KEYS))])
    metrics = wb.create_sheet(METRICS_SHEET)
    metrics.append([BY_NAME["year"].zh, BY_NAME["county"].zh, BY_NAME["level"].zh, "指标", "值", METRIC_NAME_HEADER])
    for m in std.metrics:  # a hint: the key to use, its Chinese name; year, county and value left to fill
        metrics.append([None, None, None, m.key, None, m.zh])
    for sheet in (ws, metrics):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for col in sheet.columns:
            width = max(len(str(c.value or "")) for c in col)
            sheet.column_dimensions[col[0].column_letter].width = min(60, max(10, 2 * width))
        sheet.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@click.command()
@click.argument("standard_id")
@click.option("--out", required=True, type=click.Path(path_type=Path), help="The workbook to write (.xlsx).")
@guard
def template(standard_id: str, out: Path) -> None:
    """Write a blank workbook for STANDARD_ID: a school sheet and a 指标 (metrics) sheet to fill."""
    import eduequity as ee

    if out.suffix.lower() != ".xlsx":
        raise ValueError(f"--out {str(out)!r}: a template is a workbook; give a file ending in .xlsx")
    if out.exists():
        raise ValueError(f"--out {str(out)!r} exists: a template is written only where no file would be lost")
    std = ee.registry().standard(standard_id)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(workbook(std))
    click.echo(f"wrote {out}: sheet {SCHOOL_SHEET} ({len(std.needed_columns)} resource columns) and "
               f"sheet 指标 ({len(std.metrics)} metric keys)", err=True)
