"""Lossless edits of a client file: change only the bytes meant, or nothing.

The edits, each one read-modify-write cycle under the workspace lock::

    append_touch(root, client_path, line, today=None) -> EditResult
        Insert one log line (``grammar.write.format_touch`` makes one) into the
        ``## Log`` section, keeping the order the file already uses (oldest
        first, or newest first); the section is created at the end of the
        file when it is missing.
    mark_done(root, client_path, what, when, today=None) -> EditResult
        Add ``done: WHEN`` to the commitment whose ``what`` matches (exactly,
        else case-insensitively, else as the start or a part of it), in its
        flow ``{…}`` or block mapping.
    add_commitment(root, client_path, due, what, made=None, to=None, today=None) -> EditResult
        Add ``{made, due, what, to}`` as the last item of ``commitments:``
        (one line; the first one also turns ``commitments: []`` into a list).
    move_commitment(root, client_path, what, to, told, note="", today=None) -> EditResult
        Record a renegotiation of the open commitment whose ``what``
        matches: ``{due: NEW DAY, told: DAY, note: …}`` added to its
        ``moved:`` list, on the commitment's line when it is one line.
    replace_touch(root, client_path, old, new, line=0, today=None) -> EditResult
        Replace the log line reading exactly ``old`` with ``new``, a touch of
        the same day (found again under the lock, ``line`` telling equal lines
        apart): how ``rippledoc call`` adds each answer to the call's line.
    close_handoff(root, client_path, text, when, today=None) -> EditResult
        Write ``done: WHEN`` right after the due date of the handoff
        (``handoff: training @priya by 2026-11-28``) on the log line that
        reads ``text`` (found again under the lock, never by a line number).
    set_field(root, client_path, key, value, only_if_empty=True, today=None) -> EditResult
        Set a top-level front matter key (``owner``, ``snooze``, …) to a
        text or a date: fills an empty value, adds a line before the closing
        ``---`` when the key is absent, and replaces a present value only
        when ``only_if_empty`` is false (otherwise ``changed`` is False).
    mark_applied(root, record_path, when, today=None) -> EditResult
        Write ``applied: WHEN`` into a ritual record or sheet (checked as a
        record of its ritual, not as a client file).

``client_path`` is the file's path, absolute or relative to ``root``. Every
edit works on the file's bytes: line endings (LF or CRLF) and a leading BOM
are kept, every other byte is unchanged. The result is parsed again (with the
workspace's settings and team) and refused when it has an error, so a file
never stops validating because rippledoc wrote to it. The write is atomic and
a compare-and-swap (``atomic.update``): the file is replaced only if it still
holds the bytes the change was made on; when another program (an editor, a
sync client) saved it in between, the file is read again and the change made
again on what it now holds, a few times, and then refused. Pass ``expect``
(the sha256 of what the caller read earlier) to refuse instead when the file
changed since.

Each edit takes ``atomic.locked(root)`` itself. The lock is re-entrant within
a thread, so an edit may be called while holding it (to make several edits
one step for other processes); another thread or process waits for it.

A refusal raises ``EditError`` (``FileChanged`` when the file changed on
disk) whose message says what and where; nothing is written then.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar


from rippledoc.edit import atomic
from rippledoc.read import yamltree
from rippledoc.parse.grammar.log import find_log, insertion_index, line_date
from rippledoc.read.source import Text, split_front_matter, split_lines
from rippledoc.read.yamlscalar import scalar

BOM = "\ufeff"


class EditError(Exception):
    """An edit was refused; nothing was written. ``str(err)`` says why; ``errno``: the system's error, when the
    write itself failed (a full disk, a read-only file system)."""

    def __init__(self, message: str, errno: int | None = None):
        super().__init__(message)
        self.errno = errno


class FileChanged(EditError):
    """The file changed on disk since it was read."""


@dataclass(frozen=True, slots=True)
class EditResult:
    path: str  # relative to the workspace root
    changed: bool  # False: nothing to do (e.g. the field already had a value)
    line: int  # the 1-based line added or changed; 0 when nothing changed
    text: str  # that line, without its line ending
    message: str  # what was done, in words


@dataclass(slots=True)
class _Doc:
    """A file's text split in lines, each keeping its own ending."""
    bom: bool
    lines: list[str]  # with "\n" / "\r\n" endings; the last may have none
    eol: str

    @classmethod
    def of(cls, raw: bytes) -> "_Doc":
        text = raw.decode("utf-8")
        bom = text.startswith(BOM)
        if bom:
            text = text[1:]
        lines = split_lines(text)
        first = next((l for l in lines if l.endswith("\n")), "\n")
        return cls(bom, lines, "\r\n" if first.endswith("\r\n") else "\n")

    def insert(self, index: int, content: str) -> None:
        """Insert a line before ``lines[index]`` (0-based), ending the previous line if it had no ending."""
        if index > 0 and not self.lines[index - 1].endswith("\n"):
            self.lines[index - 1] += self.eol
        self.lines.insert(index, content + self.eol)

    def bytes(self) -> bytes:
        return ((BOM if self.bom else "") + "".join(self.lines)).encode("utf-8")

    @property
    def text(self) -> str:
        return "".join(self.lines)


def _resolve(root: Path, client_path: str | Path) -> tuple[Path, str]:
    root = Path(root).resolve()
    path = Path(client_path)
    if not path.is_absolute():
        path = root / path
    try:
        rel = path.resolve().relative_to(root).as_posix()
    except ValueError:
        raise EditError(f"{client_path}: not inside the workspace {root}") from None
    return path, rel


def _read(path: Path, rel: str) -> bytes:
    try:
        return atomic.read_stable(path)
    except OSError as exc:
        raise EditError(f"{rel}: cannot read the file: {exc.strerror or exc}") from None


def _validate(root: Path, rel: str, doc: _Doc, today: date | None):
    """Parse the edited text as the loader would; raise EditError on any error."""
    from rippledoc.parse.client import parse_client
    from rippledoc.book.loader import load_settings
    from rippledoc.book.validate import client_checks
    settings, _ = load_settings(root)
    text = doc.text
    client, diags = parse_client(Text(rel, text, doc.bytes()), settings, today)
    if client is not None:
        diags = diags + client_checks(Path(root), settings, (client,))
    errors = [d for d in diags if d.is_error]
    if client is None or errors:
        first = errors[0] if errors else None
        where = f"{first.location()}: {first.message}" if first else f"{rel}: the file would not parse"
        raise EditError(f"refused: after this change {where}" + (f" (hint: {first.hint})" if first and first.hint else ""))
    return client


def _edit(root: str | Path, client_path: str | Path, change, today: date | None, expect: str | None,
          check=None) -> EditResult:
    """Read, change, check and write one file by compare-and-swap; when another program saves it in between,
    read it again and make the change again (``atomic.update``), so that save is kept.

    ``check(root, rel, doc, today)`` refuses the changed text (raises ``EditError``); default: it must read as a
    client file without errors."""
    check = check or _validate
    root_p = Path(root).resolve()
    path, rel = _resolve(root_p, client_path)
    made: list[EditResult] = []

    def apply(raw: bytes) -> bytes | None:
        if expect is not None and atomic.digest(raw) != expect:
            raise FileChanged(f"{rel} changed on disk since it was read; nothing was written. Run the command again.")
        try:
            doc = _Doc.of(raw)
        except UnicodeDecodeError:
            raise EditError(f"{rel}: not UTF-8 text; nothing was written") from None
        made[:] = [change(doc, rel)]
        if not made[0].changed:
            return None
        check(root_p, rel, doc, today)
        return doc.bytes()

    with atomic.locked(root_p):
        try:
            atomic.update(path, apply, read=lambda p: _read(p, rel))
        except atomic.SavedTwice as exc:
            raise FileChanged(str(exc)) from None
        except atomic.ChangedOnDisk:
            raise FileChanged(f"{rel} kept changing while rippledoc tried to write it ({atomic.ATTEMPTS} tries); "
                              "nothing was written. Let the other program finish and run the command again.") from None
        except OSError as exc:
            raise EditError(atomic.write_problem(rel, exc), exc.errno) from None
        return made[0]


# ---------------------------------------------------------------- the log

def _front(doc: _Doc, rel: str):
    fm, diags = split_front_matter(Text(rel, doc.text, b""))
    if fm is None:
        raise EditError(f"{rel}: {diags[0].message if diags else 'no front matter'}")
    return fm


def append_touch(root: str | Path, client_path: str | Path, line: str, today: date | None = None,
                 expect: str | None = None) -> EditResult:
    """Insert ``line`` (one ``- DATE KIND …`` touch, no line ending) into the log, in date order."""
    line = line.rstrip("\r\n")
    if "\n" in line or "\r" in line:
        raise EditError("a touch is one line")
    when = line_date(line)
    if when is None:
        raise EditError(f"not a touch line: {line!r}")

    def change(doc: _Doc, rel: str) -> EditResult:
        fm = _front(doc, rel)
        section = find_log(fm.body, fm.body_line)
        if section is None:
            at = len(doc.lines)
            if doc.lines and doc.lines[-1].strip():
                doc.insert(at, "")
                at += 1
            doc.insert(at, "## Log")
            doc.insert(at + 1, line)
            return EditResult(rel, True, at + 2, line, f"added a '## Log' section and the touch to {rel}")
        first = section.first_line - 1  # 0-based index of the section's first line
        index = first + (insertion_index(section.lines, when) or 0)
        doc.insert(index, line)
        return EditResult(rel, True, index + 1, line, f"added to {rel}:{index + 1}")

    return _edit(root, client_path, change, today, expect)


def replace_touch(root: str | Path, client_path: str | Path, old: str, new: str, line: int = 0,
                  today: date | None = None, expect: str | None = None) -> EditResult:
    """Replace the log line reading exactly ``old`` (a touch written earlier) with ``new``, a touch of the same day.

    ``old`` is looked up again in the log under the lock: at ``line`` (1-based) when it is still there, else
    wherever it moved (a line added or removed above it meanwhile). A line edited by hand meanwhile is not
    overwritten (``FileChanged``), and the edit is refused when ``old`` is there several times, none at ``line``.
    """
    old, new = old.rstrip("\r\n"), new.rstrip("\r\n")
    if "\n" in new or "\r" in new:
        raise EditError("a touch is one line")
    when = line_date(new)
    if when is None:
        raise EditError(f"not a touch line: {new!r}")
    if line_date(old) != when:
        raise EditError(f"the touch keeps its day: {old!r} is not of {when}")

    def change(doc: _Doc, rel: str) -> EditResult:
        fm = _front(doc, rel)
        section = find_log(fm.body, fm.body_line)
        first = section.first_line - 1 if section is not None else len(doc.lines)
        last = min(len(doc.lines), first + (len(section.lines) if section else 0))
        found = [i for i in range(first, last) if doc.lines[i].rstrip("\r\n") == old]
        if line - 1 in found:
            found = [line - 1]
        i = _the_line(found, rel, "log line", old, "written", FileChanged, "nothing was written")
        if old == new:
            return EditResult(rel, False, i + 1, new, f"{rel}:{i + 1} already reads so")
        text = doc.lines[i]
        doc.lines[i] = new + text[len(text.rstrip("\r\n")):]
        return EditResult(rel, True, i + 1, new, f"changed {rel}:{i + 1}")

    return _edit(root, client_path, change, today, expect)


# ---------------------------------------------------------------- commitments

def _parse_front(doc: _Doc, rel: str) -> yamltree.Mapping:
    fm = _front(doc, rel)
    node, diags = yamltree.parse(fm.yaml_text, rel, fm.yaml_line)
    if not isinstance(node, yamltree.Mapping):
        raise EditError(f"{rel}: the front matter is not a mapping" + (f" ({diags[0].message})" if diags else ""))
    return node


T = TypeVar("T")


def _the_line(found: list[int], rel: str, what: str, text: str, since: str, missing: type[EditError],
              several: str) -> int:
    """The one index in ``found``; refused when the line is gone (``missing``) or appears more than once."""
    if not found:
        raise missing(f"{rel}: the {what} is no longer in the file (it changed since it was {since}): "
                      f"{text!r}; nothing was written")
    if len(found) > 1:
        raise EditError(f"{rel}: the {what} appears {len(found)} times (lines "
                        f"{', '.join(str(i + 1) for i in found)}): {text!r}; {several}")
    return found[0]


def find_commitment(items: list[tuple[str, T]], what: str) -> list[T]:
    """The items whose text matches ``what``: exact, else case-insensitive, else prefix, else part."""
    q = " ".join(what.split()).lower()
    tests = (lambda t: t == what, lambda t: t.lower() == q, lambda t: t.lower().startswith(q), lambda t: q in t.lower())
    for test in tests:
        found = [obj for text, obj in items if test(" ".join(text.split()))]
        if found:
            return found
    return []


def _open_commitment(doc: _Doc, rel: str, what: str, verb: str) -> yamltree.Mapping:
    """The one open commitment (no ``done``) whose ``what`` matches; refused when none or several do."""
    front = _parse_front(doc, rel)
    seq = front.get("commitments")
    if not isinstance(seq, yamltree.Sequence):
        raise EditError(f"{rel}: there are no commitments to {verb}")
    items: list[tuple[str, yamltree.Mapping]] = []
    for item in seq.items:
        if isinstance(item, yamltree.Mapping) and isinstance(said := item.get("what"), yamltree.Scalar):
            items.append((said.text, item))
    open_items = [(t, i) for t, i in items if not _has_value(i.get("done"))]
    found = find_commitment(open_items, what)
    if len(found) > 1:
        raise EditError(f"'{what}' matches {len(found)} open commitments: " +
                        "; ".join(repr(t) for t, i in open_items if i in found) + ". Say which one.")
    if not found:
        kept = find_commitment([(t, (t, i)) for t, i in items if (t, i) not in open_items], what)
        if kept:
            kept_what, hit = kept[0]
            done = hit.get("done")
            raise EditError(f"'{kept_what}' is already marked done on "
                            f"{done.text if isinstance(done, yamltree.Scalar) else done}")
        raise EditError(f"no open commitment matches '{what}'" +
                        (": the open ones are " + "; ".join(repr(t) for t, _ in open_items) if open_items else ""))
    return found[0]


def mark_done(root: str | Path, client_path: str | Path, what: str, when: date, today: date | None = None,
              expect: str | None = None) -> EditResult:
    """Add ``done: WHEN`` to the open commitment whose ``what`` matches."""

    def change(doc: _Doc, rel: str) -> EditResult:
        item = _open_commitment(doc, rel, what, "mark done")
        empty = item.key_node("done")
        if empty is not None:  # 'done:' written without a value: fill it in
            i = empty.line - 1
            doc.lines[i] = _fill(doc.lines[i], empty, when.isoformat())
            return EditResult(rel, True, i + 1, doc.lines[i].rstrip("\r\n"), f"marked done in {rel}:{i + 1}")
        if item.flow:
            i = item.end_line - 1
            text = doc.lines[i]
            close = item.end_col - 2  # the '}'
            if text[close:close + 1] != "}":
                raise EditError(f"{rel}:{item.end_line}: cannot find the end of the commitment")
            before = text[:close].rstrip(" ")
            sep = ", " if not before.endswith(",") else " "
            doc.lines[i] = before + sep + f"done: {when.isoformat()}" + text[len(before):]
            return EditResult(rel, True, i + 1, doc.lines[i].rstrip("\r\n"), f"marked done in {rel}:{i + 1}")
        last_key, last_value = item.items[-1]
        end = last_value.end_line if last_value.end_col > 1 or last_value.end_line == last_key.line else last_value.end_line - 1
        end = max(end, last_key.line)
        indent = " " * (item.col - 1)
        doc.insert(end, f"{indent}done: {when.isoformat()}")  # after file line ``end``
        return EditResult(rel, True, end + 1, f"{indent}done: {when.isoformat()}", f"marked done in {rel}:{end + 1}")

    return _edit(root, client_path, change, today, expect)


_EMPTY = ("", "~", "null", "Null", "NULL")


def _fill(text: str, key: yamltree.Scalar, written: str) -> str:
    """Write ``written`` after ``key:`` on a line whose value is empty (nothing, ``~``, ``null``, ``""`` or ``''``),
    in place of that empty value; the rest of the line (a comment, a flow mapping's ``}``) stays."""
    colon = text.index(":", key.end_col - 1)
    rest = text[colon + 1:]
    m = re.match(r"""^[ \t]*(?:~|null|Null|NULL|""|'')(?=[ \t,}\r\n]|$)""", rest)
    rest = rest[m.end():] if m else rest
    return text[:colon + 1] + " " + written + rest


def _has_value(node: object) -> bool:
    """Whether a value is there: nothing, ``~``, ``null`` and a quoted empty text (``""``) are empty."""
    if node is None:
        return False
    if isinstance(node, yamltree.Scalar):
        return node.text not in _EMPTY if node.plain else node.text != ""
    return True


def _last_line(node: object) -> int:
    """The last file line (1-based) that holds some of ``node``'s text."""
    if isinstance(node, yamltree.Mapping) and not node.flow and node.items:
        return max(max(_last_line(k), _last_line(v)) for k, v in node.items)
    if isinstance(node, yamltree.Sequence) and not node.flow and node.items:
        return max(_last_line(i) for i in node.items)
    assert isinstance(node, (yamltree.Scalar, yamltree.Mapping, yamltree.Sequence))
    return node.end_line if node.end_col > 1 or node.end_line == node.line else node.end_line - 1


def flow_mapping(pairs: list[tuple[str, str | date | None]]) -> str:
    """``{made: 2026-11-22, due: 2026-11-27, what: Send the plan}``: the pairs whose value is not None or
    empty, each value written so it reads back as typed."""
    parts = []
    for key, value in pairs:
        if value is None or value == "":
            continue
        text = value.isoformat() if isinstance(value, date) else str(value)
        if "\n" in text or "\r" in text:
            raise EditError(f"'{key}' is one line")
        parts.append(f"{key}: {text if isinstance(value, date) else scalar(text, flow=True)}")
    return "{" + ", ".join(parts) + "}"


def _into_flow(doc: _Doc, rel: str, node: yamltree.Mapping | yamltree.Sequence, text: str) -> int:
    """Write ``text`` as the last entry of a flow ``{…}`` or ``[…]``, on the line of its closing bracket;
    the 0-based index of that line."""
    i = node.end_line - 1
    line = doc.lines[i]
    close = node.end_col - 2
    if line[close:close + 1] not in ("}", "]"):
        raise EditError(f"{rel}:{node.end_line}: cannot find the end of the list or mapping; edit it by hand")
    before = line[:close].rstrip(" ")
    empty = before.endswith(("[", "{"))
    sep = "" if empty else " " if before.endswith(",") else ", "
    doc.lines[i] = before + sep + text + line[close:]
    return i


def add_commitment(root: str | Path, client_path: str | Path, due: date, what: str, made: date | None = None,
                   to: str | None = None, today: date | None = None, expect: str | None = None) -> EditResult:
    """Add ``{made: MADE, due: DUE, what: WHAT, to: TO}`` as the last item of ``commitments:``: one new line in
    a list of one item per line (the first one also turns an empty ``commitments: []`` into that list)."""
    what = " ".join(what.split())
    if not what:
        raise EditError("say what you promised")
    item = flow_mapping([("made", made), ("due", due), ("what", what), ("to", to)])

    def change(doc: _Doc, rel: str) -> EditResult:
        fm = _front(doc, rel)
        front = _parse_front(doc, rel)
        key = front.key_node("commitments")
        seq = front.get("commitments")
        indent = " " * (front.col - 1)
        if key is None:
            at = fm.close_line - 1  # before the closing fence
            doc.insert(at, f"{indent}commitments:")
            doc.insert(at + 1, f"{indent}  - {item}")
            return EditResult(rel, True, at + 2, f"{indent}  - {item}", f"added to {rel}:{at + 2}")
        if isinstance(seq, yamltree.Sequence) and seq.items and seq.flow:
            i = _into_flow(doc, rel, seq, item)
            return EditResult(rel, True, i + 1, doc.lines[i].rstrip("\r\n"), f"added to {rel}:{i + 1}")
        if isinstance(seq, yamltree.Sequence) and seq.items:
            at = _last_line(seq)
            line = " " * (seq.col - 1) + f"- {item}"
            doc.insert(at, line)
            return EditResult(rel, True, at + 1, line, f"added to {rel}:{at + 1}")
        empty = isinstance(seq, yamltree.Sequence) or (isinstance(seq, yamltree.Scalar) and not _has_value(seq))
        if not empty or seq is None or seq.line != key.line:
            raise EditError(f"{rel}:{key.line}: 'commitments' is not a list of commitments; edit it by hand")
        i = key.line - 1
        text = doc.lines[i]
        doc.lines[i] = text[:seq.col - 1].rstrip(" ") + text[seq.end_col - 1:] if seq.end_col > seq.col else text
        line = f"{indent}  - {item}"
        doc.insert(i + 1, line)
        return EditResult(rel, True, i + 2, line, f"added to {rel}:{i + 2}")

    return _edit(root, client_path, change, today, expect)


def move_commitment(root: str | Path, client_path: str | Path, what: str, to: date, told: date, note: str = "",
                    today: date | None = None, expect: str | None = None) -> EditResult:
    """Record a renegotiation of the open commitment whose ``what`` matches: ``{due: TO, told: TOLD, note: …}``
    added to its ``moved:`` list (made when missing), on the commitment's own line when it is one line."""
    entry = flow_mapping([("due", to), ("told", told), ("note", " ".join(note.split()))])

    def change(doc: _Doc, rel: str) -> EditResult:
        item = _open_commitment(doc, rel, what, "move")
        moved = item.get("moved")
        key = item.key_node("moved")
        if isinstance(moved, yamltree.Sequence) and moved.flow:
            i = _into_flow(doc, rel, moved, entry)
        elif isinstance(moved, yamltree.Sequence):
            at = _last_line(moved)
            line = " " * (moved.col - 1) + f"- {entry}"
            doc.insert(at, line)
            return EditResult(rel, True, at + 1, line, f"moved in {rel}:{at + 1}")
        elif key is not None:
            if _has_value(moved):
                raise EditError(f"{rel}:{key.line}: 'moved' is not a list of moves; edit it by hand")
            i = key.line - 1
            doc.lines[i] = _fill(doc.lines[i], key, f"[{entry}]")
        elif item.flow:
            i = _into_flow(doc, rel, item, f"moved: [{entry}]")
        else:
            at = _last_line(item)
            line = " " * (item.col - 1) + f"moved: [{entry}]"
            doc.insert(at, line)
            return EditResult(rel, True, at + 1, line, f"moved in {rel}:{at + 1}")
        return EditResult(rel, True, i + 1, doc.lines[i].rstrip("\r\n"), f"moved in {rel}:{i + 1}")

    return _edit(root, client_path, change, today, expect)


# ---------------------------------------------------------------- handoffs

def close_handoff(root: str | Path, client_path: str | Path, text: str, when: date, today: date | None = None,
                  expect: str | None = None) -> EditResult:
    """Write ``done: WHEN`` after the due date of the handoff on the log line reading exactly ``text``.

    ``text`` is the line as it was read (a Touch's ``text``); it is looked up
    again under the lock, so a line inserted or removed above it meanwhile
    cannot make this close another handoff. The line must be there exactly
    once.
    """
    from rippledoc.parse.grammar.write import close_handoff_text
    wanted = text.rstrip("\r\n")

    def change(doc: _Doc, rel: str) -> EditResult:
        found = [i for i, l in enumerate(doc.lines) if l.rstrip("\r\n") == wanted]
        i = _the_line(found, rel, "handoff line", wanted, "read", EditError, "close the right one by hand")
        line = doc.lines[i]
        body = line.rstrip("\r\n")
        try:
            new = close_handoff_text(body, when)
        except ValueError as exc:
            raise EditError(f"{rel}:{i + 1}: {exc}") from None
        doc.lines[i] = new + line[len(body):]
        return EditResult(rel, True, i + 1, new, f"closed the handoff in {rel}:{i + 1}")

    return _edit(root, client_path, change, today, expect)


# ---------------------------------------------------------------- fields

def yaml_scalar(value: str | date) -> str:
    """``value`` written so the guarded reader reads back the same text: plain when safe, else double-quoted."""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if "\n" in text or "\r" in text:
        raise EditError("a field value is one line")
    return scalar(text)


def set_field(root: str | Path, client_path: str | Path, key: str, value: str | date, only_if_empty: bool = True,
              today: date | None = None, expect: str | None = None) -> EditResult:
    """Set the top-level front matter ``key`` to ``value`` (a text or a date)."""
    if not re.match(r"^[A-Za-z_][\w-]*$", key):
        raise EditError(f"'{key}' is not a field name")
    written = yaml_scalar(value)

    def change(doc: _Doc, rel: str) -> EditResult:
        fm = _front(doc, rel)
        front = _parse_front(doc, rel)
        knode = front.key_node(key)
        if knode is None:
            index = fm.close_line - 1  # before the closing fence
            indent = " " * (front.col - 1)
            doc.insert(index, f"{indent}{key}: {written}")
            return EditResult(rel, True, index + 1, f"{indent}{key}: {written}", f"set {key} in {rel}:{index + 1}")
        vnode = front.get(key)
        i = knode.line - 1
        text = doc.lines[i]
        if _has_value(vnode):
            if only_if_empty:
                shown = vnode.text if isinstance(vnode, yamltree.Scalar) else "…"
                return EditResult(rel, False, 0, "", f"{rel}: {key} is already '{shown}'; left as it is")
            if not isinstance(vnode, yamltree.Scalar) or vnode.line != vnode.end_line or vnode.line != knode.line:
                raise EditError(f"{rel}:{knode.line}: '{key}' is not a one-line value; edit it by hand")
            doc.lines[i] = text[:vnode.col - 1] + written + text[vnode.end_col - 1:]
            return EditResult(rel, True, i + 1, doc.lines[i].rstrip("\r\n"), f"set {key} in {rel}:{i + 1}")
        doc.lines[i] = _fill(text, knode, written)
        return EditResult(rel, True, i + 1, doc.lines[i].rstrip("\r\n"), f"set {key} in {rel}:{i + 1}")

    return _edit(root, client_path, change, today, expect)


def _validate_record(root: Path, rel: str, doc: _Doc, today: date | None) -> None:
    """The edited record must read as a record of its ritual without an error."""
    from rippledoc.book.loader import load_rituals, load_settings
    from rippledoc.parse.ritual import parse_record, record_location
    settings, _ = load_settings(root)
    rituals, _ = load_rituals(root, settings)
    record, diags = parse_record(Text(rel, doc.text, doc.bytes()), rituals.get(record_location(rel)[0]))
    errors = [d for d in diags if d.is_error]
    if record is None or errors:
        where = f"{errors[0].location()}: {errors[0].message}" if errors else f"{rel}: the record would not parse"
        raise EditError(f"refused: after this change {where}")


def mark_applied(root: str | Path, record_path: str | Path, when: date, today: date | None = None,
                 expect: str | None = None) -> EditResult:
    """Write ``applied: WHEN`` into a ritual record (or sheet): after its ``date:`` line when the key is new,
    in place of the old day when it is there."""

    def change(doc: _Doc, rel: str) -> EditResult:
        fm = _front(doc, rel)
        front = _parse_front(doc, rel)
        key = front.key_node("applied")
        value = front.get("applied")
        if key is not None:
            if not isinstance(value, yamltree.Scalar) or value.line != key.line:
                raise EditError(f"{rel}:{key.line}: 'applied' is not a date; edit it by hand")
            if value.text == when.isoformat():
                return EditResult(rel, False, 0, "", f"{rel} already says applied: {when}")
            i = key.line - 1
            text = doc.lines[i]
            doc.lines[i] = (text[:value.col - 1] + when.isoformat() + text[value.end_col - 1:]) if _has_value(value) \
                else _fill(text, key, when.isoformat())
            return EditResult(rel, True, i + 1, doc.lines[i].rstrip("\r\n"), f"marked applied in {rel}:{i + 1}")
        dated = front.key_node("date")
        at = _last_line(front.get("date")) if dated is not None else fm.yaml_line - 1
        line = " " * (front.col - 1) + f"applied: {when.isoformat()}"
        doc.insert(at, line)
        return EditResult(rel, True, at + 1, line, f"marked applied in {rel}:{at + 1}")

    return _edit(root, record_path, change, today, expect, check=_validate_record)


__all__ = ["EditError", "EditResult", "FileChanged", "add_commitment", "append_touch", "close_handoff", "flow_mapping",
           "mark_applied", "mark_done", "move_commitment", "replace_touch", "set_field", "yaml_scalar"]
