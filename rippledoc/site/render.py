"""The Jinja2 environment: sandboxed, autoescape on, StrictUndefined, workspace templates before the package's.

Lookup order for a template name such as ``client.html``:

1. ``WORKSPACE/site_templates/client.html`` (a person's override),
2. ``site_templates/client.html`` of the repository, shipped in the package (the default).

So a workspace overrides one template by writing one file of the same name;
``{% extends "base.html" %}`` in an override finds the override of
``base.html`` first, then the default.

Every template, the workspace's and the package's, renders in a sandbox
(``SiteSandbox``): a template reads the data it is given and calls the
site's own helpers, and nothing else. Jinja2's ``SandboxedEnvironment``
refuses ``_``-names and the internals of functions, frames and types; on top
of that no module is reachable from a template (``charts`` shows
only rippledoc's own functions and their data), a path shows only what
``PurePath`` computes, and a file object shows nothing. A template that
reaches further fails the build with ``SecurityError`` (see
``site.build.render``), so a template committed to a shared book cannot run
commands, read or write files on a teammate's machine.
"""
from __future__ import annotations

import inspect
import json
import io
from datetime import date
from pathlib import Path, PurePath
from types import BuiltinMethodType, MethodType, ModuleType
from typing import Any
from urllib.parse import quote

import jinja2
from jinja2.runtime import Macro
from jinja2.sandbox import SandboxedEnvironment
from rippledoc.site import charts, csp
from rippledoc.views.jsonable import to_json
from rippledoc.site.markdown import render_markdown, safe_link
from rippledoc.book.templates import shipped_templates, template_dirs

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


def heat(value: float | None, low: int, high: int) -> str:
    """The class of a heatmap cell: ``h1`` (lowest) to ``h5``, ``h-none`` without a score."""
    if value is None:
        return "h-none"
    step = (value - low) / ((high - low) or 1)
    return f"h{1 + min(4, int(step * 5))}"


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


_JUDGED_EACH_TIME = frozenset({ModuleType, MethodType, BuiltinMethodType})  # a module; a method maybe str.format
_FORMATS = ("format", "format_map")  # the methods Jinja2 wraps (str.format can read attributes)
_PURE_PATH = frozenset(name for name in dir(PurePath) if not name.startswith("_"))


def _own_code(value: object) -> bool:
    """A function or class of rippledoc itself (``charts.bars``, ``urls.client_page``)."""
    return (inspect.isfunction(value) or inspect.isclass(value)) and \
        (getattr(value, "__module__", "") or "").startswith("rippledoc.")


class SiteSandbox(SandboxedEnvironment):
    """Jinja2's sandbox, with no way out through a module, a path or a file.

    A page reads a few hundred thousand attributes, so an attribute judged
    safe is remembered by the type of the object and its name: outside
    modules, the verdict depends on nothing else once the value is neither a
    module nor a method named ``format`` (those are judged every time).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._safe: dict[type, set[str]] = {}  # type of object -> the names judged safe on it

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Jinja2's sandboxed lookup, answered at once for a name already judged safe on this type."""
        try:
            value = getattr(obj, attribute)
        except AttributeError:  # a dict's key, say: what Jinja2 does, without raising a second AttributeError
            try:
                return obj[attribute]
            except (TypeError, LookupError):
                return self.undefined(obj=obj, name=attribute)
        kind = type(value)
        if kind not in _JUDGED_EACH_TIME or (kind is not ModuleType and value.__name__ not in _FORMATS):
            names = self._safe.get(type(obj))
            if names is not None and attribute in names:
                return value
        return super().getattr(obj, attribute)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja2's names)
        """A bound builtin (``d.isoformat``) or a template's macro is called at once: neither can carry an
        ``unsafe_callable`` mark (a builtin holds no attribute, a template cannot set one)."""
        kind = type(__obj)
        if kind is BuiltinMethodType or kind is Macro:
            return __context.call(__obj, *args, **kwargs)
        return SandboxedEnvironment.call(__self, __context, __obj, *args, **kwargs)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, ModuleType):  # charts.bars: rippledoc's own functions and data only
            return not isinstance(value, ModuleType) and (not callable(value) or _own_code(value)) and \
                super().is_safe_attribute(obj, attr, value)
        if isinstance(value, ModuleType) or isinstance(obj, io.IOBase):
            return False
        if isinstance(obj, PurePath) and attr not in _PURE_PATH:
            return False  # read_text, write_bytes, unlink, open, …
        if not super().is_safe_attribute(obj, attr, value):
            return False
        self._safe.setdefault(type(obj), set()).add(attr)
        return True


def make_env(root: Path) -> jinja2.Environment:
    """The site's environment. Compiled templates are shared in memory only with other sandboxed ones
    (the sandbox compiles calls differently), so every environment made here is a ``SiteSandbox``."""
    env = SiteSandbox(
        bytecode_cache=_COMPILED,
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(root)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(markdown=render_markdown, web_url=web_url, mailto=mailto, tel=tel,
                       plural=plural, long_date=long_date, money=money, figure=figure, heat=heat)
    env.globals.update(charts=charts, csp=csp.PAGE)
    env.policies["json.dumps_function"] = lambda obj, **kw: json.dumps(to_json(obj), **kw)  # views' dates as ISO text
    return env


_SHIPPED: list[jinja2.Environment] = []  # made at the first use, then kept: the shipped templates do not change


def shipped_page(name: str, **context: Any) -> str:
    """A page rendered from the shipped templates alone (the encrypted page shell, serve's error page): what a
    workspace's templates say cannot change it, and a broken override cannot break it."""
    if not _SHIPPED:
        env = SiteSandbox(loader=jinja2.FileSystemLoader(str(shipped_templates())), autoescape=True,
                          undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                          keep_trailing_newline=True)
        _SHIPPED.append(env)
    return _SHIPPED[0].get_template(name).render(**context)
