"""The blocks a report is made of: headings, paragraphs, tables, charts and page breaks.

Views build them, writers lay them out; a block holds no layout of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pandas as pd


@attrs.frozen
class Heading:
    level: int
    text: str


@attrs.frozen
class Para:
    text: str


@attrs.frozen
class Table:
    frame: pd.DataFrame = attrs.field(eq=False)
    title: str = ""
    said_empty: bool = False  # a paragraph before it says "none" in the report's language
    detail: bool = False  # a per-county table: HTML/Markdown/PDF print it, XLSX leaves it to them


@attrs.frozen
class Chart:
    draw: Callable[..., str]
    obj: Any = attrs.field(eq=False)
    caption: str = ""
    lang: str = "zh"  # the chart's own labels, in the report's language

    def svg(self) -> str:
        return self.draw(self.obj, lang=self.lang)


@attrs.frozen
class Break:
    """A new page in print (HTML/PDF): each county's section begins with one."""

    label: str = ""


Block = Heading | Para | Table | Chart | Break
