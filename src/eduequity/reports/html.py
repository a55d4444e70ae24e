"""The HTML writer: one self-contained page, every value escaped, charts inline as SVG.

It prints: an A4 ``@page``, table headers repeated on each page, rows and charts never
split across pages, and a page break before each ``section.county``.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from . import charts
from .views import Break, Chart, Heading, Para, Table

STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;
margin:2em;color:#222;line-height:1.45}
table{border-collapse:collapse;margin:0.5em 0 1.5em;font-size:0.9em}
th,td{border:1px solid #ccc;padding:2px 6px;vertical-align:top;text-align:left}
th{background:#f2f2f2;white-space:nowrap}td.n{text-align:right;white-space:nowrap}
td.bad{background:#f8cbad}.muted{color:#666}figure{margin:1em 0}svg{max-width:100%;height:auto}
@page{size:A4;margin:14mm 12mm}
@media print{
body{margin:0;font-size:9pt}h1{font-size:15pt}h2{font-size:12pt;break-after:avoid}h3{break-after:avoid}
table{width:100%;font-size:8pt}thead{display:table-header-group}tr,figure{break-inside:avoid}
section.county{break-before:page}
}
"""
#: Status words a reader should see at once, in either language.
FAIL = frozenset({"未达标", "未完成", "落后于规划", "逾期认定", "not met", "missed", "behind plan", "late", "否"})


def _number(v: float) -> str:
    """Three decimals, as the national-format tables print CVs; a whole number (a count) whole."""
    return f"{int(v)}" if float(v).is_integer() and abs(v) < 2**53 else f"{v:.3f}"


def _cell(v) -> str:
    """One ``<td>``: numbers right-aligned, text left, blanks as —, failures shaded."""
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float | np.floating) and np.isnan(v)):
        return "<td>—</td>"
    if isinstance(v, bool | np.bool_):
        v = "是" if v else "否"
    elif isinstance(v, float | np.floating):
        return f'<td class="n">{_number(float(v))}</td>'
    elif isinstance(v, int | np.integer):
        return f'<td class="n">{int(v)}</td>'
    text = str(v)
    return f'<td class="bad">{html.escape(text)}</td>' if text in FAIL else f"<td>{html.escape(text)}</td>"


def table(df: pd.DataFrame, columns: tuple[str, ...] = ()) -> str:
    """A table whose header repeats on every printed page (``thead``) and whose rows do not split."""
    cols = [c for c in (columns or df.columns) if c in df.columns]
    if not len(df):
        return '<p class="muted">—</p>'
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in cols)
    body = "\n".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>"
                     for row in df[cols].itertuples(index=False, name=None))
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def page(title: str, body: list[str], lang: str = "zh") -> str:
    return (f"<!DOCTYPE html>\n<html lang=\"{'en' if lang == 'en' else 'zh'}\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")


def write(blocks, title: str, lang: str = "zh") -> str:
    body, open_section = [], False
    for b in blocks:
        if isinstance(b, Break):  # a county's page: its own section, a new page in print
            body.append(("</section>\n" if open_section else "") + '<section class="county">')
            open_section = True
        elif isinstance(b, Heading):
            body.append(f"<h{b.level}>{html.escape(b.text)}</h{b.level}>")
        elif isinstance(b, Para):
            body.append(f"<p>{html.escape(b.text)}</p>")
        elif isinstance(b, Table) and (len(b.frame) or not b.said_empty):
            body.append(table(b.frame))
        elif isinstance(b, Chart):
            if charts.available():
                body.append(f"<figure>{b.svg()}<figcaption>{html.escape(b.caption)}</figcaption></figure>")
            else:
                body.append("<p class=\"muted\">（图表需要 matplotlib：pip install 'eduequity[charts]'）"
                            "the chart needs matplotlib</p>")
    if open_section:
        body.append("</section>")
    return page(title, body, lang)
