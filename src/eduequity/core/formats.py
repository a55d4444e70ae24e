"""Report formats as records: which tables and charts, in what order, for which writer.

A format is a thin declaration on the writers of ``reports/``; plugins return
these from ``eduequity_report_formats``, so the records live below the hook specs
and the writers live above. Names are checked when a format is declared.
"""

from __future__ import annotations

import attrs

from .bounds import OneOf

WRITERS = ("markdown", "json", "html", "xlsx", "csv", "pdf")
SUBJECTS = ("any", "evaluation", "track", "explanation", "plan", "equity")
FRAMES = {
    "evaluation": ("verdicts", "counties", "indicators", "schools", "targets", "excluded"),
    "track": ("milestones", "counties", "cumulative"),
    "explanation": ("criteria", "schools", "missing"),
    "plan": ("counties", "schools", "shortfalls", "unresolved"),
    "equity": ("measures",),  # the long frame of ee.equity itself
}
TABLES = ("cv_table", "progress", "summary", "by_county")  # derived: reports/tables.py and reports/summary.py
CHARTS = ("cumulative", "composite_by_year", "threshold_heatmap")  # reports/charts.py


@attrs.frozen
class Section:
    """One part of a report: a table (``frame``) or a chart (``chart``), with a title.

    ``columns`` keeps a subset of the table's columns; ``group_by`` splits the
    table into one sub-table per value of that column (e.g. the lead unit).
    """

    frame: str = ""
    title: str = ""
    columns: tuple[str, ...] = ()
    chart: str = ""
    group_by: str = ""

    def __attrs_post_init__(self) -> None:
        if bool(self.frame) == bool(self.chart):
            raise ValueError(f"a section is a table (frame=) or a chart (chart=), got {self!r}")
        if self.chart and self.chart not in CHARTS:
            raise ValueError(f"unknown chart {self.chart!r}; known: {', '.join(CHARTS)}")


@attrs.frozen
class ReportFormat:
    """One output: a writer, the kind of object it renders, and its sections in order.

    ``subject = "any"`` (the built-in formats) renders whatever it is given with
    that object's default sections.
    """

    id: str
    writer: str = attrs.field(validator=OneOf(WRITERS))
    title: str = ""
    sections: tuple[Section, ...] = ()
    lang: str = "zh"
    subject: str = attrs.field(default="evaluation", validator=OneOf(SUBJECTS))

    def __attrs_post_init__(self) -> None:
        known = TABLES + (FRAMES[self.subject] if self.subject != "any" else sum(FRAMES.values(), ()))
        for sec in self.sections:
            if sec.frame and sec.frame not in known:
                raise ValueError(f"format {self.id!r}: unknown table {sec.frame!r}; known: {', '.join(known)}")
        if self.writer == "csv" and (self.subject == "any" or [bool(s.frame) for s in self.sections] != [True]):
            raise ValueError(f"format {self.id!r}: a CSV format names exactly one table (one section with "
                             "frame=) for one subject, since a CSV file holds one table")
