"""The national standards and the jurisdiction tree, as a built-in plugin.

Written exactly like a province plugin would be: the standards are TOML data
files beside this module, and the hooks only point at them. Registered before
installed plugins so a province's additions build on ``cn`` and the provinces.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ..core.hookspecs import hookimpl
from ..core.jurisdictions import Jurisdiction

HERE = Path(__file__).parent
#: The section weights of mixed schools (nine-year, complete secondary, twelve-year), each with
#: its source; read by ``read_schools`` (``eduequity.read.split.national_weights``).
SECTION_WEIGHTS = HERE / "data" / "section-weights.toml"


@hookimpl
def eduequity_jurisdictions() -> list[Jurisdiction]:
    # Provinces: GB/T 2260 codes, from the shared reference data (provinces.csv).
    with (HERE / "data" / "provinces.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [Jurisdiction("cn", "中华人民共和国", "China", None, "", "country")] + [
        Jurisdiction(r["id"], r["name_zh"], r["name_en"], "cn", r["code"], r["kind"]) for r in rows
    ]


@hookimpl
def eduequity_standards() -> list[Path]:
    return sorted((HERE / "standards").glob("*.toml"))
