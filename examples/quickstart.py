"""The main job on the bundled example: read a bureau's spreadsheet, judge it
against both national methods, print the verdicts and a Markdown report.

    ./dev demo            # or: python examples/quickstart.py [FILE]

The data is SYNTHETIC (see make_example.py); the standards are the real ones.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

import eduequity as ee

HERE = Path(__file__).parent


def main(path: Path = HERE / "panzhihua-schools-synthetic.csv") -> None:
    frame = ee.read_schools(path)
    # County-level observations for the prerequisites and targets (also synthetic).
    metrics = pd.DataFrame({
        "year": [2016] * 6,
        "county": ["东区", "东区", "东区", "仁和区", "仁和区", "仁和区"],
        "metric": ["schools_meeting_provincial_standard", "government_work_score", "public_satisfaction"] * 2,
        "value": [1.0, 91.5, 0.93, 1.0, 88.0, 0.84],
    })
    recognitions = pd.DataFrame({"county": ["东区", "西区"], "year": [2013, 2014], "kind": "basic-balance"})
    for standard in ("cn.basic-balance-2012", "cn.quality-balance-2017"):
        ev = ee.evaluate(frame, standard, metrics=metrics, recognitions=recognitions)
        print(f"== {ev.standard.id} ({ev.standard.source.document}) ==")
        print(f"{ev.evaluated_rows} of {ev.input_rows} rows evaluated; {len(ev.excluded)} excluded")
        print(ev.verdicts[["year", "county", "status"]].to_string(index=False))
        print()
        if standard == "cn.basic-balance-2012":
            print(ev.counties[["year", "county", "level", "composite_cv", "composite_limit", "status"]]
                  .to_string(index=False, float_format="%.3f"))
            print()
            print(ee.render(ev, "markdown")[:1200], "…\n")


if __name__ == "__main__":
    main(*(Path(a) for a in sys.argv[1:2]))
