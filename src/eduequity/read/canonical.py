"""The canonical school-section frame: what ``read_schools`` returns and ``evaluate`` trusts.

========================= =====================================================
column                    dtype
========================= =====================================================
row                       int64: 0-based position of the input data row
year                      int64
county                    category (str categories, sorted, only those used)
county_code               str (6 digits, NaN for blank) — only if in the input
school_id                 category (str categories, sorted)
level                     category ["primary", "junior"]
students                  float64, a positive whole number
<resource>                float64 in ``Column.unit`` (NaN: missing)
school_name, urban_rural  str (NaN for blank)
school_type               category over ``columns.SCHOOL_TYPES``
ownership                 category ["public", "private"]
sponsor                   category ["county", "city", "province"]
========================= =====================================================

One row per school section, key (year, school_id, level) unique; rows in input
order (the sections of one mixed school in the order primary, junior); columns
in the order ``row`` then ``columns.COLUMNS``, only those the input has;
``frame.attrs["eduequity"] == "schools/1"``.
"""

from __future__ import annotations

import pandas as pd

from ..core.columns import LEVELS, SCHOOL_TYPES

#: ``frame.attrs[ATTR] == MARK`` marks a canonical school-section frame.
ATTR = "eduequity"
MARK = "schools/1"

LEVEL_DTYPE = pd.CategoricalDtype(pd.Index(LEVELS, dtype="str"))
SCHOOL_TYPE_DTYPE = pd.CategoricalDtype(pd.Index(SCHOOL_TYPES, dtype="str"))
OWNERSHIPS: tuple[str, ...] = ("public", "private")
SPONSORS: tuple[str, ...] = ("county", "city", "province")
OWNERSHIP_DTYPE = pd.CategoricalDtype(pd.Index(OWNERSHIPS, dtype="str"))
SPONSOR_DTYPE = pd.CategoricalDtype(pd.Index(SPONSORS, dtype="str"))

#: Bounds far beyond any school (the biggest have tens of thousands of students) that keep
#: a slip of the keyboard (1e300, a phone number in the students column) from reaching the
#: arithmetic, where sums and squares would overflow to inf and verdicts would be nonsense.
STUDENTS_MAX = 1_000_000
RESOURCE_MAX = 1e15
