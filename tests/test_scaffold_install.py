"""A generated plugin, installed into a fresh virtual environment, as its author would install it.

One test, end to end and offline: ``eduequity new-jurisdiction`` writes the package, pip
installs it (editable, ``--no-deps --no-build-isolation``: hatchling comes with the test
extra), and in that environment ``ee.registry()`` finds its standard and schedule through
the entry point, the package's own tests pass, ``eduequity check-plugin`` finds nothing,
and ``eduequity track`` says early, on time, late and pending from the schedule file.

The fresh environment has no packages of its own but the plugin: it sees this
environment's (eduequity, pandas, pip, …) through a ``.pth`` file, so nothing is
downloaded and it takes seconds, not minutes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

ID = "demoshi"


def sh(*args: str | Path, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done


def fresh_environment(where: Path) -> Path:
    """A virtual environment without pip whose site-packages reach this one's; its python."""
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--without-pip", str(where)], check=True, timeout=120)
    python = where / "bin" / "python"
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    assert Path(purelib).resolve() != Path(sysconfig.get_paths()["purelib"]).resolve()
    # addsitedir, not a bare path: this environment's own .pth files (the editable installs) run too
    (Path(purelib) / "_eduequity_parent.pth").write_text(
        f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n", encoding="utf-8")
    return python


def test_a_generated_plugin_installs_registers_passes_its_tests_and_tracks_from_the_command_line(tmp_path):
    started = time.monotonic()
    python = fresh_environment(tmp_path / "venv")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "EDUEQUITY_DISABLE_PLUGINS")}
    env["PIP_NO_INDEX"] = "1"  # nothing may be downloaded
    cli = (python, "-m", "eduequity")

    sh(*cli, "new-jurisdiction", ID, "--name", "示例市", "--parent", "sichuan", cwd=tmp_path, env=env)
    package = tmp_path / f"eduequity-{ID}"
    sh(python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "-e", package,
       cwd=tmp_path, env=env)

    seen = sh(python, "-c", "import eduequity as ee; r = ee.registry(); "
              f"print(r.owners['{ID}.plan-2021'], r.owners['{ID}.county-balance-2021'], "
              f"sorted(c.name for c in r.jurisdictions['{ID}'].counties))", cwd=tmp_path, env=env)
    assert seen.stdout.split(" ", 2) == [f"eduequity-{ID}", f"eduequity-{ID}", "['丙县', '乙县', '甲区']\n"]
    # ... and not in this environment: the install went into the fresh one only
    assert f"{ID}.plan-2021" not in __import__("eduequity").registry().standards

    tests = sh(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=package, env=env)
    assert "4 passed" in tests.stdout, tests.stdout
    checked = sh(*cli, "check-plugin", f"eduequity-{ID}", "--max-examples", "3", cwd=tmp_path, env=env)
    assert checked.stdout == "" and f"eduequity-{ID}: conforms" in checked.stderr

    # The schedule file's own county years: 甲区 2023, 乙县 2025, 丙县 2025; as of 2025.
    rec = tmp_path / "recognitions.csv"
    rec.write_text("county,year,kind\n甲区,2022,quality-balance\n乙县,2025,quality-balance\n", encoding="utf-8")
    years = tmp_path / "years.csv"
    years.write_text("county,target_year\n丙县,2026\n", encoding="utf-8")  # a later year from the bureau's own annex
    report = sh(*cli, "track", f"{ID}.county-balance-2021", rec, "--as-of", "2025", "--lang", "en", cwd=tmp_path,
                env=env).stdout
    for row in ("| 甲区 | 2023 | 2022 | early |", "| 乙县 | 2025 | 2025 | on time |", "| 丙县 | 2025 | — | late |"):
        assert row in report, report
    report = sh(*cli, "track", f"{ID}.county-balance-2021", rec, "--as-of", "2025", "--target-years", years,
                "--lang", "en", cwd=tmp_path, env=env).stdout
    assert "| 丙县 | 2026 | — | pending |" in report, report
    assert time.monotonic() - started < 120  # about 30 s on two shared cores; well under a minute alone
