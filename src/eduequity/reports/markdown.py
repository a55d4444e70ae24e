"""The Markdown writer: a report format's sections as pipe tables.

CVs and means print to three decimals, as the national-format tables do;
comparisons always use the unrounded values.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def _cell(v) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if isinstance(v, bool | np.bool_):
        return "✓" if v else "✗"
    if isinstance(v, float | np.floating):
        return f"{v:.3f}"
    return str(v).replace("|", "\\|").replace("\n", " ")


def table(df: pd.DataFrame, columns: tuple[str, ...] = ()) -> str:
    cols = [c for c in (columns or df.columns) if c in df.columns]
    if not len(df):
        return "_(none)_\n"
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in df[cols].itertuples(index=False, name=None):
        lines.append("| " + " | ".join(_cell(v) for v in row) + " |")
    return "\n".join(lines) + "\n"


def write(evaluations, fmt) -> str:
    out = []
    for ev in evaluations:
        s = ev.standard
        out.append(f"# {fmt.title}: {s.title}\n")
        out.append(f"`{s.id}` — {s.source.document} · {ev.evaluated_rows} of {ev.input_rows} input rows evaluated, "
                   f"{len(ev.excluded)} excluded\n")
        for sec in fmt.sections:
            out.append(f"## {sec.title or sec.frame}\n")
            out.append(table(getattr(ev, sec.frame), sec.columns))
    return "\n".join(out)
