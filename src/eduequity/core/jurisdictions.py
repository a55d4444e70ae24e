"""The tree of places: ``cn``, the provinces, and the cities and counties plugins add.

County names repeat across China (朝阳区, 西安区, 东区), so a county is
resolved by (jurisdiction, name), and carries its 6-digit division code where
a source gives one. A county belongs to every ancestor of its node.
"""

from __future__ import annotations

import difflib
import re

import attrs

#: A jurisdiction id: lower-case ASCII letters, digits, - or _, without dots (``panzhihua``); the ids of
#: its standards and schedules start with it and a dot.
JURISDICTION_ID = re.compile(r"[a-z][a-z0-9_-]*")


@attrs.frozen
class County:
    """A county-level unit (县、县级市、市辖区) with the names it has had."""

    name: str
    kind: str = ""
    code: str = ""
    prefecture: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@attrs.frozen
class Jurisdiction:
    """A node of the tree. ``counties`` are those directly under this node."""

    id: str
    name_zh: str
    name_en: str = ""
    parent: str | None = None
    code: str = ""
    kind: str = ""
    counties: tuple[County, ...] = ()


@attrs.frozen
class CountyList:
    """A plugin's contribution of counties to an existing node."""

    jurisdiction: str
    counties: tuple[County, ...]


def descendants(tree: dict[str, Jurisdiction], root: str) -> list[str]:
    """``root`` and every node below it, parents before children."""
    out, todo = [], [root]
    while todo:
        node = todo.pop(0)
        out.append(node)
        todo += sorted(j.id for j in tree.values() if j.parent == node)
    return out


def counties_under(tree: dict[str, Jurisdiction], root: str) -> dict[str, County]:
    """Every county name (and alias) under ``root``, mapped to its county."""
    names: dict[str, County] = {}
    for node in descendants(tree, root):
        for c in tree[node].counties:
            for n in c.names:
                names.setdefault(n, c)
    return names


def closest(name: str, known: list[str], n: int = 3) -> list[str]:
    return difflib.get_close_matches(name, known, n=n, cutoff=0.3)
