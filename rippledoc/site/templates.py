"""Where the site's templates are: the shipped ones, and a workspace's own that override them by name.

Lookup order for a template name such as ``client.html``:

1. ``WORKSPACE/site_templates/client.html`` (a person's override),
2. ``site_templates/client.html`` of the repository, shipped in the package (the default).

Kept apart from ``render`` (Jinja2, markdown) so that ``check`` can find the templates without importing them.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

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
