"""The shape of the code, checked: layers without a circle, small functions and modules,
criterion kinds known in their own modules, plugins on the public API only.

These read the source with ``ast`` (nothing is imported), so they say where a rule
is broken: the cycle's modules, the function and its length, the line that switches
on a kind.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "eduequity"
PLUGINS = sorted((ROOT / "plugins").glob("*/src/*"))
MAX_FUNCTION, MAX_MODULE = 60, 600
KIND_SWITCHES = 6
#: The criterion kinds, by their record classes; ``criteria/`` holds one module for each.
KINDS = ("SchoolThreshold", "Dispersion", "Trend", "Recognition", "MetricTarget")


def modules(root: Path = SRC, package: str = "eduequity") -> dict[str, Path]:
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join([package, *parts])] = path
    return out


def _type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports(path: Path, name: str, known: set[str]) -> Iterator[tuple[str, int]]:
    """(module imported, line) for every import of ``path``, function-local ones included and
    ``if TYPE_CHECKING:`` blocks left out; only modules of the package count."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    skip: set[int] = set()
    for node in ast.walk(tree):
        if _type_checking(node):
            skip |= {id(n) for n in ast.walk(node)}
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        for t in targets:
            while t and t not in known:
                t = t.rpartition(".")[0]
            if t and t != name:
                yield t, node.lineno


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: {t for t, _ in imports(path, name, set(mods))} for name, path in mods.items()}


def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph, as a path of modules, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        stack.pop()
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_import_graph_has_no_cycle():
    found = cycle(graph())
    assert found is None, " -> ".join(found)


def test_the_cycle_finder_finds_a_cycle():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set()}) is None


def functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def body_lines(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines of a function, its docstring not counted."""
    body = fn.body
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
            and isinstance(body[0].value.value, str):
        start = body[1].lineno if len(body) > 1 else fn.end_lineno
        doc = start - body[0].lineno
    else:
        doc = 0
    return fn.end_lineno - fn.lineno + 1 - doc


def test_no_function_is_longer_than_60_lines():
    long = []
    for name, path in modules().items():
        for fn in functions(ast.parse(path.read_text(encoding="utf-8"))):
            if (n := body_lines(fn)) > MAX_FUNCTION:
                long.append(f"{name}.{fn.name} (line {fn.lineno}): {n} lines")
    assert not long, "\n".join(long)


def test_no_module_is_longer_than_600_lines():
    long = [f"{name}: {n}" for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE]
    assert not long, "\n".join(long)


def kind_switches(tree: ast.AST) -> Iterator[int]:
    """Lines that switch on a criterion kind: ``isinstance(x, Kind)``, a ``case Kind(...)``,
    or a comparison with a kind's ``KIND`` name."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "isinstance" and len(node.args) == 2:
            if any(k in ast.unparse(node.args[1]) for k in KINDS):
                yield node.lineno
        elif isinstance(node, ast.MatchClass) and ast.unparse(node.cls).split(".")[-1] in KINDS:
            yield node.lineno
        elif isinstance(node, ast.Compare) and "KIND" in ast.unparse(node):
            yield node.lineno


def test_criterion_kinds_are_known_in_their_own_modules():
    own = {f"eduequity.criteria.{m}" for m in ("threshold", "dispersion", "trend", "recognition", "target")}
    found = [f"{name}:{line}" for name, path in modules().items() if name not in own
             for line in kind_switches(ast.parse(path.read_text(encoding="utf-8")))]
    assert len(found) <= KIND_SWITCHES, "places that switch on a criterion kind:\n" + "\n".join(found)


@pytest.mark.parametrize("plugin", PLUGINS, ids=[p.name for p in PLUGINS])
def test_plugins_import_eduequity_only(plugin):
    wrong = []
    for path in plugin.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            wrong += [f"{path.name}:{node.lineno} {n}" for n in names if n.startswith("eduequity.")]
    assert not wrong, "\n".join(wrong)


def test_the_public_surface_is_what_is_exported():
    import eduequity as ee

    assert set(dir(ee)) - set(ee.__all__) <= {"__version__"}
    for name in ee.__all__:
        assert getattr(ee, name) is not None, name
    source = (SRC / "__init__.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    typed = {a.asname or a.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level
             for a in node.names}
    assert set(ee.__all__) <= typed, f"missing from the TYPE_CHECKING imports: {sorted(set(ee.__all__) - typed)}"
