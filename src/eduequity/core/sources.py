"""Where a number comes from.

Every threshold, limit, weight and date in eduequity carries a ``Source`` so a
verdict can be traced to the clause of the policy text it rests on.
"""

from __future__ import annotations

import attrs

from .bounds import OneOf

#: How sure we are of a value: read in an official or news source (V), read
#: only in a third-party copy of the official text (V3), or widely repeated but
#: not confirmed in a retrieved text (R). R values are meant to be overridden
#: with ``ee.override`` when a bureau holds the official text.
CONFIDENCE = ("V", "V3", "R")


@attrs.frozen
class Source:
    """A policy document, the clause, and the Chinese wording the value rests on."""

    document: str = attrs.field(validator=attrs.validators.min_len(1))
    clause: str = ""
    text: str = ""
    confidence: str = attrs.field(default="V", validator=OneOf(CONFIDENCE))
    title: str = ""
    note: str = ""

    def cite(self) -> str:
        """Short citation for reports: document and clause."""
        return f"{self.document} {self.clause}".strip()
