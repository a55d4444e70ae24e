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


def emit(notices: pd.DataFrame, stacklevel: int = 3) -> None:
    """Each notice as a ``DataWarning`` for Python callers."""
    for where, message in zip(notices["where"], notices["message"], strict=True):
        _warnings.warn(DataWarning(f"{where}: {message}"), stacklevel=stacklevel)
