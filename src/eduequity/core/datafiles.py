"""A plugin that is data: the hooks that register the files beside a plugin's module.

Every jurisdiction plugin points its hooks at the same kind of files, so they are
read here, once, and a plugin's module is one line::

    import eduequity as ee

    eduequity_jurisdictions, eduequity_counties, eduequity_standards, eduequity_schedules = ee.data_hooks(__file__)

The files, in the package beside the module (all optional)::

    plugin.toml        [[jurisdictions]]: new nodes of the tree (id, name_zh, name_en, parent, code, kind)
                       [[counties]]: a county list for a node (jurisdiction, file, prefecture)
    data/*.csv         the county lists plugin.toml names (columns: COUNTY_COLUMNS)
    standards/*.toml   standards (docs/standards.md)
    schedules/*.toml   phased schedules (docs/schedules.md)

A province that exists already (``jilin``) is given counties without a node of
its own: ``[[counties]]`` alone, ``jurisdiction = "jilin"``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import attrs

from .bounds import YEAR, InvalidValue, show
from .hookspecs import hookimpl
from .jurisdictions import County, CountyList, Jurisdiction

#: The columns of a county list, and what each holds. ``name`` is required; a column
#: not listed here is refused (a misspelt ``alias`` must not drop every alias quietly).
COUNTY_COLUMNS: Mapping[str, str] = {
    "name": "the county's name (县、县级市、市辖区), as the plan writes it",
    "kind": "county, district, county-level city, autonomous county … (free text)",
    "code": "the 6-digit division code (GB/T 2260), or blank",
    "prefecture": "the prefecture-level city it belongs to, or blank",
    "aliases": "other names it is known by, separated by ; or 、 (a short name, a later name)",
    "later_name": "the name it took later (扶余县 → 扶余市): an alias",
    "former_name": "the name it had before: an alias",
    "short_name": "the short name bureau tables write (米易 for 米易县): an alias",
    "renamed_in": "the year of the rename, or blank (for readers: not used by the checks)",
    "note": "anything for readers (not used by the checks)",
}
_ALIAS_COLUMNS = ("aliases", "later_name", "former_name", "short_name")
_SPLIT = re.compile(r"\s*[;；、]\s*")
_CODE = re.compile(r"\d{6}")


@attrs.frozen
class CountyFile:
    """A county list of ``plugin.toml``: the node it is for, its CSV file (relative to the
    package), and the prefecture of rows that do not name one."""

    jurisdiction: str
    file: str
    prefecture: str = ""


@attrs.frozen
class PluginFile:
    """``plugin.toml``: the nodes a plugin adds and the county lists it gives."""

    jurisdictions: tuple[Jurisdiction, ...] = ()
    counties: tuple[CountyFile, ...] = ()

    def __attrs_post_init__(self) -> None:
        for i, j in enumerate(self.jurisdictions):
            if j.counties:
                raise InvalidValue(f"jurisdictions[{i}] ({j.id}): counties are given in a [[counties]] file, "
                                   "not in the node")


class DataHooks(NamedTuple):
    """The four hooks ``data_hooks`` makes, in the order a module unpacks them."""

    eduequity_jurisdictions: object
    eduequity_counties: object
    eduequity_standards: object
    eduequity_schedules: object


def read_counties(path: str | Path, prefecture: str = "") -> tuple[County, ...]:
    """A county list (CSV, UTF-8) as ``County`` records; every problem named by file, line and column."""
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = [str(c).strip() for c in reader.fieldnames or []]
        reader.fieldnames = header
        rows = list(reader)
    where = f"counties file {path.name}"
    unknown = [c for c in header if c not in COUNTY_COLUMNS]
    if "name" not in header or unknown:
        got = f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(map(str, unknown))}" if unknown \
            else "no name column"
        raise ValueError(f"{where}: {got}; expected the columns " + "; ".join(f"{k} ({v})" for k, v in
                                                                               COUNTY_COLUMNS.items()))
    out, seen = [], {}
    for line, row in enumerate(rows, start=2):
        out.append(_county(row, f"{where}: line {line}", prefecture))
        for n in out[-1].names:
            if n in seen:
                raise ValueError(f"{where}: line {line}: {n!r} is also the county of line {seen[n]}; expected "
                                 "each name (and alias) once")
            seen[n] = line
    return tuple(out)


def _county(row: Mapping[str, str | None], where: str, prefecture: str) -> County:
    cell = {k: (v or "").strip() for k, v in row.items() if k is not None}
    if None in row:
        raise ValueError(f"{where}: more cells than columns ({show(row[None])}); expected one cell per column")
    if not cell.get("name"):
        raise ValueError(f"{where}: name is blank; expected {COUNTY_COLUMNS['name']}")
    code = cell.get("code", "")
    if code and not _CODE.fullmatch(code):
        raise ValueError(f"{where}: code {code!r}; expected {COUNTY_COLUMNS['code']}")
    renamed = cell.get("renamed_in", "")
    if renamed and not (renamed.isdigit() and YEAR.accepts(int(renamed))):
        raise ValueError(f"{where}: renamed_in {renamed!r}; expected {COUNTY_COLUMNS['renamed_in']}")
    aliases = tuple(dict.fromkeys(a for col in _ALIAS_COLUMNS for a in _SPLIT.split(cell.get(col, "")) if a))
    return County(cell["name"], cell.get("kind", ""), code, cell.get("prefecture") or prefecture,
                  tuple(a for a in aliases if a != cell["name"]))


def data_hooks(anchor: str | Path) -> DataHooks:
    """The hooks that register the data files of the package ``anchor`` is in (a module's
    ``__file__``) or names (its directory): nodes and county lists from ``plugin.toml``,
    ``standards/*.toml`` and ``schedules/*.toml`` in file-name order.

    The files are read when the registry calls the hooks, so a mistake in one is a
    ``PluginError`` naming the plugin, the hook and the file.
    """
    from .serialise import from_toml

    given = Path(anchor)
    root = given if given.is_dir() else given.parent
    manifest = root / "plugin.toml"

    def plugin_file() -> PluginFile:
        return from_toml(manifest, PluginFile) if manifest.is_file() else PluginFile()

    @hookimpl
    def eduequity_jurisdictions() -> list[Jurisdiction]:
        return list(plugin_file().jurisdictions)

    @hookimpl
    def eduequity_counties() -> list[CountyList]:
        return [CountyList(c.jurisdiction, read_counties(root / c.file, c.prefecture)) for c in plugin_file().counties]

    @hookimpl
    def eduequity_standards() -> list[Path]:
        return sorted((root / "standards").glob("*.toml"))

    @hookimpl
    def eduequity_schedules() -> list[Path]:
        return sorted((root / "schedules").glob("*.toml"))

    return DataHooks(eduequity_jurisdictions, eduequity_counties, eduequity_standards, eduequity_schedules)


__all__ = ["COUNTY_COLUMNS", "CountyFile", "DataHooks", "PluginFile", "data_hooks", "read_counties"]
