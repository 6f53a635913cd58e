"""Completions at a position of a client file, a ritual file or rippledoc.yaml.

Front matter keys and their allowed values come from the JSON Schemas of
``rippledoc.parse.schema`` (built from the parsers' own key lists and
``model.py``'s LEVELS, GRADES, STATUSES, and the IANA zones); the team's keys,
the client slugs, a ritual's metrics and answers come from the workspace; on a
``## Log`` line, the kinds, the outcomes that fit the kind, ``by`` and the team,
``@name`` and the outcome marks, each at its place of
``- YYYY-MM-DD KIND [OUTCOME] [by WHO]: note`` (``parse.grammar.place``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Iterable

from lsprotocol import types

from rippledoc.lsp.places import CLIENT, RECORD, RITUAL, SETTINGS, kind_of, layout
from rippledoc.lsp.ranges import UTF16, char_range, line_text
from rippledoc.model import OUTCOMES_OF, TOUCH_KINDS, TOUCH_OUTCOMES
from rippledoc.book.book import Book
from rippledoc.parse.grammar.note import MARK_TAGS
from rippledoc.parse.grammar.place import place
from rippledoc.parse.marks import departments
from rippledoc.parse.ritual import COVER_KEYS, FREE_KEYS, RECORD_KEYS, SHEET_KEYS, record_location
from rippledoc.parse.schema import Schema, client_schema, ritual_schema, settings_schema

Kind = types.CompletionItemKind
MEANS = {o.name: o.means for o in TOUCH_OUTCOMES}


@dataclass(frozen=True, slots=True)
class Choice:
    label: str
    detail: str = ""
    doc: str = ""
    kind: types.CompletionItemKind = Kind.Value
    insert: str | None = None  # the text to insert, when not the label


def completions(ws: Book, path: str, text: str, line: int, index: int, today: date | None = None,
                encoding: str = UTF16) -> list[types.CompletionItem]:
    """What can be typed at character ``index`` of 0-based ``line``; each item replaces the word typed so far."""
    kind = kind_of(path)
    if kind is None:
        return []
    lines = text.split("\n")
    prefix = line_text(lines, line)[:index]
    where = layout(path, text)
    found: tuple[int, Iterable[Choice]] | None = None
    if kind == CLIENT and where.log and where.log[0] <= line < where.log[1]:
        found = _log_line(ws, prefix, today)
    elif where.front and where.front[0] <= line < where.front[1]:
        found = _front_matter(ws, kind, path, lines, where.front[0], line, prefix, today)
    if found is None:
        return []
    start, choices = found
    edit_range = char_range(lines, line, start, index, encoding)
    return [types.CompletionItem(
        label=c.label, kind=c.kind, detail=c.detail or None,
        documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value=c.doc) if c.doc else None,
        text_edit=types.TextEdit(range=edit_range, new_text=c.insert if c.insert is not None else c.label),
        sort_text=f"{i:04d}", filter_text=c.label,
    ) for i, c in enumerate(choices)]


# ---------------------------------------------------------------- the log

def _log_line(ws: Book, prefix: str, today: date | None) -> tuple[int, Iterable[Choice]] | None:
    """What fits the place of a log line being typed (``grammar.place``)."""
    where = place(prefix)
    if where is None:
        return None
    if where.part in ("date", "next"):
        return (where.start, [Choice(today.isoformat(), "today", kind=Kind.Constant)]) if today is not None else None
    if where.part in ("by", "mention"):
        return where.start, _team(ws)
    if where.part == "outcome" and where.kind is not None:
        kind = where.kind
        return where.start, [*(Choice(o, f"outcome of a{'n' * (kind[0] in 'aeiou')} {kind}", MEANS[o],
                                      kind=Kind.EnumMember) for o in OUTCOMES_OF[kind]),
                             Choice("by", "who made the touch: by NAME", kind=Kind.Keyword, insert="by ")]
    if where.part == "kind":
        return where.start, [Choice(k.name, "kind of touch", "outcomes: " + ", ".join(k.outcomes),
                                    kind=Kind.EnumMember) for k in TOUCH_KINDS]
    if where.part == "mark":
        return where.start, [Choice(t, "outcome mark (docs/format.md)", kind=Kind.Keyword) for t in MARK_TAGS]
    if where.part == "department":
        return where.start, [Choice(dept, "handled by " + ", ".join(who), kind=Kind.EnumMember)
                             for dept, who in sorted(departments(ws.settings).items())]
    return None


def _team(ws: Book) -> list[Choice]:
    return [Choice(key, m.name if m.name != key else "", m.role, kind=Kind.Variable) for key, m in ws.settings.team.items()]


# ---------------------------------------------------------------- front matter

_KEY = re.compile(r"^\s*(?:-\s+)?([^\s:#'\"{}\[\],-][^:]*?)\s*:(?:\s+(.*))?$")
_DASH = re.compile(r"^\s*-(\s+|$)")
_SEGMENT_KEY = re.compile(r"^\s*([^\s:]*)$")
_SEGMENT_VALUE = re.compile(r"^\s*([^\s:'\"]+)\s*:\s*([^,]*)$")


def _front_matter(ws: Book, kind: str, path: str, lines: list[str], first: int, line: int, prefix: str,
                  today: date | None) -> tuple[int, Iterable[Choice]] | None:
    if prefix.lstrip().startswith("#"):
        return None
    chain = _parents(lines, first, line)
    stack, seg_start = _flow(prefix)
    chain += [key for _, key in stack if key]
    segment = prefix[seg_start:]
    in_list = bool(stack) and stack[-1][0] == "["
    if not stack and (dash := _DASH.match(segment)):
        seg_start += dash.end()
        segment = prefix[seg_start:]
        in_list = ":" not in segment
    provider = _Provider(ws, kind, path, lines, first, today)
    if m := _SEGMENT_VALUE.match(segment):
        value = m[2].lstrip("\"'")
        return seg_start + len(segment) - len(value), provider.values(chain, m[1])
    m = _SEGMENT_KEY.match(segment)
    if m is None:
        return None
    if in_list and chain:
        return seg_start + m.start(1), provider.values(chain[:-1], chain[-1])
    return seg_start + m.start(1), provider.keys(chain, in_block=not stack)


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _parents(lines: list[str], first: int, line: int) -> list[str]:
    """The block mapping keys above ``line`` that it is nested in, outermost first."""
    current = line_text(lines, line)
    indent = _indent(current)
    dash = bool(_DASH.match(current))
    chain: list[str] = []
    for i in range(line - 1, first - 1, -1):
        text = line_text(lines, i)
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        ind = _indent(text)
        here_dash = bool(_DASH.match(text))
        if ind > indent or (ind == indent and (here_dash or not dash)):
            continue
        m = _KEY.match(text)
        if here_dash or m is None or (m[2] or "").strip():
            if ind < indent or here_dash:  # an item of a list (or a line holding a value): its key is no parent
                indent, dash = ind, here_dash
            continue
        chain.insert(0, m[1])
        indent, dash = ind, False
        if ind == 0:
            break
    return chain


def _flow(prefix: str) -> tuple[list[tuple[str, str | None]], int]:
    """The open ``{``/``[`` of a line up to the cursor (each with the key it is the value of) and where
    the text being typed starts."""
    stack: list[tuple[str, str | None]] = []
    start = 0
    i = 0
    while i < len(prefix):
        c = prefix[i]
        if c in "\"'" and (i == 0 or prefix[i - 1] in " {[,:"):
            close = prefix.find(c, i + 1)
            if close < 0:
                break
            i = close + 1
            continue
        if c in "{[":
            m = re.search(r"([^\s:{},\[\]]+)\s*:\s*$", prefix[start:i])
            stack.append((c, m[1] if m else None))
            start = i + 1
        elif c in "}]":
            if stack:
                stack.pop()
            start = i + 1
        elif c == "," and stack:
            start = i + 1
        i += 1
    return stack, start


@lru_cache(maxsize=None)
def _schema_of(kind: str) -> Schema | None:
    """The schema of a kind of file, built once (never changed: it is only read)."""
    return {CLIENT: client_schema, SETTINGS: settings_schema, RITUAL: ritual_schema}.get(kind, lambda: None)()


def _alternatives(node: Any) -> list[dict]:
    """A schema and its anyOf alternatives, and the schema of a list's items."""
    if not isinstance(node, dict):
        return []
    out = [node]
    for alt in node.get("anyOf", ()):
        out += _alternatives(alt)
    if isinstance(node.get("items"), dict):
        out += _alternatives(node["items"])
    return out


def _child(node: Any, key: str) -> Any:
    for alt in _alternatives(node):
        props = alt.get("properties", {})
        if key in props:
            return props[key]
    for alt in _alternatives(node):
        if isinstance(alt.get("additionalProperties"), dict):
            return alt["additionalProperties"]
    return None


class _Provider:
    """Keys and values for one file, by the chain of keys a position is nested in."""

    def __init__(self, ws: Book, kind: str, path: str, lines: list[str], first: int, today: date | None):
        self.ws, self.kind, self.path, self.lines, self.first, self.today = ws, kind, path, lines, first, today

    def _node(self, chain: list[str]) -> Any:
        node: Any = _schema_of(self.kind)
        for key in chain:
            node = _child(node, key)
        return node

    def _written(self, indent: int = 0) -> set[str]:
        """The keys already written at ``indent`` in the front matter."""
        out = set()
        for i in range(self.first, len(self.lines)):
            text = line_text(self.lines, i)
            if text.rstrip() in ("---", "..."):
                break
            m = _KEY.match(text)
            if m and _indent(text) == indent and not _DASH.match(text):
                out.add(m[1])
        return out

    def keys(self, chain: list[str], in_block: bool) -> list[Choice]:
        if self.kind == RECORD:
            return self._record_keys(chain)
        if self.kind == RITUAL and chain == ["covers"]:
            return [Choice(k, "a client field", kind=Kind.Property, insert=f"{k}: ") for k in COVER_KEYS]
        node = self._node(chain)
        taken = self._written() if not chain and in_block else set()
        out: list[Choice] = []
        for alt in _alternatives(node):
            for key, sub in alt.get("properties", {}).items():
                if key not in taken and key not in (c.label for c in out):
                    out.append(Choice(key, doc=sub.get("description", ""), kind=Kind.Property, insert=f"{key}: "))
        return out

    def values(self, chain: list[str], key: str) -> list[Choice]:
        if self.kind == RECORD:
            return self._record_values(chain, key)
        if key in ("owner", "me"):
            return _team(self.ws)
        if self.kind == RITUAL and chain == ["covers"] and key in COVER_KEYS:
            return [Choice(v, kind=Kind.EnumMember) for v in COVER_KEYS[key]] or (_team(self.ws) if key == "owner" else [])
        node = self._node([*chain, key])
        out: list[Choice] = []
        for alt in _alternatives(node):
            for value in alt.get("enum", ()):
                if isinstance(value, str) and value not in (c.label for c in out):
                    out.append(Choice(value, kind=Kind.EnumMember))
            if alt.get("format") == "date" and self.today is not None and not out:
                out.append(Choice(self.today.isoformat(), "today", kind=Kind.Constant))
        return out

    # records: rituals/NAME/PERIOD.md (clients: {slug: {...}}) or rituals/NAME/PERIOD/x.md (one client's sheet)

    def _sheet(self) -> bool:
        return self.path.count("/") == 3

    def _ritual(self):
        return self.ws.rituals.get(record_location(self.path)[0])

    def _entry_keys(self) -> list[Choice]:
        ritual = self._ritual()
        out = []
        if ritual is not None:
            out += [Choice(m.key, f"score {m.low}-{m.high}", m.label, Kind.Field, f"{m.key}: ") for m in ritual.metrics]
            out += [Choice(a.key, a.type, a.label, Kind.Field, f"{a.key}: ") for a in ritual.answers]
        return out + [Choice(k, "free text", kind=Kind.Field, insert=f"{k}: ") for k in FREE_KEYS]

    def _slugs(self, taken: set[str] = frozenset()) -> list[Choice]:  # type: ignore[assignment]
        return [Choice(c.slug, c.name, kind=Kind.Reference) for c in self.ws.clients if c.slug not in taken]

    def _record_keys(self, chain: list[str]) -> list[Choice]:
        if not chain:
            top = SHEET_KEYS if self._sheet() else RECORD_KEYS
            taken = self._written()
            out = [Choice(k, kind=Kind.Property, insert=f"{k}: ") for k in top if k not in taken]
            return out + ([c for c in self._entry_keys() if c.label not in taken] if self._sheet() else [])
        if chain == ["clients"]:
            return self._slugs(self._written(_indent_of_children(self.lines, self.first, "clients")))
        if len(chain) == 2 and chain[0] == "clients":
            return self._entry_keys()
        return []

    def _record_values(self, chain: list[str], key: str) -> list[Choice]:
        if not chain and key == "client" and self._sheet():
            return self._slugs()
        if not chain and key == "date":
            return [Choice(self.today.isoformat(), "today", kind=Kind.Constant)] if self.today else []
        if not ((chain == [] and self._sheet()) or (len(chain) == 2 and chain[0] == "clients")):
            return []
        ritual = self._ritual()
        if ritual is None:
            return []
        for m in ritual.metrics:
            if m.key == key:
                return [Choice(str(n), m.label, kind=Kind.Value) for n in range(m.high, m.low - 1, -1)]
        for a in ritual.answers:
            if a.key == key and a.type == "choice":
                return [Choice(c, a.label, kind=Kind.EnumMember) for c in a.choices]
            if a.key == key and a.type == "date" and self.today is not None:
                return [Choice(self.today.isoformat(), "today", kind=Kind.Constant)]
        return []


def _indent_of_children(lines: list[str], first: int, key: str) -> int:
    """The indentation of the lines under the top-level ``key:`` (2 when none is written yet)."""
    for i in range(first, len(lines)):
        if re.match(rf"^{re.escape(key)}\s*:\s*$", line_text(lines, i)):
            for j in range(i + 1, len(lines)):
                text = line_text(lines, j)
                if text.strip():
                    return _indent(text) or 2
    return 2
