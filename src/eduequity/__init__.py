"""eduequity: school statistics in, verdicts against education-equity policy out.

    import eduequity as ee
    frame = ee.read_schools("schools.csv")
    ev = ee.evaluate(frame, "cn.basic-balance-2012")
    print(ee.render(ev, "markdown"))

Names are loaded on first use so that ``import eduequity`` stays cheap: pandas
and pint are only imported when a function that needs them is called.
"""

import importlib as _importlib
import typing as _typing

__version__ = "0.1.0"

_EXPORTS = {
    "registry": "eduequity.core.registry",
    "Registry": "eduequity.core.registry",
    "read_schools": "eduequity.read.schools",
    "evaluate": "eduequity.core.evaluate",
    "Evaluation": "eduequity.core.evaluation",
    "explain": "eduequity.core.explain",
    "Explanation": "eduequity.core.explain",
    "render": "eduequity.reports.render",
    "override": "eduequity.core.whatif",
    "Standard": "eduequity.core.standards",
    "converter": "eduequity.core.serialise",
    "InputError": "eduequity.core.errors",
    "PluginError": "eduequity.core.errors",
    "DataWarning": "eduequity.core.warnings",
    "Problem": "eduequity.core.errors",
    "hookimpl": "eduequity.core.hookspecs",
    "Source": "eduequity.core.sources",
    "Indicator": "eduequity.core.indicators",
    "MetricTarget": "eduequity.criteria",
    "Metric": "eduequity.core.metrics",
    "Jurisdiction": "eduequity.core.jurisdictions",
    "County": "eduequity.core.jurisdictions",
    "CountyList": "eduequity.core.jurisdictions",
    "ReportFormat": "eduequity.core.formats",
    "Section": "eduequity.core.formats",
    "track": "eduequity.core.track",
    "remedy": "eduequity.core.remedy",
    "equity": "eduequity.core.equity",
    "sensitivity": "eduequity.core.sensitivity",
    "Plan": "eduequity.core.remedy",
    "UnitCost": "eduequity.core.costs",
    "TrackResult": "eduequity.core.track",
    "PhasedSchedule": "eduequity.core.schedules",
    "Milestone": "eduequity.core.schedules",
    "CountyTarget": "eduequity.core.schedules",
    "data_hooks": "eduequity.core.datafiles",
    "read_counties": "eduequity.core.datafiles",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> object:
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'eduequity' has no attribute {name!r}") from None
    value = getattr(_importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names only: what a user may rely on."""
    return [*__all__, "__version__"]


if _typing.TYPE_CHECKING:  # pragma: no cover
    from .core.errors import InputError, PluginError, Problem
    from .core.evaluate import evaluate
    from .core.evaluation import Evaluation
    from .core.explain import Explanation, explain
    from .core.hookspecs import hookimpl
    from .core.indicators import Indicator
    from .core.jurisdictions import County, CountyList, Jurisdiction
    from .core.metrics import Metric
    from .core.registry import Registry, registry
    from .core.serialise import converter
    from .core.sources import Source
    from .core.standards import Standard
    from .core.schedules import CountyTarget, Milestone, PhasedSchedule
    from .core.datafiles import data_hooks, read_counties
    from .core.whatif import override
    from .core.track import TrackResult, track
    from .core.costs import UnitCost
    from .core.remedy import Plan, remedy
    from .core.equity import equity
    from .core.sensitivity import sensitivity
    from .core.warnings import DataWarning
    from .criteria import MetricTarget
    from .core.formats import ReportFormat, Section
    from .read.schools import read_schools
    from .reports.render import render
