"""A standard: the rules, targets and exclusions of one policy document, loaded from data.

Standards are TOML files a policy analyst can read and correct. cattrs turns
them into the frozen model, rejecting unknown keys with the path of the
offending entry; ``Standard`` then checks what spans entries (rules naming
known indicators, threshold units matching their indicators, unique ids).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from .bounds import YEAR, InvalidValue, show
from .columns import LEVELS
from .indicators import Indicator
from .metrics import TARGET_VALUES, Metric
from .rules import Dispersion, Exclusion, PerLevel, Recognition, Rule, SchoolThreshold, Trend, check_units
from .sources import Source
from .targets import MetricTarget


@attrs.frozen
class Standard:
    """The rules of one policy document for one jurisdiction."""

    id: str
    title: str
    jurisdiction: str
    source: Source
    title_en: str = ""
    effective: int | None = attrs.field(default=None, validator=attrs.validators.optional(YEAR))
    indicators: tuple[Indicator, ...] = ()
    rules: tuple[Rule, ...] = ()
    targets: tuple[MetricTarget, ...] = ()
    metrics: tuple[Metric, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    #: The id of a standard this one applies as its own ("达到国家规定的要求"); the
    #: registry resolves it with ``adopt`` once every plugin's standards are loaded.
    adopts: str | None = None

    @property
    def pending_adoption(self) -> bool:
        return self.adopts is not None and not self.rules and not self.indicators

    def __attrs_post_init__(self) -> None:
        known = {i.key: i for i in self.indicators}
        if len(known) != len(self.indicators):
            raise ValueError(f"standard {self.id!r}: an indicator is listed twice")
        ids = [self.id] + [r.id for r in self.rules] + [t.id for t in self.targets]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"standard {self.id!r}: duplicate ids {dup}")
        kinds = {m.key: m.kind for m in self.metrics}
        for rule in self.rules:
            used = (rule.indicators if isinstance(rule, Dispersion)
                    else [t.indicator for t in rule.thresholds] if isinstance(rule, SchoolThreshold) else [])
            for key in used:
                if key not in known:
                    raise ValueError(f"rule {rule.id!r} uses indicator {key!r}, which standard {self.id!r} does not define")
            if isinstance(rule, SchoolThreshold):
                for t in rule.thresholds:
                    check_units(t, known[t.indicator].unit)
        columns = {r.column or r.id for r in self.rules if isinstance(r, Dispersion) and r.aggregate == "mean"}
        for rule in self.rules:
            if isinstance(rule, Trend) and rule.value not in columns:
                raise ValueError(f"trend {rule.id!r} follows {rule.value!r}, which no composite rule of "
                                 f"{self.id!r} computes (known: {sorted(columns)})")
        for t in self.targets if not self.pending_adoption else ():  # metrics may come with the base
            if t.metric not in kinds:
                raise ValueError(f"target {t.id!r} measures {t.metric!r}, which standard {self.id!r} does not define")
            if (allowed := TARGET_VALUES.get(kinds[t.metric])) is not None:
                allowed.check(t.value, f"target {t.id!r} value ({kinds[t.metric]} {t.metric!r})")

    def indicator(self, key: str) -> Indicator:
        return next(i for i in self.indicators if i.key == key)

    @property
    def needed_columns(self) -> tuple[str, ...]:
        """Resource columns the standard's rules read (for a clear error when one is absent)."""
        used: list[str] = []
        for rule in self.rules:
            keys = (rule.indicators if isinstance(rule, Dispersion)
                    else [t.indicator for t in rule.thresholds] if isinstance(rule, SchoolThreshold) else [])
            used += [k for k in keys if k not in used]
        return tuple(used)

    @property
    def school_levels(self) -> tuple[str, ...]:
        """Levels the school rules hold to a limit or a threshold: the levels whose school rows
        a county needs before any verdict of this standard can be met."""
        held: set[str] = set()
        for rule in self.rules:
            if isinstance(rule, Dispersion):
                held |= {lv for lv in LEVELS if rule.limit.get(lv) is not None}
            elif isinstance(rule, SchoolThreshold):
                held |= {lv for t in rule.thresholds for lv in LEVELS if t.value.get(lv) is not None}
        return tuple(lv for lv in LEVELS if lv in held)

    @property
    def metric_map(self) -> dict[str, Metric]:
        return {m.key: m for m in self.metrics}


def load(path: str | Path) -> Standard:
    """Read a standard from a TOML file. Nothing in the file is executed."""
    from .serialise import from_toml

    return from_toml(path, Standard)


def adopt(base: Standard, *, id: str, jurisdiction: str, title: str, source: Source, title_en: str = "",
          targets: tuple[MetricTarget, ...] = (), metrics: tuple[Metric, ...] = ()) -> Standard:
    """A jurisdiction's standard that applies ``base`` as its own, plus targets of its own.

    Provinces write "达到国家规定的要求": the national method is their method. Adopting
    it keeps one copy of the national rules (each still citing the national
    document) under ids prefixed by the new standard, so a province's ids are its
    own and the national standard is unchanged.
    """
    prefix = base.id + "."

    def rename(x):
        return attrs.evolve(x, id=id + "." + x.id.removeprefix(prefix)) if x.id.startswith(prefix) else x

    known = {m.key for m in base.metrics}
    return attrs.evolve(
        base, id=id, jurisdiction=jurisdiction, title=title, title_en=title_en, source=source, adopts=base.id,
        rules=tuple(rename(r) for r in base.rules),
        targets=tuple(rename(t) for t in base.targets) + tuple(targets),
        metrics=base.metrics + tuple(m for m in metrics if m.key not in known),
    )


def override(standard: Standard | str, changes: Mapping[str, Any], *, registry: Any = None) -> Standard:
    """A what-if copy of ``standard`` (a Standard, or an id as ``evaluate`` takes) with changed
    limits, thresholds or target values.

    Keys are ids: a dispersion rule's id changes its limit, a target's id its
    value, ``<school-threshold id>.<indicator>`` one threshold; any rule or
    target id followed by ``.<field>`` changes that field (``….floor``,
    ``….min_met``, ``….years_before``, ``….deadline``). A per-level value is
    a number (both levels) or ``{"primary": …, "junior": …}``; a level left out
    keeps its value. Unknown ids are a ``KeyError`` and values a file could not
    hold a ``ValueError`` naming the key: a what-if that silently did nothing, or
    judged against NaN, would mislead.
    """
    if isinstance(standard, str):
        from .registry import registry as default_registry  # the registry imports this module

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
    """``std`` with the one change ``key`` names, validated as a loaded file is (the whole
    standard is rebuilt, so checks across entries run too); None if ``key`` names nothing."""
    rules = list(std.rules)
    for i, r in enumerate(rules):
        field = key[len(r.id) + 1:] if key.startswith(r.id + ".") else None
        if isinstance(r, Dispersion) and key == r.id:
            rules[i] = _changed(r, "limit", value)
        elif isinstance(r, SchoolThreshold) and field in {t.indicator for t in r.thresholds}:
            rules[i] = attrs.evolve(r, thresholds=tuple(_changed(t, "value", value) if t.indicator == field else t
                                                        for t in r.thresholds))
        elif field is not None and _has(r, field):
            rules[i] = _changed(r, field, value)
        else:
            continue
        return attrs.evolve(std, rules=tuple(rules))
    targets = list(std.targets)
    for i, t in enumerate(targets):
        field = key[len(t.id) + 1:] if key.startswith(t.id + ".") else None
        if key == t.id:
            targets[i] = _changed(t, "value", value)
        elif field is not None and _has(t, field):
            targets[i] = _changed(t, field, value)
        else:
            continue
        return attrs.evolve(std, targets=tuple(targets))
    return None


def _changed(obj: Any, field: str, value: Any) -> Any:
    """``obj`` with ``field`` set to ``value``; a per-level field keeps the levels ``value`` leaves out."""
    current = getattr(obj, field)
    return attrs.evolve(obj, **{field: current.updated(value) if isinstance(current, PerLevel) else value})


def _has(obj: Any, field: str) -> bool:
    return field in attrs.fields_dict(type(obj)) and field not in ("id", "source")


__all__ = ["Standard", "load", "override", "Recognition"]
