"""Every hook a plugin can implement, in one flat module.

A plugin is a module (or object) with functions decorated by
``eduequity.hookimpl`` and named like these specs; installed plugins are found
through the ``eduequity`` entry-point group. Each hook returns a list of small
frozen records; core collects them, and an id given twice is a ``PluginError``
naming both plugins. The national standards are a built-in plugin written the
same way (``eduequity.national``), so it is the first example to read.

A plugin that is data — ``plugin.toml``, county CSVs, ``standards/*.toml`` and
``schedules/*.toml`` beside its module — need not write the first four hooks:
``ee.data_hooks(__file__)`` returns them (``eduequity.core.datafiles``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:  # pragma: no cover - types only
    from .formats import ReportFormat
    from .jurisdictions import CountyList, Jurisdiction
    from .schedules import PhasedSchedule
    from .standards import Standard

PROJECT = "eduequity"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
"""``ee.hookimpl``: the decorator that marks a plugin's implementation of a hook below."""


@hookspec
def eduequity_units() -> list[str]:
    """Unit definitions (pint syntax) the plugin's data uses.

    Adding a unit is allowed, redefining one is a ``PluginError``::

        @hookimpl
        def eduequity_units():
            return ["jin = 0.5 * kilogram = _ = 斤"]
    """


@hookspec
def eduequity_jurisdictions() -> list[Jurisdiction]:
    """New nodes of the jurisdiction tree, each naming an existing parent::

        @hookimpl
        def eduequity_jurisdictions():
            return [Jurisdiction("panzhihua", "攀枝花市", "Panzhihua", parent="sichuan",
                                 code="510400", kind="city")]
    """


@hookspec
def eduequity_counties() -> list[CountyList]:
    """Counties for an existing node; two plugins giving counties to one node clash::

        @hookimpl
        def eduequity_counties():
            return [CountyList("panzhihua", (County("东区", "district", "510402"),))]
    """


@hookspec
def eduequity_standards() -> list[Standard | Path]:
    """Standards, as ``Standard`` objects or paths to their TOML data files::

        @hookimpl
        def eduequity_standards():
            return sorted((Path(__file__).parent / "standards").glob("*.toml"))
    """


@hookspec
def eduequity_schedules() -> list[PhasedSchedule | Path]:
    """Phased schedules of county recognition, as objects or paths to TOML files::

        @hookimpl
        def eduequity_schedules():
            return [Path(__file__).parent / "schedules" / "jilin.county-balance-2011.toml"]
    """


@hookspec
def eduequity_report_formats() -> list[ReportFormat]:
    """Report formats: thin declarations on core's writers (which tables, in what order)::

        @hookimpl
        def eduequity_report_formats():
            return [ReportFormat("jilin.cv-table.md", "markdown", "吉林省差异系数表",
                                 sections=(Section("indicators"),))]
    """
