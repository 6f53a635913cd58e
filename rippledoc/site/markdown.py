"""A person's notes as safe HTML: raw HTML off, links only to an allow list of schemes.

A note is text a person wrote about a real client; nothing in it may run as
code or make the browser fetch anything. So: raw HTML is shown as text,
images are not rendered (``![alt](url)`` would fetch ``url``), and a link is
kept only when its target is http, https, mailto, tel or a relative path.
"""
from __future__ import annotations

import html
import re
from functools import lru_cache
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_SCHEMES = ("http", "https", "mailto", "tel")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def safe_link(url: str) -> bool:
    """True for http(s), mailto, tel and relative links; False for javascript:, data:, file: and the rest."""
    cleaned = _CONTROL.sub("", unquote(html.unescape(url)))  # browsers ignore tabs and newlines in a scheme
    m = _SCHEME.match(cleaned)
    if m is None:
        return not cleaned.startswith("//")  # protocol-relative is absolute
    return m[1].lower() in ALLOWED_SCHEMES


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable("image")
    md.validateLink = safe_link  # type: ignore[method-assign]

    def link_open(self, tokens, idx, options, env):
        tokens[idx].attrSet("rel", "noopener noreferrer nofollow")
        return self.renderToken(tokens, idx, options, env)

    md.add_render_rule("link_open", link_open)
    return md


def render_markdown(text: str, shift_headings: int = 1) -> Markup:
    """Render markdown; headings move down ``shift_headings`` levels so a note's ``#`` never outranks the page's."""
    html = _parser().render(text or "")
    if shift_headings:
        def shift(m: re.Match[str]) -> str:
            level = min(6, int(m[2]) + shift_headings)
            return f"<{m[1]}h{level}"
        html = re.sub(r"<(/?)h([1-6])", shift, html)
    return Markup(html)
