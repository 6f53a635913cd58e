r"""Human output: aligned tables and a little colour, only on a terminal (NO_COLOR respected).

Every human line reaches the terminal through ``visible``: ``guard_streams``
(called once by the command group) routes all writes to stdout and stderr
through it, so a name or note carrying ``ESC ] 0;…BEL``, OSC 52 or a bidi
override is shown as ``\x1b``, ``\x07``, ``\u202e`` and never acts. Our own
colour codes pass because ``paint`` marks each with this process's secret
token, which no file can know. Machine output (JSON, exports) is written
as it is with ``echo_raw``.
"""
from __future__ import annotations

import codecs
import os
import re
import secrets
import sys
import unicodedata
from typing import Any, Sequence

import click

from rippledoc.diagnostics import Diagnostic

STYLES = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "blue": "34", "cyan": "36"}

# C0 controls but tab and newline, DEL, C1 controls (NEL among them), bidi embeddings, overrides and isolates.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_TOKEN = "\ue000" + secrets.token_hex(8)  # marks the colour codes paint writes; unknown to any file
_OURS = re.compile(re.escape(_TOKEN) + "(\x1b\\[[0-9;]*m|\r)?")
RETURN = _TOKEN + "\r"  # a carriage return of ours (a progress line redrawn in place); one from a file is shown


def escape_control(ch: str) -> str:
    r"""How a control character is shown: ``\x1b``, ``\x85``, ``\u202e``."""
    n = ord(ch)
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"


def visible(text: str) -> str:
    """``text`` safe for a terminal: every control character shown as an escape, except tab and newline.

    Colour codes written by ``paint`` in this process, and ``RETURN``, stay what they are; an orphan
    mark (its code stripped by click on a pipe) is dropped.
    """
    if _TOKEN not in text:
        return _CONTROLS.sub(lambda m: escape_control(m.group()), text)
    parts = _OURS.split(text)  # data, our code (or None), data, …
    return "".join((part or "") if i % 2 else _CONTROLS.sub(lambda m: escape_control(m.group()), part)
                   for i, part in enumerate(parts))


class VisibleStream:
    """A text stream whose every write goes through ``visible``; the rest (buffer, isatty, …) is the inner one.

    On an ASCII stream (``PYTHONIOENCODING=ascii``) it says it is UTF-8, so
    that click writes through it rather than past it to the bytes below, and
    shows what ASCII cannot hold as ``\\u…`` escapes.
    """

    def __init__(self, inner: Any):
        self.inner = inner
        try:
            self.narrow = codecs.lookup(getattr(inner, "encoding", None) or "ascii").name == "ascii"
        except LookupError:
            self.narrow = False

    @property
    def encoding(self) -> str:
        return "utf-8" if self.narrow else self.inner.encoding

    def write(self, text: str) -> int:
        shown = visible(text)
        if self.narrow:
            shown = shown.encode("ascii", "backslashreplace").decode("ascii")
        self.inner.write(shown)
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def guard_streams() -> None:
    """Route everything written to stdout and stderr from now on through ``visible``."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, VisibleStream):
            setattr(sys, name, VisibleStream(stream))


def echo_raw(text: str, nl: bool = True, err: bool = False) -> None:
    """Machine output (JSON, CSV, vCard): written exactly as given, past ``visible`` and click's stripping."""
    stream = sys.stderr if err else sys.stdout
    click.echo(text, file=stream.inner if isinstance(stream, VisibleStream) else stream, nl=nl, color=True)


COLOR_CHOICES = ("auto", "always", "never")  # --color
_color = {"choice": "auto"}  # the command line's --color, set once by the command group


def set_color(choice: str) -> None:
    _color["choice"] = choice


def use_color(stream: Any = None) -> bool:
    """Whether to colour: ``--color always|never`` when given; else never with NO_COLOR
    (https://no-color.org), always with FORCE_COLOR (not 0), else only on a terminal."""
    choice = _color["choice"]
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "0") not in ("", "0", "false"):
        return True
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)())


def paint(text: str, style: str, color: bool) -> str:
    """``text`` in a style of STYLES (``"bold red"``), when ``color``; its control characters shown as escapes."""
    text = visible(text)
    if not color or not text or not style:
        return text
    codes = ";".join(STYLES[s] for s in style.split())
    return f"{_TOKEN}\033[{codes}m{text}{_TOKEN}\033[0m"


def width(text: str) -> int:
    """Display width: wide (East Asian) characters take two columns, combining marks none."""
    if text.isascii():  # every ASCII character takes one column
        return len(text)
    n = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        n += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return n


def clip(text: str, limit: int) -> str:
    if width(text) <= limit:
        return text
    out, n = "", 0
    for ch in text:
        w = width(ch)
        if n + w > limit - 1:
            break
        out, n = out + ch, n + w
    return out + "…"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], align: str = "", styles: Sequence[str] = (),
          color: bool = False, max_width: Sequence[int] = ()) -> str:
    """Columns padded to their widest cell; ``align`` is one letter per column (l or r).

    ``styles`` gives a style per column (applied after padding, so colour does
    not disturb alignment); ``max_width`` clips long cells with an ellipsis.
    """
    cols = len(headers)
    cells = [[clip(visible(str(c)), max_width[i]) if i < len(max_width) and max_width[i] else visible(str(c))
              for i, c in enumerate(r)] for r in rows]
    widths = [max([width(headers[i])] + [width(r[i]) for r in cells]) for i in range(cols)]

    def pad(text: str, i: int) -> str:
        gap = " " * (widths[i] - width(text))
        return gap + text if (align[i:i + 1] or "l") == "r" else text + gap

    out = ["  ".join(paint(pad(h, i), "bold", color) for i, h in enumerate(headers)).rstrip()]
    for r in cells:
        parts = [paint(pad(c, i), styles[i] if i < len(styles) else "", color) for i, c in enumerate(r)]
        out.append("  ".join(parts).rstrip())
    return "\n".join(out)


def format_text(d: Diagnostic, source_line: str | None = None, color: bool = False) -> str:
    """The diagnostic for a person: location, severity and code, message; the line (``source_line``, else the
    diagnostic's own excerpt) with a caret under the column; the hint. Control characters are shown as escapes."""
    sev = paint(d.severity.value, "bold red" if d.is_error else "bold yellow", color)
    out = [visible(f"{d.location()}: ") + sev + visible(f"[{d.code}]: {d.message}")]
    line = source_line if source_line is not None else d.excerpt
    if line is not None and d.line:
        text = line.rstrip("\r\n").expandtabs(1)
        out.append(f"    {visible(text)}")
        if d.col:
            out.append("    " + " " * width(visible(text[:d.col - 1])) + "^")
    if d.hint:
        out.append(visible(f"    hint: {d.hint}"))
    return "\n".join(out)
