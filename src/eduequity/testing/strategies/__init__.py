"""Hypothesis strategies for eduequity's inputs: school statistics, metric observations, recognitions.

For plugin authors and for eduequity's own property suite. The strategies
follow Hypothesis' API style: plural nouns, arguments that are themselves
strategies (``years=st.integers(2015, 2020)``), and ``min_…`` / ``max_…`` for
sizes::

    from hypothesis import given, strategies as st
    import eduequity as ee
    from eduequity.testing import strategies as ees

    @given(ees.school_frames(counties=st.sampled_from(["东区", "西区"]), max_schools=5))
    def test_every_row_is_accounted_for(frame):
        ev = ee.evaluate(frame, "cn.basic-balance-2012")
        assert ev.evaluated_rows + len(ev.excluded) == ev.input_rows

Every frame these strategies produce passes ``ee.read_schools``. By default
``school_frames`` and ``whole_school_frames`` return the **canonical** frame
(the output of ``read_schools``); ``raw=True`` returns the input DataFrame a
user would hand to ``read_schools`` instead (English headers, ``level`` and
``school_type`` as text, whole numbers of students as int64, resources as
float64 with NaN for a blank cell).

How numbers are made: Hypothesis draws the structure (which years, counties and
levels, how many schools in each (year, county, level), which groups are
perfectly equal, which cells are blank, how uneven each group is) and one seed;
the magnitudes are then drawn with numpy from that seed, vectorised, so a frame
of hundreds of schools costs about a millisecond. Structure shrinks well (a
failing example shrinks to few years, counties and schools); magnitudes are
reproducible from the seed.

Magnitudes are realistic per student (``PER_STUDENT``): teaching area 3–6.5 m²,
sports area 4–11 m², equipment 1200–4700 yuan, computers 0.08–0.25, books
15–50, teachers 0.05–0.12, of whom about 0.9 above the required degree and 0.6
with an intermediate or higher title, backbone teachers about 0.012, PE and art
teachers about 0.011, multimedia classrooms about 0.025; students are whole
numbers from 20 to 3000. A group's per-student values vary around a centre
inside those ranges, with a spread from balanced to very uneven (so both met
and unmet verdicts occur); every value lies within ``BOUNDS`` (a third of the
range's low end to 1.5 times its high end) before counts are rounded to whole
numbers. Counts of people, computers, books and rooms are whole numbers;
areas have two decimals; equipment is in whole yuan. Each school has at least
one teacher, and no more teachers above the degree or with a title than
teachers. A small school may have no backbone teacher or multimedia room, but
every (year, county, level) has some of every resource: without blank cells,
every mean is positive and every CV defined.
"""

from __future__ import annotations

from .observations import metrics_frames, overrides, recognitions
from .schools import school_frames, whole_school_frames
from .vocabulary import BOUNDS, FALLBACK_COUNTIES, MIXED_SCHOOL_TYPES, PER_STUDENT, county_codes, county_names

__all__ = [
    "BOUNDS",
    "FALLBACK_COUNTIES",
    "MIXED_SCHOOL_TYPES",
    "PER_STUDENT",
    "county_codes",
    "county_names",
    "metrics_frames",
    "overrides",
    "recognitions",
    "school_frames",
    "whole_school_frames",
]
