"""Warnings: what is worth a look in the data but blocks nothing.

One mechanism for every part of the library: a function that finds
something collects ``Notice`` records; the result carries them as a frame
(``ev.warnings``: what, where, message) and Python callers also get each as
an ``ee.DataWarning``, so ``warnings.simplefilter("error", ee.DataWarning)``
turns them into failures in a pipeline. The command line prints them.
"""

from __future__ import annotations

import warnings as _warnings
from collections.abc import Iterable

import attrs
import pandas as pd


class DataWarning(UserWarning):
    """Something in the data worth a look (a county name one edit from a registered one)."""


@attrs.frozen
class Notice:
    """One warning: ``what`` is a stable id (``county-unregistered``), ``where`` the input and
    the cell or name, ``message`` the text for people (Chinese, then English)."""

    what: str
    where: str
    message: str


COLUMNS = ("what", "where", "message")


def frame(notices: Iterable[Notice]) -> pd.DataFrame:
    """The notices as a frame, in the order found, without repeats."""
    rows = list(dict.fromkeys(notices))
    return pd.DataFrame({c: pd.array([getattr(n, c) for n in rows], dtype="str") for c in COLUMNS})


#: How many notices are each their own ``DataWarning``; beyond, one more says how many are left.
SHOWN = 5


def emit(notices: pd.DataFrame, stacklevel: int = 3) -> None:
    """The notices as ``DataWarning``s for Python callers: the first few one by one, then one
    saying how many more the frame holds (a national table can hold hundreds)."""
    for where, message in zip(notices["where"][:SHOWN], notices["message"][:SHOWN], strict=True):
        _warnings.warn(DataWarning(f"{where}: {message}"), stacklevel=stacklevel)
    if len(notices) > SHOWN:
        _warnings.warn(DataWarning(f"… and {len(notices) - SHOWN} more warnings: see the result's .warnings"),
                       stacklevel=stacklevel)
