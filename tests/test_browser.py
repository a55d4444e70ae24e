"""The demo's HTML opened in a real headless browser, where the machine has Debian's chromium."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import eduequity as ee

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on this machine (Debian package 'chromium')")
def test_the_html_report_loads_in_chromium_with_its_chart(tmp_path):
    frame = ee.read_schools(Path(__file__).resolve().parents[1] / "examples" / "panzhihua-schools-synthetic.csv")
    page = tmp_path / "report.html"
    page.write_text(ee.render(ee.evaluate(frame, "cn.basic-balance-2012"), "html"), encoding="utf-8")
    dom = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
         "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=True).stdout
    assert "<svg" in dom and "综合差异系数" in dom and "米易县" in dom
