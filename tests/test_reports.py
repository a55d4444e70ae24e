"""Report formats and writers: the national-format CV table, progress, XLSX, HTML, determinism."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import eduequity as ee
from eduequity.reports import tables

sys.path.insert(0, str(Path(__file__).parent))
from test_evaluate import schools  # noqa: E402


@pytest.fixture(scope="module")
def ev():
    frame = schools(seed=5)
    frame.loc[frame["county"] == "西区", "county"] = "=HYPERLINK(\"http://x\")"  # hostile text in every table
    return ee.evaluate(frame, "cn.basic-balance-2012")


def test_cv_table_has_two_rows_per_county_and_level_with_the_evaluations_numbers(ev):
    t = tables.cv_table(ev)
    assert list(t.columns[:6]) == ["年份", "序号", "市", "县", "学校类别", "类型"]
    assert t.columns[6] == "生均教学及辅助用房面积(㎡)" and t.columns[-1] == "综合"
    assert len(t) == 2 * len(ev.counties)
    first = t[(t["年份"] == 2016) & (t["县"] == "东区") & (t["学校类别"] == "小学")]
    assert first["类型"].tolist() == ["全县平均值", "差异系数"]
    ind = ev.indicators[(ev.indicators["year"] == 2016) & (ev.indicators["county"] == "东区")
                        & (ev.indicators["level"] == "primary")].set_index("indicator")
    assert first.iloc[0]["生均图书册数(册)"] == ind.loc["books", "mean"]
    assert first.iloc[1]["师生比"] == ind.loc["teachers", "cv"]
    c = ev.counties[(ev.counties["year"] == 2016) & (ev.counties["county"] == "东区")
                    & (ev.counties["level"] == "primary")]
    assert first.iloc[1]["综合"] == c["composite_cv"].iloc[0] and np.isnan(first.iloc[0]["综合"])


def test_xlsx_is_formula_safe_deterministic_and_one_sheet_per_table(ev):
    from openpyxl import load_workbook

    data = ee.render(ev, "xlsx")
    assert isinstance(data, bytes) and data == ee.render(ev, "xlsx")
    wb = load_workbook(io.BytesIO(data))
    # the summary's table first (issue #16: summary first), then one sheet per frame; the
    # per-county tables are in the HTML/Markdown pages, not 4 sheets a county
    assert wb.sheetnames[:3] == ["说明", "各状态县·年数", "县域结论"] and len(wb.sheetnames) == 7
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)
             and c.value.startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)
    ws = wb[wb.sheetnames[1]]
    assert ws.freeze_panes == "A2"
    verdicts = wb["县域结论"]  # printable: fit to one page wide, header repeated, reasons wrapped
    assert verdicts.page_setup.fitToWidth == 1 and verdicts.sheet_properties.pageSetUpPr.fitToPage
    assert verdicts.print_title_rows == "$1:$1" and int(verdicts.page_setup.paperSize) == 9  # A4
    reason = [c for c in verdicts[1] if c.value == "原因"][0]
    assert verdicts.cell(row=2, column=reason.column).alignment.wrap_text


def test_a_format_must_name_known_tables_and_charts():
    with pytest.raises(ValueError, match="unknown table"):
        ee.ReportFormat("x.bad", "markdown", sections=(ee.Section("no_such_frame"),))
    with pytest.raises(ValueError, match="unknown chart"):
        ee.Section(chart="pie")
    with pytest.raises(ValueError, match="table .* or a chart"):
        ee.Section()


def test_a_plugin_format_renders_the_cv_table_and_refuses_the_wrong_subject(ev):
    class Fmt:
        @ee.hookimpl
        def eduequity_report_formats(self):
            return [ee.ReportFormat("demo.cv-table.md", "markdown", "表2 差异系数表",
                                    (ee.Section("cv_table", "表2"),))]

    reg = ee.registry(plugins=[Fmt()], entry_points=False)
    md = ee.render(ev, "demo.cv-table.md", registry=reg)
    assert "| 年份 | 序号 | 市 | 县 | 学校类别 | 类型 |" in md and "全县平均值" in md
    plan = ee.PhasedSchedule("demo.s", "t", "hebei", "basic-balance", 2011, 2, (ee.Milestone(2015, 2),),
                             ee.Source("x"))
    with pytest.raises(TypeError, match="renders evaluation results"):
        ee.render(ee.track(plan, pd.DataFrame({"county": ["A"], "year": [2012]})), "demo.cv-table.md", registry=reg)


def test_progress_groups_targets_by_lead_unit():
    frame = schools(years=(2016, 2017))
    metrics = pd.DataFrame({"year": [2016, 2017], "county": "东区", "metric": "public_satisfaction",
                            "value": [0.80, 0.90]})
    ev = ee.evaluate(frame, "cn.basic-balance-2012", metrics=metrics)
    p = tables.progress(ev)
    row = p[(p["地区"] == "东区") & (p["目标"] == "公众满意度")].iloc[0]
    assert (row["年份"], row["状态"], row["最新值"], row["差距"]) == (2017, "达标", 0.90, 0.0)
    xi = p[(p["地区"] != "东区") & (p["目标"] == "公众满意度")].iloc[0]
    assert xi["状态"] == "无法评估"


def test_html_has_the_composite_chart_when_asked(ev):
    class Fmt:
        @ee.hookimpl
        def eduequity_report_formats(self):
            return [ee.ReportFormat("demo.cv.html", "html", "t", (ee.Section(chart="composite_by_year", title="图"),
                                                                  ee.Section("counties")))]

    page = ee.render(ev, "demo.cv.html", registry=ee.registry(plugins=[Fmt()], entry_points=False))
    assert page.count("<svg") == 1 and "综合差异系数" in page


# --------------------------------------------------------------------------- CSV and hostile text

SCRIPT = "<script>alert('x')</script>"
FORMULA = '=HYPERLINK("http://evil.example","点击")'


def test_csv_cells_numbers_stay_numbers_and_formula_text_is_defused():
    import csv as csvmod

    from eduequity.reports import csv, views

    df = pd.DataFrame({"name": [FORMULA, "+1", "@SUM(A1)", "-2", "\tx", "普通", None],
                       "value": [-1.5, np.nan, 0.1 + 0.2, -0.0, 1e20, 3.0, 2.0],
                       "n": pd.array([-3, None, 0, 1, 2, 3, 4], dtype="Int64"),
                       "ok": pd.array([True, False, None, True, True, False, True], dtype="boolean")})
    data = csv.write([views.Heading(1, "t"), views.Table(df, "t")], "x.csv")
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") == len(df) + 1 and b"\n\n" not in data
    rows = list(csvmod.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["name", "value", "n", "ok"]
    assert [r[0] for r in rows[1:]] == ["'" + FORMULA, "'+1", "'@SUM(A1)", "'-2", "'\tx", "普通", ""]
    assert [r[1] for r in rows[1:]] == ["-1.5", "", "0.30000000000000004", "-0.0", "1e+20", "3.0", "2.0"]
    assert float(rows[3][1]) == 0.1 + 0.2  # full precision: reads back as the same float
    assert [r[2] for r in rows[1:]] == ["-3", "", "0", "1", "2", "3", "4"]
    assert [r[3] for r in rows[1:3]] == ["True", "False"] and rows[3][3] == ""
    with pytest.raises(ValueError, match="one CSV table"):
        csv.write([views.Table(df, "a"), views.Table(df, "b")], "x.csv")


def test_a_csv_format_names_exactly_one_table():
    with pytest.raises(ValueError, match="exactly one table"):
        ee.ReportFormat("x.csv", "csv", sections=(ee.Section("verdicts"), ee.Section("counties")))
    with pytest.raises(ValueError, match="exactly one table"):
        ee.ReportFormat("x.csv", "csv", subject="any")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """An evaluation of a file whose county and school names are markup and formulas, read at the boundary."""
    raw = schools(seed=3, years=(2016,))
    raw.loc[raw["county"] == "西区", "county"] = SCRIPT
    raw.loc[raw["county"] == "东区", "county"] = FORMULA
    raw["school_type"] = np.where(raw["level"] == "primary", "primary_school", "junior_school")
    raw.loc[0, ["school_id", "school_type"]] = ["@cmd|'/c calc'!A0", "special"]  # excluded, so listed
    path = tmp_path_factory.mktemp("hostile") / "schools.csv"
    raw.to_csv(path, index=False, encoding="utf-8")
    return ee.evaluate(ee.read_schools(path), "cn.basic-balance-2012")


def test_hostile_names_flow_through_every_writer_as_inert_text(hostile):
    from openpyxl import load_workbook

    assert set(hostile.verdicts["county"].astype(str)) == {SCRIPT, FORMULA}
    assert hostile.excluded["school_id"].tolist() == ["@cmd|'/c calc'!A0"]
    page = ee.render(hostile, "html")
    assert "<script" not in page and "&lt;script&gt;" in page and "HYPERLINK" in page
    md = ee.render(hostile, "markdown")
    assert "<script" not in md.replace("\\<script", "") and "\\<script>" in md
    assert "@cmd\\|'/c calc'!A0" in md  # the pipe escaped: the table keeps its columns
    wb = load_workbook(io.BytesIO(ee.render(hostile, "xlsx")))
    texts = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    risky = [c for c in texts if c.value.startswith(("=", "@", "+", "-"))]
    assert {c.value for c in risky} >= {FORMULA, "@cmd|'/c calc'!A0"}
    assert all(c.data_type == "s" for c in risky) and not any(c.data_type == "f" for c in texts)
    for fmt in ("cn.verdicts.csv", "cn.indicators.csv", "cn.cv-table.csv"):
        text = ee.render(hostile, fmt).decode("utf-8-sig")
        assert "'" + FORMULA.replace('"', '""') in text and "\n" + FORMULA not in text and "," + FORMULA not in text
        assert SCRIPT in text  # CSV is data, not markup: kept as written


def test_csv_formats_are_deterministic_and_reachable_from_the_command_line(hostile, tmp_path):
    from click.testing import CliRunner

    from eduequity.cli import main

    data = ee.render(hostile, "cn.indicators.csv")
    assert data == ee.render(hostile, "cn.indicators.csv")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    ind = hostile.indicators
    assert list(back.columns) == list(ind.columns) and len(back) == len(ind)
    assert back["cv"].tolist() == ind["cv"].tolist()  # full precision round trip
    path = tmp_path / "s.csv"
    schools(seed=3).to_csv(path, index=False)
    out = tmp_path / "verdicts.csv"
    r = CliRunner().invoke(main, ["evaluate", str(path), "-s", "cn.basic-balance-2012", "--format",
                                  "cn.verdicts.csv", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert pd.read_csv(out, encoding="utf-8-sig")["county"].tolist() == ["东区", "西区", "东区", "西区"]
    piped = CliRunner().invoke(main, ["evaluate", str(path), "-s", "cn.basic-balance-2012", "--format",
                                      "cn.verdicts.csv"])
    assert piped.exit_code == 0 and piped.stdout_bytes == out.read_bytes()
    assert "cn.cv-table.csv" in CliRunner().invoke(main, ["formats"]).output


@pytest.mark.parametrize("brk", ["\r", "\n", "\r\n", "\u2028", "\x0b", "\x85"])
def test_a_line_break_inside_a_cell_never_breaks_a_markdown_table_row(brk):
    from eduequity.reports import markdown

    df = pd.DataFrame({"school_name": [f"第一{brk}小学", "第二小学"], "value": [1.0, 2.0]})
    lines = markdown.table(df).splitlines()
    assert len(lines) == 4  # header, rule, two rows: the break stayed inside its cell
    assert lines[2] == "| 第一 小学 | 1 |"  # a whole number prints whole (issue #16: not 4.000)


# --------------------------------------------------------------------------- one language at a time (issue #16)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def quality():
    return ee.evaluate(ee.read_schools(EXAMPLES / "panzhihua-schools-synthetic.csv"), "cn.quality-balance-2017")


def visible_text(page: str) -> str:
    """What a reader sees of an HTML page: the text outside tags, the style sheet left out."""
    import re

    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    return re.sub(r"<[^>]+>", " ", page)


ENGLISH_IN_ZH = ("True", "False", "<NA>", "nan", "primary", "junior", "not met", "pending", "not assessable",
                 "schools fail", "missing data", "no observation", "CV over the limit", "teaching_point")


def test_a_chinese_report_has_no_english_words_python_literals_or_ids(quality):
    import re

    for fmt in ("markdown", "html"):
        out = ee.render(quality, fmt)
        text = visible_text(out) if fmt == "html" else out
        for word in ENGLISH_IN_ZH:
            assert word not in text, (fmt, word)
        assert not re.findall(r"\b[a-z]+_[a-z0-9_]+\b", text), fmt  # no snake_case keys
        assert "cn.quality-balance-2017" not in text  # no criterion or target ids
        assert "backbone-rotation" not in text and "骨干教师交流" in text  # a target named by its title
    assert "| 否 | 未达标 |" in ee.render(quality, "markdown")  # yes/no as 是/否


def test_an_english_report_has_no_chinese_statuses_levels_or_yes_no(quality):
    md = ee.render(quality, "markdown", lang="en")
    for word in ("达标", "无法评估", "未到期", "是否", "| 是 |", "| 否 |", "| 小学 |", "| 初中 |", "所学校未达标", "缺数据 ",
                 "无观测值", "限值"):
        assert word not in md, word
    assert "| no | not met |" in md and "schools fail" in md and "composite_cv" not in md
    assert "Teaching and auxiliary floor area per student" in md  # an indicator by its English name


def test_machine_outputs_keep_the_frames_values(quality):
    csv_text = ee.render(quality, "cn.verdicts.csv").decode("utf-8-sig")
    assert "not met" in csv_text and "schools fail" in csv_text and "所学校未达标" in csv_text
    assert '"not met"' in ee.render(quality, "json")  # statuses as programs read them


def test_every_bilingual_reason_is_split(quality):
    """A phrase a criterion writes in both languages without a row in reasons.py would show
    English in a Chinese report: no reason of the bundled example keeps ASCII words in zh."""
    import re

    from eduequity.criteria.reasons import localise
    from eduequity.reports.language import names

    labels = names(quality.standard, "zh")
    texts = [*quality.verdicts["reasons"], *ee.explain(quality, county="东区", year=2016).schools["why"]]
    for t in texts:
        assert not re.search(r"[A-Za-z]{3,}", localise(t, "zh", labels)), t


def test_track_labels_say_what_they_hold():
    from test_track import recs, schedule

    r = ee.track(schedule(), recs(A=2012, B=2013, C=2016), as_of=2015)
    md = ee.render(r, "markdown")
    assert "尚需认定县数" in md and "缺数据学校" not in md  # the milestone's counties still to recognise
    assert ".000" not in md.split("## 逐年累计")[1]  # counts as whole numbers, not 4.000


def test_an_ordinary_target_is_not_marked_as_approximate(quality):
    md = ee.render(quality, "markdown")
    targets = md.split("## 指标目标")[1].split("\n## ")[0]
    assert "✗" not in targets and "False" not in targets and "| 否 |" not in targets


def test_pdf_prints_chinese_with_reportlabs_cid_font_and_is_deterministic(quality):
    data = ee.render(quality, "pdf")
    assert data[:5] == b"%PDF-" and data == ee.render(quality, "pdf")
    assert b"STSong-Light" in data  # the built-in CID font: no CJK font needed on the machine
    import re

    pages = len(re.findall(rb"/Type /Page[^s]", data))
    counties = quality.verdicts["county"].nunique()
    assert pages > counties  # the summary and frames, then at least a page per county


def test_a_60_county_chart_names_a_bounded_number_of_counties_beside_the_plot():
    from eduequity.reports import charts

    ev = ee.evaluate(ee.read_schools(EXAMPLES / "jilin-schools-synthetic.csv"), "cn.basic-balance-2012")
    assert ev.counties["county"].nunique() == 60
    svg = charts.composite_by_year(ev)
    shown = {c for c in ev.counties["county"].astype(str).unique() if c in svg}
    assert len(shown) <= 2 * charts.MAX_SERIES  # at most MAX_SERIES a panel, not a 60-entry legend
    assert "其他 52 个县" in svg and "限值 0.65" in svg and "2013.5" not in svg
    assert "limit" not in svg and "year" not in svg  # one language
    en = charts.composite_by_year(ev, lang="en")
    assert "52 other counties" in en and "limit 0.65" in en and "限值" not in en and "其他" not in en


# --------------------------------------------------------------------------- English titles, county pages for basic balance


def _cjk(text: str) -> bool:
    import re

    return bool(re.search(r"[\u3400-\u9fff]", text))


def test_every_registered_criterion_has_an_english_title():
    """An English report names each criterion by ``title_en``: a blank one would print the Chinese title."""
    for std in ee.registry().standards.values():
        for c in std.criteria:
            assert c.title_en and not _cjk(c.title_en), (std.id, c.id, c.title)


def test_basic_balance_has_a_page_per_county_in_one_language():
    basic = ee.evaluate(ee.read_schools(EXAMPLES / "panzhihua-schools-synthetic.csv"), "cn.basic-balance-2012")
    latest = basic.verdicts[basic.verdicts["year"] == basic.verdicts["year"].max()]
    md = ee.render(basic, "markdown", lang="en")
    year = int(latest["year"].iloc[0])
    for county in latest["county"].astype(str):
        assert f"### {county} {year}" in md, county
    page = md.split(f"### 东区 {year}")[1].split("\n### ")[0]
    rows = [ln.split(" | ") for ln in page.splitlines() if ln.startswith("| ") and "教督" in ln]
    assert rows and all(not _cjk(r[0]) for r in rows)  # titles in English ...
    assert all("教督〔2012〕3号" in r[-1] for r in rows)  # ... the clause cited as the document words it
    named = re.sub(r"教督〔2012〕3号 [^|]*", "", page)  # the clauses stay as the document words them
    assert "综合差异系数）" not in named and "Composite CV" in page and "composite_cv" not in page
    assert "（" not in page.split("supply metrics:")[1].split("\n")[0]  # the metric named once, in English


def test_an_english_reason_leaves_a_quoted_clause_whole():
    from eduequity.criteria.reasons import localise

    names = {"综合差异系数": "Composite CV"}
    text = "小学 综合差异系数: 0.7 (教督〔2012〕3号 评估标准：小学、初中综合差异系数)"
    out = localise(text, "en", names)
    assert "Composite CV: 0.7" in out and "初中综合差异系数" in out


def test_a_paged_report_prints_the_latest_year_of_a_long_table_and_says_so(monkeypatch):
    """HTML/Markdown/PDF shorten a table over PAGED_ROWS to its latest year, with a note; XLSX keeps every row."""
    from openpyxl import load_workbook

    from eduequity.reports import views

    basic = ee.evaluate(ee.read_schools(EXAMPLES / "panzhihua-schools-synthetic.csv"), "cn.basic-balance-2012")
    n, latest = len(basic.indicators), int(basic.indicators["year"].max())
    shown = int((basic.indicators["year"] == latest).sum())
    monkeypatch.setattr(views, "PAGED_ROWS", n - 1)
    md = ee.render(basic, "markdown")
    part = md.split("## 指标与差异系数")[1].split("\n## ")[0]
    rows = [ln for ln in part.splitlines() if ln.startswith("| ") and not ln.startswith("| 年份")]
    assert len(rows) == shown and all(ln.startswith(f"| {latest} |") for ln in rows)
    assert f"此表共 {n:,} 行" in part and f"最近一年（{latest}年）的 {shown:,} 行" in part
    en = ee.render(basic, "markdown", lang="en")
    assert f"This table has {n:,} rows" in en and "中" not in en.split("This table has")[1].split("\n")[0]
    wb = load_workbook(io.BytesIO(ee.render(basic, "xlsx")))
    assert any(ws.max_row - 1 >= n for ws in wb)  # the spreadsheet holds every indicator row
    monkeypatch.setattr(views, "PAGED_ROWS", n)
    assert "此表共" not in ee.render(basic, "markdown")  # exactly at the limit: nothing left out


def test_one_evaluation_in_several_formats_is_explained_once_and_another_is_not_confused_with_it(monkeypatch):
    import gc

    from eduequity.reports import summary

    calls = []
    real = summary.explain
    monkeypatch.setattr(summary, "explain", lambda ev, **kw: calls.append(kw["county"]) or real(ev, **kw))
    frame = ee.read_schools(schools(seed=3))
    ev = ee.evaluate(frame, "cn.basic-balance-2012")
    first = ee.render(ev, "markdown", lang="en")
    ee.render(ev, "html", lang="en")
    ee.render(ev, "markdown")
    assert sorted(calls) == ["东区", "西区"]  # once per county, whatever the format or language
    assert ee.render(ev, "markdown", lang="en") == first
    # A second evaluation gets pages of its own: one 东区 school with 60 times the books moves the
    # county's composite CV, and its page shows the new value, not the first evaluation's.
    first_school = frame["school_id"] == frame["school_id"].iloc[0]
    other = ee.evaluate(frame.assign(books=frame["books"].where(~first_school, frame["books"] * 60)),
                        "cn.basic-balance-2012")
    page = ee.render(other, "markdown", lang="en").split("### 东区 2017")[1].split("\n### ")[0]
    before = first.split("### 东区 2017")[1].split("\n### ")[0]
    def cv(e):
        c = e.counties
        row = c[(c["county"].astype(str) == "东区") & (c["year"] == 2017) & (c["level"].astype(str) == "primary")]
        return f"| 2017 | not assessable | {row['composite_cv'].iloc[0]:.3f} |"

    assert cv(other) != cv(ev) and cv(other) in page and cv(ev) in before
    assert len(calls) == 4
    ids = {id(ev), id(other)}
    assert ids <= set(summary._PAGES)
    del ev, other
    gc.collect()
    assert not ids & set(summary._PAGES)  # an evaluation's pages go with it


def test_an_english_reason_drops_a_metric_keys_chinese_name_with_brackets_of_its_own():
    from eduequity.criteria.reasons import localise

    text = "需补充指标 supply metrics: largest_class_size（最大班额）, largest_school_students（学校规模（最大学校在校生数））"
    names = {"largest_class_size": "Largest class size", "largest_school_students": "Largest school's enrolment"}
    assert localise(text, "en", names) == "supply metrics: Largest class size, Largest school's enrolment"


def test_an_english_page_is_english_but_for_names_and_clause_citations():
    frame = ee.read_schools(EXAMPLES / "panzhihua-schools-synthetic.csv")
    ev = ee.evaluate(frame, "cn.quality-balance-2017")
    page = ee.render(ev, "html", lang="en")
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">') and "<title>Evaluation report</title>" in page
    assert "What to add" in page and "m²" in page  # the plan's resources and units, in English
    rest = re.sub(r"教督〔2017〕6号[^<;)]*", "", page)  # a clause is cited as the document words it
    names = set(frame["county"].astype(str)) | set(frame["school_name"].astype(str))
    for name in sorted(names, key=len, reverse=True):
        rest = rest.replace(name, "")
    assert re.findall(r"[\u3400-\u9fff]+", rest) == []
    assert ee.render(ev, "html").startswith('<!DOCTYPE html>\n<html lang="zh">')
