"""Recognition prerequisites: a county recognised (国家认定) at least N years earlier.

教督〔2017〕6号 admits to quality balance only counties recognised for basic
balance at least three years before. Judged once per (year, county) place, on the
recognitions given; without them it is not assessable, never met.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import attrs
import numpy as np
import pandas as pd

from ..core import verdicts
from ..core.bounds import YEARS_BEFORE, OneOf
from ..core.columns import RECOGNITION_KINDS
from ..core.sources import Source
from .base import Context, Criterion, Outcome, target_rows


def first_year(recognitions: pd.DataFrame, kind: str) -> pd.Series:
    """Each county's first recognition of ``kind``, indexed by county."""
    r = recognitions[recognitions["kind"] == kind]
    return r.groupby("county")["year"].min()


@attrs.frozen
class Recognition(Criterion):
    """A county must have been recognised (``kind``) at least ``years_before`` years earlier."""

    KIND: ClassVar[str] = "recognition"
    id: str
    title: str
    recognition: str = attrs.field(validator=OneOf(RECOGNITION_KINDS))
    years_before: int = attrs.field(validator=YEARS_BEFORE)
    source: Source
    lead_unit: str = ""
    partner_units: tuple[str, ...] = ()
    title_en: str = ""  # the title an English report shows (``title`` where blank)

    def needs(self) -> frozenset[str]:
        return frozenset({"recognitions"})

    def supplies(self) -> str:
        return "recognition"

    @classmethod
    def judge(cls, criteria: Sequence[Recognition], ctx: Context) -> list[Outcome]:
        return [Outcome(c.id, rows=c._rows(ctx)) for c in criteria]

    def _rows(self, ctx: Context):
        base = ctx.places.reset_index(drop=True)
        year = base["year"].to_numpy()
        required = year - self.years_before
        recog = ctx.recognitions
        if recog is None:
            first = np.full(len(base), np.nan)
        else:
            first = base["county"].map(first_year(recog, self.recognition)).to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            ok = first <= required
        passed = verdicts.boolean(ok, known=np.full(len(base), recog is not None))
        return target_rows(self.id, year, base["county"].to_numpy(), None, f"recognition:{self.recognition}",
                           first, "<=", required.astype(float), passed)
