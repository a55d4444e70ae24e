"""The array techniques every stage shares, in one place.

- one grouping of school sections over (year, county, level), computed once per
  evaluation and shared by every criterion (``group``, ``Groups``);
- the enrollment-weighted moments over it (``weighted_moments``): the population
  CV of the national method, in two passes — group means first, then the
  weighted squared deviations from them — never as E[x²] − E[x]², which loses
  precision and can go negative when every school is equal;
- packed integer keys (``packed_key``) sorted by value instead of lexsorts
  (``sort_order``), dense keys ranked by counting instead of hashing (``dense_rank``,
  ``count_distinct``) and checked for repeats in one table (``distinct_pairs``),
  per-group text joined by one ``np.add.reduceat`` (``join_runs``) and per-group
  name sets as bit masks (``name_sets``).

    X̄  = Σ P_i·X_i / P        S = sqrt( Σ (P_i/P)·(X_i − X̄)² )        CV = S / X̄

At 3 million sections a fresh array costs more in page faults than the arithmetic
on it, and a Python loop per county or school costs more than both: these
functions loop over nothing but their few distinct values.
"""

from __future__ import annotations

import attrs
import numpy as np
import pandas as pd

from .columns import LEVELS


@attrs.frozen
class Groups:
    """Sections grouped by (year, county, level), in group order; ``keys`` has one row per group.

    With the sections of each group contiguous, per-group sums run over runs with
    ``np.add.reduceat`` — several times faster than a ``bincount`` scattering into
    85 thousand groups — and a per-group value spreads back with ``np.repeat``.
    """

    codes: np.ndarray  # per section, non-decreasing
    keys: pd.DataFrame
    students: np.ndarray  # per section
    total: np.ndarray  # per group
    size: np.ndarray  # sections per group
    starts: np.ndarray  # first section of each group
    repeated: bool = False  # some (year, county, level, school id) holds two sections: not a valid frame

    @property
    def n(self) -> int:
        return len(self.keys)

    def sum(self, values: np.ndarray) -> np.ndarray:
        return np.add.reduceat(values, self.starts, dtype=np.float64) if self.n else np.zeros(0)

    def count(self, mask: np.ndarray) -> np.ndarray:
        return np.add.reduceat(mask, self.starts, dtype=np.int64) if self.n else np.zeros(0, dtype=np.int64)

    def spread(self, per_group: np.ndarray) -> np.ndarray:
        """A per-group array repeated for each section."""
        return np.repeat(per_group, self.size)


def _span(sizes: list[int]) -> int:
    span = 1
    for size in sizes:
        span *= max(size, 1)
    return span


def packed_key(codes: list[np.ndarray], sizes: list[int]) -> np.ndarray:
    """``codes`` (non-negative ints, most significant first, each below its size) combined into
    one int64 key, ``(c0·s1 + c1)·s2 + c2 …``, built in place: one fresh array, however many codes.

    The first code is cast to int64 as it is copied (a year read as float64 may come as
    it is); its size only bounds the span, which must fit in 63 bits.
    """
    if len(codes) != len(sizes):
        raise ValueError(f"{len(codes)} codes and {len(sizes)} sizes")
    span = _span(sizes)
    if span.bit_length() > 63:  # 2**63 distinct keys: far beyond any country's schools
        raise ValueError(f"too many distinct keys to pack in one int64 ({span})")
    key = np.array(codes[0], dtype=np.int64) if codes else np.zeros(0, dtype=np.int64)
    for c, size in zip(codes[1:], sizes[1:]):
        key *= max(size, 1)
        key += c
    return key


def sort_order(codes: list[np.ndarray], sizes: list[int]) -> tuple[np.ndarray | None, np.ndarray]:
    """Positions that put rows in the order of ``codes`` (non-negative ints, most significant
    first, each below its size), ties in their current order — None when they already are —
    and the codes combined into one int64 key, in that order.

    Where the key and the row number fit in 63 bits together they are packed into
    one integer and sorted by value: several times faster than an argsort or a
    lexsort of the same rows, stable by construction, and the sorted key comes free.
    """
    key = packed_key(codes, sizes)
    n, span = len(key), _span(sizes)
    if n < 2 or bool(np.all(key[1:] >= key[:-1])):
        return None, key
    bits = int(n - 1).bit_length()
    if span.bit_length() + bits <= 63:
        key <<= bits
        key |= np.arange(n, dtype=np.int64)
        key.sort()
        order = key & ((1 << bits) - 1)
        key >>= bits
        return order, key
    order = np.lexsort(codes[::-1])
    return order, key[order]


def sorted_categorical(codes: np.ndarray, uniques: pd.Index) -> pd.Categorical:
    """A categorical with its categories sorted, so equal inputs give equal frames.

    Sorting the distinct values (a few hundred thousand school ids at most) and
    renumbering is much cheaper than sorting millions of cells.
    """
    order = np.asarray(uniques.argsort())
    if not np.array_equal(order, np.arange(len(order))):
        rank = np.empty(len(order) + 1, dtype=np.int64)
        rank[order] = np.arange(len(order))
        rank[-1] = -1  # a blank (-1) stays blank
        codes = rank[codes]
        uniques = uniques[order]
    return pd.Categorical.from_codes(codes, pd.Index(uniques, dtype="str"), validate=False)


def school_codes(values: pd.Series) -> pd.Categorical:
    """School ids as a categorical with sorted categories (a canonical frame's own column,
    as ``read_schools`` makes it); any other column is factorized and sorted the same way."""
    if isinstance(values.dtype, pd.CategoricalDtype) and values.cat.categories.is_monotonic_increasing:
        return values.array
    codes, uniq = pd.factorize(values)
    return sorted_categorical(codes, pd.Index(np.asarray(uniq, dtype=object), dtype="str"))


def group(frame: pd.DataFrame) -> tuple[Groups, pd.Categorical, np.ndarray | None]:
    """Group a canonical school frame, sections put in (year, county, level, school id) order.

    Returns the groups, the school ids and the order applied to the frame's rows
    (None: they already were in it). One packed sort of one int key gives both the
    order and the groups (where the key without the school changes): no hashing.
    Summing in this one canonical order makes every float, and so every output
    byte, independent of the input's row order.
    """
    n = len(frame)
    year = frame["year"].to_numpy().astype(np.int64, copy=False)
    y0 = int(year.min()) if n else 0
    county = frame["county"]
    if not isinstance(county.dtype, pd.CategoricalDtype):
        county = county.astype("category")
    if not county.cat.categories.is_monotonic_increasing:  # same order whatever the input order
        county = county.cat.reorder_categories(county.cat.categories.sort_values())
    counties = county.cat.categories
    ids = school_codes(frame["school_id"])
    n_y = int(year.max()) - y0 + 1 if n else 1
    n_c, n_l, n_s = max(len(counties), 1), len(LEVELS), max(len(ids.categories), 1)
    order, key = sort_order([year - y0, county.cat.codes.to_numpy(), frame["level"].cat.codes.to_numpy(), ids.codes],
                            [n_y, n_c, n_l, n_s])
    # Sorted, equal neighbours are one school twice: a frame edited after read_schools.
    repeated = bool(n > 1 and (key[1:] == key[:-1]).any())
    key //= n_s  # the group, in section order
    new = np.ones(n, dtype=bool)
    np.not_equal(key[1:], key[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    uniq = key[starts]
    keys = pd.DataFrame({
        "year": (y0 + uniq // (n_c * n_l)).astype(np.int64),
        "county": pd.Categorical.from_codes((uniq // n_l) % n_c, categories=counties),
        "level": pd.Categorical.from_codes(uniq % n_l, categories=list(LEVELS)),
    })
    students = frame["students"].to_numpy(dtype=np.float64)
    if order is not None:
        students = students[order]
        ids = ids[order]
    codes = np.cumsum(new, dtype=np.intp)
    codes -= 1
    g = Groups(codes=codes, keys=keys, students=students, total=np.zeros(len(keys)),
               size=np.diff(np.append(starts, n)), starts=starts, repeated=repeated)
    return attrs.evolve(g, total=g.sum(students)), ids, order


def weighted_moments(groups: Groups, values: np.ndarray, scratch: tuple[np.ndarray, np.ndarray] | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Enrollment-weighted mean and CV of ``values`` per group.

    A NaN value (a blank resource cell) makes its group's mean and CV NaN: the
    caller reports that group as not assessable. A zero mean gives a NaN CV
    (undefined), never an infinite or zero one. Where every school of a group
    has the same value, the mean is that value and the CV exactly 0 — rounding
    in Σ P·X / P would otherwise leave a CV of 1e-16 (a county of one school,
    or perfectly equal schools, is perfectly balanced). ``scratch``: two arrays
    as long as ``values`` to work in, reused across indicators.
    """
    p = groups.students
    w, spread = scratch if scratch is not None else (np.empty(len(values)), np.empty(len(values)))
    np.multiply(p, values, out=w)
    mean = groups.sum(w) / groups.total
    np.take(mean, groups.codes, out=spread)
    dev = np.subtract(values, spread, out=w)  # in place: 3 million rows, no fresh arrays
    dev *= dev
    dev *= p
    var = groups.sum(dev) / groups.total
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


def run_starts(*keys: np.ndarray) -> np.ndarray:
    """True at the first row of each run of equal keys (rows sorted by them)."""
    n = len(keys[0]) if keys else 0
    first = np.ones(n, dtype=bool)
    if n > 1:
        first[1:] = False
        for k in keys:
            first[1:] |= k[1:] != k[:-1]
    return first


def dense_rank(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct keys sorted, each key's rank among them) for non-negative int keys.

    A key dense enough (below four times the count) is ranked by counting, with no
    sort and no hashing; others by ``np.unique``.
    """
    if not len(keys):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.intp)
    top = int(keys.max())
    if top < 4 * len(keys) + 1024 and int(keys.min()) >= 0:
        present = np.zeros(top + 1, dtype=bool)
        present[keys] = True
        return np.flatnonzero(present), (np.cumsum(present) - 1)[keys]
    uniq, rank = np.unique(keys, return_inverse=True)
    return uniq, rank


def distinct_pairs(keys: np.ndarray, labels: np.ndarray | None = None, n_labels: int = 0) -> bool:
    """Whether non-negative int keys are all distinct and, with ``labels`` (codes below
    ``n_labels``), the two keys of each pair ``2i, 2i + 1`` that are both present carry one label.

    Decided from one dense table, with no sort and no hashing: slot ``k`` holds key
    ``k``'s label (-1: empty), in the smallest int that holds them. A repeated key
    leaves fewer filled slots than keys; with no repeat, a pair's two slots must not
    hold two labels. False means "look closer", not "no": it is also said of keys too
    sparse for a table (not below four times their count) and where a label is blank (-1).
    """
    if not len(keys):
        return True
    if keys.max() >= 4 * len(keys) + 1024 or (labels is not None and labels.min() < 0):
        return False
    dtype = np.min_scalar_type(-max(n_labels, 1))
    slot = np.full((int(keys.max()) + 2) & ~1, -1, dtype=dtype)
    slot[keys] = 0 if labels is None else labels.astype(dtype, copy=False)  # cast first: a casting scatter is slow
    if np.count_nonzero(slot >= 0) != len(keys):
        return False
    if labels is None:
        return True
    even, odd = slot[0::2], slot[1::2]
    return not np.any((even != odd) & ((even | odd) >= 0))  # both filled, two labels


def distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted: one sort and a neighbour comparison.

    ``np.unique`` without ``return_inverse`` hashes in numpy 2.4 and is some 30 times
    slower than this on a few hundred thousand int64 keys (0.23 s against 0.007 s).
    """
    s = np.sort(values)
    return s[np.r_[True, s[1:] != s[:-1]]] if len(s) else s


def count_distinct(values: np.ndarray) -> int:
    """How many distinct non-negative ints (input rows: a mixed school's row gives two sections)."""
    if not len(values):
        return 0
    if values.min() >= 0 and values.max() < 4 * len(values) + 1024:
        return int(np.count_nonzero(np.bincount(values)))
    return len(distinct(values))


def join_runs(at: np.ndarray, texts: np.ndarray, n: int, sep: str = "; ") -> np.ndarray:
    """For each of ``n`` groups, the ``texts`` whose ``at`` is that group, joined by ``sep`` in
    their order ("" for none): one stable sort and one ``np.add.reduceat``, no join per group."""
    out = np.full(n, "", dtype=object)
    if not len(at):
        return out
    order = np.argsort(at, kind="stable")
    c = at[order]
    joined = np.asarray(texts, dtype=object)[order]
    later = np.flatnonzero(np.r_[False, c[1:] == c[:-1]])  # every text after a group's first
    joined[later] = sep + joined[later]
    starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
    out[c[starts]] = np.add.reduceat(joined, starts)
    return out


def name_sets(place: np.ndarray, member: np.ndarray, names: np.ndarray, n: int, sep: str = ", ") -> np.ndarray:
    """For each of ``n`` places, the ``names`` of its members joined in the order of ``names``
    ("" for none); ``member[i]`` is an index into ``names`` for the pair ``(place[i], member[i])``.

    Each place's set is a bit mask (a sum of distinct powers of two, exact in a float64 for
    50 members at a time); places mostly share a few sets, so each text is written once
    per distinct set.
    """
    out = np.full(n, "", dtype=object)
    for first in range(0, len(names), 50):
        mine = (member >= first) & (member < first + 50)
        mask = np.bincount(place[mine], weights=np.exp2(member[mine] - first), minlength=n)
        distinct, inverse = np.unique(mask, return_inverse=True)
        texts = [sep.join(names[first + b] for b in range(50) if int(m) >> b & 1) for m in distinct]
        part = np.asarray(texts, dtype=object)[inverse]
        both = out.astype(bool) & part.astype(bool)
        out = np.where(both, out + sep + part, np.where(part.astype(bool), part, out))
    return out


def sort_frame(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """``df`` sorted by ``by`` (blanks last), stably, by one packed sort of the columns' codes."""
    cols = [c for c in by if c in df.columns]
    if not cols or len(df) < 2:
        return df.reset_index(drop=True)
    codes, sizes = [], []
    for c in cols:
        code, uniq = pd.factorize(df[c], sort=True)
        codes.append(np.where(code < 0, len(uniq), code))
        sizes.append(len(uniq) + 1)
    order, _ = sort_order(codes, sizes)
    return df.reset_index(drop=True) if order is None else df.take(order).reset_index(drop=True)


def all_whole(values: np.ndarray, chunk: int = 1 << 16) -> bool:
    """Whether every value is a whole number (NaN is not), in chunks: a 3-million-row
    temporary would cost more in first-touch page faults than the comparison itself."""
    buffer = np.empty(min(chunk, len(values)))
    for start in range(0, len(values), chunk):
        part = values[start:start + chunk]
        out = buffer[:len(part)]
        np.floor(part, out=out)
        if not np.array_equal(out, part):
            return False
    return True
