"""A guarded YAML reader that keeps what a person typed, and where.

PyYAML's constructors coerce (``NO`` -> False, ``0700`` -> 448), keep the last
of two equal keys, expand alias bombs and recurse without bound. We read the
event stream instead (the C parser when libyaml is present), refuse anchors,
aliases and tags, bound the depth before building anything, and build a small
tree of positioned text nodes. Fields convert text to types themselves.
"""
from __future__ import annotations

import os
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Union

import yaml

from rippledoc.diagnostics import Diagnostic, error

MAX_DEPTH = 20

_Parser: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
if os.environ.get("RIPPLEDOC_PURE_YAML"):
    _Parser = yaml.SafeLoader
_RESOLVER = yaml.resolver.Resolver()
_NEWLINE = re.compile("\n")
# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution)
_YAML12 = (
    ("null", re.compile(r"null|Null|NULL|~|")),
    ("bool", re.compile(r"true|True|TRUE|false|False|FALSE")),
    ("int", re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")),
    ("float", re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.nan|\.NaN|\.NAN")),
)


@dataclass(frozen=True, slots=True)
class Scalar:
    text: str
    line: int  # 1-based, in the file
    col: int  # 1-based
    plain: bool  # unquoted, so YAML 1.1 would resolve its type
    end_line: int
    end_col: int

    def yaml_type(self) -> str:
        """What a YAML loader would make of this scalar: str, bool, int, float, null, timestamp.

        PyYAML reads YAML 1.1 (``NO``, ``on``, ``0700``, ``1:30``); editors and
        most other tools read YAML 1.2 (``1e3``). Anything either of them would
        not read as text is reported by its YAML 1.1 type, else its 1.2 type.
        """
        if not self.plain:
            return "str"
        tag = _RESOLVER.resolve(yaml.ScalarNode, self.text, (True, False)).rsplit(":", 1)[-1]
        if tag != "str":
            return tag
        for kind, pattern in _YAML12:
            if pattern.fullmatch(self.text):
                return kind
        return "str"


@dataclass(frozen=True, slots=True)
class Mapping:
    items: tuple[tuple[Scalar, "Node"], ...]
    line: int
    col: int
    end_line: int
    end_col: int
    flow: bool
    # key text -> its first (key, value) pair, built once: a lookup must not walk a 60,000-key mapping
    index: dict[str, tuple[Scalar, "Node"]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, tuple[Scalar, Node]] = {}
        for k, v in self.items:
            index.setdefault(k.text, (k, v))
        object.__setattr__(self, "index", index)

    def get(self, key: str) -> "Node | None":
        found = self.index.get(key)
        return found[1] if found else None

    def key_node(self, key: str) -> Scalar | None:
        found = self.index.get(key)
        return found[0] if found else None


@dataclass(frozen=True, slots=True)
class Sequence:
    items: tuple["Node", ...]
    line: int
    col: int
    end_line: int
    end_col: int
    flow: bool


Node = Union[Scalar, Mapping, Sequence]


def kind_name(node: Node) -> str:
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    return "text"


def to_python(node: Node) -> object:
    """Plain Python data (dicts, lists, strings) for custom fields and exports."""
    if isinstance(node, Mapping):
        return {k.text: to_python(v) for k, v in node.items}
    if isinstance(node, Sequence):
        return [to_python(v) for v in node.items]
    return node.text


def parse(text: str, path: str, first_line: int = 1, max_depth: int = MAX_DEPTH) -> tuple[Node | None, list[Diagnostic]]:
    """Parse one YAML document into a positioned tree.

    ``first_line`` is the file line on which ``text`` starts. Returns
    ``(None, diagnostics)`` when the text is not acceptable; an empty document
    gives ``(None, [])``. Never raises for any input text.
    """
    where = _Locator(text, first_line)
    literal: list[tuple[int, int]] = []  # character spans of quoted scalars, where a NEL is text to YAML too
    node, diags = _parse(text, path, where, max_depth, literal)
    odd = _hidden_break(text, literal)
    if odd is not None and (node is not None or not diags or diags[0].sort_key()[1:3] >= where.at(odd)):
        # YAML reads it as a line break where no editor shows one: the lines after it mean something else
        return None, [_control(path, *where.at(odd), text[odd])]
    return node, diags


def _parse(text: str, path: str, where: "_Locator", max_depth: int,
           literal: list[tuple[int, int]]) -> tuple[Node | None, list[Diagnostic]]:
    first_line = where.first_line
    diags: list[Diagnostic] = []
    stack: list[tuple[object, list]] = []  # (start event, collected children)
    root: Node | None = None
    documents = 0
    quoted: list[tuple[int, int]] = []  # character spans of quoted and block scalars, where tabs are text
    try:
        for ev in yaml.parse(text, Loader=_Parser):
            if isinstance(ev, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    return None, [error(path, *where(ev.start_mark), "E012",
                                        "more than one YAML document in the front matter",
                                        "remove the extra '---' or '...' line")]
                continue
            anchor = getattr(ev, "anchor", None)
            if isinstance(ev, yaml.AliasEvent) or anchor:
                what = ("alias '*" if isinstance(ev, yaml.AliasEvent) else "anchor '&") + f"{anchor}'"
                return None, [error(path, *where(ev.start_mark), "E014",
                                    f"YAML {what} is not allowed in a rippledoc file",
                                    "write the value out in full")]
            tag = getattr(ev, "tag", None)
            if tag is not None and tag != "!" and not _implicit(ev):
                return None, [error(path, *where(ev.start_mark), "E014",
                                    f"YAML tag '{tag}' is not allowed in a rippledoc file",
                                    "remove the tag; values are read as text and converted by their field")]
            if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if len(stack) >= max_depth:
                    return None, [error(path, *where(ev.start_mark), "E015",
                                        f"nesting deeper than {max_depth} levels", "flatten the data")]
                stack.append((ev, []))
            elif isinstance(ev, yaml.ScalarEvent):
                node = Scalar(ev.value, *where(ev.start_mark), not ev.style, *where(ev.end_mark))
                assert ev.start_mark is not None and ev.end_mark is not None  # the parser marks every event
                if ev.style and "\t" in text:
                    quoted.append((ev.start_mark.index, ev.end_mark.index))
                if ev.style in ("'", '"'):
                    literal.append((ev.start_mark.index, ev.end_mark.index))
                if not stack:
                    root = node
                else:
                    stack[-1][1].append(node)
            elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                start, children = stack.pop()
                built = _build(start, ev, children, path, where, diags)
                if built is None:
                    return None, diags
                if not stack:
                    root = built
                else:
                    stack[-1][1].append(built)
    except yaml.reader.ReaderError as exc:
        line, col = where.at(exc.position) if isinstance(exc.position, int) else (first_line, 0)
        char = exc.character if isinstance(exc.character, str) else chr(exc.character) if isinstance(exc.character, int) else "?"
        return None, [_control(path, line, col, char[:1] or "?")]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and mark is not None and (
                not text[getattr(mark, "index", 0):].strip()  # ran off the end
                or ("flow" in (exc.context or "") and mark.line > exc.context_mark.line)):  # or past its line
            mark = exc.context_mark  # point at what was left open, e.g. the '['
        line, col = where(mark) if mark else (first_line, 0)
        problem = exc.problem or exc.context or "invalid YAML"
        if "maximum nesting depth" in problem:  # libyaml 0.2.6 stops deep nesting itself, before our guard
            return None, [error(path, line, col, "E015", f"nesting deeper than {max_depth} levels", "flatten the data")]
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        if mark is exc.context_mark and exc.problem and exc.context:
            context = f" ({exc.context} that starts here)"
        return None, [error(path, line, col, "E012", f"YAML syntax error: {problem}{context}", _yaml_hint(problem))]
    except (yaml.YAMLError, ValueError, UnicodeError, RecursionError, MemoryError) as exc:  # raised without a mark
        return None, [error(path, first_line, 0, "E012", f"YAML syntax error: {exc}")]
    tab = _stray_tab(text, quoted, where.starts)
    if tab is not None:  # libyaml accepts some tabs the YAML spec (and the pure parser) refuse: refuse them all
        return None, [error(path, *where.at(tab), "E012", "YAML syntax error: a tab outside quotes",
                            "indent and separate with spaces; a tab inside a value needs quotes")]
    return root, diags


# Line breaks to YAML 1.1 (so to both parsers), not to editors nor to YAML 1.2.
_HIDDEN_BREAK = re.compile("[\x85\u2028\u2029]")
_CONTROL_NAMES = {"\x85": "NEL, next line", "\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR"}


def _hidden_break(text: str, literal: list[tuple[int, int]]) -> int | None:
    """The index of the first NEL, U+2028 or U+2029 outside quoted scalars."""
    for m in _HIDDEN_BREAK.finditer(text):
        k = bisect_right(literal, (m.start(), len(text))) - 1
        if k < 0 or not literal[k][0] <= m.start() < literal[k][1]:
            return m.start()
    return None


def _control(path: str, line: int, col: int, char: str) -> Diagnostic:
    """E012 for a control character in the front matter, named by its code point (and name, when it has one)."""
    name = _CONTROL_NAMES.get(char)
    return error(path, line, col, "E012",
                 f"YAML syntax error: the control character U+{ord(char):04X}{f' ({name})' if name else ''} "
                 "is not allowed" + (": YAML reads it as a line break" if char in _CONTROL_NAMES else ""),
                 "remove it (it is invisible in most editors)")


def _stray_tab(text: str, quoted: list[tuple[int, int]], starts: list[int]) -> int | None:
    """The index of the first tab that is not inside a quoted or block scalar nor a comment.

    ``quoted`` holds the scalars' spans in document order (so sorted, never
    overlapping); ``starts`` the line starts. Each line is searched for its
    comment once, so the work grows with the text, not with tabs times lines.
    """
    begins = [a for a, _ in quoted]

    def in_quotes(i: int) -> bool:
        k = bisect_right(begins, i) - 1
        return k >= 0 and i < quoted[k][1]

    comments: dict[int, int] = {}  # line start -> index of the line's first comment '#', or len(text)
    start = 0
    while (i := text.find("\t", start)) >= 0:
        start = i + 1
        if in_quotes(i):
            continue
        line = bisect_right(starts, i) - 1
        line_start = starts[line]
        if line_start not in comments:
            line_end = starts[line + 1] if line + 1 < len(starts) else len(text)
            comments[line_start] = _comment(text, line_start, line_end, in_quotes)
        if comments[line_start] > i:
            return i
    return None


def _comment(text: str, start: int, end: int, in_quotes) -> int:
    """Index of the first '#' that starts a comment in ``text[start:end]`` (after a blank or at the line's
    start, outside quotes); ``len(text)`` when there is none."""
    j = start
    while (j := text.find("#", j, end)) >= 0:
        if (j == start or text[j - 1] in " \t") and not in_quotes(j):
            return j
        j += 1
    return len(text)


class _Locator:
    """File line and column of a parser mark, in time logarithmic in the text's length.

    Both parsers count NEL, U+2028 and U+2029 as line breaks, the editor does
    not; so the line is recomputed from the mark's character index, against
    the start of every ``\n`` line, found once.
    """

    def __init__(self, text: str, first_line: int):
        self.first_line = first_line
        self.size = len(text)
        self.starts = line_starts(text)

    def at(self, index: int) -> tuple[int, int]:
        index = max(0, min(index, self.size))
        i = bisect_right(self.starts, index) - 1
        return i + self.first_line, index - self.starts[i] + 1

    def __call__(self, mark: object) -> tuple[int, int]:
        index = getattr(mark, "index", None)
        if isinstance(index, int):
            return self.at(index)
        return mark.line + self.first_line, mark.column + 1  # type: ignore[attr-defined]


def line_starts(text: str) -> list[int]:
    """The index at which each ``\n``-separated line of ``text`` starts (the first is 0)."""
    return [0, *(m.end() for m in _NEWLINE.finditer(text))]


def _implicit(ev: object) -> bool:
    imp = getattr(ev, "implicit", None)
    if isinstance(imp, tuple):
        return any(imp)
    return bool(imp)


def _build(start: object, end: object, children: list, path: str, where: _Locator,
           diags: list[Diagnostic]) -> Node | None:
    line, col = where(start.start_mark)  # type: ignore[attr-defined]
    end_line, end_col = where(end.end_mark)  # type: ignore[attr-defined]
    flow = bool(getattr(start, "flow_style", False))
    if isinstance(start, yaml.SequenceStartEvent):
        return Sequence(tuple(children), line, col, end_line, end_col, flow)
    items: list[tuple[Scalar, Node]] = []
    seen: dict[str, Scalar] = {}
    for key, value in zip(children[0::2], children[1::2]):
        if not isinstance(key, Scalar):
            diags.append(error(path, key.line, key.col, "E012", f"a mapping key must be plain text, not {kind_name(key)}",
                               "write 'key: value' with a word as the key"))
            return None
        if key.text in seen:
            first = seen[key.text]
            diags.append(error(path, key.line, key.col, "E016",
                               f"key '{key.text}' is written twice (first on line {first.line})",
                               "YAML would silently keep only the last one: merge them or remove one"))
            continue
        seen[key.text] = key
        items.append((key, value))
    return Mapping(tuple(items), line, col, end_line, end_col, flow)


def _yaml_hint(problem: str) -> str:
    if "tab" in problem or "'\\t'" in problem:
        return "use spaces instead of tabs, in the indentation and between a key and its value"
    if "mapping values are not allowed" in problem:
        return "a value containing ': ' must be quoted"
    if "found character" in problem and ("'@'" in problem or "'`'" in problem):
        return "a value starting with @ or ` must be quoted"
    if "could not find expected ':'" in problem or "expected <block end>" in problem:
        return "each line of the front matter is 'key: value'; check the indentation and quotes"
    if "expected ',' or ']'" in problem or "expected ',' or '}'" in problem or "end of stream" in problem:
        return "close the list or mapping with its ] or }, and quote values that contain , [ ] { }"
    if "unknown escape" in problem or "escape" in problem:
        return "inside double quotes write a backslash as \\\\, or use single quotes"
    return ""
