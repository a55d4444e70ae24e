"""Trends: "逐步缩小" — a county column (the composite CV) must not rise from one year to the next.

The previous value is the last observed year of the same county and level, found
with one vectorised shift over the groups sorted by (county, level, year). The
first observed year is not assessable; with ``after`` set, only years after the
county's recognition are judged (攀办发〔2015〕2号 一、（五）: 在通过国家督导评估认定的基础上).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import attrs
import numpy as np
import pandas as pd

from ..core import verdicts
from ..core.bounds import OneOf
from ..core.columns import LEVELS, RECOGNITION_KINDS
from ..core.sources import Source
from . import reasons as txt
from .base import Context, Criterion, Outcome, target_rows
from .limits import compare
from .recognition import first_year


@attrs.frozen
class Trend(Criterion):
    """"逐步缩小": a county column (e.g. ``composite_cv``) must not rise from the last observed year.

    The first observed year of a (county, level) is not assessable; with
    ``after`` set to a recognition kind, only years after the county's
    recognition are judged (the year before may still be the one compared with).
    """

    KIND: ClassVar[str] = "trend"
    id: str
    title: str
    value: str
    source: Source
    after: str | None = attrs.field(default=None,
                                    validator=OneOf((*RECOGNITION_KINDS, None)))
    lead_unit: str = ""
    partner_units: tuple[str, ...] = ()
    title_en: str = ""  # the title an English report shows (``title`` where blank)

    def needs(self) -> frozenset[str]:
        return frozenset({"recognitions"}) if self.after is not None else frozenset()

    def supplies(self) -> str:
        """The year before's school rows (and, with ``after``, the recognitions) it compares with."""
        return "earlier year" if self.after is None else "earlier year or recognition"

    def check(self, standard: Any) -> None:
        made = {c for other in standard.criteria for c in other.columns_made() if other is not self}
        if self.value not in made:
            raise ValueError(f"trend {self.id!r} follows {self.value!r}, which no composite rule of "
                             f"{standard.id!r} computes (known: {sorted(made)})")

    @classmethod
    def judge(cls, criteria: Sequence[Trend], ctx: Context) -> list[Outcome]:
        return [c._judge(ctx) for c in criteria]

    def _judge(self, ctx: Context) -> Outcome:
        g = ctx.groups
        keys = g.keys
        value = ctx.columns[self.value]
        year = keys["year"].to_numpy()
        prev, prev_year = _previous(g, value)
        judged = np.ones(g.n, dtype=bool)
        known_after = np.ones(g.n, dtype=bool)
        if self.after is not None:
            if ctx.recognitions is None:
                known_after[:] = False
            else:
                since = keys["county"].astype("str").map(first_year(ctx.recognitions, self.after)).to_numpy(float)
                judged = ~np.isnan(since) & (year > since)
        known = ~np.isnan(value) & ~np.isnan(prev) & known_after
        ok = compare("<=", value, prev)
        passed = verdicts.boolean(ok | ~judged, known | ~judged)
        lead = txt.lead(g, self.title)
        rose = judged & known & ~ok
        reason = np.where(rose, txt.text(*lead, txt.number(value), " 高于上一年 rose from ", txt.number(prev), " (",
                                         prev_year, ", ", self.source.cite(), ")", where=rose),
                          txt.text(*lead, "无法评估 not assessable — 无上一年数据或认定信息 "
                                          "no earlier year or recognition to compare", where=judged & ~known))
        level = keys["level"].cat.codes.to_numpy()
        rows = target_rows(self.id, year[judged], keys["county"].astype("str").to_numpy()[judged],
                           pd.array(np.asarray(LEVELS, dtype=object)[level[judged]], dtype="str"),
                           f"trend:{self.value}", value[judged], "<=", prev[judged], passed[judged])
        return Outcome(self.id, passed, reason, rows=rows)


def _previous(g: Any, value: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per group, the value and year of the same county and level's last earlier group (NaN, -1 for none)."""
    keys = g.keys
    county = keys["county"].cat.codes.to_numpy()
    level = keys["level"].cat.codes.to_numpy()
    year = keys["year"].to_numpy()
    prev = np.full(g.n, np.nan)
    prev_year = np.full(g.n, -1, dtype=np.int64)
    if not g.n:
        return prev, prev_year
    order = np.lexsort((year, level, county))
    same = np.zeros(g.n, dtype=bool)
    same[1:] = (county[order][1:] == county[order][:-1]) & (level[order][1:] == level[order][:-1])
    prev[order] = np.where(same, np.concatenate([[np.nan], value[order][:-1]]), np.nan)
    prev_year[order] = np.where(same, np.concatenate([[-1], year[order][:-1]]), -1)
    return prev, prev_year
