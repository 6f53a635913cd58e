"""Writing a text value into front matter so that it reads back as exactly that text.

``scalar`` leaves a value plain only when YAML 1.1 would read it back as the
same string (not ``NO`` -> False, ``0700`` -> 448, ``a: b`` -> a mapping);
everything else is double-quoted with escapes for the characters YAML treats
as line breaks or refuses in a stream.
"""
from __future__ import annotations

import re

import yaml

_RESOLVER = yaml.resolver.Resolver()
# Plain-safe: starts with a letter, digit or a few harmless characters, and
# contains no YAML indicator that could end or change the scalar.
_PLAIN_BLOCK = re.compile(r"^[\w(][\w .,'()/&+@$%!?=~<>*^;-]*$")
_PLAIN_FLOW = re.compile(r"^[\w(][\w .'()/&+@$%!?=~<>*^;-]*$")
# What YAML 1.2 (other tools reading the file) would take for a number, beyond what PyYAML's 1.1 does.
_NUMBER_1_2 = re.compile(r"^[-+]?(\.\d+|\d[\d_]*(\.\d*)?)([eE][-+]?\d+)?$|^0o[0-7]+$|^0x[0-9a-fA-F]+$")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x00": "\\0"}
_BREAKS = {"\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P", "\xa0": "\\_"}


def _printable(ch: str) -> bool:
    o = ord(ch)
    return (0x20 <= o <= 0x7E or 0xA0 <= o <= 0xD7FF or 0xE000 <= o <= 0xFFFD or 0x10000 <= o <= 0x10FFFF) \
        and o != 0xFEFF


def plain_ok(text: str, flow: bool = False) -> bool:
    """Whether ``text`` written unquoted reads back as the same string."""
    if not text or text != text.strip() or "  " in text:
        return False
    if not (_PLAIN_FLOW if flow else _PLAIN_BLOCK).match(text):
        return False
    if " #" in text or ": " in text or text.endswith(":") or _NUMBER_1_2.match(text):
        return False
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
    return tag == "tag:yaml.org,2002:str"


def quoted(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch in _BREAKS:
            out.append(_BREAKS[ch])
        elif _printable(ch):
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


def scalar(text: str, always_quote: bool = False, flow: bool = False) -> str:
    """``text`` as a YAML scalar: plain when that is safe, else double-quoted."""
    if not always_quote and plain_ok(text, flow):
        return text
    return quoted(text)


def flow_list(items: list[str] | tuple[str, ...]) -> str:
    """``[a, "b, c"]``: a one-line list whose items read back as typed."""
    return "[" + ", ".join(scalar(i, flow=True) for i in items) + "]"
