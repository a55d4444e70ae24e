"""The numbers: one grouping of school sections, and enrollment-weighted moments over it.

Group codes over (year, county, level) are computed once per evaluation and
shared by every rule. The CV is the population, enrollment-weighted one of
the national method, computed in two passes — group means first, then the
weighted squared deviations from them — never as E[x²] − E[x]², which loses
precision and can go negative when every school is equal.

    X̄  = Σ P_i·X_i / P        S = sqrt( Σ (P_i/P)·(X_i − X̄)² )        CV = S / X̄
"""

from __future__ import annotations

import attrs
import numpy as np
import pandas as pd

from .columns import LEVELS


@attrs.frozen
class Groups:
    """Sections grouped by (year, county, level); ``keys`` has one row per group, sorted."""

    codes: np.ndarray
    keys: pd.DataFrame
    students: np.ndarray  # per section
    total: np.ndarray  # per group
    size: np.ndarray  # sections per group
    starts: np.ndarray | None = None  # first section of each group, once sections are sorted by group

    @property
    def n(self) -> int:
        return len(self.keys)

    def sum(self, values: np.ndarray) -> np.ndarray:
        return np.bincount(self.codes, weights=values, minlength=self.n)

    def count(self, mask: np.ndarray) -> np.ndarray:
        return np.bincount(self.codes, weights=mask, minlength=self.n).astype(np.int64)

    def take(self, order: np.ndarray) -> Groups:
        """The same groups with sections permuted; sums are redone in the new order.

        Evaluating sections in a canonical order (group, then school id) makes
        floating-point sums, and so every output byte, independent of input order.
        """
        students = self.students[order]
        codes = self.codes[order]
        total = np.bincount(codes, weights=students, minlength=self.n)
        starts = np.searchsorted(codes, np.arange(self.n))
        return Groups(codes, self.keys, students, total, self.size, starts if np.all(np.diff(codes) >= 0) else None)


def group(frame: pd.DataFrame) -> Groups:
    """Group a canonical school frame; year, county and level codes combine into one int key."""
    year_codes, years = pd.factorize(frame["year"].to_numpy(), sort=True)
    county = frame["county"]
    if not isinstance(county.dtype, pd.CategoricalDtype):
        county = county.astype("category")
    if not county.cat.categories.is_monotonic_increasing:  # same order whatever the input order
        county = county.cat.reorder_categories(county.cat.categories.sort_values())
    county_codes = county.cat.codes.to_numpy().astype(np.int64)
    counties = county.cat.categories
    level_codes = frame["level"].cat.codes.to_numpy().astype(np.int64)
    n_c, n_l = max(len(counties), 1), len(LEVELS)
    key = (year_codes.astype(np.int64) * n_c + county_codes) * n_l + level_codes
    codes, uniq = pd.factorize(key, sort=True)
    uniq = np.asarray(uniq, dtype=np.int64)
    keys = pd.DataFrame({
        "year": np.asarray(years)[uniq // (n_c * n_l)].astype(np.int64),
        "county": pd.Categorical.from_codes((uniq // n_l) % n_c, categories=counties),
        "level": pd.Categorical.from_codes(uniq % n_l, categories=list(LEVELS)),
    })
    students = frame["students"].to_numpy(dtype=np.float64)
    n = len(keys)
    return Groups(
        codes=codes.astype(np.intp),
        keys=keys,
        students=students,
        total=np.bincount(codes, weights=students, minlength=n),
        size=np.bincount(codes, minlength=n).astype(np.int64),
    )


def weighted_moments(groups: Groups, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Enrollment-weighted mean and CV of ``values`` per group.

    A NaN value (a blank resource cell) makes its group's mean and CV NaN: the
    caller reports that group as not assessable. A zero mean gives a NaN CV
    (undefined), never an infinite or zero one. Where every school of a group
    has the same value, the mean is that value and the CV exactly 0 — rounding
    in Σ P·X / P would otherwise leave a CV of 1e-16 (a county of one school,
    or perfectly equal schools, is perfectly balanced).
    """
    p = groups.students
    mean = groups.sum(p * values) / groups.total
    dev = values - mean[groups.codes]
    var = groups.sum(p * dev * dev) / groups.total
    if groups.starts is not None:
        first = values[groups.starts]
        equal = groups.count(values != first[groups.codes]) == 0
        mean[equal] = first[equal]
        var[equal] = 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        cv = np.sqrt(var) / mean
    cv[mean == 0] = np.nan
    return mean, cv
