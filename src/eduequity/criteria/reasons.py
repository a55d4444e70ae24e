"""Why a criterion is not a pass, as text, written only where it is needed.

Reasons are needed for the groups that fail or cannot be assessed, a small share
of 85 thousand county-levels a year: text is built for those rows alone, from
constant parts and per-group arrays, numbers formatted only there.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

import attrs
import numpy as np

from ..core.columns import LEVEL_ZH, LEVELS
from ..core.kernel import Groups

SYMBOL = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}


@attrs.frozen
class Number:
    """Numbers formatted only where a text is actually written."""

    values: np.ndarray = attrs.field(eq=False)
    spec: str = "%.3f"


def number(x: np.ndarray, spec: str = "%.3f") -> Number:
    return Number(np.asarray(x, dtype=float), spec)


def text(*parts, where: np.ndarray) -> np.ndarray:
    """Concatenate scalars and per-group arrays, only at ``where`` ("" elsewhere)."""
    out = np.full(len(where), "", dtype=object)
    idx = np.flatnonzero(where)
    if not len(idx):
        return out
    merged: list = []  # adjacent constant parts joined first: each part costs a pass over the rows
    for p in parts:
        if merged and not isinstance(p, Number | np.ndarray) and not isinstance(merged[-1], Number | np.ndarray):
            merged[-1] = str(merged[-1]) + str(p)
        else:
            merged.append(p)
    acc = np.full(len(idx), "", dtype=object)
    for p in merged:
        if isinstance(p, Number):
            acc = acc + np.char.mod(p.spec, p.values[idx]).astype(object)
        elif isinstance(p, np.ndarray):
            acc = acc + p[idx].astype(str).astype(object)
        else:
            acc = acc + str(p)
    out[idx] = acc
    return out


def joined(reasons: np.ndarray, more: np.ndarray, sep: str = "; ") -> np.ndarray:
    """``reasons`` with ``more`` appended where it is not blank."""
    both = (more != "") & (reasons != "")
    return np.where(both, text(reasons, sep, more, where=both), np.where(more != "", more, reasons))


def lead(g: Groups, title: str) -> tuple:
    """"小学 综合差异系数: " as parts for ``text``, so it is only built where needed."""
    return (level_names(g), " ", title, ": ")


def level_names(groups: Groups) -> np.ndarray:
    return np.array([LEVEL_ZH[lv] for lv in LEVELS], dtype=object)[groups.keys["level"].cat.codes.to_numpy()]


# -- one language for people -----------------------------------------------------------------------
#
# The criteria write each reason once, in both languages ("2 所学校未达标 schools fail"), so the
# frames and the JSON read the same for every reader. A report for people keeps one half:
# ``localise`` rewrites every bilingual phrase the criteria and verdicts write (the table below
# is that list, kept here beside ``text``) to its Chinese or its English part, and names ids and
# metric keys by their labels. A phrase added to a criterion without a row here shows up in
# both languages, which tests/test_reports.py catches for the bundled standards.

#: (pattern, Chinese, English): regular expressions for phrases a number sits inside.
_SHAPED: tuple[tuple[str, str, str], ...] = (
    (r"(\d+) 所学校未达标 schools fail", r"\1 所学校未达标", r"\1 schools fail"),
    (r"(\d+) 所学校缺数据 schools have missing data", r"\1 所学校缺数据", r"\1 schools have missing data"),
    (r"低于要求的([\d.]+)% below \1% of the threshold", r"低于要求的\1%", r"below \1% of the threshold"),
    (r"(\d+) 项未达标 \1 thresholds missed \((\d+) allowed\)", r"\1 项未达标（允许 \2 项）",
     r"\1 thresholds missed (\2 allowed)"),
    (r"未达标，在允许的(\d+)项内 missed, within the \1 allowed", r"未达标，在允许的\1项内",
     r"missed, within the \1 allowed"),
    (r"无(小学|初中)学校数据 no (\w+) school rows for this county and year", r"无\1学校数据",
     r"no \2 school rows for this county and year"),
    (r"(小学|初中)学校均不在计算范围，未评估 every (\w+) school is outside the standard's scope and left out "
     r"\(see excluded\)", r"\1学校均不在计算范围，未评估", r"every \2 school is outside the standard's scope"),
    # an exclusion's reason from a standard's file: "民办学校不纳入计算 (private schools are not counted)"
    (r"([^\s()]*[\u3400-\u9fff][^\s()]*) \(([A-Za-z][^()\u3400-\u9fff]*)\)", r"\1", r"\2"),
    (r"(^|; )小学 ", r"\1小学 ", r"\1Primary: "),
    (r"(^|; )初中 ", r"\1初中 ", r"\1Junior: "),
)
#: (as written, Chinese, English), longest first so no phrase is cut by a shorter one.
_PAIRS: tuple[tuple[str, str, str], ...] = tuple(sorted((
    ("无法评估 not assessable — 无上一年数据或认定信息 no earlier year or recognition to compare",
     "无法评估：无上一年数据或认定信息", "not assessable — no earlier year or recognition to compare"),
    ("本学段有学校缺数据，无法分解 a school has missing data: no shares", "本学段有学校缺数据，无法分解",
     "a school has missing data: no shares"),
    ("各校生均值相同，方差为0 zero variance: every school equal, no shares", "各校生均值相同，方差为0",
     "zero variance: every school equal, no shares"),
    ("无纳入计算的学校 no school of the county was evaluated (see excluded)", "无纳入计算的学校",
     "no school of the county was evaluated"),
    (" 全县平均值为0，差异系数无定义 (mean is 0)", " 全县平均值为0，差异系数无定义", ": the mean is 0, no CV"),
    (" 缺数据的学校 (missing data): ", " 缺数据的学校：", ": schools with missing data: "),
    ("差异系数超过限值 CV over the limit: ", "差异系数超过限值：", "CV over the limit: "),
    ("无法评估 not assessable — ", "无法评估：", "not assessable — "),
    ("，超出限值 over the limit ", "，超出限值 ", ", over the limit "),
    (" 高于上一年 rose from ", "，高于上一年的 ", ", up from "),
    ("，限值 limit ", "，限值 ", ", limit "),
    ("，要求 required ", "，要求 ", ", required "),
    ("未到期 pending, deadline ", "未到期，期限 ", "pending, deadline "),
    ("未到期 pending", "未到期", "pending"),
    ("无观测值 no observation", "无观测值", "no observation"),
    ("需补充指标 supply metrics: ", "需补充指标: ", "supply metrics: "),
    ("recognition:basic-balance", "基本均衡认定记录", "basic-balance recognitions"),
    ("recognition:quality-balance", "优质均衡认定记录", "quality-balance recognitions"),
    ("recognition:preliminary", "初步认定记录", "preliminary recognitions"),
    ("recognition:provincial", "省级认定记录", "provincial recognitions"),
    ("缺数据 missing data", "缺数据", "missing data"),
), key=lambda p: -len(p[0])))
_ID = re.compile(r"[a-z][a-z0-9]*(?:[._:-][a-z0-9]+)+")


#: "key（中文名）" after a metric key, its Chinese name holding one level of brackets itself
#: ("largest_school_students（学校规模（最大学校在校生数））").
_KEY_ZH = re.compile(r"(?<=[a-z0-9_])（(?:[^（）]|（[^（）]*）)*）")
_CJK = "\u3400-\u9fff"  # the unified ideographs: a name beside one is part of a longer word


@functools.lru_cache(maxsize=32)
def _whole_names(zh_names: tuple[str, ...]) -> re.Pattern | None:
    """One pattern for the Chinese names of a standard, longest first, not inside a longer word."""
    if not zh_names:
        return None
    alt = "|".join(map(re.escape, sorted(zh_names, key=len, reverse=True)))
    return re.compile(f"(?<![{_CJK}])(?:{alt})(?![{_CJK}])")


def localise(text: str, lang: str, names: Mapping[str, str] | None = None) -> str:
    """``text`` (a reason as the criteria write it) in ``lang`` alone, ids and keys named.

    ``names`` maps ids and keys (a target id, its part after the standard's id, a metric
    key, an indicator key, Chinese indicator names for English) to the label a reader
    knows; a standard's own id in parentheses is dropped, it heads the report already.
    """
    if not text:
        return text
    half = 1 if lang == "zh" else 2
    for pattern, zh, en in _SHAPED:
        text = re.sub(pattern, zh if half == 1 else en, text)
    for both, zh, en in _PAIRS:
        text = text.replace(both, zh if half == 1 else en)
    names = names or {}
    text = re.sub(r" \([a-z]+\.[a-z0-9.-]+\)(?=: )", "", text)  # "无观测值 (cn.quality-balance-2017): …"
    if half == 2:  # "key（中文名）": an English reader gets the key's English name alone
        text = _KEY_ZH.sub("", text)
    text = _ID.sub(lambda m: names.get(m[0], m[0]), text)
    text = re.sub(r"([^\s,（）：:]+)（\1）", r"\1", text)  # a key named beside its own name: once
    if half == 2:  # whole Chinese names only: inside a quoted clause (…初中综合差异系数) a name stays
        pattern = _whole_names(tuple(k for k in names if not k.isascii()))
        if pattern is not None:
            text = pattern.sub(lambda m: names[m[0]], text)
    return text.replace("; ", "；").replace(": ", "：") if half == 1 else text
