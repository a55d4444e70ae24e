"""Keys: the checks across rows — (year, school_id, level) unique, and one county per school in a year.

One packed int key per section, (year, school, level), serves both: its groups
are the duplicates, and ``key >> 1`` is (year, school), whose groups must each
have one county. (A section of a school under another level in another county
passes the first check alone.) The usual input, a dense key with neither
problem, costs one table (``kernel.distinct_pairs``); only an input with a
problem is grouped, and its messages name the other rows of each key.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..core.bounds import YEAR_MAX, YEAR_MIN
from ..core.kernel import dense_rank, distinct_pairs, packed_key

#: ``report(where, column, expected)``: a problem on each selected section, one text each.
Report = Callable[[np.ndarray, str, Sequence[str]], None]


def check_keys(report: Report, rows: np.ndarray, src: np.ndarray | None, lvl: np.ndarray, year: np.ndarray,
               year_ok: np.ndarray, sid: tuple[np.ndarray, pd.Index, bool],
               county: tuple[np.ndarray, pd.Index, bool] | None) -> None:
    """Report every section whose key repeats, and every section of a school in two counties in a year.

    ``src`` maps output sections to input rows (None: every row is one
    section); ``lvl`` is each section's level code, ``year``/``year_ok`` and
    ``sid``/``county`` (codes, distinct values) the parsed input columns.
    Sections with a bad year, school id or level are left out (reported already).
    """
    codes, uniques, _ = sid
    whole = src is None  # every row is one section
    s = codes if whole else codes[src]
    valid = (year_ok if whole else year_ok[src]) & (s >= 0) & (lvl >= 0)
    if not valid.any():
        return
    # key = (year, school, level) as one int, built in place (3 million rows: no temporaries)
    y = year if whole else year[src]
    all_valid = bool(valid.all())
    parts = [y, s, lvl] if all_valid else [np.where(valid, y, YEAR_MIN), np.maximum(s, 0), np.maximum(lvl, 0)]
    key = packed_key(parts, [YEAR_MAX + 1, max(len(uniques), 1), 2])
    k = key if all_valid else key[valid]
    k -= k.min() & ~1  # from 0 or 1: a school-year's two levels stay side by side
    if not all_valid:
        key[valid] = k
    c = None if county is None else (county[0] if whole else county[0][src])
    if distinct_pairs(k, None if c is None else (c if all_valid else c[valid]),
                      0 if county is None else len(county[1])):
        return
    at = rows if whole else rows[src]
    _duplicates(report, key, valid, at, src)
    if c is not None:
        _one_county(report, key, valid & (c >= 0), c, at, src, county[1], uniques[s], y)


def _duplicates(report: Report, key, valid, at, src) -> None:
    """Every section whose (year, school_id, level) is not unique, naming the other rows of its key."""
    pos = np.flatnonzero(valid)
    distinct, groups = dense_rank(key[pos])
    size = len(distinct)
    if size == len(groups):
        return
    idx = pos[np.bincount(groups, minlength=size)[groups] > 1]
    peers = _peers(key[idx], at[idx].tolist())
    expected = []
    for k, r in zip(key[idx].tolist(), at[idx].tolist()):  # formatting the problem list
        others = sorted(set(peers[k]) - {r}) or [r]
        expected.append("a unique (year, school_id, level); the same key is on " + _rows_text(others))
    report(idx if src is None else src[idx], "school_id", expected)


def _one_county(report: Report, key, valid, c, at, src, counties, schools, y) -> None:
    """Every section of a school that is in two counties in one year, naming the rows in the other county."""
    pos = np.flatnonzero(valid)
    distinct, groups = dense_rank(key[pos] >> 1)
    size = len(distinct)
    first = np.empty(size, dtype=np.int64)
    first[groups] = c[pos]
    split = np.zeros(size, dtype=bool)
    split[groups[first[groups] != c[pos]]] = True
    idx = pos[split[groups]]
    if not len(idx):
        return
    ys = key[idx] >> 1
    names = counties[c[idx]].tolist()
    peers = _peers(ys, list(zip(at[idx].tolist(), names)))
    expected = []
    for k, name, school, year in zip(ys.tolist(), names, schools[idx].tolist(), y[idx].astype(np.int64).tolist()):
        away = sorted({(o, oc) for o, oc in peers[k] if oc != name})
        expected.append(f"one county for a school in a year: {school!r} in {year} is on "
                        + _rows_text([o for o, _ in away]) + f" ({', '.join(dict.fromkeys(oc for _, oc in away))})")
    report(idx if src is None else src[idx], "county", expected)


def _peers(keys: np.ndarray, items: Sequence[Any]) -> dict[int, list[Any]]:
    """The items (rows, or (row, county) pairs) of each key, for messages naming a problem's other rows."""
    out: dict[int, list[Any]] = {}
    for k, item in zip(keys.tolist(), items):  # problem rows only
        out.setdefault(k, []).append(item)
    return out


def _rows_text(rows: Sequence[int]) -> str:
    return ("rows " if len(rows) > 1 else "row ") + ", ".join(map(str, rows))
