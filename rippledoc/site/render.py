"""The Jinja2 environment: autoescape on, StrictUndefined, workspace templates before the package's.

Lookup order for a template name such as ``client.html``:

1. ``WORKSPACE/site_templates/client.html`` (a person's override),
2. ``rippledoc/defaults/site_templates/client.html`` (the default).

So a workspace overrides one template by writing one file of the same name;
``{% extends "base.html" %}`` in an override finds the override of
``base.html`` first, then the default.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from urllib.parse import quote

import jinja2
from rippledoc.book.loader import defaults_dir
from rippledoc.site import charts
from rippledoc.views.jsonable import to_json
from rippledoc.site.markdown import render_markdown, safe_link

TEMPLATE_DIR = "site_templates"


def template_dirs(root: Path) -> list[Path]:
    """Where templates are looked for, first match wins."""
    dirs = [root / TEMPLATE_DIR, defaults_dir(TEMPLATE_DIR)]
    return [d for d in dirs if d.is_dir()]


def web_url(value: str) -> str:
    """A website a person typed, as a link target: http(s) only (``example.com`` gets https://); else ''."""
    v = (value or "").strip()
    if not v:
        return ""
    if "://" not in v and not v.lower().startswith(("mailto:", "tel:", "javascript:", "data:")):
        v = "https://" + v
    return v if safe_link(v) and v.lower().startswith(("http://", "https://")) else ""


def mailto(value: str) -> str:
    v = (value or "").strip()
    return "mailto:" + quote(v, safe="@.+-_") if v and " " not in v and "@" in v else ""


def tel(value: str) -> str:
    digits = "".join(ch for ch in (value or "") if ch.isdigit() or ch == "+")
    return "tel:" + digits if digits.strip("+") else ""


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def long_date(d: date | None) -> str:
    return f"{d:%a %-d %b %Y}" if d else ""


def money(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


FIGURE_FORMATS = {"pct": lambda x: f"{x * 100:.0f}%", "money": lambda x: f"{x:,.0f}",
                  "num0": lambda x: f"{x:,.0f}", "num2": lambda x: f"{x:,.2f}"}


def figure(x: float | None, fmt: str) -> str:
    """A view's number as the pages show it (``pct``, ``money``, ``num0``, ``num2``); a missing one as '–'."""
    return "–" if x is None else FIGURE_FORMATS[fmt](x)


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Templates compiled by this process, kept in memory: compiled code is never read from disk.

    A bytecode cache in the workspace would be code anyone who can write a
    file there could have run at the next build. Jinja2 checks each entry
    against the template's source, so an edited template is compiled again.
    """

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self._store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


_COMPILED = MemoryBytecodeCache()


def make_env(root: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        bytecode_cache=_COMPILED,
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(root)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(markdown=render_markdown, web_url=web_url, mailto=mailto, tel=tel,
                       plural=plural, long_date=long_date, money=money, figure=figure)
    env.globals.update(charts=charts)
    env.policies["json.dumps_function"] = lambda obj, **kw: json.dumps(to_json(obj), **kw)  # views' dates as ISO text
    return env
