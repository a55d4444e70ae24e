"""The HTML writer: one self-contained page, every value escaped, charts inline as SVG."""

from __future__ import annotations

import html

import pandas as pd

from . import charts
from .views import Chart, Heading, Para, Table

STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:0.5em 0 1.5em}th,td{border:1px solid #ccc;padding:2px 8px;text-align:right}
th{background:#f2f2f2}td.text{text-align:left}.muted{color:#666}
"""


def _number(v: float) -> str:
    """Three decimals, as the national-format tables print CVs; a whole number (a count) whole."""
    return f"{int(v)}" if float(v).is_integer() and abs(v) < 2**53 else f"{v:.3f}"


def table(df: pd.DataFrame, columns: tuple[str, ...] = ()) -> str:
    cols = [c for c in (columns or df.columns) if c in df.columns]
    if not len(df):
        return '<p class="muted">（无）none</p>'
    return df[cols].to_html(index=False, escape=True, na_rep="—", float_format=_number,
                            border=0)


def page(title: str, body: list[str]) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")


def write(blocks, title: str) -> str:
    body = []
    for b in blocks:
        if isinstance(b, Heading):
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
    return page(title, body)
