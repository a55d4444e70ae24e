"""Cell values for people, in one language: statuses, levels, indicators, yes/no, reasons.

The frames keep the values programs read (``"not met"``, ``"primary"``,
``teaching_area``, True/<NA>, target ids); CSV and JSON write them as they are.
A report for people (Markdown, HTML, XLSX, PDF) reads them through ``frame``:
each word in the chosen language, unknowns blank ("—"), whole numbers whole,
ids named by their titles and id columns left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..core.columns import COLUMNS, LEVEL_ZH
from ..core.verdicts import STATUS_ZH
from ..criteria.reasons import SYMBOL, localise

#: Every status word a frame holds (verdicts, targets, track milestones and counties) in each language.
STATUS = {
    "zh": {**STATUS_ZH, "missed": "未完成", "on track": "进度正常", "behind": "落后于规划", "early": "提前认定",
           "on time": "按期认定", "late": "逾期认定", "recognised": "已认定"},
    "en": {"met": "met", "not met": "not met", "pending": "pending", "not assessable": "not assessable",
           "missed": "missed", "on track": "on track", "behind": "behind plan", "early": "early",
           "on time": "on time", "late": "late", "recognised": "recognised"},
}
LEVEL = {"zh": LEVEL_ZH, "en": {"primary": "primary", "junior": "junior secondary"}}
SCHOOL_TYPE = {
    "zh": {"primary_school": "小学", "junior_school": "初级中学", "nine_year": "九年一贯制学校",
           "twelve_year": "十二年一贯制学校", "complete_secondary": "完全中学", "teaching_point": "教学点",
           "special": "特殊教育学校", "vocational": "职业学校"},
    "en": {"primary_school": "primary school", "junior_school": "junior secondary school",
           "nine_year": "nine-year school", "twelve_year": "twelve-year school",
           "complete_secondary": "complete secondary school", "teaching_point": "teaching point",
           "special": "special-education school", "vocational": "vocational school"},
}
YES_NO = {"zh": ("是", "否"), "en": ("yes", "no")}
#: Columns that hold ids for programs: left out where the frame also has what they name.
ID_COLUMNS = {"criterion": "title", "target": "title"}
REASONS = ("reason", "reasons", "why")
WHAT = {"zh": {"metric": "指标数据", "recognition": "认定信息", "column": "学校数据"},
        "en": {"metric": "metric", "recognition": "recognition", "column": "school data"}}
BLANK = "—"
#: A plan's ``resource`` (the column's Chinese name) and ``unit`` (core.columns.UNIT_ZH) in English.
RESOURCE_EN = {c.zh: c.en for c in COLUMNS if c.role == "resource"}
UNIT_EN = {"㎡": "m²", "元": "yuan", "人": "people", "间": "rooms", "台": "computers", "册": "books"}
#: What a veto item's (一票否决, ``veto = true``) title carries in a report, in each language.
VETO = {"zh": "（一票否决）", "en": " (veto)"}


def names(standard: Any, lang: str) -> dict[str, str]:
    """Ids and keys of ``standard`` (a Standard, or None) as a reader knows them in ``lang``."""
    if standard is None or not hasattr(standard, "indicators"):
        return {}
    out: dict[str, str] = {}
    for ind in standard.indicators:
        out[ind.key] = ind.zh if lang == "zh" else ind.en
        if lang != "zh":
            out[ind.zh] = ind.en
    for m in getattr(standard, "metrics", ()):
        out[m.key] = m.zh if lang == "zh" else (m.en or m.zh)
    for c in standard.criteria:
        zh = getattr(c, "title", "") or c.id
        title = zh if lang == "zh" else (getattr(c, "title_en", "") or zh)
        if getattr(c, "veto", False):  # a veto item says so wherever it is named
            title += VETO["zh" if lang == "zh" else "en"]
        out[c.id] = title
        if title != zh:  # reasons and the title column carry the Chinese title
            out[zh] = title
        if getattr(c, "composite", None):  # its county column, "composite_cv", is the indicator row's key
            out[c.composite] = title
        if getattr(c, "recognition", None):  # its observations' metric, "recognition:basic-balance"
            out[f"recognition:{c.recognition}"] = title
        if c.id.startswith(standard.id + "."):
            out[c.id[len(standard.id) + 1:]] = title
    return out


def _whole(col: pd.Series) -> pd.Series:
    """Floats that are all whole (a count summed as float: 4.0) as whole numbers."""
    values = col.to_numpy(dtype=float, na_value=np.nan)
    known = values[~np.isnan(values)]
    if len(known) and np.all(known == np.round(known)) and np.all(np.abs(known) < 2**53):
        return pd.Series(pd.array(np.where(np.isnan(values), 0, values).astype("int64"), dtype="Int64"),
                         index=col.index).mask(np.isnan(values))
    return col


def cell_text(col: pd.Series, table: Mapping[str, str]) -> pd.Series:
    """``col`` mapped through ``table``, unknown values kept, blanks as ``BLANK``."""
    text = col.astype(object)
    return text.map(lambda v: BLANK if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))
                    else table.get(str(v), str(v)))


def per_distinct(col: pd.Series, fn) -> pd.Series:
    """``fn`` of each value, called once per distinct value: reasons repeat across county-years
    ("无观测值 …" is the same text for most), and each call runs a dozen substitutions."""
    codes, uniq = pd.factorize(col.astype(object), use_na_sentinel=False)
    done = np.asarray([fn(v) for v in uniq], dtype=object)
    return pd.Series(done[codes] if len(done) else np.asarray([], dtype=object), index=col.index, dtype=object)


def frame(df: pd.DataFrame, lang: str, labels: Mapping[str, str]) -> pd.DataFrame:
    """``df`` with every value a person reads in ``lang``; the columns keep their names."""
    lang = "zh" if lang == "zh" else "en"
    out = df.drop(columns=[c for c, named in ID_COLUMNS.items() if c in df.columns and named in df.columns])
    out = out.copy()
    if "missing" in out.columns and "achieved" in out.columns:  # a milestone's counties still to recognise
        out = out.rename(columns={"missing": "still_needed"})
    for c in out.columns:
        col = out[c]
        if c == "status":
            out[c] = cell_text(col, STATUS[lang])
        elif c == "level":
            out[c] = cell_text(col, LEVEL[lang]).replace({"": BLANK})
        elif c in ("indicator", "metric", "criterion", "target", "title"):
            out[c] = cell_text(col, labels)
        elif c == "resource" and lang == "en":
            out[c] = cell_text(col, RESOURCE_EN)
        elif c == "unit" and lang == "en":
            out[c] = cell_text(col, UNIT_EN)
        elif c == "school_type":
            out[c] = cell_text(col, SCHOOL_TYPE[lang])
        elif c == "op":
            out[c] = cell_text(col, SYMBOL)
        elif c == "what":
            out[c] = cell_text(col, WHAT[lang])
        elif c in REASONS:
            out[c] = per_distinct(col, lambda v: localise(v, lang, labels) if isinstance(v, str) else BLANK)
        elif c == "approximate":
            out[c] = col.astype(object).map(lambda v: ("约" if lang == "zh" else "approx.") if v is True or v is np.True_
                                            else "")
        elif pd.api.types.is_bool_dtype(col.dtype):
            yes, no = YES_NO[lang]
            out[c] = col.astype(object).map(lambda v: BLANK if v is pd.NA or v is None else (yes if v else no))
        elif pd.api.types.is_float_dtype(col.dtype):
            out[c] = _whole(col)
    return out
