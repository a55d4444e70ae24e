"""The reports opened in a real headless browser, where the machine has Debian's chromium.

The page is printed to PDF by the browser itself (the print stylesheet at work: A4, a
page per county) and its visible text is read back from the DOM, so what a reviewer
sees holds no Python literals and no ids. Outside CI the test skips without chromium;
in CI (``CI`` set) a missing browser is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import eduequity as ee

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "panzhihua-schools-synthetic.csv"
pytestmark = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                                reason="no chromium on this machine (Debian package 'chromium')")
LITERALS = re.compile(r"\b(True|False|None|nan|NaN)\b|<NA>|\b[a-z]+_[a-z0-9_]+\b|cn\.[a-z]")


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    assert CHROMIUM, "CI needs Debian's chromium (apt-get install -y chromium fonts-noto-cjk)"
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
         *args], capture_output=True, text=True, timeout=180, check=True)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    ev = ee.evaluate(ee.read_schools(EXAMPLE), "cn.quality-balance-2017")
    path = tmp / "report.html"
    path.write_text(ee.render(ev, "html"), encoding="utf-8")
    return tmp, path, ev


def test_the_html_report_loads_in_chromium_with_its_chart_in_one_language(page):
    tmp, path, _ = page
    dom = chromium(tmp, "--dump-dom", path.as_uri()).stdout
    assert "<svg" in dom  # the charts drew
    assert "米易县" in dom and "概要" in dom and "分县报告" in dom
    text = re.sub(r"<style>.*?</style>|<svg.*?</svg>", " ", dom, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    found = sorted(set(m[0] for m in LITERALS.finditer(text)))
    assert not found, found
    for word in ("not met", "not assessable", "primary", "junior", "schools fail"):
        assert word not in text, word


def test_chromium_prints_a_page_per_county(page):
    tmp, path, ev = page
    pdf = tmp / "report.pdf"
    chromium(tmp, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", path.as_uri())
    data = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    counties = ev.verdicts["county"].nunique()
    assert counties < pages < 400, pages  # a page or more per county, not the sideways hundreds
