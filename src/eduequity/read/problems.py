"""Problems: every problem of one input collected, and turned into ``Problem``s once, at the end."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..core.errors import Problem


class Problems:
    """Problems collected as vectorised chunks; turned into ``Problem``s once, at the end.

    A chunk may *own* its cells (``owns="cell"``: a list where a number belongs is
    that, not also "not a number" and "required") or its whole rows
    (``owns="row"``: a header line among the data is one problem, not one per
    cell); the other problems of what it owns are left out.
    """

    def __init__(self) -> None:
        self._whole: list[Problem] = []
        self._chunks: list[tuple[np.ndarray, str | None, list, Any, int, str | None]] = []

    def __bool__(self) -> bool:
        return bool(self._whole or self._chunks)

    def add(self, column: str | None, value: Any, expected: str) -> None:
        self._whole.append(Problem(None, column, value, expected))

    def cells(self, where: np.ndarray, column: str | None, raw: pd.Series | None, expected: str | Sequence[str],
              order: int = 1 << 30, owns: str | None = None) -> None:
        """One problem per selected row; ``where`` is a boolean mask or positions."""
        pos = np.flatnonzero(where) if where.dtype == bool else np.asarray(where, dtype=np.int64)
        if len(pos) == 0:
            return
        values = raw.iloc[pos].tolist() if raw is not None else [None] * len(pos)
        self._chunks.append((pos, column, values, expected, order, owns))

    def rows(self, pos: np.ndarray, values: list, expected: str) -> None:
        """One problem per row, owning it: ``values`` are what each row holds."""
        if len(pos):
            self._chunks.append((np.asarray(pos, dtype=np.int64), None, values, expected, -1, "row"))

    def build(self, rows: np.ndarray, dropped: np.ndarray | None) -> list[Problem]:
        owned_rows: set[int] = set()
        owned_cells: dict[str | None, set[int]] = {}
        for pos, column, _, _, _, owns in self._chunks:
            if owns == "row":
                owned_rows.update(pos.tolist())
            elif owns == "cell":
                owned_cells.setdefault(column, set()).update(pos.tolist())
        cells: list[tuple[int, int, int, Problem]] = []
        seq = 0
        for pos, column, values, expected, order, owns in self._chunks:
            skip = owned_cells.get(column, set()) if owns is None else set()
            for i, (p, v) in enumerate(zip(pos.tolist(), values)):
                if (dropped is not None and dropped[p]) or p in skip or (owns != "row" and p in owned_rows):
                    continue
                exp = expected if isinstance(expected, str) else expected[i]
                if isinstance(v, float) and v != v:  # NaN: a blank cell
                    v = None
                elif isinstance(v, np.generic):
                    v = v.item()
                cells.append((p, order, seq, Problem(int(rows[p]), column, v, exp)))
                seq += 1
        cells.sort(key=lambda c: c[:3])
        return self._whole + [c[3] for c in cells]
