"""The PDF writer: the report's blocks on A4 pages through reportlab, Chinese included.

Chinese prints with reportlab's built-in CID font STSong-Light, which every PDF reader
carries (Adobe's Asian font packs, pdf.js, poppler): nothing to install on a machine
without CJK fonts, nothing embedded. Each county's section starts a new page, a table's
header repeats on every page and its long text wraps in the cell. Charts are in the
HTML report; the PDF says so where one would be. ``invariant`` fixes the document id
and dates, so the same evaluation gives the same bytes.
"""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd

from .blocks import Break, Chart, Heading, Para, Table

FONT = "STSong-Light"
BLANK = "—"


def _styles():
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK")
    cell = ParagraphStyle("cell", parent=base, fontSize=7, leading=9)
    heads = {n: ParagraphStyle(f"h{n}", parent=base, fontSize=size, leading=size * 1.3, spaceBefore=6, spaceAfter=4)
             for n, size in ((1, 15), (2, 12), (3, 10.5), (4, 9.5))}
    return base, cell, heads


def _text(v) -> str:
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float | np.floating) and math.isnan(v)):
        return BLANK
    if isinstance(v, bool | np.bool_):
        return "是" if v else "否"
    if isinstance(v, float | np.floating):
        return f"{int(v)}" if float(v).is_integer() and abs(v) < 2**53 else f"{v:.3f}"
    return str(v)


#: A table row cannot break across pages: a cell longer than this is cut, with a pointer to
#: the HTML/XLSX report, which hold it whole.
MAX_CELL = 900


def _cut(text: str) -> str:
    return text if len(text) <= MAX_CELL else text[:MAX_CELL] + "…"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(df: pd.DataFrame, cell, width: float):
    """A reportlab table of ``df``: every cell a wrapped paragraph, the header repeated."""
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph
    from reportlab.platypus import Table as RLTable
    from reportlab.platypus import TableStyle

    texts = [[_cut(_text(v)) for v in row] for row in df.itertuples(index=False, name=None)]
    # Columns as wide as what they hold (a reason wide, a year narrow), within 4 to 60 characters.
    need = [min(60, max([len(str(c))] + [len(r[i]) for r in texts], default=4)) for i, c in enumerate(df.columns)]
    need = [max(4, n) for n in need]
    rows = [[Paragraph(_escape(str(c)), cell) for c in df.columns]]
    rows += [[Paragraph(_escape(v), cell) for v in row] for row in texts]
    t = RLTable(rows, colWidths=[width * n / sum(need) for n in need] if need else None, repeatRows=1)
    t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                           ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                           ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return t


def write(blocks, title: str) -> bytes:
    """The blocks as a PDF document, A4 landscape (tables of ten columns stay readable)."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    base, cell, heads = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=12 * mm, bottomMargin=12 * mm, title=title, author="eduequity",
                            creator="eduequity", invariant=1)
    story: list = []
    for b in blocks:
        if isinstance(b, Break):
            story.append(PageBreak())
        elif isinstance(b, Heading):
            story.append(Paragraph(_escape(b.text), heads[min(b.level, 4)]))
        elif isinstance(b, Para):
            story.append(Paragraph(_escape(b.text), base))
        elif isinstance(b, Table) and (len(b.frame) or not b.said_empty):
            story += [_table(b.frame, cell, doc.width), Spacer(1, 4 * mm)]
        elif isinstance(b, Chart):
            story.append(Paragraph(_escape(f"（图表见 HTML 报告）{b.caption}" if b.lang != "en"
                                           else f"(chart in the HTML report) {b.caption}"), base))
    doc.build(story or [Paragraph(_escape(title), base)])
    return buf.getvalue()
