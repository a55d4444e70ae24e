"""Why a criterion is not a pass, as text, written only where it is needed.

Reasons are needed for the groups that fail or cannot be assessed, a small share
of 85 thousand county-levels a year: text is built for those rows alone, from
constant parts and per-group arrays, numbers formatted only there.
"""

from __future__ import annotations

import attrs
import numpy as np

from ..core.columns import LEVEL_ZH, LEVELS
from ..core.kernel import Groups

SYMBOL = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}


@attrs.frozen
class Number:
    """Numbers formatted only where a text is actually written."""

    values: np.ndarray = attrs.field(eq=False)
    spec: str = "%.3f"


def number(x: np.ndarray, spec: str = "%.3f") -> Number:
    return Number(np.asarray(x, dtype=float), spec)


def text(*parts, where: np.ndarray) -> np.ndarray:
    """Concatenate scalars and per-group arrays, only at ``where`` ("" elsewhere)."""
    out = np.full(len(where), "", dtype=object)
    idx = np.flatnonzero(where)
    if not len(idx):
        return out
    merged: list = []  # adjacent constant parts joined first: each part costs a pass over the rows
    for p in parts:
        if merged and not isinstance(p, Number | np.ndarray) and not isinstance(merged[-1], Number | np.ndarray):
            merged[-1] = str(merged[-1]) + str(p)
        else:
            merged.append(p)
    acc = np.full(len(idx), "", dtype=object)
    for p in merged:
        if isinstance(p, Number):
            acc = acc + np.char.mod(p.spec, p.values[idx]).astype(object)
        elif isinstance(p, np.ndarray):
            acc = acc + p[idx].astype(str).astype(object)
        else:
            acc = acc + str(p)
    out[idx] = acc
    return out


def joined(reasons: np.ndarray, more: np.ndarray, sep: str = "; ") -> np.ndarray:
    """``reasons`` with ``more`` appended where it is not blank."""
    both = (more != "") & (reasons != "")
    return np.where(both, text(reasons, sep, more, where=both), np.where(more != "", more, reasons))


def lead(g: Groups, title: str) -> tuple:
    """"小学 综合差异系数: " as parts for ``text``, so it is only built where needed."""
    return (level_names(g), " ", title, ": ")


def level_names(groups: Groups) -> np.ndarray:
    return np.array([LEVEL_ZH[lv] for lv in LEVELS], dtype=object)[groups.keys["level"].cat.codes.to_numpy()]
