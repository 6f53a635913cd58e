"""rippledoc: client relationships kept as plain text.

Library use::

    from rippledoc import load_workspace
    workspace, diagnostics = load_workspace("path/to/book", today=date.today())
"""
from __future__ import annotations

__version__ = "0.1.0"


def __getattr__(name: str):  # keep `import rippledoc` (and so `rippledoc --help`) light
    if name == "load_workspace":
        from rippledoc.book.loader import load_workspace
        return load_workspace
    raise AttributeError(name)


__all__ = ["load_workspace", "__version__"]
