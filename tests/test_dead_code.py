"""Every module-level function, class and constant of rippledoc is used: by the package, its templates or a test."""
from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "rippledoc"
TESTS = Path(__file__).resolve().parent


def _defined(tree: ast.Module) -> list[str]:
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.decorator_list:  # click commands: by name
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                names += [e.id for e in (target.elts if isinstance(target, ast.Tuple) else [target])
                          if isinstance(e, ast.Name)]
    return [n for n in names if not n.startswith("__")]


def test_nothing_is_defined_without_a_use():
    sources = {p: p.read_text(encoding="utf-8") for p in sorted(PACKAGE.rglob("*.py"))}
    everything = "\n".join([*sources.values(), *(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.html")),
                            *(p.read_text(encoding="utf-8") for p in TESTS.glob("*.py") if p.name != Path(__file__).name)])
    words = Counter(re.findall(r"\w+", everything))
    unused = [f"{path.relative_to(PACKAGE.parent)}: {name}"
              for path, text in sources.items() for name in _defined(ast.parse(text)) if words[name] <= 1]
    assert unused == []
