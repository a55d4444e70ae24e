"""What a county- or jurisdiction-level observation (``metrics=``) measures: its key, labels and kind.

Shares are fractions; yes/no metrics are 1/0; a comparison with another
quantity is a ratio. The kind is what lets the boundary reject 96.5 given for
a share (``read.observations.read_metrics``), and what a target may compare a
metric with (``TARGET_VALUES``).
"""

from __future__ import annotations

import attrs

from .bounds import YEAR_MAX, YEAR_MIN, OneOf, Range

KINDS = ("share", "ratio", "yes/no", "quantity", "count", "score", "year")

#: The values a target may compare a metric of each kind with. Quantities and scores
#: are the document's to choose (any finite number, as every target value is).
TARGET_VALUES: dict[str, Range] = {
    "share": Range(0, 1, why="a share is a fraction: 0.965, not 96.5"),
    "yes/no": Range(choices=(0, 1), why="1 for yes, 0 for no"),
    "ratio": Range(0, why="a ratio of two amounts"),
    "count": Range(0, why="a number of things"),
    "year": Range(YEAR_MIN, YEAR_MAX, why="a statistical year"),
}


@attrs.frozen
class Metric:
    """What an observation measures: a key, its labels, its kind and canonical unit."""

    key: str
    zh: str
    en: str
    kind: str = attrs.field(validator=OneOf(KINDS))
    unit: str = ""
