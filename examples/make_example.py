"""Write the bundled example data: SYNTHETIC school statistics with real county names.

The generator lives in ``eduequity.demo`` so that ``eduequity demo`` and these
files are the same data; see its docstring for what is and is not real.

    python examples/make_example.py
"""

from __future__ import annotations

from pathlib import Path

from eduequity import demo

HERE = Path(__file__).parent

if __name__ == "__main__":
    demo.panzhihua_schools().to_csv(HERE / "panzhihua-schools-synthetic.csv", index=False, encoding="utf-8")
    demo.jilin_schools().to_csv(HERE / "jilin-schools-synthetic.csv", index=False, encoding="utf-8")
    demo.recognitions_jilin().to_csv(HERE / "jilin-recognitions-synthetic.csv", index=False, encoding="utf-8")
    print("wrote the synthetic examples to", HERE)
