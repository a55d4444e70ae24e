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
    """Sections grouped by (year, county, level); ``keys`` has one row per group, sorted.

    Once the sections are in group order (``starts`` set), per-group sums run over
    contiguous runs with ``np.add.reduceat`` — several times faster than a
    ``bincount`` scattering into 85 thousand groups.
    """

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
        if self.starts is not None and self.n:
            return np.add.reduceat(values, self.starts, dtype=np.float64)
        return np.bincount(self.codes, weights=values, minlength=self.n)

    def count(self, mask: np.ndarray) -> np.ndarray:
        if self.starts is not None and self.n:
            return np.add.reduceat(mask, self.starts, dtype=np.int64)
        return np.bincount(self.codes, weights=mask, minlength=self.n).astype(np.int64)

    def spread(self, per_group: np.ndarray) -> np.ndarray:
        """A per-group array repeated for each section."""
        if self.starts is not None:
            return np.repeat(per_group, self.size)
        return per_group[self.codes]

    def sorted_by(self, order: np.ndarray | None) -> Groups:
        """The same groups with sections in group order: ``order`` sorts ``codes`` (None: they are).

        Evaluating sections in a canonical order (group, then school id) makes
        floating-point sums, and so every output byte, independent of input order.
        """
        codes = self.codes if order is None else self.codes[order]
        students = self.students if order is None else self.students[order]
        starts = np.zeros(self.n, dtype=np.intp)
        np.cumsum(self.size[:-1], out=starts[1:])
        g = Groups(codes, self.keys, students, self.total, self.size, starts)
        return attrs.evolve(g, total=g.sum(students))  # summed the same way whatever the input order


def sort_order(codes: list[np.ndarray], sizes: list[int]) -> np.ndarray | None:
    """Positions that put rows in the order of ``codes`` (non-negative ints, most significant
    first, each below its size), ties in their current order; None when they already are.

    The codes combine into one int64 key. Where the key and the row number fit in 63
    bits together they are packed into one integer and sorted by value — several times
    faster than an argsort or a lexsort of the same rows, and stable by construction.
    """
    n = len(codes[0]) if codes else 0
    key = np.zeros(n, dtype=np.int64)
    span = 1
    for c, size in zip(codes, sizes, strict=True):
        key = key * max(size, 1) + c
        span *= max(size, 1)
    if n < 2 or bool(np.all(key[1:] >= key[:-1])):
        return None
    bits = int(n - 1).bit_length()
    if span.bit_length() + bits <= 63:
        packed = np.sort((key << bits) | np.arange(n, dtype=np.int64))
        return packed & ((1 << bits) - 1)
    return np.lexsort(codes[::-1])


def group(frame: pd.DataFrame) -> Groups:
    """Group a canonical school frame; year, county and level codes combine into one int key.

    A frame from ``read_schools`` is already in (year, county, level) order: the
    codes then come from where the key changes, with no hashing, and the start of
    each group is known.
    """
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
    starts = None
    if len(key) and bool(np.all(key[1:] >= key[:-1])):
        new = np.empty(len(key), dtype=bool)
        new[0] = True
        np.not_equal(key[1:], key[:-1], out=new[1:])
        starts = np.flatnonzero(new)
        codes = np.cumsum(new) - 1
        uniq = key[starts]
    else:
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
        starts=starts,
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
    dev = values - groups.spread(mean)
    var = groups.sum(p * dev * dev) / groups.total
    if groups.starts is not None:
        # Only a group whose variance is within rounding of 0 can be all equal: look at those alone.
        with np.errstate(invalid="ignore"):
            near = var <= (1e-9 * mean) ** 2
        if near.any():
            rows = np.flatnonzero(near[groups.codes])
            codes = groups.codes[rows]
            first = values[groups.starts]
            differs = np.bincount(codes, weights=values[rows] != first[codes], minlength=groups.n)
            equal = near & (differs == 0)
            mean[equal] = first[equal]
            var[equal] = 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        cv = np.sqrt(var) / mean
    cv[mean == 0] = np.nan
    return mean, cv
