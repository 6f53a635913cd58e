"""A book with a broken client file: one precise error, no cascade, and commands say what they left out."""
import shutil

from click.testing import CliRunner

from conftest import REPO
from rippledoc.cli.app import main
from conftest import load_workspace


def broken_copy(tmp_path):
    for part in ("rippledoc.yaml", "clients", "rituals"):
        src = REPO / part
        (shutil.copytree if src.is_dir() else shutil.copy)(src, tmp_path / part)
    path = tmp_path / "clients" / "kestrel-freight-lines.md"
    path.write_text(path.read_text().replace("level: for-life\n", "level: [for-life\n"))
    return tmp_path


def test_an_unclosed_bracket_is_one_error_at_the_bracket_and_records_still_know_the_client(tmp_path):
    root = broken_copy(tmp_path)
    _, diags = load_workspace(root)
    errors = [(d.path, d.line, d.col, d.code) for d in diags if d.is_error]
    assert errors == [("clients/kestrel-freight-lines.md", 11, 8, "E012")]


def test_commands_name_the_files_they_left_out(tmp_path):
    root = broken_copy(tmp_path)
    result = CliRunner().invoke(main, ["-C", str(root), "due", "--today", "2026-11-23"])
    assert result.exit_code == 0
    assert "left out clients/kestrel-freight-lines.md" in result.output
