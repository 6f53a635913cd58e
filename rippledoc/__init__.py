"""rippledoc: client relationships kept as plain text.

Library use::

    from rippledoc import load_book
    book = load_book("path/to/book", today=date.today())
    book.clients, book.diagnostics
"""
from __future__ import annotations

__version__ = "0.1.0"


def __getattr__(name: str):  # keep `import rippledoc` (and so `rippledoc --help`) light
    if name == "load_book":
        from rippledoc.book.loader import load_book
        return load_book
    raise AttributeError(name)


__all__ = ["load_book", "__version__"]
