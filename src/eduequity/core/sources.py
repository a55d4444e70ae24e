"""Where a number comes from.

Every threshold, limit, weight and date in eduequity carries a ``Source`` so a
verdict can be traced to the clause of the policy text it rests on.

A document is known by its number (发文字号, ``教督〔2012〕3号``) where it has one.
Many plans have none — a city's plan published by its government office, a
notice on a bureau's website — and are known by who issued them and when:
``issuer`` and ``date`` instead of ``document``, a first-class case, not a gap.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any, NewType

import attrs

from .bounds import YEAR_MAX, YEAR_MIN, InvalidValue, OneOf, label, show

#: How sure we are of a value: read in an official or news source (V), read
#: only in a third-party copy of the official text (V3), or widely repeated but
#: not confirmed in a retrieved text (R). R values are meant to be overridden
#: with ``ee.override`` when a bureau holds the official text.
CONFIDENCE = ("V", "V3", "R")

#: The date a document was issued, as written in a file: ``2015-01-22``, or ``2015-01`` /
#: ``2015`` when only the month or year is known (a TOML date, ``date = 2015-01-22``, is read too).
DocumentDate = NewType("DocumentDate", str)
DATE_EXPECTED = "a date such as 2015-01-22 (or 2015-01, or 2015 when only that is known)"
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def date_text(value: Any) -> Any:
    """A TOML date (``datetime.date``) as the ISO text the record holds; anything else unchanged
    for the validator to judge."""
    return value.isoformat() if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime) else value


def _valid_date(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
    if value == "":
        return
    m = _DATE.fullmatch(value) if isinstance(value, str) else None
    ok = m is not None and YEAR_MIN <= int(m[1]) <= YEAR_MAX
    if ok and m[2]:
        try:
            _dt.date(int(m[1]), int(m[2]), int(m[3] or 1))
        except ValueError:
            ok = False
    if not ok:
        raise InvalidValue(f"{label(instance)}{attribute.name}: got {show(value)}; expected {DATE_EXPECTED}")


@attrs.frozen
class Source:
    """A policy document, the clause, and the Chinese wording the value rests on.

    ``document`` is the document number; a document without one is named by
    ``issuer`` (发文机关, e.g. 攀枝花市人民政府办公室) and ``date`` (成文或发布日期) instead.
    """

    document: str = ""
    clause: str = ""
    text: str = ""
    confidence: str = attrs.field(default="V", validator=OneOf(CONFIDENCE))
    title: str = ""
    note: str = ""
    issuer: str = ""
    date: DocumentDate = attrs.field(default="", converter=date_text, validator=_valid_date)

    def __attrs_post_init__(self) -> None:
        if not self.document.strip() and not (self.issuer.strip() and self.date):
            raise InvalidValue("no document; expected document (its number, e.g. 教督〔2012〕3号) or, "
                               "for a document without a number, issuer and date (e.g. issuer = "
                               "\"某市人民政府办公室\", date = \"2021-06-30\")")

    @property
    def reference(self) -> str:
        """The document as a reader finds it: its number, else its issuer and date."""
        return self.document.strip() or f"{self.issuer}（{self.date}）"

    def cite(self) -> str:
        """Short citation for reports: document and clause."""
        return f"{self.reference} {self.clause}".strip()
