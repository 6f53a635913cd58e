"""The guarded YAML reader, with the C parser (libyaml) and the pure-Python one.

Every test here runs twice: ``parser`` switches ``yamltree._Parser`` the way
``RIPPLEDOC_PURE_YAML=1`` does at import (one test checks that variable in a
fresh interpreter).
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
import yaml

from rippledoc.read import yamltree
from rippledoc.read.yamltree import Mapping, Scalar, Sequence, parse

from conftest import REPO

PARSERS = {"libyaml": getattr(yaml, "CSafeLoader", None), "pure": yaml.SafeLoader}


@pytest.fixture(params=sorted(PARSERS), autouse=True)
def parser(request, monkeypatch):
    loader = PARSERS[request.param]
    if loader is None:
        pytest.skip("PyYAML was built without libyaml")
    monkeypatch.setattr(yamltree, "_Parser", loader)
    return request.param


def codes(diags):
    return [(d.line, d.col, d.code) for d in diags]


def test_positions_are_file_lines_and_columns():
    node, diags = parse("name: Northwind Traders\nproducts: [hosting, backup]\n", "c.md", first_line=2)
    assert diags == []
    assert isinstance(node, Mapping)
    name = node.get("name")
    assert isinstance(name, Scalar) and (name.text, name.line, name.col) == ("Northwind Traders", 2, 7)
    products = node.get("products")
    assert isinstance(products, Sequence)
    assert [(s.text, s.line, s.col) for s in products.items] == [("hosting", 3, 12), ("backup", 3, 21)]


def test_values_stay_the_text_typed():
    node, _ = parse("phone: 0700123\nzip: 02134\nflag: NO\nratio: 1.10\nduration: 1:30\nnone: ~\n", "c.md")
    assert {k.text: v.text for k, v in node.items} == {
        "phone": "0700123", "zip": "02134", "flag": "NO", "ratio": "1.10", "duration": "1:30", "none": "~"}


@pytest.mark.parametrize("text, kind", [
    ("NO", "bool"), ("yes", "bool"), ("off", "bool"), ("0700", "int"), ("02134", "int"), ("1:30", "int"),
    ("1.10", "float"), ("1e3", "float"), ("~", "null"), ("2026-11-02", "timestamp"),
    ("Ana Ruiz", "str"), ("+1 312 555 0142", "str"), ("0700 123", "str"),
])
def test_yaml_type_names_what_other_tools_would_read(text, kind):
    node, _ = parse(f"v: {text}\n", "c.md")
    assert node.get("v").yaml_type() == kind
    quoted, _ = parse(f'v: "{text}"\n', "c.md")
    assert quoted.get("v").yaml_type() == "str"


def test_duplicate_key_is_an_error_at_the_second():
    node, diags = parse("name: A\ngrade: top\ncommitments:\n  - {due: 2026-11-30, what: x, due: 2026-12-01}\ngrade: two\n",
                        "c.md", 2)
    assert codes(diags) == [(5, 32, "E016"), (6, 1, "E016")]
    assert "first on line 3" in diags[1].message
    assert node.get("grade").text == "top"  # the first is kept, the second reported


def test_quoted_and_plain_keys_are_the_same_key():
    _, diags = parse('name: A\n"name": B\n', "c.md")
    assert codes(diags) == [(2, 1, "E016")]


@pytest.mark.parametrize("text, where, word", [
    ("a: &x 1\nb: *x\n", (1, 4), "anchor '&x'"),
    ("a: [1]\nb: *x\n", (2, 4), "alias '*x'"),
    ("a: !!python/object/apply:os.system ['true']\n", (1, 4), "tag 'tag:yaml.org,2002:python/object/apply:os.system'"),
    ("a: !!str 12\n", (1, 4), "tag"),
    ("a: !custom x\n", (1, 4), "tag '!custom'"),
    ("!!map {a: 1}\n", (1, 1), "tag"),
])
def test_anchors_aliases_and_tags_are_refused(text, where, word):
    node, diags = parse(text, "c.md")
    assert node is None
    assert [(d.line, d.col, d.code) for d in diags] == [(*where, "E014")]
    assert word in diags[0].message


def test_alias_bomb_is_refused_at_its_first_anchor():
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))
    node, diags = parse(bomb, "c.md")
    assert node is None and codes(diags) == [(1, 4, "E014")]


@pytest.mark.parametrize("text", ["[" * 30000 + "]" * 30000, "{a: " * 30000 + "}" * 30000,
                                  "".join("  " * i + "- \n" for i in range(5000))], ids=["list", "map", "block"])
def test_deep_nesting_is_refused_before_anything_is_built(text):
    node, diags = parse("custom: " + text + "\n", "c.md")
    assert node is None
    assert [d.code for d in diags] == ["E015"] or [d.code for d in diags] == ["E012"]


def test_nesting_at_the_limit_is_fine():
    depth = yamltree.MAX_DEPTH - 1  # the root mapping is one level
    node, diags = parse("custom: " + "[" * depth + "x" + "]" * depth + "\n", "c.md")
    assert diags == [] and isinstance(node, Mapping)


def test_more_than_one_document():
    node, diags = parse("name: A\n--- \nname: B\n", "c.md", 2)
    assert node is None and codes(diags) == [(3, 1, "E012")]
    assert "more than one YAML document" in diags[0].message


@pytest.mark.parametrize("text, line", [
    ("name: A\nproducts: [hosting, backup\n", 3),
    ("name: A\nwhat: a: b\n", 3),
    ("name: A\n  grade: top\n", 3),
    ('name: "unclosed\n', 2),
])
def test_syntax_errors_point_at_the_line(text, line):
    node, diags = parse(text, "c.md", 2)
    assert node is None
    assert [d.code for d in diags] == ["E012"] and diags[0].line in (line, line + 1)
    assert diags[0].message.startswith("YAML syntax error: ")


def test_control_character_is_an_error_with_its_place():
    node, diags = parse("name: A\ncontact: Ana\x07Ruiz\n", "c.md", 2)
    assert node is None and codes(diags) == [(3, 13, "E012")]
    assert "U+0007" in diags[0].message


def test_unicode_line_separators_do_not_shift_lines():
    # YAML counts U+2028 and NEL as line breaks; an editor does not.
    node, diags = parse('note: "first\u2028second\x85third"\nowner: stan\n', "c.md", 2)
    assert diags == [] and (node.get("owner").line, node.get("owner").col) == (3, 8)
    node, diags = parse('note: "first\u2028second"\ngrade: [x\n', "c.md", 2)
    assert [d.code for d in diags] == ["E012"] and diags[0].line == 3


def test_crlf_positions():
    node, diags = parse("name: A\r\ngrade: top\r\n", "c.md", 2)
    assert diags == []
    assert (node.get("grade").line, node.get("grade").col, node.get("grade").text) == (3, 8, "top")


def test_columns_count_characters_not_bytes():
    node, _ = parse("name: Müller 😀 Söhne\nowner: stan\n", "c.md")
    assert node.get("owner").col == 8
    node, _ = parse("{name: Müller, owner: stan}\n", "c.md")
    assert node.get("owner").col == 23


@pytest.mark.parametrize("text", ["", "\n", "# only a comment\n", "   \n\n"])
def test_empty_documents_give_nothing(text):
    assert parse(text, "c.md") == (None, [])


def test_tabs(parser):
    """libyaml alone would accept a tab between a key and its value; both parsers refuse it, at the tab."""
    node, diags = parse("name: A\tB\nowner:\tstan\n", "c.md")
    assert node is None and codes(diags) == [(1, 8, "E012")] and "spaces" in diags[0].hint
    node, diags = parse("name: A\n\tgrade: top\n", "c.md")
    assert node is None and codes(diags) == [(2, 1, "E012")] and "tabs" in diags[0].hint


def test_pure_parser_is_chosen_by_environment():
    code = "from rippledoc.read import yamltree; import yaml; print(yamltree._Parser is yaml.SafeLoader)"
    env = {**os.environ, "RIPPLEDOC_PURE_YAML": "1", "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"


@pytest.mark.parametrize("pure", [False, True])
@pytest.mark.parametrize("text, bad", [
    ("name: A\tB", (2, 8)),          # a tab inside an unquoted value
    ("name:\tA", (2, 6)),            # a tab as the separator
    ("a: [x,\ty]", (2, 7)),          # a tab inside a flow list
    ('name: "A\tB"', None),          # quoted: the tab is text
    ("a: b # a\tcomment", None),     # in a comment
    ("a: |\n  x\ty\n", None),        # in a block scalar
])
def test_both_parsers_refuse_the_same_tabs(monkeypatch, pure, text, bad):
    import yaml
    from rippledoc.read import yamltree
    monkeypatch.setattr(yamltree, "_Parser", yaml.SafeLoader if pure else getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    _, diags = yamltree.parse(text, "clients/a.md", 2)
    assert [(d.line, d.col) for d in diags if d.code == "E012"] == ([bad] if bad else [])
