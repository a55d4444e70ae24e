"""Derived tables a report format can name: the national-format CV table and a progress table.

Both are built from an Evaluation's frames and its standard, nothing else, so
their numbers are the evaluation's numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.columns import LEVEL_ZH
from ..core.evaluation import Evaluation
from ..core.verdicts import NOT_MET
from .language import VETO


def cv_table(ev: Evaluation, registry=None) -> pd.DataFrame:
    """"表2 …县义务教育学校校际差异系数表": per county and level, a row of county means
    (全县平均值, 综合 left as —) and a row of CVs (差异系数, with the composite).

    Indicators in the order of the standard's composite rule; headers carry the
    unit, e.g. 生均教学及辅助用房面积(㎡). Counties in the order the jurisdiction lists them.
    """
    composite = ev.standard.composite
    keys = list(composite[0]) if composite else list(dict.fromkeys(ev.indicators["indicator"].astype(str)))
    column = composite[1] if composite else None
    std = ev.standard
    heads = {k: std.indicator(k).zh + (f"({std.indicator(k).unit_zh})" if std.indicator(k).unit_zh else "")
             for k in keys}
    if not len(ev.indicators) or not keys:  # a standard of targets only, or no schools evaluated
        return pd.DataFrame(columns=["年份", "序号", "市", "县", "学校类别", "类型", *heads.values(), "综合"])
    ind = ev.indicators[ev.indicators["indicator"].astype(str).isin(keys)]
    wide = ind.pivot_table(index=["year", "county", "level"], columns="indicator", values=["mean", "cv"],
                           observed=True, dropna=False, sort=False)
    base = ev.counties[["year", "county", "level"] + ([column] if column in ev.counties else [])].copy()
    base = base.set_index(["year", "county", "level"])
    means = wide["mean"].reindex(base.index)[keys].rename(columns=heads)
    cvs = wide["cv"].reindex(base.index)[keys].rename(columns=heads)
    means.insert(0, "类型", "全县平均值")
    cvs.insert(0, "类型", "差异系数")
    means["综合"] = np.nan
    cvs["综合"] = base[column].to_numpy() if column in base else np.nan
    both = pd.concat([means, cvs]).reset_index()
    both["_order"] = np.where(both["类型"] == "全县平均值", 0, 1)
    both["学校类别"] = both["level"].astype(str).map(LEVEL_ZH)
    county = both["county"].astype(str)
    prefecture, rank = _places(registry, ev.standard.jurisdiction)
    both["市"] = county.map(lambda n: prefecture.get(n, ""))  # one call per table row, not per school
    both["_rank"] = county.map(lambda n: rank.get(n, len(rank)))
    both["_level"] = both["level"].astype(str).map({"primary": 0, "junior": 1})
    both = both.sort_values(["year", "_rank", "county", "_level", "_order"], kind="stable").reset_index(drop=True)
    both["序号"] = pd.factorize(both["year"].astype(str) + "|" + county.reindex(both.index).astype(str))[0] + 1
    both["县"] = both["county"].astype(str)
    both = both.rename(columns={"year": "年份"})
    return both[["年份", "序号", "市", "县", "学校类别", "类型", *heads.values(), "综合"]]


def _places(registry, jurisdiction: str) -> tuple[dict, dict]:
    """Prefecture and listing order of every county name (and alias) under the jurisdiction."""
    if registry is None:
        return {}, {}
    counties = registry.counties(jurisdiction)
    ordered = list(dict.fromkeys(c.name for c in counties.values()))
    rank = {i: n for n, i in enumerate(ordered)}
    return ({n: c.prefecture for n, c in counties.items()}, {n: rank[c.name] for n, c in counties.items()})


def progress(ev: Evaluation, registry=None) -> pd.DataFrame:
    """Each target's latest status per place, with the gap, deadline, lead unit and clause
    (a veto item's title marked 一票否决).

    "Latest" is the most recent year with an observation (or, with none, the
    most recent year judged); the gap is how far the value is from the required
    one in the direction the comparison needs (0 when met). A jurisdiction-wide
    row names the jurisdiction (攀枝花市, not its id).
    """
    columns = ["牵头单位", "目标", "地区", "学段", "年份", "状态", "最新值", "要求", "差距", "期限", "配合单位",
               "条款", "文件"]
    t = ev.targets
    if not len(t):
        return pd.DataFrame(columns=columns)
    latest = (t.assign(_seen=t["value"].notna()).sort_values(["_seen", "year"], kind="stable")
              .groupby(["target", "county", "level"], dropna=False, sort=False).tail(1))
    meta = {x.id: x for x in (*ev.standard.targets, *ev.standard.rules)}

    def info(tid: str, attr: str, default=""):
        x = meta.get(tid)
        if x is None:
            return default
        return getattr(x.source, attr, default) if attr in ("clause", "reference") else getattr(x, attr, default)

    ids = latest["target"].astype(str)
    value = latest["value"].to_numpy(dtype=float)
    required = latest["required"].to_numpy(dtype=float)
    op = latest["op"].astype(str).to_numpy()
    gap = np.select([np.isin(op, [">=", ">"]), np.isin(op, ["<=", "<"])],
                    [required - value, value - required], np.abs(value - required))
    gap = np.where(latest["status"].astype(str).to_numpy() == "met", 0.0, np.maximum(gap, 0.0))
    names = {j.id: j.name_zh for j in registry.jurisdictions.values()} if registry is not None else {}
    out = pd.DataFrame({
        "牵头单位": [info(i, "lead_unit") for i in ids],
        "目标": [(info(i, "title") or i) + (VETO["zh"] if info(i, "veto", False) else "") for i in ids],
        "地区": [names.get(c, c) for c in latest["county"].astype(str)],
        "学段": latest["level"].map(LEVEL_ZH).fillna("").to_numpy(),
        "年份": latest["year"].to_numpy(),
        "状态": latest["status"].astype(str).map(STATUS_ZH).to_numpy(),
        "最新值": value,
        "要求": [f"{o} {r:g}" for o, r in zip(op, required, strict=True)],
        "差距": gap,
        "期限": pd.array(latest["deadline"], dtype="Int64"),
        "配合单位": ["、".join(info(i, "partner_units", ())) for i in ids],
        "条款": [info(i, "clause") for i in ids],
        "文件": [info(i, "reference") for i in ids],
    })
    return out.sort_values(["牵头单位", "文件", "目标", "地区", "学段"], kind="stable").reset_index(drop=True)


STATUS_ZH = {"met": "达标", NOT_MET: "未达标", "pending": "未到期", "not assessable": "无法评估"}
TABLES = {"cv_table": cv_table, "progress": progress}
