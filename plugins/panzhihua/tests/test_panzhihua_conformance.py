"""The plugin passes eduequity's conformance check (eduequity.testing.check_plugin).

It checks that the plugin loads, that its ids start with ``panzhihua.``, that every
standard, rule, target, exclusion and schedule cites a document number, that
units and share/yes-no values are sane, that standards and the schedule round-trip
through ``ee.converter``, that generated school frames, observations and
recognitions evaluate without a county-year passing on missing data, and that its
report formats render.
"""

from __future__ import annotations

import eduequity_panzhihua
from eduequity.testing import check_plugin


def test_the_panzhihua_plugin_conforms():
    # A few Hypothesis examples per standard keep the suite fast; the ``thorough``
    # profile of eduequity.testing runs many more when max_examples is not given.
    assert check_plugin(eduequity_panzhihua, max_examples=3) == []
