"""A standard: the criteria and exclusions of one policy document, as data.

Standards are TOML files a policy analyst can read and correct. cattrs turns
them into the frozen model, rejecting unknown keys with the path of the
offending entry; ``Standard`` then asks each criterion to check what spans
entries (indicators it names exist, units match, a trend's column is made), and
keeps ids unique.
"""

from __future__ import annotations

from pathlib import Path

import attrs

from ..criteria import Criterion, MetricTarget, Rule
from .bounds import YEAR
from .columns import LEVELS
from .indicators import Indicator
from .metrics import Metric
from .scope import Exclusion
from .serialise import from_toml
from .sources import Source


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

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """Every criterion: the rules, then the targets."""
        return (*self.rules, *self.targets)

    def __attrs_post_init__(self) -> None:
        known = {i.key: i for i in self.indicators}
        if len(known) != len(self.indicators):
            raise ValueError(f"standard {self.id!r}: an indicator is listed twice")
        ids = [self.id] + [c.id for c in self.criteria]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"standard {self.id!r}: duplicate ids {dup}")
        # a standard waiting for its base has no metrics of its own for its targets yet
        for criterion in self.rules if self.pending_adoption else self.criteria:
            criterion.check(self)

    def indicator(self, key: str) -> Indicator:
        return next(i for i in self.indicators if i.key == key)

    @property
    def needed_columns(self) -> tuple[str, ...]:
        """Resource columns the standard's criteria read (for a clear error when one is absent)."""
        return tuple(dict.fromkeys(k for c in self.criteria for k in c.indicators_read()))

    @property
    def school_levels(self) -> tuple[str, ...]:
        """Levels the school rules hold to a limit or a threshold: the levels whose school rows
        a county needs before any verdict of this standard can be met."""
        held = {lv for c in self.criteria for _, lv in c.judged()}
        return tuple(lv for lv in LEVELS if lv in held)

    @property
    def composite(self) -> tuple[tuple[str, ...], str] | None:
        """(indicators, county column) of the composite CV (综合差异系数) the standard computes,
        if any: what the national-format CV table prints in its 综合 column."""
        rule = next((c for c in self.criteria if getattr(c, "composite", None)), None)
        return None if rule is None else (rule.indicators_read(), rule.composite)

    @property
    def metric_map(self) -> dict[str, Metric]:
        return {m.key: m for m in self.metrics}

    def replaced(self, old: Criterion, new: Criterion) -> Standard:
        """This standard with ``new`` in the place of ``old``, checked again as a whole."""
        return attrs.evolve(self, rules=tuple(new if c is old else c for c in self.rules),
                            targets=tuple(new if c is old else c for c in self.targets))


def load(path: str | Path) -> Standard:
    """Read a standard from a TOML file. Nothing in the file is executed."""
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


__all__ = ["Standard", "adopt", "load"]
