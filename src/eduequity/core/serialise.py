"""``ee.converter``: standards, evaluations and results to JSON-ready data and back.

One cattrs converter serves both directions and both uses: loading standard
files (unknown keys rejected, errors with paths) and round-tripping results.
DataFrames are written column-wise with their dtypes so that a round trip is
lossless, including <NA> verdicts and categorical statuses.
"""

from __future__ import annotations

import datetime
import math
import re
import tomllib
from pathlib import Path
from typing import Any, TypeVar, get_args, get_origin

import attrs
import cattrs
import numpy as np
import pandas as pd
from cattrs.errors import IterableValidationError, IterableValidationNote
from cattrs.preconf.json import make_converter
from cattrs.strategies import configure_tagged_union
from cattrs.v import format_exception

from .bounds import NOUNS, InvalidValue, show
from .schedules import CountyTarget, CountyTargets
from .sources import DATE_EXPECTED, DocumentDate, date_text
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


def _date(value: Any, _: Any) -> str:
    """A document's date: ISO text, or a TOML date (``date = 2015-01-22``) read as its text."""
    if not isinstance(value, str | datetime.date):
        raise InvalidValue(f"got {show(value)}; expected {DATE_EXPECTED}")
    return date_text(value)


converter.register_structure_hook(DocumentDate, _date)


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
_county_target_list = converter.get_structure_hook(tuple[CountyTarget, ...])


def _county_targets(value: Any, _: Any) -> tuple[CountyTarget, ...]:
    """A schedule's target years: a list of tables, or one table of county = year (the short form
    for a long annex; a year then has no source of its own)."""
    if isinstance(value, dict):
        value = [{"county": county, "year": year} for county, year in value.items()]
    return _county_target_list(value, tuple[CountyTarget, ...])


converter.register_structure_hook(CountyTargets, _county_targets)
# After the hooks above: the union builds its members' structure functions now, with them.
configure_tagged_union(Rule, converter, tag_generator=lambda cls: cls.KIND, tag_name="kind")
_RULE_KINDS = tuple(cls.KIND for cls in get_args(Rule))
_tagged_rule = converter.get_structure_hook(Rule)


def _rule(value: Any, type_: Any) -> Any:
    """A rule by its ``kind``; an unknown or missing kind says which kinds there are (the tagged
    union itself would report a bare "required field missing")."""
    if isinstance(value, dict) and value.get("kind") not in _RULE_KINDS:
        got = f"got {show(value['kind'])}" if "kind" in value else "missing"
        raise InvalidValue(f"kind: {got}; expected one of {', '.join(_RULE_KINDS)}")
    return _tagged_rule(value, type_)


converter.register_structure_hook(Rule, _rule)


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

    Every problem is one message in plain words: the file, the path of the entry
    (``targets[3].deadline``), what was there and what was allowed — an analyst fixes
    the file from the message alone. A file that is not TOML, or nests arrays deeper
    than the parser's recursion allows, is named too.
    """
    path = Path(path)
    what = f"invalid {noun(cls)} file {path.name}"
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        return converter.structure(data, cls)
    except RecursionError:
        raise ValueError(f"{what}: arrays or tables nested too deep to read; expected the few levels "
                         f"a {noun(cls)} has") from None
    except cattrs.BaseValidationError as exc:
        details = "; ".join(f"{where}: {message}" if where else message for where, message in problems(exc))
        raise ValueError(f"{what}: {details}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{what}: not TOML: {exc}") from exc
    except ValueError as exc:  # UnicodeDecodeError, or a check across entries (Standard)
        raise ValueError(f"{what}: {exc}") from exc


def noun(cls: type) -> str:
    """What the files call a record of ``cls``: "schedule", "standard", else its class name in words."""
    return NOUNS.get(cls.__name__) or re.sub(r"(?<!^)(?=[A-Z])", " ", cls.__name__).lower()


def problems(exc: BaseException, path: str = "", type_: Any = None) -> list[tuple[str, str]]:
    """(entry path, message) for every leaf of a cattrs validation error, paths as the file
    spells them (``rules[0].limit.primary``; ``""`` for the file as a whole)."""
    out: list[tuple[str, str]] = []
    if isinstance(exc, IterableValidationError):
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            out += problems(sub, f"{path}[{note.index!r}]", note.type)
        out += [(path, explain(sub)) for sub in without]
    elif isinstance(exc, cattrs.ClassValidationError):
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            where = f"{path}.{note.name}" if path else note.name
            if isinstance(sub, cattrs.BaseValidationError):
                out += problems(sub, where, note.type)
            else:
                out.append((where, explain(sub, note.type, _field(exc.cl, note.name))))
        out += [(path, explain(sub)) for sub in without]
    else:
        out.append((path, explain(exc, type_)))
    return out


def _field(cls: type, name: str) -> Any:
    return next((f for f in attrs.fields(cls) if f.name == name), None) if attrs.has(cls) else None


def expected(type_: Any, field: Any = None) -> str:
    """What a value of ``type_`` (or of the attrs ``field``, whose validator knows more) looks like."""
    said = getattr(getattr(field, "validator", None), "expected", None)
    if isinstance(said, str):
        return said
    if _is_tuple_of(type_):
        return "a list"
    if attrs.has(type_):
        return f"a table of {noun(type_)} keys ({', '.join(f.name for f in attrs.fields(type_))})"
    return _TYPE_WORDS.get(type_, "a value")


_TYPE_WORDS = {str: "text", int: "a whole number", float: "a number", bool: "true or false"}


def explain(exc: BaseException, type_: Any = None, field: Any = None) -> str:
    """One problem in plain words. Ours (``InvalidValue``) already say what was there and what was
    expected; cattrs' own (a missing or an unknown key, a value of the wrong type) are reworded with
    the keys and values allowed, and a check's ``ValueError`` is its message."""
    if isinstance(exc, InvalidValue):
        return str(exc)
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        unknown = ", ".join(sorted(exc.extra_fields))
        known = ", ".join(f.name for f in attrs.fields(exc.cl)) if attrs.has(exc.cl) else "none"
        return (f"unknown key{'s' if len(exc.extra_fields) > 1 else ''} {unknown}; a {noun(exc.cl)} has the keys "
                f"{known}")
    if isinstance(exc, KeyError):
        return f"missing; expected {expected(type_, field)}"
    if isinstance(exc, ValueError | TypeError) and exc.args and isinstance(exc.args[0], str):
        return exc.args[0]
    return format_exception(exc, type_)


converter.register_unstructure_hook(pd.DataFrame, frame_to_data)
converter.register_structure_hook(pd.DataFrame, lambda data, _: frame_from_data(data))
