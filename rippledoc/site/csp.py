"""The Content-Security-Policy of every page the site writes or serves, written once.

A page may load its own styles, scripts and images (and ``data:`` images),
nothing from another machine, and may not be framed or submit a form. Two
variants add one directive each to the same list:

- ``LOCKED``, the encrypted page shell (``build --encrypt``), adds
  ``connect-src 'self'``;
- ``HEADER``, the header ``serve`` sends with every answer, adds
  ``frame-ancestors 'none'`` (a browser obeys that directive only in a header).
"""
from __future__ import annotations

from markupsafe import Markup

_DIRECTIVES = (("default-src", "'none'"), ("img-src", "'self' data:"), ("style-src", "'self'"),
               ("script-src", "'self'"), ("connect-src", None), ("base-uri", "'none'"), ("form-action", "'none'"),
               ("frame-ancestors", None))


def policy(**extra: str) -> str:
    """The policy with the optional directives given (``connect_src="'self'"``), in one fixed order."""
    values = {name: extra.pop(name.replace("-", "_"), value) for name, value in _DIRECTIVES}
    if extra:
        raise TypeError(f"unknown directives: {', '.join(extra)}")
    return "; ".join(f"{name} {value}" for name, value in values.items() if value)


# Markup: our own text, written into a page's <meta> as it is (its quotes need no escaping in "…")
PAGE = Markup(policy())  # the <meta> of every page of the site
LOCKED = Markup(policy(connect_src="'self'"))  # the <meta> of an encrypted page's shell
HEADER = policy(frame_ancestors="'none'")  # serve's Content-Security-Policy header
