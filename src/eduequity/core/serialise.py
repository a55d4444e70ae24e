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
from typing import Any, TypeVar

import cattrs
import numpy as np
import pandas as pd
from cattrs.preconf.json import make_converter
from cattrs.strategies import configure_tagged_union
from cattrs.v import format_exception

from .rules import Rule

T = TypeVar("T")

converter: cattrs.Converter = make_converter(forbid_extra_keys=True)
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
    with the validator's own message, so an analyst can fix the file.
    """
    path = Path(path)
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    try:
        return converter.structure(data, cls)
    except cattrs.BaseValidationError as exc:
        details = "; ".join(cattrs.transform_error(exc, path=path.name, format_exception=_explain))
        raise ValueError(f"invalid {_words(cls)} file {path.name}: {details}") from exc
    except ValueError as exc:
        raise ValueError(f"invalid {_words(cls)} file {path.name}: {exc}") from exc


def _words(cls: type) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", cls.__name__).lower()


def _explain(exc: BaseException, type_: Any) -> str:
    """cattrs' wording, plus the validator's own message ("'document' must be …")."""
    text = format_exception(exc, type_)
    if isinstance(exc, ValueError | TypeError) and str(exc) and not isinstance(exc, cattrs.ForbiddenExtraKeysError):
        text += f" ({exc})"
    return text


converter.register_unstructure_hook(pd.DataFrame, frame_to_data)
converter.register_structure_hook(pd.DataFrame, lambda data, _: frame_from_data(data))


def _evaluation_hooks() -> None:
    """An Evaluation keeps its school evidence as ``_schools`` (built on demand); its data says ``schools``."""
    from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

    from .evaluation import Evaluation

    converter.register_unstructure_hook(Evaluation, make_dict_unstructure_fn(
        Evaluation, converter, _schools=override(rename="schools", unstruct_hook=lambda v: frame_to_data(
            v() if callable(v) else v))))
    converter.register_structure_hook(Evaluation, make_dict_structure_fn(
        Evaluation, converter, _cattrs_forbid_extra_keys=True,
        _schools=override(rename="schools", struct_hook=lambda d, _: frame_from_data(d))))


_evaluation_hooks()
