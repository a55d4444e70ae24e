"""The Jilin plugin passes eduequity's conformance check (eduequity.testing.check_plugin):
ids prefixed ``jilin.``, every source with a document number, units and values sane,
round trips through ee.converter, generated evaluations that never pass on missing
data, and every report format rendering."""

from __future__ import annotations

import eduequity_jilin
from eduequity.testing import check_plugin


def test_the_jilin_plugin_conforms():
    assert check_plugin(eduequity_jilin, max_examples=3) == []
