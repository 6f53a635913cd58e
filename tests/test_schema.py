"""``rippledoc schema`` and the agreement between the JSON Schema and ``rippledoc check``.

The schema is checked with the ``jsonschema`` package on the data an editor
sees: the front matter read by PyYAML's safe loader with dates left as the
text typed (a YAML 1.2 editor does not turn ``2026-11-02`` into a date).
For every field-level fixture and case below, the schema flags exactly the
keys ``rippledoc check`` reports.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from rippledoc.read import yamltree
from rippledoc.cli.app import main
from rippledoc.parse.client import KNOWN_KEYS, parse_client
from rippledoc.book.loader import defaults_dir
from rippledoc.model import Settings
from rippledoc.parse.schema import schema
from rippledoc.read.source import Text, split_front_matter

from conftest import REPO, TODAY

FIXTURES = Path(__file__).parent / "fixtures" / "diagnostics"
FIELD_CODES = {"E100", "E101", "E102", "E103", "E104", "E105", "E106", "E109", "W100", "W102"}


class EditorLoader(yaml.SafeLoader):
    """``yaml.safe_load`` with dates left as text, as a YAML 1.2 editor reads them."""


EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def validator(kind: str = "client") -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema(kind), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def front_matter(text: str) -> tuple[str, int]:
    fm, _ = split_front_matter(Text("c.md", text.removeprefix("\ufeff"), b""))
    assert fm is not None
    return fm.yaml_text, fm.yaml_line


def schema_keys(text: str, kind: str = "client") -> set[str]:
    """The top-level keys the schema finds fault with."""
    data = yaml.load(front_matter(text)[0], Loader=EditorLoader)
    keys = set()
    for err in validator(kind).iter_errors(data):
        if err.path:
            keys.add(str(err.path[0]))
        elif err.validator == "additionalProperties":
            keys |= {k for k in err.instance if k not in err.schema["properties"]}
        elif err.validator == "required":
            keys.add(re.match(r"'(\w+)'", err.message)[1])
        else:
            keys.add("")
    return keys


def rippledoc_keys(text: str) -> set[str]:
    """The top-level keys ``rippledoc check`` reports a field-level problem on."""
    yaml_text, first = front_matter(text)
    node, _ = yamltree.parse(yaml_text, "c.md", first)
    _, diags = parse_client(Text("clients/c.md", text.removeprefix("\ufeff"), b""), Settings(), TODAY)
    keys = set()
    for d in diags:
        assert d.code in FIELD_CODES, d
        m = re.match(r"'(\w+)' is required", d.message)
        if m:
            keys.add(m[1])
            continue
        for k, v in node.items:
            if k.line <= d.line <= v.end_line:
                keys.add(k.text)
    return keys


# ---------------------------------------------------------------- the command

@pytest.mark.parametrize("kind", ["client", "ritual", "settings"])
def test_schemas_are_valid_draft_2020_12(kind):
    s = schema(kind)
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(s)


def test_command_prints_the_client_schema():
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data == schema("client")
    assert data["required"] == ["name"]
    assert data["properties"]["grade"]["enum"] == ["top", "two", "three", None]
    assert "America/Chicago" in data["properties"]["timezone"]["enum"]


def test_command_prints_the_ritual_schema_and_writes_a_file(tmp_path):
    result = CliRunner().invoke(main, ["schema", "--kind", "ritual"])
    assert result.exit_code == 0 and json.loads(result.stdout)["title"] == "rippledoc ritual"
    out = tmp_path / "client.schema.json"
    result = CliRunner().invoke(main, ["schema", "-o", str(out)])
    assert result.exit_code == 0 and json.loads(out.read_text()) == schema("client")
    assert CliRunner().invoke(main, ["schema", "--kind", "invoice"]).exit_code == 2


def test_every_key_the_reader_knows_is_in_the_schema():
    assert set(schema("client")["properties"]) == set(KNOWN_KEYS)


# ---------------------------------------------------------------- what is valid

SAMPLES = sorted((REPO / "clients").glob("*.md"))


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_sample_clients_are_valid(path):
    text = path.read_text(encoding="utf-8")
    assert schema_keys(text) == set() == rippledoc_keys(text)


def test_the_new_client_template_is_valid():
    from rippledoc.cli.init import new_client_text
    text = new_client_text("Northwind Traders", TODAY, "America/Chicago", "stan", "key")
    assert schema_keys(text) == set() == rippledoc_keys(text)


RITUALS = sorted(defaults_dir("rituals").glob("*.md")) + sorted((REPO / "rituals").glob("*.md"))


@pytest.mark.parametrize("path", RITUALS, ids=[f"{p.parent.parent.name}-{p.stem}" for p in RITUALS])
def test_ritual_definitions_are_valid(path):
    assert schema_keys(path.read_text(encoding="utf-8"), "ritual") == set()


def test_workspace_settings_are_valid():
    data = yaml.load((REPO / "rippledoc.yaml").read_text(), Loader=EditorLoader)
    assert list(validator("settings").iter_errors(data)) == []
    default = (defaults_dir() / "rippledoc.yaml").read_text().format(timezone="Europe/London")
    assert list(validator("settings").iter_errors(yaml.load(default, Loader=EditorLoader))) == []


# ---------------------------------------------------------------- agreement

FIELD_FIXTURES = sorted(FIELD_CODES)


@pytest.mark.parametrize("code", FIELD_FIXTURES)
def test_schema_and_check_agree_on_the_field_fixtures(code):
    path = next(p for p in (FIXTURES / code).rglob("*.md") if p.parent.name == "clients")
    text = path.read_text(encoding="utf-8")
    expected_key = {"E100": "name", "E101": "products", "E102": "since", "E103": "grade", "E104": "timezone",
                    "E105": "cadence", "E106": "hours", "E109": "sales", "W100": "teir", "W102": "address"}[code]
    assert rippledoc_keys(text) == {expected_key}
    assert schema_keys(text) == {expected_key}


BASE = "---\nname: Northwind Traders\n{line}\n---\n"
CASES = [
    # (front matter line, valid for both)
    ("level: key", True), ("level: Key", False), ("level: gold", False), ("grade:", True), ("status: former", True),
    ("status: closed", False),
    ("since: 2017-03-01", True), ("since: 2017-3-1", False), ("since: 2026-02-30", False), ("since: 20261130", False),
    ("since: '2026-11-02'", True), ("snooze: next week", False),
    ("cadence: 30d", True), ("cadence: 8w", True), ("cadence: 3m", True), ("cadence: 30D", True),
    ("cadence: 0d", False), ("cadence: monthly", False), ("cadence: 30", False), ("cadence: 12345d", False),
    ('hours: "09:00-17:00"', True), ('hours: "9:00-17:30"', True), ("hours: 9am-5pm", False),
    ('hours: "24:00-25:00"', False), ("hours: 9-17", False),
    ("timezone: Europe/London", True), ("timezone: Mars/Olympus", False), ("timezone: europe/london", False),
    ("products: hosting", True), ("products: [hosting, backup]", True), ("products: {hosting: yes}", False),
    ("tags: [[a]]", False), ("custom: {account_no: A-1042}", True), ("custom: text", False),
    ("contact: [Ana, Bo]", False), ('phone: "0700 123"', True), ("phone: 0700123", False), ("contact: NO", False),
    ("sales: [{date: 2026-02-10, amount: 4200, what: Backup}]", True),
    ("sales: [{date: 2026-02-10, amount: '4,200.50'}]", True),
    ("sales: [{date: 2026-02-10, amount: $4200}]", False), ("sales: [{amount: 4200}]", False),
    ("sales: [{date: 2026-02-10, amount: 1, price: 2}]", False), ("sales: {date: 2026-02-10}", False),
    ("commitments: [{made: 2026-11-02, due: 2026-11-30, what: Send the plan}]", True),
    ("commitments: [{due: 2026-11-30}]", False), ("commitments: [{due: 2026-11-31, what: x}]", False),
    ("commitments: [{due: 2026-11-30, what: x, done: soon}]", False),
    ("teir: key", False), ("name: 123", False),
]


@pytest.mark.parametrize("line, valid", CASES, ids=[c[0] for c in CASES])
def test_schema_and_check_agree_field_by_field(line, valid):
    text = BASE.format(line=line)
    if line.startswith("name:"):
        text = f"---\n{line}\n---\n"
    key = line.split(":")[0]
    assert schema_keys(text) == (set() if valid else {key})
    assert rippledoc_keys(text) == (set() if valid else {key})


def test_what_only_check_can_tell():
    """Beyond a schema: start before end, due after made. The schema accepts both; check reports them."""
    for line in ('hours: "17:00-09:00"',
                 "commitments: [{made: 2026-11-02, due: 2026-10-30, what: Send the plan}]"):
        text = BASE.format(line=line)
        assert schema_keys(text) == set()
        _, diags = parse_client(Text("clients/c.md", text, b""), Settings(), TODAY)
        assert [d.code for d in diags] in (["E106"], ["E107"])


def test_the_modeline_comment_is_ignored_by_check():
    text = "---\n# yaml-language-server: $schema=../.schema/client.json\nname: Northwind Traders\nlevel: key\n---\n"
    assert schema_keys(text) == set() == rippledoc_keys(text)
