"""The grouping every rule shares: one canonical order, runs per group, two-pass moments.

Properties against plain numpy/pandas: the packed sort is the stable lexicographic
order (both of its paths), the groups are the distinct (year, county, level) keys
in order, and the moments are the weighted mean and CV computed the slow way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from eduequity.core.kernel import (
    all_whole, count_distinct, dense_rank, distinct, distinct_pairs, group, join_runs, name_sets, packed_key, run_starts, sort_order,
    weighted_moments,
)


@st.composite
def coded_rows(draw, big: bool) -> tuple[list[np.ndarray], list[int]]:
    """Rows of non-negative codes, each column below its size; ``big`` sizes force the lexsort path."""
    sizes = draw(st.lists(st.integers(1, 6), min_size=1, max_size=4))
    if big:  # with the row number the key no longer fits in 63 bits (the key itself still does)
        sizes = [2**61, draw(st.integers(1, 3))]
    n = draw(st.integers(0, 40))
    cols = [np.asarray(draw(st.lists(st.integers(0, min(s, 6) - 1), min_size=n, max_size=n)), dtype=np.int64)
            for s in sizes]
    return cols, sizes


@given(st.one_of(coded_rows(big=False), coded_rows(big=True)))
def test_sort_order_is_the_stable_lexicographic_order(rows):
    cols, sizes = rows
    order, key = sort_order(cols, sizes)
    expected = np.lexsort(cols[::-1]) if len(cols[0]) else np.zeros(0, dtype=np.intp)
    got = np.arange(len(cols[0])) if order is None else order
    assert np.array_equal(got, expected)
    # the key comes back in that order, and None means the rows already were in it
    assert np.all(np.diff(key) >= 0)
    assert (order is None) == bool(np.array_equal(expected, np.arange(len(expected))))


@st.composite
def small_frames(draw) -> pd.DataFrame:
    n = draw(st.integers(1, 30))
    ints = st.lists(st.integers(0, 2), min_size=n, max_size=n)
    year, county, level = (np.asarray(draw(ints)) for _ in range(3))
    level = level % 2
    ids = np.arange(n)  # (year, school, level) unique by construction
    draw(st.randoms()).shuffle(ids)
    return pd.DataFrame({
        "year": 2015 + year,
        "county": pd.Categorical(np.array(["乙县", "甲县", "丙县"])[county]),
        "school_id": pd.Categorical([f"s{i:03d}" for i in ids]),
        "level": pd.Categorical(np.array(["primary", "junior"])[level], categories=["primary", "junior"]),
        "students": np.asarray(draw(st.lists(st.integers(1, 3000), min_size=n, max_size=n)), dtype=float),
        "x": np.asarray(draw(st.lists(st.floats(0, 1e4), min_size=n, max_size=n))),
    })


@given(small_frames())
def test_groups_and_moments_match_a_plain_groupby(df):
    g, ids, order = group(df)
    sorted_df = df if order is None else df.iloc[order].reset_index(drop=True)
    # sections in (year, county, level, school id) order, county and id by their text
    keys = sorted_df.assign(county=sorted_df["county"].astype(str), level=sorted_df["level"].cat.codes,
                            school_id=sorted_df["school_id"].astype(str))[["year", "county", "level", "school_id"]]
    assert keys.equals(keys.sort_values(list(keys.columns)).reset_index(drop=True))
    assert list(ids.astype(str)) == list(keys["school_id"])
    # one group per distinct (year, county, level), each a contiguous run
    distinct = keys[["year", "county", "level"]].drop_duplicates().reset_index(drop=True)
    assert len(g.keys) == len(distinct) and np.array_equal(g.keys["year"], distinct["year"])
    assert list(g.keys["county"].astype(str)) == list(distinct["county"])
    assert np.array_equal(np.repeat(np.arange(g.n), g.size), g.codes)
    # weighted mean and CV, the slow way
    x = sorted_df["x"].to_numpy()
    mean, cv = weighted_moments(g, x)
    for i in range(g.n):
        run = slice(g.starts[i], g.starts[i] + g.size[i])
        p, v = g.students[run], x[run]
        m = float(np.sum(p * v) / np.sum(p))
        assert np.isclose(mean[i], m, rtol=1e-12, atol=0)
        if m == 0:
            assert np.isnan(cv[i])
        else:
            s = float(np.sqrt(np.sum(p * (v - m) ** 2) / np.sum(p)))
            assert np.isclose(cv[i], s / m, rtol=1e-9, atol=1e-12)
        if np.all(v == v[0]):  # equal schools: exactly balanced
            assert mean[i] == v[0] and (cv[i] == 0 or m == 0)


# --------------------------------------------------------------------------- the other techniques

INTS = st.lists(st.integers(0, 10**6), max_size=60).map(lambda v: np.asarray(v, dtype=np.int64))


@given(INTS)
def test_dense_rank_is_np_unique(keys):
    uniq, rank = dense_rank(keys)
    expected, inverse = np.unique(keys, return_inverse=True)
    assert np.array_equal(uniq, expected) and np.array_equal(rank, inverse.ravel())


@given(coded_rows(big=False))
def test_packed_key_is_the_codes_in_mixed_radix(rows):
    cols, sizes = rows
    key = packed_key([cols[0].astype(np.float64), *cols[1:]], sizes)  # the first code may come as floats
    expected = [0] * len(cols[0])
    for c, size in zip(cols, sizes):
        expected = [k * size + int(v) for k, v in zip(expected, c)]
    assert key.dtype == np.int64 and key.tolist() == expected


def test_packed_key_refuses_a_key_past_63_bits():
    with pytest.raises(ValueError, match="int64"):
        packed_key([np.zeros(1, np.int64)] * 2, [2**40, 2**40])


@given(st.lists(st.tuples(st.integers(0, 300), st.integers(-1, 3)), max_size=40), st.booleans())
def test_distinct_pairs_is_no_repeat_and_one_label_a_pair(pairs, labelled):
    keys = np.asarray([k for k, _ in pairs], dtype=np.int64)
    labels = np.asarray([c for _, c in pairs], dtype=np.int64) if labelled else None
    distinct = len(set(keys.tolist())) == len(keys)
    by_pair: dict[int, set[int]] = {}
    for k, c in pairs:
        by_pair.setdefault(k >> 1, set()).add(c)
    agree = not labelled or all(len(cs) == 1 and -1 not in cs for cs in by_pair.values())
    assert distinct_pairs(keys, labels, 4) == (distinct and agree)


def test_distinct_pairs_looks_closer_at_a_sparse_key():
    assert not distinct_pairs(np.asarray([0, 10**7], dtype=np.int64))


@given(INTS)
def test_count_distinct_counts(values):
    assert count_distinct(values) == len(set(values.tolist()))


@given(INTS)
def test_distinct_is_the_sorted_set(values):
    out = distinct(values)
    assert out.tolist() == sorted(set(values.tolist()))
    assert out.dtype == values.dtype


@given(st.lists(st.tuples(st.integers(0, 5), st.text(max_size=3)), max_size=30))
def test_join_runs_joins_each_groups_texts_in_order(pairs):
    at = np.asarray([a for a, _ in pairs], dtype=np.int64)
    texts = np.asarray([t for _, t in pairs], dtype=object)
    out = join_runs(at, texts, 6)
    for g in range(6):
        assert out[g] == "; ".join(t for a, t in pairs if a == g)


@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 119)), unique=True, max_size=60))
def test_name_sets_are_each_places_members_in_name_order(pairs):
    names = np.asarray([f"t{i}" for i in range(120)], dtype=object)  # more than one 50-bit mask
    place = np.asarray([p for p, _ in pairs], dtype=np.int64)
    member = np.asarray([m for _, m in pairs], dtype=np.int64)
    out = name_sets(place, member, names, 5)
    for p in range(5):
        assert out[p] == ", ".join(f"t{m}" for m in sorted(m for q, m in pairs if q == p))


@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), max_size=30).map(sorted))
def test_run_starts_marks_where_a_key_changes(rows):
    a = np.asarray([r[0] for r in rows], dtype=np.int64)
    b = np.asarray([r[1] for r in rows], dtype=np.int64)
    first = run_starts(a, b)
    assert first.tolist() == [i == 0 or rows[i] != rows[i - 1] for i in range(len(rows))]


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=32), max_size=40), st.integers(1, 8))
def test_all_whole_is_the_plain_comparison_in_any_chunk_size(values, chunk):
    x = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        assert all_whole(x, chunk) == bool((np.floor(x) == x).all())
