"""Loading plugins and collecting what they register.

Core never scatters ``pm.hook.x()`` calls: ``Registry`` calls each hook once,
implementation by implementation, so that a failure or a clash can name the
distribution at fault, and exposes read-only mappings.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs
import pluggy

from ..read.resolver import Resolver
from . import hookspecs, units
from .errors import PluginError
from .jurisdictions import CountyList, Jurisdiction, closest, counties_under
from .schedules import PhasedSchedule
from .serialise import from_toml
from .standards import Standard, adopt

#: Modules registered in every registry, before any installed plugin.
BUILTINS = ("eduequity.national", "eduequity.reports.formats")
BUILTIN_DIST = "eduequity"
#: Comma-separated entry-point names (or distribution names) to leave unloaded.
DISABLE_ENV = "EDUEQUITY_DISABLE_PLUGINS"


class Registry:
    """What the built-in and installed plugins registered: standards, places, schedules, formats."""

    def __init__(self, plugins: Iterable[Any] = (), *, entry_points: bool = True) -> None:
        self._pm = pluggy.PluginManager(hookspecs.PROJECT)
        self._pm.add_hookspecs(hookspecs)
        self._dist: dict[str, str] = {}
        self._resolvers: dict[str, Resolver] = {}
        self.versions: dict[str, str] = {BUILTIN_DIST: _version(BUILTIN_DIST)}
        for name in BUILTINS:
            self._register(importlib.import_module(name), BUILTIN_DIST)
        if entry_points:
            self._load_entry_points()
        for plugin in plugins:
            self._register(plugin, getattr(plugin, "__name__", None) or type(plugin).__name__)
        self._collect()

    # -- loading ---------------------------------------------------------------------------

    def _register(self, plugin: Any, dist: str) -> None:
        try:
            name = self._pm.register(plugin)
        except ValueError as exc:
            raise PluginError(f"could not be registered: {exc}", distribution=dist) from exc
        except pluggy.PluginValidationError as exc:
            raise PluginError(f"has an invalid hook: {exc}", distribution=dist) from exc
        self._dist[name] = dist

    def _load_entry_points(self) -> None:
        disabled = {s.strip() for s in os.environ.get(DISABLE_ENV, "").split(",") if s.strip()}
        for ep in sorted(metadata.entry_points(group=hookspecs.PROJECT), key=lambda e: e.name):
            dist = ep.dist.name if ep.dist else ep.name
            if ep.name in disabled or dist in disabled:
                continue
            try:
                plugin = ep.load()
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # noqa: BLE001 - SystemExit too: a plugin must not end the program
                raise PluginError(f"failed to import {ep.value!r}: {exc!r}", distribution=dist) from exc
            self._register(plugin, dist)
            self.versions[dist] = ep.dist.version if ep.dist else "unknown"

    def _call(self, hook: str) -> list[tuple[str, Any]]:
        """(distribution, item) for every item every implementation returned, built-ins first."""
        out = []
        impls = getattr(self._pm.hook, hook).get_hookimpls()
        builtin = [i for i in impls if self._dist.get(i.plugin_name) == BUILTIN_DIST]
        for impl in builtin + [i for i in impls if i not in builtin]:
            dist = self._dist.get(impl.plugin_name, impl.plugin_name)
            try:
                items = impl.function()
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # noqa: BLE001 - a plugin's fault (SystemExit too), reported as such
                raise PluginError(f"raised {type(exc).__name__}: {exc}", distribution=dist, hook=hook) from exc
            if items is None:
                continue
            if not isinstance(items, list | tuple):
                raise PluginError(f"returned {type(items).__name__}, expected a list", distribution=dist, hook=hook)
            out += [(dist, item) for item in items]
        return out

    def _collect(self) -> None:
        for dist, definition in self._call("eduequity_units"):
            try:
                units.define(definition)
            except units.UnitError as exc:
                raise PluginError(str(exc), distribution=dist, hook="eduequity_units") from exc

        tree: dict[str, Jurisdiction] = {}
        owner: dict[str, str] = {}
        for dist, j in self._call("eduequity_jurisdictions"):
            _expect(j, Jurisdiction, dist, "eduequity_jurisdictions")
            _unique(owner, j.id, dist, "jurisdiction", "eduequity_jurisdictions")
            if j.parent is not None and j.parent not in tree:
                raise PluginError(f"jurisdiction {j.id!r} names unknown parent {j.parent!r}",
                                  distribution=dist, hook="eduequity_jurisdictions")
            tree[j.id] = j
        county_owner: dict[str, str] = {}
        for dist, cl in self._call("eduequity_counties"):
            _expect(cl, CountyList, dist, "eduequity_counties")
            if cl.jurisdiction not in tree:
                raise PluginError(f"gives counties to unknown jurisdiction {cl.jurisdiction!r}",
                                  distribution=dist, hook="eduequity_counties")
            _unique(county_owner, cl.jurisdiction, dist, "counties of", "eduequity_counties")
            node = tree[cl.jurisdiction]
            tree[cl.jurisdiction] = attrs.evolve(node, counties=tuple(cl.counties))

        std_owner: dict[str, str] = {}  # standards and schedules share one id space
        standards = self._data("eduequity_standards", Standard, lambda path: from_toml(path, Standard), tree,
                               std_owner)
        for sid in list(standards):
            standards[sid] = self._adopted(standards, sid, std_owner, ())
        schedules = self._data("eduequity_schedules", PhasedSchedule,
                               lambda path: from_toml(path, PhasedSchedule), tree, std_owner)
        for sched in schedules.values():
            _counties_known(sched, tree, std_owner[sched.id])

        formats: dict[str, Any] = {}
        fmt_owner: dict[str, str] = {}
        for dist, fmt in self._call("eduequity_report_formats"):
            _unique(fmt_owner, fmt.id, dist, "report format", "eduequity_report_formats")
            formats[fmt.id] = fmt

        self._tree = tree
        self.jurisdictions: Mapping[str, Jurisdiction] = MappingProxyType(tree)
        self.standards: Mapping[str, Standard] = MappingProxyType(standards)
        self.schedules: Mapping[str, PhasedSchedule] = MappingProxyType(schedules)
        self.report_formats: Mapping[str, Any] = MappingProxyType(formats)
        self.owners: Mapping[str, str] = MappingProxyType({**owner, **std_owner, **fmt_owner})

    def _data(self, hook: str, cls: type, read, tree: dict, owner: dict[str, str]) -> dict:
        """Objects (or paths to their TOML files) from ``hook``, checked and keyed by id."""
        out: dict = {}
        what = hook.removeprefix("eduequity_").rstrip("s")
        for dist, item in self._call(hook):
            if isinstance(item, str | Path):
                try:
                    item = read(item)
                except (OSError, ValueError) as exc:
                    raise PluginError(str(exc), distribution=dist, hook=hook) from exc
            _expect(item, cls, dist, hook)
            if item.jurisdiction not in tree:
                raise PluginError(f"{what} {item.id!r} names unknown jurisdiction {item.jurisdiction!r}",
                                  distribution=dist, hook=hook)
            _unique(owner, item.id, dist, what, hook)
            out[item.id] = item
        return out

    def _adopted(self, standards: dict[str, Standard], sid: str, owner: dict[str, str], seen: tuple) -> Standard:
        """Resolve ``adopts`` (chains too): the base's rules under this standard's ids."""
        std = standards[sid]
        if not std.pending_adoption:
            return std
        if std.adopts not in standards or std.adopts in seen:
            why = "a cycle of adoptions" if std.adopts in seen else "an unknown standard"
            raise PluginError(f"standard {sid!r} adopts {std.adopts!r}, {why}", distribution=owner[sid],
                              hook="eduequity_standards")
        base = self._adopted(standards, std.adopts, owner, (*seen, sid))
        try:
            return adopt(base, id=std.id, jurisdiction=std.jurisdiction, title=std.title, title_en=std.title_en,
                         source=std.source, targets=std.targets, metrics=std.metrics)
        except ValueError as exc:
            raise PluginError(str(exc), distribution=owner[sid], hook="eduequity_standards") from exc

    # -- queries ---------------------------------------------------------------------------

    def counties(self, jurisdiction: str) -> dict:
        """Every county name and alias under ``jurisdiction`` (empty for ``cn``: any county)."""
        return counties_under(self._tree, jurisdiction)

    def resolver(self, jurisdiction: str) -> Resolver:
        """The county resolver of ``jurisdiction``: its counties by every name and code (built once)."""
        if jurisdiction not in self._resolvers:
            self._resolvers[jurisdiction] = Resolver.of(self._tree, jurisdiction)
        return self._resolvers[jurisdiction]

    def standard(self, standard: str | Standard) -> Standard:
        if isinstance(standard, Standard):
            return standard
        try:
            return self.standards[standard]
        except KeyError:
            known = ", ".join(sorted(self.standards))
            raise KeyError(f"unknown standard {standard!r}; registered: {known}") from None


def _expect(item: Any, cls: type, dist: str, hook: str) -> None:
    if not isinstance(item, cls):
        raise PluginError(f"returned {item!r}, expected {cls.__name__}", distribution=dist, hook=hook)


def _unique(owner: dict[str, str], key: str, dist: str, what: str, hook: str) -> None:
    if key in owner:
        raise PluginError(f"{what} {key!r} is already registered", distribution=dist, hook=hook,
                          others=(owner[key],))
    owner[key] = dist


def _counties_known(sched: PhasedSchedule, tree: dict[str, Jurisdiction], dist: str) -> None:
    """A schedule's county target years name counties of its jurisdiction, where it lists them: a
    misspelt county would otherwise be a county of its own, forever pending."""
    known = counties_under(tree, sched.jurisdiction) if sched.jurisdiction != "cn" else {}
    if not known:  # as for recognitions: a jurisdiction without a county list accepts any name
        return
    for i, t in enumerate(sched.target_years):
        if t.county not in known:
            hint = closest(t.county, sorted(known))
            raise PluginError(f"schedule {sched.id!r} target_years[{i}]: {t.county!r} is not a county of "
                              f"{sched.jurisdiction!r}" + (f"; closest: {'、'.join(hint)}" if hint else ""),
                              distribution=dist, hook="eduequity_schedules")


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"


_default: Registry | None = None


def use(reg: Registry | None) -> Registry | None:
    """Make ``reg`` the registry ``registry()`` returns (None: the installed plugins again,
    loaded on next use), and return the one it replaces — for test fixtures and hosts
    embedding eduequity with plugins of their own."""
    global _default
    previous, _default = _default, reg
    return previous


def registry(plugins: Iterable[Any] | None = None, *, entry_points: bool = True) -> Registry:
    """The registry of built-in and installed plugins (cached), or an isolated one.

    ``registry(plugins=[...], entry_points=False)`` builds a fresh registry of
    the built-ins and the given plugins only, for tests and embedding.
    """
    global _default
    if plugins is None and entry_points:
        if _default is None:
            _default = Registry()
        return _default
    return Registry(plugins or (), entry_points=entry_points)
