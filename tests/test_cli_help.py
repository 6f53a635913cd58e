"""Every command's --help shows how it is run, and group help is never cut off."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from rippledoc.cli.app import COMMANDS, main

SUBCOMMANDS = {"import": ("csv", "vcard"), "export": ("csv", "ics", "json", "sqlite", "vcard"),
               "ritual": ("apply", "list", "show", "start"), "promise": ("add", "move")}
COMMAND_LINES = [(name,) for name in sorted(COMMANDS) if name not in SUBCOMMANDS and name != "merge-driver"] + [
    (group, sub) for group, subs in SUBCOMMANDS.items() for sub in subs]


def help_of(*words: str) -> str:
    result = CliRunner().invoke(main, [*words, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("words", COMMAND_LINES, ids=" ".join)
def test_every_command_shows_examples_that_run_it(words):
    lines = help_of(*words).splitlines()
    assert "Example:" in lines or "Examples:" in [x.strip() for x in lines], "\n".join(lines)
    start = next(i for i, x in enumerate(lines) if x.strip() in ("Example:", "Examples:"))
    examples = []
    for line in lines[start + 1:]:
        if not line.strip():
            break
        examples.append(line.strip())
    assert examples and all(x.startswith("rippledoc " + " ".join(words)) for x in examples), examples


@pytest.mark.parametrize("group", sorted(SUBCOMMANDS))
def test_group_help_lists_its_subcommands_without_cutting_them_off(group):
    out = help_of(group)
    listed = out.split("Commands:" if group != "export" else "Formats:")[1]
    assert "..." not in listed
    assert [line.split()[0] for line in listed.splitlines() if line.startswith("  ") and line[2] != " "] == \
        sorted(SUBCOMMANDS[group])


@pytest.mark.parametrize("command", ["plan", "today"])
def test_plan_and_today_say_where_the_rate_is_set(command):
    text = re.sub(r"-\s+", "-", " ".join(help_of(command).split()))  # help wraps lines after a hyphen too
    assert "calls_per_day in rituals/one-a-day.md" in text


@pytest.mark.parametrize("fmt", SUBCOMMANDS["export"])
def test_every_export_takes_o_and_output(fmt):
    assert "-o, --output" in help_of("export", fmt)


@pytest.mark.parametrize("args, message", [
    (("schema", "-o", "{file}/schema.json"), "rippledoc: cannot write {file}/schema.json: "),
    (("export", "csv", "--output", "{missing}/clients.csv"), "rippledoc: cannot write {missing}/clients.csv: No such"),
])
def test_a_write_that_fails_is_an_error_not_a_traceback(tmp_path, args, message):
    (tmp_path / "clients").mkdir()
    (tmp_path / "a-file").write_text("not a folder")
    names = {"missing": str(tmp_path / "no-such-folder"), "file": str(tmp_path / "a-file")}
    result = CliRunner().invoke(main, ["-C", str(tmp_path), *(a.format(**names) for a in args)])
    assert result.exit_code == 1 and result.output.startswith(message.format(**names)), result.output
    assert "Traceback" not in result.output


def test_schema_o_creates_its_folder_and_the_help_names_the_file_the_docs_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    doc = (Path(__file__).parent.parent / "docs" / "format.md").read_text(encoding="utf-8")
    commands = re.findall(r"^rippledoc schema .*-o (\S+)$", doc, re.M)
    assert ".schema/client.json" in commands and "$schema=../.schema/client.json" in doc
    help_text = help_of("schema")
    for target in commands:
        assert f"-o {target}" in help_text, target  # the same files in --help as in docs/format.md
        kind = target.rsplit("/", 1)[1].removesuffix(".json")
        result = CliRunner().invoke(main, ["schema", "--kind", kind, "-o", target])
        assert result.exit_code == 0 and result.output == f"wrote {target}\n", result.output
        assert json.loads((tmp_path / target).read_text())["$schema"].startswith("https://json-schema.org/")
    assert "$schema=../.schema/client.json" in help_text


def test_init_where_no_folder_can_be_made_says_so(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    result = CliRunner().invoke(main, ["init", str(tmp_path / "file" / "book")])
    assert result.exit_code == 1 and result.output.startswith(
        f"rippledoc: cannot create the workspace in {tmp_path / 'file' / 'book'}: "), result.output
