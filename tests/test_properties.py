"""Whatever is in the files, the loader returns a workspace and diagnostics, never an exception."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rippledoc.read import yamltree
from rippledoc.parse.client import parse_client
from rippledoc.diagnostics import CODES, Diagnostic
from conftest import load_workspace
from rippledoc.parse.grammar.touch import parse_touch
from rippledoc.model import Settings
from rippledoc.book.book import Book
from rippledoc.read.source import Text

from conftest import TODAY

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def load_one(files: dict[str, bytes]) -> tuple[Book, list[Diagnostic]]:
    root = Path(tempfile.mkdtemp(prefix="rippledoc-prop-"))
    try:
        for name, data in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return load_workspace(root, TODAY)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def assert_only_diagnostics(ws: Book, diags: list[Diagnostic]) -> None:
    assert isinstance(ws, Book)
    for d in diags:
        assert isinstance(d, Diagnostic)
        assert d.code in CODES, d
        assert d.line >= 0 and d.col >= 0
        assert d.message


@SETTINGS
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_as_a_client_file(data):
    assert_only_diagnostics(*load_one({"clients/any.md": data}))


@SETTINGS
@given(st.binary(max_size=600))
def test_arbitrary_bytes_after_a_fence(data):
    assert_only_diagnostics(*load_one({"clients/any.md": b"---\n" + data + b"\n---\n## Log\n" + data}))


@SETTINGS
@given(st.binary(max_size=600))
def test_arbitrary_bytes_as_settings_and_ritual(data):
    assert_only_diagnostics(*load_one({"rippledoc.yaml": data, "rituals/any.md": b"---\n" + data + b"\n---\n",
                                       "rituals/any/2026-W47.md": data}))


# YAML-ish text: the characters that matter to YAML, keys rippledoc knows, and line structure.
YAML_BITS = st.sampled_from([
    "name", "grade", "level", "since", "tags", "sales", "commitments", "custom", "due", "made", "amount",
    ":", ": ", "- ", "\n", "\n  ", "\n    ", "[", "]", "{", "}", ",", "&a ", "*a", "!!str ", "!x ", "'", '"',
    "#", "|", ">", "---", "...", "? ", "%YAML 1.1", "\t", "~", "NO", "0700", "1e3", "2026-02-30", "2026-11-02",
    "top", "tree", "\\", "\r\n", "\ufeff", "\u2028", "\x85", "\x07", "é", "😀", " ",
])
YAMLISH = st.lists(st.one_of(YAML_BITS, st.text(max_size=5)), max_size=60).map("".join)


@SETTINGS
@given(YAMLISH)
def test_yamlish_front_matter(text):
    ws, diags = load_one({"clients/any.md": ("---\n" + text + "\n---\n").encode()})
    assert_only_diagnostics(ws, diags)


@SETTINGS
@given(YAMLISH)
def test_yamlish_text_through_the_parser_and_the_client_reader(text):
    node, diags = yamltree.parse(text, "clients/any.md", 2)
    assert node is None or isinstance(node, (yamltree.Scalar, yamltree.Mapping, yamltree.Sequence))
    src = Text("clients/any.md", "---\n" + text + "\n---\n", b"")
    client, diags = parse_client(src, Settings(), TODAY)
    for d in diags:
        assert isinstance(d, Diagnostic) and d.code in CODES


LOG_BITS = st.sampled_from([
    "- ", "2026-11-02", "2026-02-30", "2027-01-01", "20261102", " ", "call", "email", "meeting", "cal",
    "reached", "voicemail", "no-answer", "by", "by stan", ":", "next:", "next: 2026-11-24", "next: soon",
    "#success", "@priya", "@", "#", "<!--", "-->", "\t", "\r", "é", "😀", "by ",
])
LOG_LINE = st.lists(st.one_of(LOG_BITS, st.text(max_size=4)), max_size=20).map("".join)


@SETTINGS
@given(st.lists(LOG_LINE, max_size=8))
def test_arbitrary_log_lines(lines):
    text = "---\nname: Northwind\n---\n## Log\n" + "\n".join(line.replace("\n", " ") for line in lines) + "\n"
    ws, diags = load_one({"rippledoc.yaml": b"team:\n  stan: {name: Stan}\n",
                          "clients/any.md": text.encode("utf-8", "replace")})
    assert_only_diagnostics(ws, diags)
    for line in lines:
        touch, problems = parse_touch(line.replace("\n", " "), "clients/any.md", 5, TODAY)
        assert all(isinstance(d, Diagnostic) for d in problems)
        if touch is not None:
            assert touch.date <= TODAY


@pytest.mark.parametrize("seed_text", [
    "---\nname: A\nsince: 2026-02-30\n---\n", "---\n[" + "[" * 100 + "\n---\n", "---\na: &x 1\n---\n",
])
def test_known_nasty_inputs(seed_text):
    assert_only_diagnostics(*load_one({"clients/a.md": seed_text.encode()}))
