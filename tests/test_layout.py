"""The folders show the pipeline: no module of rippledoc imports, even inside a function, one that imports it back,
and no stage imports a later one.

read -> parse -> book -> views -> (edit, team, exchange) -> site -> cli, with lsp beside cli; model.py,
diagnostics.py are the shared bottom every stage may use (clock.py reads rippledoc.yaml: it stands with book). The package itself (``rippledoc``, whose
``load_book`` is the library's front door) and ``__main__`` sit on top. An import of a module's own parent
package (``from rippledoc import __version__``) is no edge: Python imports the parents of every module first.
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "rippledoc"

# The stage of each subpackage: a module may import its own stage and lower ones, never a higher one.
STAGES = {"read": 1, "parse": 2, "book": 3, "views": 4, "edit": 5, "team": 5, "exchange": 5, "site": 6,
          "cli": 7, "lsp": 7}
BOTTOM = {"rippledoc.model", "rippledoc.diagnostics"}  # stage 0
TOP = {"rippledoc", "rippledoc.__main__"}  # stage 8
# The clock asks for the real date (bottom) but also reads the workspace's zone from rippledoc.yaml, through
# book.loader: so it stands above the book, and only the cli and the site (serve's clock) use it.
MODULE_STAGES = {"rippledoc.clock": 3}


def modules() -> dict[str, Path]:
    """Every module of the package by its dotted name (a package by its own name, for its __init__)."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def imported(name: str, path: Path, known: set[str]) -> set[str]:
    """The rippledoc modules ``name`` imports anywhere in its file: at the top, in functions, relative or not.

    ``from rippledoc.x import y`` imports ``rippledoc.x.y`` when that is a module, else ``rippledoc.x``."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for a in node.names:
                found.add(f"{source}.{a.name}" if f"{source}.{a.name}" in known else source)
    return {m for m in found if m in known and m != name and not name.startswith(m + ".")}


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imported(name, path, set(mods)) for name, path in mods.items()}


def stage(module: str) -> int:
    if module in BOTTOM:
        return 0
    if module in TOP:
        return 8
    if module in MODULE_STAGES:
        return MODULE_STAGES[module]
    part = module.split(".")[1]
    assert part in STAGES, f"{module}: a module outside the stages; put it in one (or add it to BOTTOM)"
    return STAGES[part]


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Each strongly connected group of more than one module (Tarjan), with one cycle through it spelled out."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    groups: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(group)

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return [_cycle_in(group, edges) for group in groups]


def _cycle_in(group: set[str], edges: dict[str, set[str]]) -> list[str]:
    """A shortest path from the group's first module back to itself, inside the group."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(edges[v] & group):
                if w == start:
                    return paths[v] + [start]
                if w not in paths:
                    paths[w] = paths[v] + [w]
                    nxt.append(w)
        frontier = nxt
    raise AssertionError(f"no cycle in {group}")


def test_the_graph_sees_function_level_and_relative_imports(tmp_path):
    pkg = tmp_path / "rippledoc"
    (pkg / "a").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a" / "__init__.py").write_text("")
    (pkg / "a" / "x.py").write_text("def f():\n    from rippledoc.a.y import g\n")
    (pkg / "a" / "y.py").write_text("from . import z\nfrom .x import f\n")
    (pkg / "a" / "z.py").write_text("import rippledoc.model\n")
    known = {"rippledoc", "rippledoc.a", "rippledoc.a.x", "rippledoc.a.y", "rippledoc.a.z", "rippledoc.model"}
    assert imported("rippledoc.a.x", pkg / "a" / "x.py", known) == {"rippledoc.a.y"}
    assert imported("rippledoc.a.y", pkg / "a" / "y.py", known) == {"rippledoc.a.z", "rippledoc.a.x"}
    assert imported("rippledoc.a.z", pkg / "a" / "z.py", known) == {"rippledoc.model"}
    edges = {"rippledoc.a.x": {"rippledoc.a.y"}, "rippledoc.a.y": {"rippledoc.a.z", "rippledoc.a.x"},
             "rippledoc.a.z": set()}
    assert cycles(edges) == [["rippledoc.a.x", "rippledoc.a.y", "rippledoc.a.x"]]


def test_no_module_imports_one_that_imports_it_back():
    found = cycles(graph())
    assert found == [], "import cycles (break each by moving the shared piece to the lower module):\n" + "\n".join(
        " -> ".join(c) for c in found)


def test_no_stage_imports_a_later_one():
    upward = [f"{m} (stage {stage(m)}) imports {d} (stage {stage(d)})"
              for m, deps in sorted(graph().items()) for d in sorted(deps) if stage(d) > stage(m)]
    assert upward == [], "imports against the pipeline read -> parse -> book -> views -> edit/team/exchange -> " \
                         "site -> cli/lsp:\n" + "\n".join(upward)
