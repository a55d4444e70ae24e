"""The criterion kinds a standard is built from, one module each.

==================  =====================================================  ===========================
kind                what it holds                                          module
==================  =====================================================  ===========================
school-threshold    every school meets k of n per-student minimums          ``threshold.py``
dispersion          enrollment-weighted CVs (or their mean) within a limit  ``dispersion.py``
trend               a county column must not rise year on year             ``trend.py``
recognition         recognised at least N years earlier                    ``recognition.py``
target              an observed metric compared with a value, in time      ``target.py``
==================  =====================================================  ===========================

``base.py`` says what every kind answers; docs/criteria.md shows how to add one.
"""

from __future__ import annotations

from .base import (CRITERIA_COLUMNS, MISSING_COLUMNS, TARGET_COLUMNS, Amount, Context, Criterion, Explained, Focus,
                   Holdings, Outcome, Slot, missing_frame, no_rows, target_rows)
from .dispersion import Dispersion
from .limits import OPS, REL_TOL, PerLevel, bound, compare
from .recognition import Recognition
from .target import MetricTarget
from .threshold import SchoolThreshold, Threshold, check_units
from .trend import Trend

#: Every kind, in the order ``evaluate`` judges them: a trend reads the columns a dispersion rule makes.
KINDS: tuple[type[Criterion], ...] = (SchoolThreshold, Dispersion, Trend, Recognition, MetricTarget)
#: The kinds a standard file lists under ``[[rules]]`` (tagged by ``kind``); targets have their own list.
Rule = SchoolThreshold | Dispersion | Recognition | Trend

__all__ = [
    "CRITERIA_COLUMNS", "KINDS", "MISSING_COLUMNS", "OPS", "REL_TOL", "TARGET_COLUMNS", "Amount", "Context",
    "Criterion", "Dispersion", "Explained", "Focus", "Holdings", "MetricTarget", "Outcome", "PerLevel", "Recognition", "Rule",
    "SchoolThreshold", "Slot", "Threshold", "Trend", "bound", "check_units", "compare", "missing_frame", "no_rows",
    "target_rows",
]
