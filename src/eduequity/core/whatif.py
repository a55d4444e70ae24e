"""``ee.override``: a what-if copy of a standard with changed limits, thresholds or targets.

Each criterion says which keys are its own and what they change (``overridden``);
the copy is then built and checked as a loaded file is, so a what-if can never
hold a county to NaN, to a negative limit or to a dropped level.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .bounds import InvalidValue, show
from .registry import Registry, registry as default_registry
from .standards import Standard


def override(standard: Standard | str, changes: Mapping[str, Any], *, registry: Registry | None = None) -> Standard:
    """A what-if copy of ``standard`` (a Standard, or an id as ``evaluate`` takes) with changed
    limits, thresholds or target values.

    Keys are ids: a dispersion rule's id changes its limit, a target's id its
    value, ``<school-threshold id>.<indicator>`` one threshold; any rule or
    target id followed by ``.<field>`` changes that field (``….floor``,
    ``….min_met``, ``….years_before``, ``….deadline``). A per-level value is
    a number (both levels) or ``{"primary": …, "junior": …}``; a level left out
    keeps its value. Unknown ids are a ``KeyError`` and values a file could not
    hold a ``ValueError`` naming the key: a what-if that silently did nothing, or
    judged against NaN, would mislead. The registered standard is unchanged.
    """
    if isinstance(standard, str):
        standard = (registry or default_registry()).standard(standard)
    for key, value in changes.items():
        try:
            changed = _apply(standard, key, value)
        except (ValueError, TypeError) as exc:
            raise InvalidValue(f"override {key!r} = {show(value)}: {exc}") from exc
        if changed is None:
            raise KeyError(f"{key!r} is not a rule, threshold or target id of {standard.id!r}")
        standard = changed
    return standard


def _apply(std: Standard, key: str, value: Any) -> Standard | None:
    """``std`` with the one change ``key`` names, validated as a loaded file is; None if
    ``key`` names nothing."""
    for criterion in std.criteria:
        new = criterion.overridden(key, value)
        if new is not None:
            return std.replaced(criterion, new)
    return None
