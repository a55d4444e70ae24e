"""Where the time goes: cProfile of ``read_schools`` and ``evaluate`` on the national panel.

    ./dev python benchmarks/profile_national.py                 # full panel, top 25 of each
    ./dev python benchmarks/profile_national.py --top 40 --counties 285
    ./dev python benchmarks/profile_national.py --dump /tmp/prof   # also write .prof files (snakeviz, pstats)
    ./dev python benchmarks/profile_national.py --pyinstrument     # a call tree with lines (pip install pyinstrument;
                                                                   # a local tool, not a dependency of the project)

Each of read_schools, evaluate(basic) and evaluate(quality) is run once untraced
(first use, caches) and then once under cProfile; the functions are listed by
cumulative time, restricted to eduequity's own code and the library calls it
makes directly (``--all`` lists everything). cProfile adds a little per Python
call; most of the time here is in numpy/pandas C code, so the proportions hold.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import national  # noqa: E402


def tree(label: str, fn, interval: float) -> None:
    """pyinstrument's call tree (statistical, ``interval`` seconds), with file:line of each frame."""
    from pyinstrument import Profiler

    fn()  # first use
    prof = Profiler(interval=interval)
    prof.start()
    fn()
    prof.stop()
    print(f"==== {label}")
    print(prof.output_text(unicode=True, color=False, show_all=False, short_mode=False))


def profile(label: str, fn, top: int, show_all: bool, dump: Path | None) -> None:
    fn()  # first use
    prof = cProfile.Profile()
    t = time.perf_counter()
    prof.enable()
    fn()
    prof.disable()
    wall = time.perf_counter() - t
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf).sort_stats("cumulative")
    if dump is not None:
        dump.mkdir(parents=True, exist_ok=True)
        stats.dump_stats(dump / f"{label.replace(' ', '_')}.prof")
    if show_all:
        stats.print_stats(top)
    else:
        stats.print_stats("eduequity", top)
    print(f"==== {label}: {wall:.2f} s under cProfile")
    print("\n".join(ln for ln in buf.getvalue().splitlines() if ln.strip() and not ln.startswith("   Ordered")))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--counties", type=int, default=2850)
    ap.add_argument("--years", type=int, default=15)
    ap.add_argument("--sections", type=float, default=74.0)
    ap.add_argument("--seed", type=int, default=20250101)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--all", action="store_true", help="list every function, not only eduequity's")
    ap.add_argument("--dump", type=Path, help="folder for .prof files")
    ap.add_argument("--only", choices=["read", "basic", "quality"], action="append")
    ap.add_argument("--pyinstrument", action="store_true", help="a pyinstrument call tree instead of cProfile")
    args = ap.parse_args(argv)

    import eduequity as ee

    df = national.make_panel(args.counties, args.years, args.sections, args.seed)
    frame = ee.read_schools(df)
    print(f"panel: {len(df):,} sections; {national.machine()}")
    only = args.only or ["read", "basic", "quality"]
    runs = {"read": ("read_schools", lambda: ee.read_schools(df)),
            "basic": ("evaluate basic", lambda: ee.evaluate(frame, national.BASIC)),
            "quality": ("evaluate quality", lambda: ee.evaluate(frame, national.QUALITY))}
    for key in ("read", "basic", "quality"):
        if key in only:
            label, fn = runs[key]
            if args.pyinstrument:
                tree(label, fn, 0.001)
            else:
                profile(label, fn, args.top, args.all, args.dump)


if __name__ == "__main__":
    main()
