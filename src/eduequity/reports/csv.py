"""The CSV writer: one table per file, for data teams who load it into pandas, R or a spreadsheet.

One table, not one file per block: a CSV file has no sheets, and a program
reading it wants one rectangle with one header line. So a CSV format names
exactly one table (``ReportFormat`` checks this), headings, paragraphs and
charts are left out, and several evaluations rendered together are refused
(render each on its own) unless the table is a derived one that already spans
them (the national-format CV table).

The bytes are fixed by the content: UTF-8 with a byte-order mark (without it
Excel opens Chinese text as mojibake), ``\\r\\n`` line ends (RFC 4180, and
what Excel writes), every field quoted only where needed, numbers as numbers
in full precision (``repr``: the shortest text that reads back as the same
float), blanks (None, NaN, ``<NA>``) as empty fields.

Text that a spreadsheet would run as a formula — beginning with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return — gets a leading ``'``, as OWASP's
advice on CSV injection says; real numbers, negative ones included, are not
text and are written as they are.
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

import numpy as np
import pandas as pd

from .views import UNSAFE, Table

BOM = "\ufeff"
LINE_END = "\r\n"


def cell(v: Any) -> Any:
    """One value as a CSV field: numbers stay numbers, unsafe text is defused, blanks are empty."""
    if v is None or v is pd.NA or v is pd.NaT:
        return ""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return "" if math.isnan(v) else repr(v)
    text = str(v)
    return "'" + text if text.startswith(UNSAFE) else text


def table(df: pd.DataFrame) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=LINE_END)
    w.writerow([cell(c) for c in df.columns])
    w.writerows([cell(v) for v in row] for row in df.itertuples(index=False, name=None))
    return buf.getvalue()


def write(blocks: list, format_id: str) -> bytes:
    tables = [b for b in blocks if isinstance(b, Table)]
    if len(tables) != 1:
        raise ValueError(f"report format {format_id!r} writes one CSV table, and this report has {len(tables)}; "
                         "render one evaluation at a time")
    return (BOM + table(tables[0].frame)).encode("utf-8")
