"""Files as they come: every hazard of ../shared/HAZARDS.md's YAML section and of the file list.

Each test loads a whole workspace with the C parser and with the pure-Python
one; the deep-nesting and alias-bomb tests run ``rippledoc`` in a fresh
process, so that a segfault or a memory blow-up shows as an exit code or a
number instead of killing the test run.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from rippledoc.read import source, yamltree
from conftest import load_workspace

from conftest import REPO, TODAY

PARSERS = {"libyaml": getattr(yaml, "CSafeLoader", None), "pure": yaml.SafeLoader}

CLIENT = """\
---
name: Northwind Traders
contact: Ana Ruiz
phone: "+1 312 555 0142"
timezone: America/Chicago
level: key
grade: tree
---
Makes office furniture.

## Log
- 2026-11-02 call reached: loved the dashboard. #success
"""


@pytest.fixture(params=sorted(PARSERS), autouse=True)
def parser(request, monkeypatch):
    loader = PARSERS[request.param]
    if loader is None:
        pytest.skip("PyYAML was built without libyaml")
    monkeypatch.setattr(yamltree, "_Parser", loader)
    return request.param


def check(root: Path) -> list[str]:
    _, diags = load_workspace(root, TODAY)
    return [f"{d.path}:{d.line}:{d.col} {d.code}" for d in diags if not d.path.startswith("rituals/")]


def put(root: Path, name: str, data: bytes | str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else textwrap.dedent(data).encode())
    return path


def test_a_good_file_is_clean(tmp_path):
    put(tmp_path, "clients/northwind.md", CLIENT.replace("grade: tree", "grade: top"))
    assert check(tmp_path) == []


# ---------------------------------------------------------------- bytes on disk

def test_empty_and_blank_files(tmp_path):
    put(tmp_path, "clients/empty.md", b"")
    put(tmp_path, "clients/blank.md", b"\n  \n\t\n")
    assert check(tmp_path) == ["clients/blank.md:0:0 E005", "clients/empty.md:0:0 E005"]


def test_binary_file(tmp_path):
    put(tmp_path, "clients/logo.md", bytes(range(256)) * 4)
    assert check(tmp_path) == ["clients/logo.md:0:0 E002"]


def test_utf16_file_is_named(tmp_path):
    put(tmp_path, "clients/northwind.md", CLIENT.encode("utf-16"))
    _, diags = load_workspace(tmp_path, TODAY)
    assert [(d.code, d.message) for d in diags] == [("E002", "file is UTF-16 text, not UTF-8")]


def test_latin1_byte_points_at_its_character(tmp_path):
    put(tmp_path, "clients/muller.md", "---\nname: Müller\ncontact: Jörg Müller\n---\n".encode("utf-8")
        .replace("Jörg".encode(), "Jörg".encode("latin-1")))
    assert check(tmp_path) == ["clients/muller.md:3:11 E002"]


def test_bom_is_accepted_and_positions_do_not_move(tmp_path):
    put(tmp_path, "clients/northwind.md", b"\xef\xbb\xbf" + CLIENT.encode())
    assert check(tmp_path) == ["clients/northwind.md:7:8 E103"]


def test_crlf_is_accepted_with_the_same_positions(tmp_path):
    put(tmp_path, "clients/northwind.md", CLIENT.replace("\n", "\r\n").encode())
    put(tmp_path, "clients/bom-crlf.md", b"\xef\xbb\xbf" + CLIENT.replace("Northwind", "Southwind")
        .replace("\n", "\r\n").encode())
    assert check(tmp_path) == ["clients/bom-crlf.md:7:8 E103", "clients/northwind.md:7:8 E103"]
    ws, _ = load_workspace(tmp_path, TODAY)
    client = ws.client("northwind")
    assert client.name == "Northwind Traders" and client.contact == "Ana Ruiz"
    assert [t.note for t in client.log] == ["loved the dashboard. #success"]
    assert client.log[0].source.line == 12


def test_crlf_log_errors_point_at_their_line(tmp_path):
    text = CLIENT.replace("grade: tree", "grade: top") + "- 2026-11-05 cal reached\n"
    put(tmp_path, "clients/northwind.md", text.replace("\n", "\r\n").encode())
    assert check(tmp_path) == ["clients/northwind.md:13:14 E201"]


def test_huge_file_is_refused_without_being_read(tmp_path, monkeypatch):
    path = tmp_path / "clients" / "huge.md"
    path.parent.mkdir()
    with open(path, "wb") as fh:
        fh.truncate(8 * 1024**3)  # 8 GiB, sparse
    opened = []
    real_open = open
    monkeypatch.setattr(source, "open", lambda p, *a, **k: opened.append(p) or real_open(p, *a, **k), raising=False)
    _, diags = load_workspace(tmp_path, TODAY)
    assert [(d.path, d.code) for d in diags] == [("clients/huge.md", "E003")]
    assert "8,388,608 KiB, over the limit of 1,024 KiB" in diags[0].message
    assert path not in opened


def test_the_limit_is_a_setting(tmp_path):
    put(tmp_path, "rippledoc.yaml", "limits:\n  max_file_kb: 20\n")
    put(tmp_path, "clients/northwind.md", CLIENT.replace("grade: tree", "grade: top") + "x" * 30_000)
    assert check(tmp_path) == ["clients/northwind.md:0:0 E003"]


def test_symlink_out_of_the_workspace_is_refused(tmp_path):
    outside = put(tmp_path, "elsewhere/secret.md", CLIENT)
    root = tmp_path / "book"
    (root / "clients").mkdir(parents=True)
    (root / "clients" / "secret.md").symlink_to(outside)
    (root / "clients" / "etc.md").symlink_to("/etc/passwd")
    assert check(root) == ["clients/etc.md:0:0 E004", "clients/secret.md:0:0 E004"]


def test_a_linked_clients_folder_cannot_lead_out_either(tmp_path):
    put(tmp_path, "elsewhere/northwind.md", CLIENT)
    root = tmp_path / "book"
    root.mkdir()
    (root / "clients").symlink_to(tmp_path / "elsewhere")
    assert check(root) == ["clients/northwind.md:0:0 E004"]


def test_symlink_inside_the_workspace_is_followed(tmp_path):
    put(tmp_path, "archive/northwind.md", CLIENT.replace("grade: tree", "grade: top"))
    (tmp_path / "clients").mkdir()
    (tmp_path / "clients" / "northwind.md").symlink_to("../archive/northwind.md")
    assert check(tmp_path) == []


def test_symlink_loop_and_dangling_link(tmp_path):
    (tmp_path / "clients").mkdir()
    (tmp_path / "clients" / "a.md").symlink_to("b.md")
    (tmp_path / "clients" / "b.md").symlink_to("a.md")
    (tmp_path / "clients" / "gone.md").symlink_to("../archive/gone.md")
    assert check(tmp_path) == ["clients/a.md:0:0 E001", "clients/b.md:0:0 E001", "clients/gone.md:0:0 E001"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_does_not_hang_the_loader(tmp_path):
    (tmp_path / "clients").mkdir()
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "clients" / "pipe.md").symlink_to("../pipe")
    assert check(tmp_path) == ["clients/pipe.md:0:0 E001"]


# ---------------------------------------------------------------- YAML

def test_duplicate_keys(tmp_path):
    put(tmp_path, "clients/northwind.md", CLIENT.replace("level: key\n", "level: key\ncontact: Bo Li\n"))
    assert check(tmp_path) == ["clients/northwind.md:7:1 E016", "clients/northwind.md:8:8 E103"]


@pytest.mark.parametrize("line, what", [
    ("phone: 0700123", "a number (0700123 is 229459"), ("contact: NO", "a boolean (False)"),
    ("address: 1e3", "a number"), ("website: on", "a boolean (True)"), ("phone: 1:30", "a number (90)"),
    ("contact: ~", None), ('phone: "0700123"', None), ("phone: 0700 123", None),
])
def test_coercion_is_reported_and_the_text_kept(tmp_path, line, what):
    key = line.split(":")[0]
    text = CLIENT.replace("grade: tree", "grade: top").replace('phone: "+1 312 555 0142"\n', "")
    text = text.replace("contact: Ana Ruiz\n", "").replace("level: key", f"level: key\n{line}")
    put(tmp_path, "clients/northwind.md", text)
    ws, diags = load_workspace(tmp_path, TODAY)
    warnings = [d for d in diags if d.code == "W102"]
    if what is None:
        assert warnings == []
        return
    assert [(d.line, d.col) for d in warnings] == [(5, len(key) + 3)]
    assert what.split(" (")[0] in warnings[0].message and "quote it" in warnings[0].hint
    typed = line.split(": ", 1)[1]
    assert getattr(ws.client("northwind"), key) == typed


def test_coercion_in_a_list_item(tmp_path):
    put(tmp_path, "clients/northwind.md", CLIENT.replace("grade: tree", "tags: [yes, success-story, 2024]"))
    assert check(tmp_path) == ["clients/northwind.md:7:8 W102", "clients/northwind.md:7:28 W102"]


@pytest.mark.parametrize("value, exists", [
    ("2026-02-30", True), ("2026-11-31", True), ("2026-13-01", True), ("20261130", False),
    ("2026-W48-1", False), ("2026-3-1", False), ("yesterday", False),
])
def test_impossible_and_malformed_dates(tmp_path, value, exists):
    put(tmp_path, "clients/northwind.md", CLIENT.replace("grade: tree", f"since: {value}"))
    _, diags = load_workspace(tmp_path, TODAY)
    assert [(d.line, d.col, d.code) for d in diags] == [(7, 8, "E102")]
    assert ("is not a date that exists" in diags[0].message) == exists


def test_tags_anchors_and_aliases(tmp_path):
    put(tmp_path, "clients/a.md", CLIENT.replace("grade: tree", "custom: !!python/object/apply:os.system ['true']"))
    put(tmp_path, "clients/b.md", CLIENT.replace("grade: tree", "products: &p [hosting]\ntags: *p"))
    put(tmp_path, "clients/c.md", CLIENT.replace("grade: tree", "grade: !!str top"))
    assert check(tmp_path) == ["clients/a.md:7:9 E014", "clients/b.md:7:11 E014", "clients/c.md:7:8 E014"]


def test_multiple_documents(tmp_path):
    put(tmp_path, "clients/northwind.md", CLIENT.replace("grade: tree", "grade: top\n--- !again\nname: X"))
    assert check(tmp_path) == ["clients/northwind.md:8:1 E012"]


@pytest.mark.parametrize("front, where", [
    ("- name: Northwind\n- level: key\n", "2:1"), ("Northwind Traders\n", "2:1"), ("'just text'\n", "2:1"),
])
def test_front_matter_must_be_a_mapping(tmp_path, front, where):
    put(tmp_path, "clients/northwind.md", f"---\n{front}---\nnotes\n")
    assert check(tmp_path) == [f"clients/northwind.md:{where} E013"]


@pytest.mark.parametrize("front", ["", "# nothing yet\n", "\n\n"])
def test_empty_front_matter_asks_for_a_name(tmp_path, front):
    put(tmp_path, "clients/northwind.md", f"---\n{front}---\nnotes\n")
    assert check(tmp_path) == ["clients/northwind.md:1:1 E100"]


def test_huge_integer_and_odd_numbers_do_not_crash(tmp_path):
    put(tmp_path, "clients/northwind.md", CLIENT.replace("grade: tree", "address: " + "9" * 5000 + "\nsales:\n"
        "  - {date: 2026-02-10, amount: " + "9" * 5000 + ", what: big}\n  - {date: 2026-02-11, amount: .nan}\n"
        "  - {date: 2026-02-12, amount: '4,200.50'}\n  - {date: 2026-02-13, amount: '1,5'}"))
    ws, diags = load_workspace(tmp_path, TODAY)
    assert [(d.line, d.code) for d in diags] == [(7, "W102"), (9, "E109"), (10, "E109"), (12, "E109")]
    assert [s.amount for s in ws.client("northwind").sales] == [4200.5]


def test_a_broken_file_does_not_stop_the_others(tmp_path):
    put(tmp_path, "clients/a-broken.md", "---\nname: [unclosed\n---\n")
    put(tmp_path, "clients/b-good.md", CLIENT.replace("grade: tree", "grade: top"))
    put(tmp_path, "clients/c-binary.md", b"\x00\x01")
    ws, diags = load_workspace(tmp_path, TODAY)
    assert [c.slug for c in ws.clients] == ["b-good"]
    assert [d.code for d in diags] == ["E012", "E002"]


def test_one_run_reports_every_problem_of_a_file(tmp_path):
    put(tmp_path, "clients/northwind.md", "---\ncontact: Ana\ngrade: tree\nlevel: gold\ntimezone: Mars/Base\n"
        "cadence: often\n---\n\n## Log\n- 2026-11-02 cal\n- 2027-01-01 call\n")
    assert check(tmp_path) == [
        "clients/northwind.md:2:1 E100", "clients/northwind.md:3:8 E103", "clients/northwind.md:4:8 E103",
        "clients/northwind.md:5:11 E104", "clients/northwind.md:6:10 E105", "clients/northwind.md:10:14 E201",
        "clients/northwind.md:11:3 E203"]


# ---------------------------------------------------------------- in a fresh process

def run_check(root: Path, pure: bool, measure: bool = False) -> subprocess.CompletedProcess:
    """``rippledoc check`` in a child process; with ``measure``, its peak memory (KiB) is printed last."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("RIPPLEDOC_PURE_YAML", None)
    env.pop("PYTEST_CURRENT_TEST", None)
    if pure:
        env["RIPPLEDOC_PURE_YAML"] = "1"
    cmd = [sys.executable, "-m", "rippledoc", "-C", str(root), "check", "--today", TODAY.isoformat()]
    if measure:
        wrapper = ("import resource, subprocess, sys\n"
                   "rc = subprocess.run(sys.argv[1:]).returncode\n"
                   "print('PEAK_KIB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
                   "sys.exit(rc)\n")
        cmd = [sys.executable, "-c", wrapper, *cmd]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("nest", ["[" * 30000 + "]" * 30000, "{a: " * 30000 + "}" * 30000], ids=["list", "map"])
def test_30000_deep_nesting_neither_segfaults_nor_recurses(tmp_path, parser, nest):
    put(tmp_path, "clients/deep.md", f"---\nname: Deep\ncustom: {nest}\n---\n")
    result = run_check(tmp_path, pure=parser == "pure")
    assert result.returncode == 1, result.stderr  # 139 would be the segfault
    assert "clients/deep.md:3:" in result.stdout and "error[E015]: nesting deeper than 20 levels" in result.stdout
    assert "Traceback" not in result.stderr


BOMB = "---\nname: Bomb\n" + 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)) + "---\n"


@pytest.mark.parametrize("where", ["clients/bomb.md", "rituals/bomb.md", "rippledoc.yaml"])
def test_alias_bomb_is_refused_within_200_mb(tmp_path, parser, where):
    put(tmp_path, where, BOMB.replace("---\nname: Bomb\n", "").removesuffix("---\n") if where.endswith(".yaml")
        else BOMB)
    put(tmp_path, "clients/northwind.md", CLIENT.replace("grade: tree", "grade: top"))
    result = run_check(tmp_path, pure=parser == "pure", measure=True)
    assert result.returncode == 1, result.stderr
    line = 1 if where.endswith(".yaml") else 3
    assert f"{where}:{line}:4: error[E014]: YAML anchor '&a' is not allowed" in result.stdout
    peak_mib = int(result.stdout.rsplit("PEAK_KIB", 1)[1]) / 1024
    print(f"peak memory of 'rippledoc check' on an alias bomb in {where} ({parser}): {peak_mib:.1f} MiB")
    assert peak_mib < 200
