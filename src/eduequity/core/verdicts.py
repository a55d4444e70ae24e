"""Three-valued verdicts and the one status vocabulary.

``passed`` is True, False or <NA>. Missing data is never a pass: it makes a
verdict <NA> ("not assessable"), and only a definite failure anywhere makes
the whole verdict False (Kleene logic).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MET = "met"
NOT_MET = "not met"
PENDING = "pending"
NOT_ASSESSABLE = "not assessable"
STATUSES = (MET, NOT_MET, PENDING, NOT_ASSESSABLE)
STATUS_DTYPE = pd.CategoricalDtype(list(STATUSES))

STATUS_ZH = {MET: "达标", NOT_MET: "未达标", PENDING: "未到期", NOT_ASSESSABLE: "无法评估"}


def boolean(values, known=None) -> pd.arrays.BooleanArray:
    """A nullable boolean array from ``values``; positions where ``known`` is False are <NA>."""
    values = np.asarray(values, dtype=bool)
    mask = np.zeros(values.shape, dtype=bool) if known is None else ~np.asarray(known, dtype=bool)
    return pd.arrays.BooleanArray(values & ~mask, mask)


def all_of(codes: np.ndarray, passed: pd.arrays.BooleanArray, n: int) -> pd.arrays.BooleanArray:
    """Kleene AND of ``passed`` within each of ``n`` groups given by ``codes``.

    A group with any False is False, else any <NA> makes it <NA>, else True;
    an empty group is True (nothing to fail).
    """
    mask = np.asarray(passed.isna())
    vals = np.asarray(passed.fillna(True), dtype=bool)
    n_false = np.bincount(codes, weights=(~vals & ~mask), minlength=n)
    n_na = np.bincount(codes, weights=mask, minlength=n)
    return boolean(n_false == 0, known=(n_false > 0) | (n_na == 0))


def status(passed: pd.arrays.BooleanArray, pending=None) -> pd.Categorical:
    """Statuses for ``passed``; <NA> is "pending" where ``pending`` is set, else "not assessable"."""
    mask = np.asarray(passed.isna())
    vals = np.asarray(passed.fillna(False), dtype=bool)
    codes = np.where(mask, 3, np.where(vals, 0, 1))
    if pending is not None:
        codes = np.where(mask & np.asarray(pending, dtype=bool), 2, codes)
    return pd.Categorical.from_codes(codes, dtype=STATUS_DTYPE)
