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
