"""A book's site templates: where they are looked up, and what ``check`` says of the workspace's own (W500).

Lookup order for a template name such as ``client.html``:

1. ``WORKSPACE/site_templates/client.html`` (a person's override),
2. ``site_templates/client.html`` of rippledoc's repository, shipped in the package (the default).

An override takes effect by name, so a misspelt file name (``clinet.html``) or a block the template it
extends never shows (``{% block sidebar %}`` in a ``base.html`` child) would be silently ignored by the
build: W500 says so, with the file and line. A template of the workspace that another of its templates
includes, imports or extends is its own part, not an override. The site renders the templates
(``rippledoc/site/render.py``); the book knows where they are, so ``check`` can judge them without the site,
and imports Jinja2 (to parse them) only for a book that has templates of its own.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

from rippledoc.diagnostics import Diagnostic, warning
from rippledoc.parse.fields import did_you_mean

TEMPLATE_DIR = "site_templates"


SHIPPED = "rippledoc.site_templates"  # the shipped templates, installed as this package's data (pyproject.toml)


def shipped_templates() -> Path:
    """The folder of the shipped templates: ``site_templates/`` at the top of the repository, installed as
    ``rippledoc/site_templates/`` by a wheel and mapped to the repository's folder by an editable install."""
    try:
        spec = importlib.util.find_spec(SHIPPED)
    except ImportError:
        spec = None
    if spec is not None and spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0])
    return Path(__file__).resolve().parents[2] / TEMPLATE_DIR  # a checkout imported without installing it


def template_dirs(root: Path) -> list[Path]:
    """Where templates are looked for, first match wins: the workspace's own, then the shipped ones (once, when
    the workspace is the repository itself, whose site_templates/ are the shipped ones)."""
    dirs = [root / TEMPLATE_DIR, shipped_templates()]
    found = [d for d in dirs if d.is_dir()]
    return found[1:] if len(found) == 2 and found[0].resolve() == found[1].resolve() else found


ASSETS = "assets"


def _templates(folder: Path) -> dict[str, Path]:
    """name as a template names it (``client.html``, ``parts/x.html``) -> file; the assets left out."""
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*.html"))
            if p.is_file() and p.relative_to(folder).parts[0] != ASSETS}


def _column(path: Path, line: int, word: str) -> int:
    try:
        text = path.read_text("utf-8").splitlines()[line - 1]
    except (OSError, UnicodeDecodeError, IndexError):
        return 1
    at = text.find(word)
    start = text.rfind("{%", 0, at) if at >= 0 else -1
    return start + 1 if start >= 0 else at + 1 if at >= 0 else 1


def override_problems(root: Path) -> list[Diagnostic]:
    """W500 for each template of ``root/site_templates`` that overrides nothing, and each block a template
    defines that the template it extends does not have."""
    folder, shipped = root / TEMPLATE_DIR, shipped_templates()
    if not folder.is_dir() or (shipped.is_dir() and folder.resolve() == shipped.resolve()):
        return []  # no overrides, or the repository itself, whose site_templates/ are the shipped ones
    import jinja2  # to parse the templates: only a book with templates of its own imports it
    from jinja2 import nodes
    env = jinja2.Environment()

    def _parse(path: Path) -> nodes.Template | None:
        """The template's syntax tree; None when it cannot be read or parsed (the build says why, with its line)."""
        try:
            return env.parse(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, jinja2.TemplateSyntaxError):
            return None

    def _names(tree: nodes.Template, kind: type[nodes.Node]) -> list[str]:
        """The template names that ``kind`` nodes (extends, include, import) name as constants."""
        return [n.template.value for n in tree.find_all(kind)  # type: ignore[attr-defined]
                if isinstance(getattr(n, "template", None), nodes.Const)
                and isinstance(n.template.value, str)]  # type: ignore[attr-defined]
    mine, theirs = _templates(folder), _templates(shipped) if shipped.is_dir() else {}
    trees = {name: _parse(path) for name, path in mine.items()}
    used = {ref for tree in trees.values() if tree is not None
            for kind in (nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport) for ref in _names(tree, kind)}
    out = []
    for name in mine:
        if name not in theirs and name not in used:
            close = did_you_mean(name.removesuffix(".html"), tuple(t.removesuffix(".html") for t in theirs))
            hint = (close.replace("'?", ".html'?") if close else f"the templates are {', '.join(sorted(theirs))}")
            out.append(warning(f"{TEMPLATE_DIR}/{name}", 1, 1, "W500",
                               f"'{name}' overrides no template of the site, and no template of the workspace "
                               "uses it: it is never shown", hint))

    def blocks(name: str, seen: frozenset[str]) -> set[str] | None:
        """Every block a template and the templates it extends define; None when that is not known."""
        path = mine.get(name) if name not in seen else None
        path = path or theirs.get(name)
        tree = _parse(path) if path is not None else None
        if tree is None:
            return None
        found = {b.name for b in tree.find_all(nodes.Block)}
        for parent in _names(tree, nodes.Extends):
            above = blocks(parent, seen | {name})
            if above is None:
                return None
            found |= above
        return found

    for name, tree in trees.items():
        if tree is None:
            continue
        for parent in _names(tree, nodes.Extends):
            known = blocks(parent, frozenset({name}))
            if known is None:
                continue  # a parent that does not exist: the build says so
            for block in tree.find_all(nodes.Block):
                if block.name not in known:
                    out.append(warning(
                        f"{TEMPLATE_DIR}/{name}", block.lineno, _column(mine[name], block.lineno, block.name), "W500",
                        f"'{{% block {block.name} %}}' is not a block of {parent}, so it is never shown",
                        did_you_mean(block.name, tuple(sorted(known))) or
                        f"the blocks of {parent} are {', '.join(sorted(known)) or 'none'}"))
    return out
