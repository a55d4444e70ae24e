"""The documentation site: it builds with ``mkdocs build --strict``, every page is in the
nav, and the command-line page keeps up with the commands.

The ```python blocks of every page are run by tests/test_docs.py; the ```sh blocks of
docs/cli.md are run here, in process, command by command. A code block with a title
(```toml title="plugins/jilin/pyproject.toml") is a listing of a repository file,
included by pymdownx.snippets, not an example: the file is tested where it lives.

Run as a script, this prints the reference part of docs/cli.md from the commands'
own ``--help``, to paste over the page's reference section when a command changes:

    ./dev python tests/test_docs_site.py
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CLI_PAGE = DOCS / "cli.md"
WIDTH = 88  # the help text's width on the page, whatever the terminal running the test
LISTING = re.compile(r"^```\w+ title=\"[^\"]+\"\n(.*?)^```", re.S | re.M)
SNIPPET = re.compile(r'^--8<-- "([^":]+)(?::\d+:\d+)?"$')


def commands():
    """Every command the ``eduequity`` group registers, nested groups included: (path, command)."""
    import click

    from eduequity.cli import main

    def walk(cmd, path):
        yield path, cmd
        if isinstance(cmd, click.Group):
            for name in sorted(cmd.commands):
                if not cmd.commands[name].hidden:
                    yield from walk(cmd.commands[name], (*path, name))

    return list(walk(main, ("eduequity",)))


def help_text(path: tuple[str, ...]) -> str:
    """What ``eduequity … --help`` prints, at the page's width."""
    from click.testing import CliRunner

    from eduequity.cli import main

    result = CliRunner().invoke(main, [*path[1:], "--help"], prog_name="eduequity", terminal_width=WIDTH)
    assert result.exit_code == 0, result.output
    return result.output.rstrip()


def reference() -> str:
    """The reference section of docs/cli.md: a heading and the ``--help`` of every command."""
    parts = []
    for path, _ in commands():
        parts.append(f"### `{' '.join(path)}`\n\n```text\n{help_text(path)}\n```\n")
    return "\n".join(parts)


def sections(text: str) -> dict[str, str]:
    """The page's ``### `eduequity …``` sections by command, each up to the next heading."""
    found = {}
    for match in re.finditer(r"^### `(eduequity[^`]*)`\n(.*?)(?=^#{1,3} |\Z)", text, re.S | re.M):
        found[match.group(1)] = match.group(2)
    return found


def nav_pages(nav) -> list[str]:
    """The Markdown files a MkDocs nav names, in order."""
    if isinstance(nav, str):
        return [nav] if nav.endswith(".md") else []
    if isinstance(nav, list):
        return [p for item in nav for p in nav_pages(item)]
    if isinstance(nav, dict):
        return [p for value in nav.values() for p in nav_pages(value)]
    return []


def test_the_site_builds_strict(tmp_path):
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}  # Material's notice about its successor, not a warning of ours
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    seconds = time.perf_counter() - start
    assert done.returncode == 0, f"mkdocs build --strict failed ({seconds:.1f} s):\n{done.stderr[-6000:]}"
    assert "WARNING" not in done.stderr, done.stderr
    print(f"mkdocs build --strict: {seconds:.1f} s")
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "eduequity" in index
    api = (site / "api" / "evaluate" / "index.html").read_text(encoding="utf-8")
    assert 'id="eduequity.evaluate"' in api and 'id="eduequity.Evaluation"' in api
    # The listings of the worked examples are the plugins' files, included whole.
    plugins = (site / "plugins" / "index.html").read_text(encoding="utf-8")
    assert "吉政办发〔2011〕18号" in plugins and "eduequity_panzhihua" in plugins
    assert "--8&lt;--" not in plugins and "--8<--" not in plugins


def test_every_page_is_in_the_nav():
    import yaml

    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    listed = nav_pages(config["nav"])
    pages = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))
    assert sorted(set(listed)) == pages, "pages not in the nav, or nav entries without a page"
    assert len(listed) == len(set(listed)), "a page listed twice"


def test_the_config_stays_plain():
    """Search and mkdocstrings only, no hooks, no theme overrides: what Zensical builds too."""
    import yaml

    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    plugins = [p if isinstance(p, str) else next(iter(p)) for p in config["plugins"]]
    assert plugins == ["search", "mkdocstrings"]
    assert "hooks" not in config and "custom_dir" not in config["theme"]
    assert config["theme"]["name"] == "material"


def test_every_public_name_has_an_api_entry():
    """``eduequity.__all__`` is the public API (api.md): each name has its ``::: eduequity.NAME``
    on an API page. griffe cannot read ``__all__`` itself (it is computed), so the pages
    list the names, and this keeps the list whole when a name is added."""
    import eduequity as ee

    text = "\n".join(p.read_text(encoding="utf-8") for p in (DOCS / "api").glob("*.md"))
    documented = set(re.findall(r"^::: eduequity\.(\w+)\s*$", text, re.M))
    assert set(ee.__all__) - documented == set(), "public names without an API entry"
    assert documented - set(ee.__all__) <= {"core", "testing"}, "API entries for names that are not public"


def test_listings_are_repository_files():
    """A titled code block holds one snippet include of a file that exists, and nothing else,
    so no example escapes tests/test_docs.py by wearing a title."""
    for page in DOCS.rglob("*.md"):
        for body in LISTING.findall(page.read_text(encoding="utf-8")):
            lines = body.strip().splitlines()
            assert len(lines) == 1, f"{page.name}: a titled block that is not one snippet include:\n{body}"
            match = SNIPPET.match(lines[0])
            assert match, f"{page.name}: {lines[0]!r} is not a snippet include"
            assert (ROOT / match.group(1)).is_file(), f"{page.name}: {match.group(1)} does not exist"


def test_the_cli_page_has_every_command_and_option():
    text = CLI_PAGE.read_text(encoding="utf-8")
    found = sections(text)
    for path, cmd in commands():
        name = " ".join(path)
        assert name in found, f"docs/cli.md has no section '### `{name}`' (./dev python tests/test_docs_site.py prints it)"
        for param in cmd.params:
            for opt in getattr(param, "opts", ()):
                if opt.startswith("--"):
                    assert opt in found[name], f"docs/cli.md: section '{name}' does not mention {opt}"
    documented = set(found)
    registered = {" ".join(path) for path, _ in commands()}
    assert documented <= registered, f"docs/cli.md documents commands that do not exist: {documented - registered}"


def test_the_cli_page_help_is_current():
    """The help shown on the page is what the commands print now (regenerate with the script)."""
    found = sections(CLI_PAGE.read_text(encoding="utf-8"))
    for path, _ in commands():
        name = " ".join(path)
        shown = re.search(r"```text\n(.*?)\n```", found.get(name, ""), re.S)
        assert shown and shown.group(1) == help_text(path), (
            f"docs/cli.md: the help of '{name}' is not what the command prints; "
            "./dev python tests/test_docs_site.py prints the current reference")


def cli_examples() -> list[str]:
    text = CLI_PAGE.read_text(encoding="utf-8").split("## Reference", 1)[0]
    lines = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, re.S | re.M):
        lines += [ln.split("  #")[0].strip() for ln in block.splitlines() if ln.startswith("eduequity ")]
    return lines


def test_the_cli_examples_run(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from eduequity.cli import main

    examples = cli_examples()
    assert len(examples) >= 8
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for line in examples:
        args = shlex.split(line)
        assert args[0] == "eduequity" and not set(args) & {"|", ">", "<", "&&"}, line
        result = runner.invoke(main, args[1:], prog_name="eduequity")
        assert result.exit_code == 0, f"{line}\n{result.output}"
        out = args[args.index("--out") + 1] if "--out" in args else None
        assert out is None or (tmp_path / out).exists(), f"{line} wrote no {out}"


if __name__ == "__main__":  # pragma: no cover - a maintainer's tool
    print(reference())
