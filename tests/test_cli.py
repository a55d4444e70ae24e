"""The command line: listings, evaluate on a Chinese CSV with 亩/万元 units, clean errors, the demo."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from eduequity.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "panzhihua-schools-synthetic.csv"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_listings():
    r = run("standards")
    assert r.exit_code == 0 and "cn.basic-balance-2012" in r.output and "教督〔2012〕3号" in r.output
    r = run("jurisdictions")
    assert r.exit_code == 0 and "sichuan" in r.output
    r = run("plugins")
    assert r.exit_code == 0 and "eduequity" in r.output


def test_evaluate_a_chinese_csv_with_units(tmp_path):
    out = tmp_path / "report.md"
    r = run("evaluate", str(EXAMPLE), "--standard", "cn.basic-balance-2012", "--out", str(out))
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert "综合差异系数" in text and "米易县" in text  # Chinese headers by default
    en = tmp_path / "en.md"
    assert run("evaluate", str(EXAMPLE), "-s", "cn.basic-balance-2012", "--lang", "en", "--out", str(en)).exit_code == 0
    assert "Composite CV" in en.read_text(encoding="utf-8") and "composite_cv" not in en.read_text(encoding="utf-8")
    xlsx = tmp_path / "report.xlsx"
    assert run("evaluate", str(EXAMPLE), "-s", "cn.basic-balance-2012", "--format", "xlsx",
               "--out", str(xlsx)).exit_code == 0
    assert xlsx.read_bytes()[:2] == b"PK"


def test_bad_input_exits_2_with_the_file_row_column_and_no_traceback(tmp_path):
    bad = tmp_path / "bad.csv"
    df = pd.read_csv(EXAMPLE, encoding="utf-8").head(5)
    df.loc[2, "在校生数"] = -3
    df.to_csv(bad, index=False)
    r = CliRunner().invoke(main, ["evaluate", str(bad), "-s", "cn.basic-balance-2012"])
    assert r.exit_code == 2
    assert "bad.csv" in r.output and "在校生数" in r.output and "row 2" in r.output
    assert "Traceback" not in r.output
    r = CliRunner().invoke(main, ["evaluate", str(EXAMPLE), "-s", "no.such-standard"])
    assert r.exit_code == 2 and "no.such-standard" in r.output


def test_track_from_a_csv(tmp_path):
    rec = tmp_path / "rec.csv"
    pd.DataFrame({"county": ["南关区", "宽城区"], "year": [2014, 2015]}).to_csv(rec, index=False)
    from eduequity import registry

    if "jilin.county-balance-2011" not in registry().schedules:
        return  # the Jilin plugin is not installed here
    r = run("track", "jilin.county-balance-2011", str(rec), "--as-of", "2015")
    assert r.exit_code == 0 and "| 2015 | 10 | 0.167 | 2 | 未完成 | 8 |" in r.output


def test_demo_writes_reports(tmp_path):
    r = run("demo", "--out", str(tmp_path))
    assert r.exit_code == 0, r.output
    written = {p.name for p in tmp_path.iterdir()}
    assert {"panzhihua-cn.basic-balance-2012.md", "panzhihua-cn.basic-balance-2012.xlsx",
            "panzhihua-cn.basic-balance-2012.html", "panzhihua-cn.quality-balance-2017.html",
            "panzhihua-cn.quality-balance-2017-remedy.html"} <= written
    assert any(n.startswith("panzhihua-cn.quality-balance-2017-explain-") for n in written)
    page = (tmp_path / "panzhihua-cn.basic-balance-2012.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "东区" in page


def test_a_plugin_that_exits_at_import_makes_the_command_fail_with_status_2(monkeypatch, tmp_path):
    from importlib import metadata as md

    from eduequity.core import registry as registry_mod

    class Quitter(md.EntryPoint):
        def load(self):
            raise SystemExit(0)

    monkeypatch.setattr(registry_mod, "_default", None)  # the next command loads the entry points again
    monkeypatch.setattr(registry_mod.metadata, "entry_points",
                        lambda group: [Quitter("quitter", "eduequity_quitter", "eduequity")] if group == "eduequity" else [])
    r = CliRunner().invoke(main, ["evaluate", str(EXAMPLE), "-s", "cn.basic-balance-2012",
                                  "--out", str(tmp_path / "r.md")])
    assert r.exit_code == 2 and "quitter" in r.output and not (tmp_path / "r.md").exists()


def test_the_report_is_never_written_over_an_input(tmp_path):
    data = tmp_path / "in.csv"
    data.write_bytes(EXAMPLE.read_bytes())
    for args in (["--out", str(data)], ["--out", str(tmp_path / "." / "in.csv")]):
        r = CliRunner().invoke(main, ["evaluate", str(data), "-s", "cn.basic-balance-2012", *args])
        assert r.exit_code == 2 and "is an input" in r.output
    assert data.read_bytes() == EXAMPLE.read_bytes()
    link = tmp_path / "link.csv"
    link.symlink_to(data)
    r = CliRunner().invoke(main, ["evaluate", str(data), "-s", "cn.basic-balance-2012", "--out", str(link)])
    assert r.exit_code == 2 and data.read_bytes() == EXAMPLE.read_bytes()


def test_an_output_or_input_that_is_a_directory_or_unwritable_exits_2(tmp_path):
    base = ["evaluate", str(EXAMPLE), "-s", "cn.basic-balance-2012"]
    for args in (["--out", str(tmp_path)], ["--metrics", str(tmp_path)],
                 ["--out", str(tmp_path / "file.md" / "below")]):
        (tmp_path / "file.md").write_text("x", encoding="utf-8")
        r = CliRunner().invoke(main, base + args)
        assert r.exit_code == 2, (args, r.output)
        assert "错误 error" in r.output and "Traceback" not in r.output


def test_warnings_are_printed_and_the_report_still_written(tmp_path):
    frame = pd.read_csv(EXAMPLE, encoding="utf-8-sig")
    frame.iloc[:, 1] = frame.iloc[:, 1].replace({"米易县": "米易具"})  # one edit from 米易县
    data = tmp_path / "typo.csv"
    frame.to_csv(data, index=False, encoding="utf-8-sig")
    out = tmp_path / "r.md"
    r = CliRunner().invoke(main, ["evaluate", str(data), "-s", "cn.basic-balance-2012", "--out", str(out)])
    assert r.exit_code == 0 and out.exists()
    assert "警告 warning" in r.output and "米易具" in r.output and "米易县" in r.output


# -- the output format follows --out ---------------------------------------------------------------

BASE = ["evaluate", str(EXAMPLE), "-s", "cn.basic-balance-2012"]


def test_the_format_follows_the_suffix_of_out(tmp_path):
    for name, check in (("r.xlsx", lambda b: b[:2] == b"PK"), ("r.html", lambda b: b.startswith(b"<!DOCTYPE html>")),
                        ("r.json", lambda b: b.lstrip()[:1] in (b"{", b"[")), ("r.md", lambda b: b.startswith(b"#"))):
        r = CliRunner().invoke(main, [*BASE, "--out", str(tmp_path / name)])
        assert r.exit_code == 0, (name, r.output)
        assert check((tmp_path / name).read_bytes()), name
    r = CliRunner().invoke(main, [*BASE, "--out", str(tmp_path / "v.csv"), "--format", "cn.verdicts.csv"])
    assert r.exit_code == 0 and (tmp_path / "v.csv").read_text(encoding="utf-8-sig").startswith("year,county")


def test_a_contradiction_between_out_and_format_exits_2_and_writes_nothing(tmp_path):
    for out, fmt in (("r.xlsx", "markdown"), ("r.md", "xlsx"), ("r.html", "cn.verdicts.csv"), ("r.csv", "json")):
        r = CliRunner().invoke(main, [*BASE, "--out", str(tmp_path / out), "--format", fmt])
        assert r.exit_code == 2, (out, fmt, r.output)
        assert out in r.output and fmt in r.output and "Traceback" not in r.output
        assert not (tmp_path / out).exists()
    r = CliRunner().invoke(main, [*BASE, "--out", str(tmp_path / "r.csv")])
    assert r.exit_code == 2 and "cn.verdicts.csv" in r.output and not (tmp_path / "r.csv").exists()


def test_every_report_command_follows_the_suffix(tmp_path):
    for cmd in (["explain", str(EXAMPLE), "-s", "cn.basic-balance-2012", "--county", "东区", "--year", "2016"],
                ["remedy", str(EXAMPLE), "-s", "cn.quality-balance-2017"]):
        r = CliRunner().invoke(main, [*cmd, "--out", str(tmp_path / "r.xlsx")])
        assert r.exit_code == 0, (cmd, r.output)
        assert (tmp_path / "r.xlsx").read_bytes()[:2] == b"PK"
        r = CliRunner().invoke(main, [*cmd, "--out", str(tmp_path / "x.xlsx"), "--format", "html"])
        assert r.exit_code == 2 and not (tmp_path / "x.xlsx").exists()
    rec = tmp_path / "rec.csv"
    pd.DataFrame({"county": ["东区"], "year": [2016]}).to_csv(rec, index=False)
    from eduequity import registry

    schedule = next(iter(registry().schedules), None)
    if schedule is not None:
        r = CliRunner().invoke(main, ["track", schedule, str(rec), "--out", str(tmp_path / "t.json"),
                                      "--format", "xlsx"])
        assert r.exit_code == 2 and not (tmp_path / "t.json").exists()


def test_a_pdf_without_a_pdf_writer_is_a_clear_error(tmp_path):
    from eduequity import registry

    if "pdf" in registry().report_formats:
        return  # a PDF writer is registered here
    for args in (["--format", "pdf"], ["--out", str(tmp_path / "r.pdf")]):
        r = CliRunner().invoke(main, [*BASE, *args])
        assert r.exit_code == 2 and "no PDF writer is registered" in r.output, r.output
    assert not (tmp_path / "r.pdf").exists()


def test_quiet_silences_the_summary_but_not_errors(tmp_path):
    r = CliRunner().invoke(main, [*BASE, "--out", str(tmp_path / "r.md")])
    assert "cn.basic-balance-2012:" in r.stderr and "wrote" in r.stderr
    r = CliRunner().invoke(main, [*BASE, "--out", str(tmp_path / "r.md"), "--quiet"])
    assert r.exit_code == 0 and "cn.basic-balance-2012:" not in r.stderr and "wrote" not in r.stderr
    r = CliRunner().invoke(main, ["evaluate", str(EXAMPLE), "-s", "no.such", "--quiet"])
    assert r.exit_code == 2 and "no.such" in r.stderr


def test_progress_is_drawn_on_a_terminal_only(monkeypatch):
    from rich.console import Console

    from eduequity.cli.shared import Steps

    with Steps(quiet=False) as steps:  # stderr is captured here: no display
        steps.step("读取 reading")
        assert steps._progress is None
    monkeypatch.setattr(Console, "is_terminal", property(lambda self: True))
    with Steps(quiet=True) as steps:
        steps.step("读取 reading")
        assert steps._progress is None
    with Steps(quiet=False) as steps:
        steps.step("读取 reading")
        assert steps._progress.tasks[0].description == "读取 reading"


# -- metrics made discoverable ---------------------------------------------------------------------

def test_standards_show_lists_rules_sources_columns_and_metrics_with_ids_whole_at_any_width():
    from eduequity import registry

    std = registry().standard("cn.quality-balance-2017")
    r = CliRunner().invoke(main, ["standards", "show", std.id], env={"COLUMNS": "30"})
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    for c in std.criteria:  # each id on a line of its own, whole
        assert any(line.split() and line.split()[0] == c.id for line in lines), c.id
    for m in std.metrics:
        assert any(m.key in line and m.zh in line and m.kind in line for line in lines), m.key
    assert "教督〔2017〕6号" in r.output and "confidence R" in r.output and "教学及辅助用房面积" in r.output
    assert "小学 4.5 / 初中 5.8" in r.output  # the teaching-area thresholds per level
    r = CliRunner().invoke(main, ["standards", "show", "cn.quality-balance-2071"])
    assert r.exit_code == 2 and "cn.quality-balance-2071" in r.output


def test_a_template_filled_in_is_evaluated_from_both_its_sheets(tmp_path):
    from openpyxl import load_workbook

    import eduequity as ee
    from eduequity.core.columns import BY_NAME

    book = tmp_path / "t.xlsx"
    r = run("template", "cn.basic-balance-2012", "--out", str(book))
    assert r.exit_code == 0, r.output
    std = ee.registry().standard("cn.basic-balance-2012")
    wb = load_workbook(book)
    ws, metrics = wb["学校"], wb["指标"]
    headers = [c.value for c in ws[1]]
    assert {BY_NAME[k].zh for k in std.needed_columns} <= set(headers)
    assert [c.value for c in metrics[1]][:5] == ["年份", "县（市、区）", "学段", "指标", "值"]
    assert [row[3] for row in metrics.iter_rows(min_row=2, values_only=True)] == [m.key for m in std.metrics]
    schools = ee.read_schools(EXAMPLE)
    by_zh = {BY_NAME[k].zh: k for k in BY_NAME}
    for row in schools.itertuples(index=False):
        ws.append([getattr(row, by_zh[h]) for h in headers])
    metrics.cell(2, 1, 2016), metrics.cell(2, 2, "东区"), metrics.cell(2, 5, 0.99)  # the first hint, filled
    wb.save(book)
    out = tmp_path / "r.json"
    r = run("evaluate", str(book), "-s", std.id, "--out", str(out))
    assert r.exit_code == 0, r.output
    ev = ee.evaluate(ee.read_schools(book), std, metrics=book)
    observed = ev.targets[ev.targets["value"].notna()]
    assert list(zip(observed["year"], observed["county"], observed["metric"], strict=True)) == [
        (2016, "东区", std.metrics[0].key)]
    assert len(ev.verdicts) == len(ee.evaluate(schools, std).verdicts)
    assert run("template", std.id, "--out", str(book)).exit_code == 2  # never over a file


def test_a_metrics_file_that_is_not_a_workbook_exits_2(tmp_path):
    bad = tmp_path / "m.xlsx"
    bad.write_bytes(b"not a zip")
    r = CliRunner().invoke(main, [*BASE, "--metrics", str(bad)])
    assert r.exit_code == 2 and "m.xlsx" in r.output and "readable .xlsx" in r.output and "Traceback" not in r.output


# -- schedules ----------------------------------------------------------------------------------------

def test_schedules_lists_every_id_whole_at_any_width():
    from eduequity import registry

    r = CliRunner().invoke(main, ["schedules"], env={"COLUMNS": "30"})
    assert r.exit_code == 0, r.output
    firsts = [line.split()[0] for line in r.output.splitlines()[1:]]
    assert firsts == sorted(registry().schedules)
    assert "10 by 2015 · 30 by 2017 · 60 by 2020" in r.output


def test_schedules_show_gives_kind_units_source_milestones_and_county_years():
    r = run("schedules", "show", "panzhihua.county-balance-2015")
    assert r.exit_code == 0, r.output
    assert "counts: basic-balance recognitions" in r.output and "lead unit 牵头单位: 市教育体育局" in r.output
    assert "  2015  5  100.0%" in r.output and "  米易县  2015" in r.output and "攀办发〔2015〕2号 一、" in r.output
    r = CliRunner().invoke(main, ["schedules", "show", "panzhihua.county-balance-2051"])
    assert r.exit_code == 2 and "unknown schedule 'panzhihua.county-balance-2051'" in r.output


def test_track_takes_target_years_and_speaks_english(tmp_path):
    rec, years = tmp_path / "rec.csv", tmp_path / "years.csv"
    pd.DataFrame({"county": ["南关区", "宽城区", "朝阳区"], "year": [2013, 2015, 2017]}).to_csv(rec, index=False)
    pd.DataFrame({"county": ["南关区", "宽城区", "朝阳区", "二道区"],
                  "target_year": [2014, 2015, 2016, 2020]}).to_csv(years, index=False)
    r = run("track", "jilin.county-balance-2011", str(rec), "--target-years", str(years), "--as-of", "2017",
            "--lang", "en", "--format", "json")
    counties = __import__("json").loads(r.output)["counties"]["data"]
    got = dict(zip(counties["county"], counties["status"], strict=True))
    assert [got[c] for c in ("南关区", "宽城区", "朝阳区", "二道区")] == ["early", "on time", "late", "pending"]
    r = run("track", "jilin.county-balance-2011", str(rec), "--target-years", str(years), "--as-of", "2017",
            "--lang", "en")
    assert r.exit_code == 0, r.output
    assert "# Jilin: counties reaching basic balance, in three phases (2011-2020)" in r.output
    for row in ("| 南关区 | 2014 | 2013 | early |", "| 宽城区 | 2015 | 2015 | on time |",
                "| 朝阳区 | 2016 | 2017 | late |", "| 二道区 | 2020 | — | pending |"):
        assert row in r.output, row
    assert "提前" not in r.output and "逾期" not in r.output


def test_track_of_recognitions_without_a_kind_against_another_kind_exits_2(tmp_path):
    rec = tmp_path / "rec.csv"
    pd.DataFrame({"county": ["南关区"], "year": [2012]}).to_csv(rec, index=False)
    r = CliRunner().invoke(main, ["track", "jilin.preliminary-balance-2012", str(rec)])
    assert r.exit_code == 2 and "kind" in r.output and "counts preliminary" in r.output
