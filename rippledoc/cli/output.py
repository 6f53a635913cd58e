"""Human output: aligned tables and a little colour, only on a terminal (NO_COLOR respected)."""
from __future__ import annotations

import os
import sys
import unicodedata
from typing import Any, Sequence

STYLES = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "blue": "34", "cyan": "36"}


def use_color(stream: Any = None) -> bool:
    """Colour only when writing to a terminal and NO_COLOR is not set (https://no-color.org)."""
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def paint(text: str, style: str, color: bool) -> str:
    if not color or not text:
        return text
    codes = ";".join(STYLES[s] for s in style.split())
    return f"\033[{codes}m{text}\033[0m"


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
    cells = [[clip(str(c), max_width[i]) if i < len(max_width) and max_width[i] else str(c)
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
