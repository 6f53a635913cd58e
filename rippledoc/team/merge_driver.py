"""Three-way merge of a client or ritual file, for git's merge driver.

Two people who log a touch for the same client on the same day, or edit
different fields of it, must never meet a conflict. A file is cut into parts
and each part is merged by its own rule:

- the front matter, key by key: each top-level key is the block of source
  lines from its line (with the comments just above it) to the next key, so
  the merged text keeps each side's bytes. A key changed on one side takes
  that side's block; a key changed on both sides is merged deeper (a block
  mapping such as ``custom:`` or a record's ``clients:`` key by key again, a
  list of one-line items as a union, anything else line by line) and only
  when that fails gets standard conflict markers around the two versions;
- the ``## Log`` section as the union of both sides' lines: a line added on
  either side is kept and placed in date order (keeping the order the file
  uses, oldest or newest first); a line deleted on one side goes when the
  other side did not change it; a touch changed differently on both sides
  (the same line replaced by a line of its date on each) gets conflict markers;
- the notes around the log, three-way by lines with ``git merge-file``.

The result is parsed like the loader would (a client file with
``clientfile.parse_client``, a ritual file with ``ritualfile``); an error that
neither side had makes the merge a conflict. Each line keeps its own ending
(LF or CRLF); a new line takes our side's usual one, and the leading
byte-order mark follows our side.
"""
from __future__ import annotations

import difflib
import itertools
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from rippledoc.read import yamltree
from rippledoc.diagnostics import Diagnostic
from rippledoc.parse.fields import parse_date
from rippledoc.parse.grammar.log import DATED, find_log, insertion_index, log_order
from rippledoc.read.source import split_lines

OURS, BASE, THEIRS = "ours", "base", "theirs"
_FENCE_OPEN = "---"
BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class Merged:
    data: bytes  # the merged file, with conflict markers where both sides changed a part differently
    conflicts: tuple[str, ...] = ()  # each conflict in words: "front matter key 'grade': changed on both sides"
    problems: tuple[Diagnostic, ...] = ()  # errors of the merged file that neither side had

    @property
    def clean(self) -> bool:
        return not self.conflicts and not self.problems


# ---------------------------------------------------------------- line merges

Lines = list[str]  # each line ends with "\n", except perhaps the last one of a file


def merge_lines(base: Lines, ours: Lines, theirs: Lines, conflicts: list[str], what: str) -> Lines:
    """Three-way merge by lines with ``git merge-file``; conflict regions get standard markers."""
    if ours == theirs or base == theirs:
        return list(ours)
    if base == ours:
        return list(theirs)
    with tempfile.TemporaryDirectory(prefix="rippledoc-merge-") as tmp:
        names = []
        for label, lines in ((OURS, ours), (BASE, base), (THEIRS, theirs)):
            p = Path(tmp) / label
            p.write_bytes("".join(lines).encode("utf-8", "surrogateescape"))
            names.append(str(p))
        try:
            proc = subprocess.run(["git", "merge-file", "-p", "-L", OURS, "-L", BASE, "-L", THEIRS, *names],
                                  capture_output=True, timeout=60)
        except (OSError, subprocess.SubprocessError):
            proc = None
    if proc is None or not 0 <= proc.returncode <= 127:
        conflicts.append(f"{what}: changed on both sides")
        return _markers(ours, theirs)
    if proc.returncode:
        conflicts.append(f"{what}: changed on both sides ({proc.returncode} conflicting region"
                         f"{'s' * (proc.returncode != 1)})")
    return _lines(proc.stdout.decode("utf-8", "surrogateescape"))


def _markers(ours: Lines, theirs: Lines) -> Lines:
    return [f"<<<<<<< {OURS}\n", *_ended(ours), "=======\n", *_ended(theirs), f">>>>>>> {THEIRS}\n"]


def _ended(lines: Lines) -> Lines:
    return [l if l.endswith("\n") else l + "\n" for l in lines]


def _lines(text: str) -> Lines:
    return split_lines(text)


def _target_counts(base: Lines, ours: Lines, theirs: Lines) -> Counter[str]:
    """How many copies of each line a union keeps: a change on either side wins over no change."""
    cb, co, ct = Counter(_key(l) for l in base), Counter(_key(l) for l in ours), Counter(_key(l) for l in theirs)
    out: Counter[str] = Counter()
    for k in set(cb) | set(co) | set(ct):
        b, o, t = cb[k], co[k], ct[k]
        if (o - b) * (t - b) > 0:  # both sides added (or both removed) copies: the larger change, once
            n = max(o, t) if o > b else min(o, t)
        else:
            n = o + t - b
        if n > 0:
            out[k] = n
    return out


def _key(line: str) -> str:
    return line.rstrip("\n")


def union_lines(base: Lines, ours: Lines, theirs: Lines, descending: bool | None = None) -> Lines:
    """Our lines, less those the other side deleted, plus those they added.

    An added line goes where it stood relative to the base on their side (a
    changed line takes the old one's place; an insertion goes after our own
    insertions at that spot); with ``descending`` given, a dated line goes
    in date order instead (newest first when true).
    """
    target = _target_counts(base, ours, theirs)
    used: Counter[str] = Counter()
    out: list[list] = []  # [line, alive]; dead lines stay as anchors until the end
    for line in ours:
        alive = used[_key(line)] < target[_key(line)]
        used[_key(line)] += alive
        out.append([line, alive])
    bk = [_key(l) for l in base]
    in_ours: dict[int, int] = {}
    for a, b, n in difflib.SequenceMatcher(None, bk, [_key(l) for l in ours], autojunk=False).get_matching_blocks():
        for k in range(n):
            in_ours[a + k] = b + k
    anchors = {}  # their line's index -> the base index it stands before
    for tag, i1, _, j1, j2 in difflib.SequenceMatcher(None, bk, [_key(l) for l in theirs],
                                                      autojunk=False).get_opcodes():
        if tag in ("insert", "replace"):
            for j in range(j1, j2):
                anchors[j] = i1
    entries = list(out)  # the original entries, to find anchors after insertions shift them
    for j, line in enumerate(theirs):
        if used[_key(line)] >= target[_key(line)]:
            continue
        used[_key(line)] += 1
        at = None
        if descending is not None and _date_of(line):
            at = _by_date(out, _date_of(line), descending)  # type: ignore[arg-type]
        if at is None:
            at = len(out)
            following = [in_ours[i] for i in range(anchors.get(j, len(base)), len(base)) if i in in_ours]
            if following:
                anchor = entries[following[0]]
                at = next(n for n, e in enumerate(out) if e is anchor)
        out.insert(at, [line, True])
    lines = [e[0] for e in out if e[1]]
    return [l if l.endswith("\n") or n == len(lines) - 1 else l + "\n" for n, l in enumerate(lines)]


def _by_date(out: list[list], when: str, descending: bool) -> int | None:
    """Where a line dated ``when`` goes among the living dated lines (after those of the same day)."""
    day = parse_date(when)
    if day is None:
        return None
    return insertion_index([line if alive else "" for line, alive in out], day,
                           "descending" if descending else "ascending", last_of_day=True)


def _date_of(line: str) -> str | None:
    m = DATED.match(line)
    return m[1] if m else None


def touch_clashes(base: Lines, ours: Lines, theirs: Lines) -> list[tuple[Lines, Lines]]:
    """Touches edited differently on both sides: (our lines, their lines) for each.

    A dated base line both sides removed, where each side put new lines of
    that date in its place, is one touch changed two ways; a touch changed
    on one side only, or two new touches of one day, is no clash.
    """
    bk = [_key(l) for l in base]
    kept_o, kept_t = {_key(l) for l in ours}, {_key(l) for l in theirs}

    def replacing(side: Lines, other: set[str]) -> dict[int, Lines]:
        found: dict[int, Lines] = {}
        opcodes = difflib.SequenceMatcher(None, bk, [_key(l) for l in side], autojunk=False).get_opcodes()
        for tag, i1, i2, j1, j2 in opcodes:
            if tag == "replace":
                for i in range(i1, i2):
                    found[i] = [l for l in side[j1:j2] if _date_of(l) == _date_of(base[i])
                                and _key(l) not in bk and _key(l) not in other]
        return found

    mine, yours = replacing(ours, kept_t), replacing(theirs, kept_o)
    clashes: list[tuple[Lines, Lines]] = []
    claimed: set[str] = set()
    for i, line in enumerate(base):
        if not _date_of(line) or bk[i] in kept_o or bk[i] in kept_t:
            continue
        o = [l for l in mine.get(i, []) if _key(l) not in claimed]
        t = [l for l in yours.get(i, []) if _key(l) not in claimed]
        if o and t:
            clashes.append((o, t))
            claimed.update(map(_key, o + t))
    return clashes


def mark_touch_clashes(log: Lines, clashes: list[tuple[Lines, Lines]], conflicts: list[str]) -> Lines:
    """The merged log with each clash's lines replaced by standard markers around both versions, where the first stood."""
    for o, t in clashes:
        taken: list[int] = []
        for line in o + t:
            n = next((n for n, l in enumerate(log) if _key(l) == _key(line) and n not in taken), None)
            if n is not None:
                taken.append(n)
        if not taken:
            continue
        at = min(taken)
        log = [*log[:at], *_markers(o, t), *(l for n, l in enumerate(log) if n >= at and n not in taken)]
        conflicts.append(f"the log: the touch of {_date_of(o[0])} changed on both sides")
    return log


def newest_first(*sides: Lines) -> bool:
    """Whether a log keeps its newest touch on top (``grammar.log.log_order``, judged on the first side with a vote)."""
    return log_order(*sides) == "descending"


# ---------------------------------------------------------------- front matter, key by key

@dataclass(slots=True)
class Block:
    lines: Lines
    sub: "Cut | None" = None  # a block mapping's own keys
    items: tuple[int, ...] | None = None  # a block list of one-line items: their indexes in ``lines``


@dataclass(slots=True)
class Cut:
    header: Lines  # lines before the first key (for a nested mapping: from its parent's key line)
    blocks: dict[str, Block] = field(default_factory=dict)


def cut_front_matter(lines: Lines) -> Cut | None:
    """The front matter's top-level keys as blocks of lines; None when it is not a block mapping we can cut."""
    if not any(l.strip() for l in lines):
        return Cut(list(lines))
    node, diags = yamltree.parse("".join(lines), "front matter", 1)
    if node is None:
        return Cut(list(lines)) if not diags and all(_attachable(l) for l in lines) else None
    if not isinstance(node, yamltree.Mapping) or diags:
        return None
    return _cut(lines, 0, len(lines), 0, node)


def _attachable(line: str) -> bool:
    s = line.strip()
    return not s or s.startswith("#")


def _end_index(node: yamltree.Node, lines: Lines) -> int:
    """0-based index of the first line after a value (yamltree lines are 1-based).

    A block collection ends where the next token starts, which may be the
    indented key on the following line: nothing of the value is on that line.
    """
    row = node.end_line - 1
    if row >= len(lines) or not lines[row][:node.end_col - 1].strip():
        return row
    return row + 1


def _cut(lines: Lines, lo: int, hi: int, floor: int, mapping: yamltree.Mapping) -> Cut | None:
    if mapping.flow:
        return None
    starts: list[int] = []
    min_start = floor
    for key, value in mapping.items:
        k = key.line - 1
        if not lo <= k < hi or k < min_start or (starts and k <= starts[-1]):
            return None
        s = k
        while s - 1 >= min_start and _attachable(lines[s - 1]):
            s -= 1
        starts.append(s)
        min_start = max(k + 1, _end_index(value, lines))
    if not starts:
        return Cut(lines[lo:hi])
    cut = Cut(lines[lo:starts[0]])
    bounds = starts + [hi]
    for n, (key, value) in enumerate(mapping.items):
        a, b = bounds[n], bounds[n + 1]
        block = Block(lines[a:b])
        if isinstance(value, yamltree.Mapping) and not value.flow:
            block.sub = _cut(lines, a, b, key.line, value)
        elif isinstance(value, yamltree.Sequence) and not value.flow and value.items:
            rows = [item.line - 1 - a for item in value.items]
            one_line = all(item.line == item.end_line or _end_index(item, lines) == item.line for item in value.items)
            contiguous = all(r2 == r1 + 1 for r1, r2 in zip(rows, rows[1:]))
            dashed = all(0 <= r < len(block.lines) and block.lines[r].lstrip().startswith("-") for r in rows)
            if one_line and contiguous and dashed:
                block.items = tuple(rows)
        cut.blocks[key.text] = block
    return cut


def merge_cuts(base: Cut, ours: Cut, theirs: Cut, conflicts: list[str], where: str) -> Lines:
    header_where = "the front matter's first lines" if not where else f"the line of key '{where}'"
    out = merge_lines(base.header, ours.header, theirs.header, conflicts, header_where)
    order = _key_order(ours, theirs)
    blocks = {}
    for key in order:
        name = key if not where else f"{where}.{key}"
        blocks[key] = _merge_block(base.blocks.get(key), ours.blocks.get(key), theirs.blocks.get(key), conflicts, name)
    for key in order:
        _comments_left_behind(key, order, base, ours, theirs, blocks)
    return out + [line for key in order for line in blocks[key]]


def _comments_left_behind(key: str, order: list[str], base: Cut, ours: Cut, theirs: Cut,
                          blocks: dict[str, Lines]) -> None:
    """A key deleted on one side under its comments, and changed on the other: the comments once, above the markers.

    The deleting side kept the comments, so they now stand above the next
    key; the conflict then shows them once, outside the markers, and
    either resolution gives back that side's text.
    """
    b, o, t = base.blocks.get(key), ours.blocks.get(key), theirs.blocks.get(key)
    if b is None or (o is None) == (t is None) or _text(b) == _text(o or t):
        return
    deleter = ours if o is None else theirs
    lead = list(itertools.takewhile(_attachable, b.lines))
    base_keys = list(base.blocks)
    nxt = base_keys[base_keys.index(key) + 1] if base_keys.index(key) + 1 < len(base_keys) else None
    if not lead or nxt is None or nxt not in order[order.index(key) + 1:] or nxt not in deleter.blocks:
        return
    changed = (o or t).lines  # type: ignore[union-attr]
    if (changed[:len(lead)] != lead or deleter.blocks[nxt].lines[:len(lead)] != lead
            or base.blocks[nxt].lines[:len(lead)] == lead or blocks[nxt][:len(lead)] != lead):
        return
    blocks[nxt] = blocks[nxt][len(lead):]
    blocks[key] = lead + _markers(o.lines[len(lead):] if o else [], t.lines[len(lead):] if t else [])


def _key_order(ours: Cut, theirs: Cut) -> list[str]:
    """Our keys in our order; a key only they have goes after the key it follows on their side."""
    order = list(ours.blocks)
    theirs_keys = list(theirs.blocks)
    for i, key in enumerate(theirs_keys):
        if key in order:
            continue
        at = 0
        for prev in reversed(theirs_keys[:i]):
            if prev in order:
                at = order.index(prev) + 1
                break
        order.insert(at, key)
    return order


def _text(block: Block | None) -> str | None:
    return None if block is None else "".join(block.lines)


def _merge_block(b: Block | None, o: Block | None, t: Block | None, conflicts: list[str], name: str) -> Lines:
    tb, to, tt = _text(b), _text(o), _text(t)
    if to == tt or tb == tt:
        return list(o.lines) if o else []
    if tb == to:
        return list(t.lines) if t else []
    if o is None or t is None:
        conflicts.append(f"front matter key '{name}': {'deleted' if o is None else 'changed'} on our side, "
                         f"{'deleted' if t is None else 'changed'} on theirs")
        return _markers(o.lines if o else [], t.lines if t else [])
    base = b or Block([])
    if o.sub is not None and t.sub is not None and (b is None or b.sub is not None):
        return merge_cuts(base.sub or Cut([]), o.sub, t.sub, conflicts, name)
    if b is not None:
        trial: list[str] = []
        merged = merge_lines(b.lines, o.lines, t.lines, trial, name)
        if not trial:
            return merged
    if o.items is not None and t.items is not None and (b is None or b.items is not None):
        merged_items = _union_items(base, o, t, conflicts, name)
        if merged_items is not None:
            return merged_items
    conflicts.append(f"front matter key '{name}': changed on both sides")
    return _markers(o.lines, t.lines)


def _split_items(block: Block) -> tuple[Lines, Lines, Lines]:
    rows = block.items or ()
    if not rows:
        return list(block.lines), [], []
    return block.lines[:rows[0]], [block.lines[r] for r in rows], block.lines[rows[-1] + 1:]


def _union_items(b: Block, o: Block, t: Block, conflicts: list[str], name: str) -> Lines | None:
    """A list of one-line items (``sales``, ``commitments``, ``tags``) merged as a union.

    Refused (None) when one item was changed differently on both sides: both
    removed it and each added an item of its own.
    """
    bh, bi, bt = _split_items(b)
    oh, oi, ot = _split_items(o)
    th, ti, tt = _split_items(t)
    removed_o = set(map(_key, bi)) - set(map(_key, oi))
    removed_t = set(map(_key, bi)) - set(map(_key, ti))
    added_o = set(map(_key, oi)) - set(map(_key, bi)) - set(map(_key, ti))
    added_t = set(map(_key, ti)) - set(map(_key, bi)) - set(map(_key, oi))
    if removed_o & removed_t and added_o and added_t:
        return None
    trial: list[str] = []
    head = merge_lines(bh, oh, th, trial, name)
    tail = merge_lines(bt, ot, tt, trial, name)
    if trial:
        return None
    return head + union_lines(bi, oi, ti) + tail


# ---------------------------------------------------------------- the whole file

@dataclass(slots=True)
class Parts:
    fences: tuple[str, str] | None  # the opening and closing front matter lines; None: no front matter
    yaml: Lines
    pre: Lines  # the body before the log heading (all of it when there is no log)
    heading: str | None  # the '## Log' line
    log: Lines
    post: Lines  # from the next heading after the log


def split_parts(text: str) -> Parts | None:
    """A file's parts; None when it has text but no closed front matter."""
    lines = _lines(text)
    if not lines:
        return Parts(None, [], [], None, [], [])
    if lines[0].rstrip() != _FENCE_OPEN:
        return None
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if close is None:
        return None
    body = lines[close + 1:]
    pre, heading, log, post = _split_body(body)
    return Parts((lines[0], lines[close]), lines[1:close], pre, heading, log, post)


def _split_body(body: Lines) -> tuple[Lines, str | None, Lines, Lines]:
    section = find_log("".join(body), 0)
    if section is None:
        return list(body), None, [], []
    h = section.heading_line
    end = min(h + 1 + len(section.lines), len(body))
    return body[:h], body[h], body[h + 1:end], body[end:]


def _pick(base: str | None, ours: str | None, theirs: str | None) -> str | None:
    if ours is None:
        return theirs
    return theirs if base == ours and theirs is not None else ours


def merge_parts(base: Parts, ours: Parts, theirs: Parts, conflicts: list[str]) -> str:
    out: Lines = []
    if ours.fences or theirs.fences:
        fences = ours.fences or theirs.fences
        assert fences is not None
        cuts = [cut_front_matter(p.yaml) for p in (base, ours, theirs)]
        out.append(fences[0])
        if cuts[1] is not None and cuts[2] is not None:
            out += merge_cuts(cuts[0] or Cut(list(base.yaml)), cuts[1], cuts[2], conflicts, "")
        else:
            out += merge_lines(base.yaml, ours.yaml, theirs.yaml, conflicts, "the front matter")
        out.append(fences[1] if fences[1].endswith("\n") else fences[1] + "\n")
    out += merge_lines(base.pre, ours.pre, theirs.pre, conflicts, "the notes")
    heading = _pick(base.heading, ours.heading, theirs.heading)
    if heading is not None:
        if out and not out[-1].endswith("\n"):
            out[-1] += "\n"
        out.append(heading)
        log = union_lines(base.log, ours.log, theirs.log, newest_first(ours.log, theirs.log, base.log))
        log = mark_touch_clashes(log, touch_clashes(base.log, ours.log, theirs.log), conflicts)
        if log and not heading.endswith("\n"):
            out[-1] += "\n"
        out += log
    post = merge_lines(base.post, ours.post, theirs.post, conflicts, "the notes after the log")
    if post and out and not out[-1].endswith("\n"):
        out[-1] += "\n"
    out += post
    return "".join(out)


Validator = Callable[[str, str], list[Diagnostic]]  # (path, text) -> diagnostics


def merge_texts(base: str, ours: str, theirs: str) -> tuple[str, list[str]]:
    """Merge three texts (LF line endings); returns the merged text and the conflicts in words."""
    conflicts: list[str] = []
    if ours == theirs or base == theirs:
        return ours, conflicts
    if base == ours:
        return theirs, conflicts
    parts = [split_parts(t) for t in (base, ours, theirs)]
    if parts[1] is None or parts[2] is None:
        merged = merge_lines(_lines(base), _lines(ours), _lines(theirs), conflicts, "the file (no front matter)")
        return "".join(merged), conflicts
    return merge_parts(parts[0] or Parts(None, [], _lines(base), None, [], []), parts[1], parts[2], conflicts), conflicts


def merge_file(base: bytes, ours: bytes, theirs: bytes, path: str, validator: Validator | None = None) -> Merged:
    """Merge the three versions of the file at ``path`` (relative to the repository).

    ``validator`` parses a text and returns its diagnostics; by default the
    one for ``path`` (``validator_for``). A result with an error neither side
    had is reported in ``problems``.
    """
    if ours == theirs or base == theirs:
        return Merged(ours)
    if base == ours:
        return Merged(theirs)
    try:
        texts = [b.decode("utf-8") for b in (base, ours, theirs)]
    except UnicodeDecodeError:
        return merge_bytes(base, ours, theirs, "the file (not UTF-8)")
    bom = texts[1].startswith(BOM) or (not texts[1] and texts[2].startswith(BOM))
    crlf = _is_crlf(texts[1] or texts[2])
    plain = [t.removeprefix(BOM).replace("\r\n", "\n") for t in texts]
    text, conflicts = merge_texts(*plain)
    text = _restore_endings(text, (texts[1] or texts[2]).removeprefix(BOM), "\r\n" if crlf else "\n")
    data = ((BOM if bom else "") + text).encode("utf-8")
    if conflicts:
        return Merged(data, tuple(conflicts))
    check = validator or validator_for(path)
    if check is None:
        return Merged(data)
    known = {_sig(d) for t in texts[1:] for d in check(path, t.removeprefix(BOM)) if d.is_error}
    new = tuple(d for d in check(path, text) if d.is_error and _sig(d) not in known)
    return Merged(data, (), new)


def merge_bytes(base: bytes, ours: bytes, theirs: bytes, what: str) -> Merged:
    """Line by line, whatever the bytes say (git's own merge, with conflict markers); bytes that are not UTF-8
    come back as they were."""
    conflicts: list[str] = []
    merged = merge_lines(_raw_lines(base), _raw_lines(ours), _raw_lines(theirs), conflicts, what)
    return Merged("".join(merged).encode("utf-8", "surrogateescape"), tuple(conflicts))


def _raw_lines(data: bytes) -> Lines:
    return _lines(data.decode("utf-8", "surrogateescape"))


def _restore_endings(merged: str, side: str, new_ending: str) -> str:
    """The merged text (LF endings) with each line of ``side`` ending as it does there.

    A line is matched to its place on our side, so a line nobody changed
    keeps its own ending; a line that is not there (the other side's, a
    conflict marker) takes ``new_ending``, the file's usual one.
    """
    if "\r\n" not in side and new_ending == "\n":
        return merged
    lines = _lines(merged)
    own = _lines(side)
    content = [l.removesuffix("\n").removesuffix("\r") for l in own]
    endings = [l[len(c):] for l, c in zip(own, content)]
    matcher = difflib.SequenceMatcher(None, [l.removesuffix("\n") for l in lines], content, autojunk=False)
    chosen = [new_ending] * len(lines)
    for a, b, n in matcher.get_matching_blocks():
        for k in range(n):
            chosen[a + k] = endings[b + k] or new_ending
    return "".join(l.removesuffix("\n") + chosen[i] if l.endswith("\n") else l for i, l in enumerate(lines))


def _is_crlf(text: str) -> bool:
    return text.count("\r\n") * 2 > text.count("\n")


def _sig(d: Diagnostic) -> tuple[str, str]:
    return d.code, d.message


# ---------------------------------------------------------------- which file is which

def _in_workspace(path: str) -> tuple[str, ...]:
    """The path's parts from ``clients`` or ``rituals`` on (git gives paths from the repository's top)."""
    parts = tuple(path.replace("\\", "/").split("/"))
    if len(parts) >= 2 and parts[-2] == "clients":
        return parts[-2:]
    if "rituals" in parts[:-1]:
        return parts[parts.index("rituals"):]
    return parts


def kind_of(path: str) -> str | None:
    """``client``, ``ritual`` (a definition), ``record`` (a ritual's record or sheet) or None, from the path."""
    parts = _in_workspace(path)
    if not parts[-1].endswith(".md"):
        return None
    if parts[0] == "clients" and len(parts) == 2:
        return "client"
    if parts[0] == "rituals":
        return "ritual" if len(parts) == 2 else "record"
    return None


def validator_for(path: str, root: Path | None = None) -> Validator | None:
    """How to parse the file at ``path``; ``root`` (default: here) is where ritual definitions are looked up."""
    kind = kind_of(path)
    if kind is None:
        return None
    from rippledoc.model import Settings
    from rippledoc.read.source import Text
    rel = "/".join(_in_workspace(path))
    prefix = path.replace("\\", "/")[: -len(rel)] if path.replace("\\", "/").endswith(rel) else ""

    def client(p: str, text: str) -> list[Diagnostic]:
        from rippledoc.parse.client import parse_client
        found, diags = parse_client(Text(rel, text, text.encode("utf-8")), Settings())
        return diags if found is not None else diags + [_unreadable(rel)]

    def ritual(p: str, text: str) -> list[Diagnostic]:
        from rippledoc.parse.ritual import parse_ritual
        found, diags = parse_ritual(Text(rel, text, text.encode("utf-8")))
        return diags if found is not None else diags + [_unreadable(rel)]

    def record(p: str, text: str) -> list[Diagnostic]:
        from rippledoc.parse.ritual import parse_record
        definition = _definition(Path(root or ".") / prefix, _in_workspace(path)[1])
        found, diags = parse_record(Text(rel, text, text.encode("utf-8")), definition)
        return diags if found is not None else diags + [_unreadable(rel)]

    return {"client": client, "ritual": ritual, "record": record}[kind]


def _unreadable(path: str) -> Diagnostic:
    from rippledoc.diagnostics import error
    return error(path, 0, 0, "E013", "the file does not parse")


def _definition(workspace: Path, name: str):
    """The ritual NAME from the workspace's rituals/ (as checked out), else the built-in one."""
    from rippledoc.book.loader import defaults_dir
    from rippledoc.parse.ritual import parse_ritual
    from rippledoc.read.source import read_text
    for folder in (workspace / "rituals", defaults_dir("rituals")):
        path = folder / f"{name}.md"
        if path.is_file():
            src, _ = read_text(folder.parent, path)
            if src is not None:
                return parse_ritual(src)[0]
    return None


__all__ = ["Merged", "merge_file", "merge_texts", "merge_lines", "kind_of", "validator_for"]
