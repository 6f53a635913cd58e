"""Diagnostics: every problem rippledoc finds is a value with a place, never an exception.

One way to print them: ``path:line:col: severity[CODE]: message``, then the
line with a caret under the problem, then a hint.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Iterable


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


# Stable codes. E0xx: files and syntax; E1xx: fields; E2xx: the log;
# E3xx: across files; E4xx: rituals. W-codes are warnings (W0xx: the repository).
CODES: dict[str, str] = {
    "E001": "the file cannot be read",
    "E002": "the file is not UTF-8 text",
    "E003": "the file is larger than the limit",
    "E004": "a symbolic link leads out of the workspace",
    "E005": "the file is empty",
    "E006": "an unresolved merge conflict",
    "E007": "a folder cannot be read",
    "E010": "front matter is missing",
    "E011": "front matter is not closed",
    "E012": "YAML syntax error",
    "E013": "front matter is not a mapping",
    "E014": "anchors, aliases and tags are not allowed",
    "E015": "nesting is too deep",
    "E016": "a key is written twice",
    "E100": "a required field is missing",
    "E101": "wrong type",
    "E102": "not a valid date",
    "E103": "not one of the allowed values",
    "E104": "unknown time zone",
    "E105": "bad cadence",
    "E106": "bad time range",
    "E107": "a commitment is due before it was made",
    "E108": "a date lies in the future",
    "E109": "not a number",
    "E200": "a log line does not parse",
    "E201": "unknown touch kind",
    "E202": "unknown outcome, or one that does not fit the kind",
    "E203": "a touch is dated in the future",
    "E204": "a handoff is incomplete",
    "E205": "nobody in the team handles this department",
    "E206": "a story step refers to no success story",
    "E207": "bad intelligence topic",
    "E300": "two clients have the same name",
    "E301": "two files have the same slug",
    "E302": "unknown team member",
    "E303": "unknown client",
    "E400": "bad ritual definition",
    "E401": "unknown metric",
    "E402": "score out of range",
    "E403": "unknown ritual",
    "E404": "a record's name is not a period of its ritual's cadence",
    "W001": "the merge driver named in .gitattributes cannot run in this clone",
    "W100": "unknown key",
    "W101": "a client file name that is not a plain slug",
    "W102": "YAML would read this unquoted text as another type",
    "W103": "a kept date lies in the future",
    "W104": "a client without a time zone",
    "W200": "a touch names an unknown team member",
    "W201": "kudos name nobody",
    "W202": "a testimonial without the customer's words",
    "W203": "a handoff-done closes no handoff",
    "W400": "missing score",
    "W401": "a record's date lies outside its period",
    "W402": "a client file disagrees with the latest applied review",
    "W500": "a site template that overrides nothing",
}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    path: str  # relative to the workspace root, with forward slashes
    line: int  # 1-based; 0 when the problem is the whole file
    col: int  # 1-based; 0 when unknown
    severity: Severity
    code: str
    message: str
    hint: str = ""
    # The text of the line, when whoever found the problem had it and the file is not to be read again
    # (a file refused as not UTF-8). Not part of the diagnostic's identity, nor of its JSON.
    excerpt: str | None = field(default=None, compare=False, repr=False)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.col, self.code)

    def location(self) -> str:
        parts = [self.path]
        if self.line:
            parts.append(str(self.line))
            if self.col:
                parts.append(str(self.col))
        return ":".join(parts)

    def to_json(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line, "col": self.col, "severity": self.severity.value,
                "code": self.code, "message": self.message, "hint": self.hint}

    def with_excerpt(self, line: str) -> "Diagnostic":
        return replace(self, excerpt=line)


def error(path: str, line: int, col: int, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(path, line, col, Severity.ERROR, code, message, hint)


def warning(path: str, line: int, col: int, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(path, line, col, Severity.WARNING, code, message, hint)


def promote_warnings(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    """``--strict``: every warning becomes an error."""
    return [replace(d, severity=Severity.ERROR) for d in diags]


def summary(diags: Iterable[Diagnostic], files: int) -> str:
    diags = list(diags)
    errors = sum(d.is_error for d in diags)
    warnings = len(diags) - errors
    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"
    return f"{plural(files, 'file')} checked: {plural(errors, 'error')}, {plural(warnings, 'warning')}"


def to_json(diags: Iterable[Diagnostic], files: int) -> str:
    diags = list(diags)
    return json.dumps(
        {
            "files": files,
            "errors": sum(d.is_error for d in diags),
            "warnings": sum(not d.is_error for d in diags),
            "diagnostics": [d.to_json() for d in diags],
        },
        indent=2,
        ensure_ascii=False,
    )
