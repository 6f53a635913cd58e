"""Quick fixes: a diagnostic whose hint reads "did you mean 'x'?" replaces the word it points at with x."""
from __future__ import annotations

import re

from lsprotocol import types

from rippledoc.diagnostics import Diagnostic
from rippledoc.lsp.ranges import UTF16, char_range, line_text, word_span

_SUGGESTION = re.compile(r"did you mean '([^']+)'\?")


def fix_of(d: Diagnostic, lines: list[str]) -> tuple[int, int, int, str, str] | None:
    """(0-based line, start, end, old word, new word) of the one-word fix a diagnostic's hint suggests."""
    m = _SUGGESTION.search(d.hint)
    if m is None or d.line < 1 or d.line > len(lines):
        return None
    text = line_text(lines, d.line - 1)
    start, end = word_span(text, max(d.col - 1, 0), d.message)
    old, new = text[start:end], m[1]
    if old.startswith("@") and not new.startswith("@"):
        new = "@" + new
    if not old or old == new:
        return None
    return d.line - 1, start, end, old, new


def quick_fixes(uri: str, text: str, diags: list[Diagnostic], lsp_diags: list[types.Diagnostic],
                wanted: types.Range, encoding: str = UTF16) -> list[types.CodeAction]:
    """The quick fixes for the diagnostics (ours, and as published: the same order) on the lines of ``wanted``."""
    lines = text.split("\n")
    out = []
    for d, published in zip(diags, lsp_diags):
        fix = fix_of(d, lines)
        if fix is None or not wanted.start.line <= fix[0] <= wanted.end.line:
            continue
        line, start, end, old, new = fix
        edit = types.TextEdit(range=char_range(lines, line, start, end, encoding), new_text=new)
        out.append(types.CodeAction(
            title=f"Replace '{old}' with '{new}'", kind=types.CodeActionKind.QuickFix, diagnostics=[published],
            is_preferred=True, edit=types.WorkspaceEdit(changes={uri: [edit]})))
    return out
