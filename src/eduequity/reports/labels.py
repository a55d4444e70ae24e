"""Column labels for people: Chinese by default, plain English with ``lang="en"``.

Programs read ``ev.counties["composite_cv"]``; a bureau reads 综合差异系数. Labels
apply to headers only, in the writers for people (Markdown, HTML, XLSX); JSON
keeps the names a program uses.
"""

from __future__ import annotations

from ..core.columns import BY_NAME

ZH = {
    "year": "年份", "county": "县（市、区）", "level": "学段", "indicator": "指标", "school_id": "学校标识码",
    "school_name": "学校名称", "school_type": "办学类型", "row": "行号", "reason": "原因", "reasons": "原因",
    "passed": "是否达标", "status": "状态", "schools": "学校数", "students": "学生数",
    "composite_cv": "综合差异系数", "composite_limit": "综合差异系数限值",
    "schools_met": "达标学校数", "schools_not_met": "未达标学校数", "schools_not_assessable": "无法评估学校数",
    "mean": "全县平均值", "cv": "差异系数", "limit": "限值", "missing": "缺数据学校",
    "value": "值", "threshold": "标准", "floor": "最低值", "met": "是否达到", "school_passed": "学校是否达标",
    "target": "目标", "metric": "指标项", "op": "比较", "required": "要求", "deadline": "期限",
    "approximate": "约数（左右）", "still_needed": "尚需认定县数",
    "required_count": "要求数", "achieved": "已认定数", "share": "占比", "recognised": "已认定", "unrecognised": "未认定",
    "target_year": "计划年份", "recognised_year": "认定年份", "cumulative": "累计", "planned": "规划",
    # ee.explain
    "criterion": "评估项", "title": "名称", "margin": "余量", "clause": "依据", "county_value": "全县值",
    "variance_part": "方差分量", "rank": "排序", "why": "未达标原因", "what": "需补充",
    "column": "输入列", "column_zh": "列名", "metric_zh": "指标项名称",
    # ee.remedy
    "resource": "资源", "unit": "单位", "addition": "应补数量", "whole_school": "全校应补", "shortfall": "距标准缺口",
    "cost_one_off": "一次性投入（元）", "cost_yearly": "每年经常性支出（元）",
}


EN = {"county": "County", "school_id": "School code", "cv": "CV", "composite_cv": "Composite CV",
      "composite_limit": "Composite CV limit", "op": "Comparison", "still_needed": "Counties still needed",
      "why": "Why not met", "what": "To supply", "county_value": "County value", "approximate": "Approximate"}


def header(column: str, lang: str) -> str:
    """A column's header: the Chinese label, or an English one (never a snake_case name)."""
    col = BY_NAME.get(column)
    if lang == "zh":
        return ZH.get(column) or (col.zh if col is not None else column)
    if column in EN:
        return EN[column]
    if col is not None and col.en:
        return col.en
    text = column.replace("_", " ")  # "primary Composite CV" keeps its capitals
    return text[:1].upper() + text[1:] if column.isascii() else column


def relabel(df, lang: str):
    return df.rename(columns={c: header(c, lang) for c in df.columns})
