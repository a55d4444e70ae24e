"""A plugin's commitments table: every promise of its plans, and where eduequity judges it.

A bureau that tracks its plan with eduequity must be able to see which of the
plan's commitments are judged and which are not, and why. The plugin's README
says so in one table per standard; this check keeps the table and the registry
from drifting apart, so a target added to a data file without a row, or a row
naming a target that was renamed, fails the plugin's tests.

The table, in Markdown, under a heading that starts with the backticked standard id::

    ### `jilin.plan-2011` — 吉政办发〔2011〕18号

    | clause | commitment | deadline | target |
    |---|---|---|---|
    | 二、（二）1. | 到2012年…达到办学基本标准 | 2012 | `basic-school-standard-2012` |
    | 二、（二）1.（3） | 9个市（州）和30万人口以上县（市）… | 2015 | `special-schools-prefectures`, `special-schools-large-counties` |
    | 二、（一）1. | 到2015年…10个县 | 2015 | `jilin.county-balance-2011` |
    | 二、（二）4. | 三年内建成信息平台 | 2014 | not encoded: no observable measure |

The column whose header starts with ``target`` holds, per row, one or more
backticked criterion ids written after the standard id, or whole ids of a
registered schedule or of another standard's criterion (a commitment that
standard judges), or ``not encoded`` followed by the reason. Every criterion of every checked
standard must appear in its table.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["commitment_failures"]

_HEADING = re.compile(r"^#{1,6}\s+`([^`]+)`")
_ID = re.compile(r"`([^`]+)`")
_NOT_ENCODED = re.compile(r"^not encoded\b[\s:：—–-]*(.*)$", re.IGNORECASE)


def _cells(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [c.strip() for c in re.split(r"(?<!\\)\|", body)]


def _is_rule(cells: list[str]) -> bool:
    return bool(cells) and all(re.fullmatch(r":?-{3,}:?", c) for c in cells)


def _tables(text: str) -> dict[str, list[tuple[int, str]]]:
    """Per standard-id heading, the (line number, target cell) of each row of its tables."""
    found: dict[str, list[tuple[int, str]]] = {}
    section: str | None = None
    column: int | None = None
    lines = text.splitlines()
    for n, line in enumerate(lines, start=1):
        if m := _HEADING.match(line):
            section, column = m[1], None
            found.setdefault(section, [])
            continue
        if line.startswith("#"):
            section, column = None, None
            continue
        if section is None:
            continue
        if not line.lstrip().startswith("|"):  # a table ends at the first line outside it
            column = None
            continue
        cells = _cells(line)
        if column is None:
            nxt = _cells(lines[n]) if n < len(lines) else []
            if _is_rule(nxt):  # a header row
                column = next((i for i, c in enumerate(cells) if c.lower().startswith("target")), -1)
            continue
        if _is_rule(cells) or column < 0:
            continue
        found[section].append((n, cells[column] if column < len(cells) else ""))
    return found


def commitment_failures(readme: str | os.PathLike[str], *, owner: str | None = None,
                        standards: Iterable[str] | None = None, registry: Any = None) -> list[str]:
    """Every way the commitments table of ``readme`` disagrees with the registry; ``[]`` if none.

    ``owner``: the plugin's distribution name (``eduequity-jilin``); its standards are
    checked. ``standards``: the ids to check instead. ``registry``: default
    ``ee.registry()``.
    """
    import eduequity as ee

    reg = ee.registry() if registry is None else registry
    if standards is None:
        if owner is None:
            raise TypeError("commitment_failures needs owner= (a distribution name) or standards= (ids)")
        standards = [s for s in reg.standards if reg.owners.get(s) == owner]
        if not standards:
            return [f"no standard of the registry is owned by {owner!r}"]
    path = Path(readme)
    tables = _tables(path.read_text(encoding="utf-8"))
    elsewhere = {c.id for s in reg.standards.values() for c in s.criteria}  # a commitment judged by another standard
    failures: list[str] = []
    for sid in sorted(standards):
        if sid not in reg.standards:
            failures.append(f"{path.name}: standard {sid} is not registered")
            continue
        criteria = {c.id for c in reg.standards[sid].criteria}
        if sid not in tables:
            failures.append(f"{path.name}: no table under a heading `{sid}`")
            continue
        named: set[str] = set()
        for line, cell in tables[sid]:
            where = f"{path.name}:{line}"
            if m := _NOT_ENCODED.match(cell):
                if not m[1].strip():
                    failures.append(f"{where}: 'not encoded' without a reason")
                continue
            ids = _ID.findall(cell)
            if not ids:
                failures.append(f"{where}: target cell {cell!r}: expected backticked ids or "
                                "'not encoded: <reason>'")
            for short in ids:
                full = short if short.startswith(sid + ".") else f"{sid}.{short}"
                if full in criteria:
                    named.add(full)
                elif short not in reg.schedules and short not in elsewhere:
                    failures.append(f"{where}: `{short}` is neither a criterion of {sid} nor a registered "
                                    "schedule or criterion id")
        failures += [f"{path.name}: {cid} is a criterion of {sid} but not in its table"
                     for cid in sorted(criteria - named)]
    return failures
