"""``ee.converter``: standards, evaluations and results to JSON-ready data and back.

One cattrs converter serves both directions and both uses: loading standard
files (unknown keys rejected, errors with paths) and round-tripping results.
DataFrames are written column-wise with their dtypes so that a round trip is
lossless, including <NA> verdicts and categorical statuses.
"""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path
from typing import Any, TypeVar, get_args, get_origin

import cattrs
import numpy as np
import pandas as pd
from cattrs.errors import IterableValidationError, IterableValidationNote
from cattrs.preconf.json import make_converter
from cattrs.strategies import configure_tagged_union
from cattrs.v import format_exception

from .bounds import InvalidValue, show
from ..criteria import Rule

T = TypeVar("T")

converter: cattrs.Converter = make_converter(forbid_extra_keys=True)
"""``ee.converter``: the one cattrs converter for standards, schedules, evaluations and results.

``converter.unstructure(ev)`` gives JSON-ready data and ``converter.structure(data,
ee.Evaluation)`` the evaluation back, equal to the original (DataFrames column-wise
with their dtypes). Standard files are structured with it too: unknown keys are
refused and an error names the path of the entry (``targets[3].deadline``).
"""


def _strict(kind: type, accepted: type | tuple[type, ...], expected: str):
    """A structure hook taking only values that already are ``kind`` (an int for a float too).

    cattrs' own hooks call ``kind(value)``: ``bool("false")`` is True, ``int(2020.7)`` is
    2020 and ``float("0.65")`` is 0.65, so a slip in a file would load as something else.
    A bool is an int to Python, but ``deadline = true`` is not a year.
    """

    def structure(value: Any, _: Any) -> Any:
        if isinstance(value, bool) != (kind is bool) or not isinstance(value, accepted):
            raise InvalidValue(f"got {show(value)}; expected {expected}")
        return kind(value)

    return structure


converter.register_structure_hook(bool, _strict(bool, bool, "true or false"))
converter.register_structure_hook(int, _strict(int, int, "a whole number, without a decimal point"))
converter.register_structure_hook(float, _strict(float, (int, float), "a number"))
converter.register_structure_hook(str, _strict(str, str, "text"))


def _is_tuple_of(type_: Any) -> bool:
    args = get_args(type_)
    return get_origin(type_) is tuple and len(args) == 2 and args[1] is Ellipsis


def _strict_tuple(type_: Any, conv: cattrs.Converter):
    """Lists only: cattrs would make ``"books"`` into ('b', 'o', …) and a table into its keys.

    Items are structured as cattrs does, each error noted with its index so that
    messages keep their paths (``rules[1].thresholds[0]``).
    """
    item_type = get_args(type_)[0]
    item = conv.get_structure_hook(item_type)

    def structure(value: Any, _: Any) -> tuple:
        if not isinstance(value, list | tuple):
            raise InvalidValue(f"got {show(value)}; expected a list")
        out, errors = [], []
        for i, v in enumerate(value):
            try:
                out.append(item(v, item_type))
            except Exception as exc:  # noqa: BLE001 - collected, as cattrs does, and raised together
                exc.__notes__ = [*getattr(exc, "__notes__", []),
                                 IterableValidationNote(f"Structuring {type_} @ index {i}", i, item_type)]
                errors.append(exc)
        if errors:
            raise IterableValidationError(f"While structuring {type_!r}", errors, type_)
        return tuple(out)

    return structure


converter.register_structure_hook_factory(_is_tuple_of, _strict_tuple)
# After the hooks above: the union builds its members' structure functions now, with them.
configure_tagged_union(Rule, converter, tag_generator=lambda cls: cls.KIND, tag_name="kind")


def _cell(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def frame_to_data(df: pd.DataFrame) -> dict[str, Any]:
    data: dict[str, Any] = {"columns": [str(c) for c in df.columns], "dtypes": [], "data": {}}
    for col in df.columns:
        s = df[col]
        dtype = s.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            data.setdefault("categories", {})[col] = [_cell(c) for c in dtype.categories]
            data["dtypes"].append("category")
        else:
            data["dtypes"].append(str(dtype))
        data["data"][col] = [_cell(v) for v in s.tolist()]
    return data


def frame_from_data(data: dict[str, Any]) -> pd.DataFrame:
    out = {}
    for col, dtype in zip(data["columns"], data["dtypes"], strict=True):
        values = data["data"][col]
        if dtype == "category":
            out[col] = pd.Categorical(values, categories=data["categories"][col])
        elif dtype == "float64":
            out[col] = np.array([np.nan if v is None else v for v in values], dtype="float64")
        elif dtype in ("object", "str", "string"):
            out[col] = pd.array(values, dtype="str" if dtype == "str" else dtype)
        else:
            out[col] = pd.array(values, dtype=dtype)
    return pd.DataFrame(out, columns=data["columns"])


def from_toml(path: str | Path, cls: type[T]) -> T:
    """Read a data file (a standard, a schedule) into ``cls``. Nothing in the file is executed.

    Errors name the file and the path of the bad entry (``targets[3].deadline``)
    with the validator's own message, so an analyst can fix the file. A file that is
    not TOML, or nests arrays deeper than the parser's recursion allows, is named too.
    """
    path = Path(path)
    what = f"invalid {_words(cls)} file {path.name}"
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        return converter.structure(data, cls)
    except RecursionError:
        raise ValueError(f"{what}: arrays or tables nested too deep to read; expected the few levels "
                         f"a {_words(cls)} has") from None
    except cattrs.BaseValidationError as exc:
        details = "; ".join(cattrs.transform_error(exc, path=path.name, format_exception=_explain))
        raise ValueError(f"{what}: {details}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{what}: not TOML: {exc}") from exc
    except ValueError as exc:  # UnicodeDecodeError, or a check across entries (Standard)
        raise ValueError(f"{what}: {exc}") from exc


def _words(cls: type) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", cls.__name__).lower()


def _explain(exc: BaseException, type_: Any) -> str:
    """cattrs' wording, plus the validator's own message ("'document' must be …"); ours alone,
    as it already says what was there and what was expected."""
    if isinstance(exc, InvalidValue):
        return str(exc)
    text = format_exception(exc, type_)
    if isinstance(exc, ValueError | TypeError) and str(exc) and not isinstance(exc, cattrs.ForbiddenExtraKeysError):
        # attrs' in_ validator raises with (message, attribute, options, value): the message says it all
        said = exc.args[0] if len(exc.args) > 1 and isinstance(exc.args[0], str) else exc
        text += f" ({said})"
    return text


converter.register_unstructure_hook(pd.DataFrame, frame_to_data)
converter.register_structure_hook(pd.DataFrame, lambda data, _: frame_from_data(data))
