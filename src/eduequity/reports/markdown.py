"""The Markdown writer: blocks as headings, paragraphs and pipe tables.

CVs and means print to three decimals, as the national-format tables do, and
whole numbers as whole numbers (a count is 4, not 4.000);
comparisons always use the unrounded values. Charts appear in HTML only.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from .views import Chart, Heading, Para, Table


def _cell(v) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if isinstance(v, bool | np.bool_):
        return "✓" if v else "✗"
    if isinstance(v, float | np.floating):
        return f"{int(v)}" if float(v).is_integer() and abs(v) < 2**53 else f"{v:.3f}"
    return _inline(str(v).replace("|", "\\|"))


def _inline(text: str) -> str:
    """Text on one line with no live tag: a line boundary (\\r, \\n, \\u2028 …) would end a
    table row or a heading, and a county named ``<script>`` is data, not markup."""
    return _TAG.sub(_defuse, " ".join(text.splitlines()))


# Markdown passes raw HTML through: a "<" that would open a tag (<script>, </b>, <!--) is
# escaped, with any backslashes before it doubled so they cannot undo the escape; "<= 0.5" stays.
_TAG = re.compile(r"(\\*)<(?=[A-Za-z/!?])")


def _defuse(m: re.Match) -> str:
    return m[1] * 2 + "\\<"


def table(df: pd.DataFrame, columns: tuple[str, ...] = ()) -> str:
    cols = [c for c in (columns or df.columns) if c in df.columns]
    if not len(df):
        return "_(none)_\n"
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in df[cols].itertuples(index=False, name=None):
        lines.append("| " + " | ".join(_cell(v) for v in row) + " |")
    return "\n".join(lines) + "\n"


def write(blocks) -> str:
    out = []
    for b in blocks:
        if isinstance(b, Heading):
            out.append(f"{'#' * b.level} {_inline(b.text)}\n")
        elif isinstance(b, Para):
            out.append(f"{_inline(b.text)}\n")
        elif isinstance(b, Table) and (len(b.frame) or not b.said_empty):
            out.append(table(b.frame))
        elif isinstance(b, Chart):
            continue
    return "\n".join(out)
