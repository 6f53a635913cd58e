"""A pull never loses a teammate's line: merged by the driver, or visibly conflicted for git and check.

Real git, two clones of one book, touches on both sides; pulls in a shell
without rippledoc on PATH, with the interpreter git-setup recorded gone, and
in a clone that never ran git-setup.
"""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import REPO
from rippledoc.parse.conflicts import conflict_diagnostics, conflict_regions
from rippledoc.read.source import Text
from rippledoc.parse.client import parse_client
from rippledoc.model import Settings
from rippledoc.read.gitsetup import CONFLICT_STATUS, default_program, driver_command, parse_command

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

# A PATH with git and the shell's tools but no rippledoc: the venv is not active.
BARE_PATH = os.pathsep.join(p for p in ("/usr/local/bin", "/usr/bin", "/bin")
                            if os.path.isdir(p) and not os.path.exists(os.path.join(p, "rippledoc")))
ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
ENV.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "PATH": BARE_PATH, "LC_ALL": "C"})
TODAY = "2026-11-22"
SETTINGS = ("me: stan\ntimezone: Europe/Oslo\nteam:\n  stan: {name: Stan Ortiz}\n  priya: {name: Priya Shah}\n"
            "  søren: {name: Søren Ødegård}\n")
CLIENT = """\
---
name: Ørsted Værktøj
level: key
---
Kunde siden 2019. Контакт: Анна Смирнова.

## Log
- 2026-11-02 call reached by stan: they want a second site
"""
OURS_LINE = "- 2026-11-20 call reached by stan: Анна asks for the training dates"
THEIRS_LINE = "- 2026-11-20 email by søren: sent the Ελληνικά brochure"


def git(repo: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=ENV)
    if ok:
        assert proc.returncode == 0, proc.stderr + proc.stdout
    return proc


def rippledoc(python: Path | str, folder: Path, *args: str) -> subprocess.CompletedProcess:
    """rippledoc run by ``python``, as a person would in a shell where that Python's venv is active."""
    return subprocess.run([str(python), "-m", "rippledoc", "-C", str(folder), *args], capture_output=True,
                          text=True, env=ENV)


def check(folder: Path) -> subprocess.CompletedProcess:
    return rippledoc(sys.executable, folder, "check", "--today", TODAY)


def make_venv(where: Path) -> Path:
    """A Python environment of its own that can run this rippledoc; returns its interpreter."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True, capture_output=True)
    python = where / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(purelib) / "outer.pth").write_text("\n".join([str(REPO), *sorted(ours)]) + "\n")
    return python


def two_clones(tmp: Path, setup: Path | None) -> tuple[Path, Path]:
    """Stan's and Priya's clones of one book; ``setup``: the Python that runs git-setup in both (None: nobody)."""
    origin, seed = tmp / "origin.git", tmp / "seed"
    (seed / "clients").mkdir(parents=True)
    (seed / "rippledoc.yaml").write_text(SETTINGS, encoding="utf-8")
    (seed / "clients" / "orsted.md").write_text(CLIENT, encoding="utf-8")
    git(tmp, "init", "-q", "--bare", "-b", "main", str(origin))
    git(seed, "init", "-q", "-b", "main")
    clones = []
    from rippledoc.cli.team import write_gitattributes
    write_gitattributes(seed, create=True)
    for repo in [seed]:
        git(repo, "-c", "user.name=Stan", "-c", "user.email=stan@ripple.example", "add", "-A")
        git(repo, "-c", "user.name=Stan", "-c", "user.email=stan@ripple.example", "commit", "-q", "-m", "book")
        git(repo, "push", "-q", str(origin), "main")
    for name in ("stan", "priya"):
        clone = tmp / name
        git(tmp, "clone", "-q", str(origin), str(clone))
        for key, value in (("user.name", name), ("user.email", f"{name}@ripple.example"), ("pull.rebase", "false")):
            git(clone, "config", key, value)
        if setup is not None:
            done = rippledoc(setup, clone, "git-setup")
            assert done.returncode == 0, done.stderr
        clones.append(clone)
    return clones[0], clones[1]


def touch_both_sides(stan: Path, priya: Path) -> None:
    """Each side logs a touch at the end of the same log: a line-by-line merge cannot tell their order."""
    for clone, line in ((priya, THEIRS_LINE), (stan, OURS_LINE)):
        path = clone / "clients" / "orsted.md"
        path.write_text(path.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
        git(clone, "commit", "-q", "-am", f"a touch by {clone.name}")
    git(priya, "push", "-q")


def pull(clone: Path) -> subprocess.CompletedProcess:
    assert shutil.which("rippledoc", path=BARE_PATH) is None
    return git(clone, "pull", "--no-edit", ok=False)


def assert_no_line_lost(text: str) -> None:
    for line in (*CLIENT.splitlines(), OURS_LINE, THEIRS_LINE):
        assert line in text.splitlines(), line


# ---------------------------------------------------------------- the registered command

def test_git_setup_registers_this_python_by_its_absolute_path(tmp_path: Path):
    stan, _ = two_clones(tmp_path, Path(sys.executable))
    command = git(stan, "config", "merge.rippledoc.driver").stdout.strip()
    assert command == driver_command() and default_program() == f"{shlex.quote(os.path.abspath(sys.executable))} -m rippledoc"
    reg = parse_command(command)
    assert reg.fallback and reg.executable == os.path.abspath(sys.executable)
    assert check(stan).returncode == 0 and "W001" not in check(stan).stdout


def test_a_pull_in_a_shell_without_rippledoc_on_path_is_merged_by_the_driver(tmp_path: Path):
    stan, priya = two_clones(tmp_path, Path(sys.executable))
    touch_both_sides(stan, priya)
    result = pull(stan)
    assert result.returncode == 0 and "CONFLICT" not in result.stdout, result.stdout + result.stderr
    text = (stan / "clients" / "orsted.md").read_text(encoding="utf-8")
    assert_no_line_lost(text)
    assert text.endswith(OURS_LINE + "\n" + THEIRS_LINE + "\n")  # the union of the logs, in date order
    assert check(stan).returncode == 0


# ---------------------------------------------------------------- the driver cannot run

@pytest.fixture
def gone(tmp_path: Path) -> tuple[Path, Path, Path]:
    """Two clones set up by a Python environment that is then moved away (the venv was recreated)."""
    python = make_venv(tmp_path / "old-venv")
    stan, priya = two_clones(tmp_path, python)
    touch_both_sides(stan, priya)
    (tmp_path / "old-venv").rename(tmp_path / "old-venv.moved")
    assert not python.exists()
    return stan, priya, python


def test_when_the_recorded_interpreter_is_gone_the_pull_conflicts_with_markers(gone):
    stan, _, python = gone
    result = pull(stan)
    assert result.returncode != 0 and "CONFLICT" in result.stdout
    assert "the merge driver could not run" in result.stderr and "git-setup" in result.stderr
    text = (stan / "clients" / "orsted.md").read_text(encoding="utf-8")
    assert_no_line_lost(text)
    assert f"<<<<<<< ours\n{OURS_LINE}\n=======\n{THEIRS_LINE}\n>>>>>>> theirs\n" in text
    assert git(stan, "status", "--porcelain").stdout.startswith("UU clients/orsted.md")


def test_check_gives_the_markers_their_own_code_and_warns_about_the_driver(gone):
    stan, _, python = gone
    pull(stan)
    text = (stan / "clients" / "orsted.md").read_text(encoding="utf-8")
    at = text.splitlines().index("<<<<<<< ours") + 1
    result = check(stan)
    assert result.returncode == 1
    assert f"clients/orsted.md:{at}:1: error[E006]: an unresolved merge conflict" in result.stdout
    assert "git checkout -m clients/orsted.md" in result.stdout and "E200" not in result.stdout
    assert f".gitattributes:2:1: warning[W001]: the merge driver cannot run here: '{python}'" in result.stdout


def test_git_setup_then_checkout_m_merges_the_file_again_with_the_driver(gone):
    stan, _, _ = gone
    pull(stan)
    assert rippledoc(sys.executable, stan, "git-setup").returncode == 0
    git(stan, "checkout", "-m", "clients/orsted.md")
    text = (stan / "clients" / "orsted.md").read_text(encoding="utf-8")
    assert "<<<<<<<" not in text and text.endswith(OURS_LINE + "\n" + THEIRS_LINE + "\n")
    assert check(stan).returncode == 0
    git(stan, "add", "clients/orsted.md")
    git(stan, "commit", "-q", "--no-edit")
    assert_no_line_lost(git(stan, "show", "HEAD:clients/orsted.md").stdout)


def test_an_older_bare_registration_is_what_check_warns_about(tmp_path: Path):
    stan, priya = two_clones(tmp_path, Path(sys.executable))
    git(stan, "config", "merge.rippledoc.driver", "rippledoc merge-driver %O %A %B %P")  # before this fix
    warned = check(stan)
    assert "warning[W001]: the merge driver cannot run here: 'rippledoc'" in warned.stdout
    touch_both_sides(stan, priya)
    result = pull(stan)  # what that registration does: only our side, no markers
    text = (stan / "clients" / "orsted.md").read_text(encoding="utf-8")
    assert result.returncode != 0 and THEIRS_LINE not in text and "<<<<<<<" not in text


def test_a_clone_that_never_ran_git_setup_gets_markers_check_reports_as_E006(tmp_path: Path):
    stan, priya = two_clones(tmp_path, None)
    assert "warning[W001]" in check(stan).stdout and "no merge.rippledoc.driver" in check(stan).stdout
    touch_both_sides(stan, priya)
    assert pull(stan).returncode != 0
    assert_no_line_lost((stan / "clients" / "orsted.md").read_text(encoding="utf-8"))
    result = check(stan)
    assert result.returncode == 1 and "error[E006]" in result.stdout and "E200" not in result.stdout


def test_outside_git_nothing_is_said_about_the_driver(tmp_path: Path):
    (tmp_path / "clients").mkdir()
    (tmp_path / "clients" / "orsted.md").write_text(CLIENT, encoding="utf-8")
    (tmp_path / ".gitattributes").write_text("clients/*.md merge=rippledoc\n")
    assert check(tmp_path).returncode == 0 and "W001" not in check(tmp_path).stdout + check(tmp_path).stderr


# ---------------------------------------------------------------- the registered line, run as git runs it

def run_line(tmp_path: Path, program: str, base: str, ours: str, theirs: str) -> tuple[int, str, str]:
    """The driver line with git's substitutions (%P quoted, as git 2.39 does), run by sh in ``tmp_path``."""
    for name, text in (("O", base), ("A", ours), ("B", theirs)):
        (tmp_path / f".merge_file_{name}").write_bytes(text.encode("utf-8"))
    line = driver_command(program)
    for key, value in (("%O", ".merge_file_O"), ("%A", ".merge_file_A"), ("%B", ".merge_file_B"),
                       ("%P", shlex.quote("clients/orsted.md"))):
        line = line.replace(key, value)
    proc = subprocess.run(["sh", "-c", line], cwd=tmp_path, capture_output=True, text=True, env=ENV)
    return proc.returncode, (tmp_path / ".merge_file_A").read_bytes().decode("utf-8"), proc.stderr


def test_the_line_keeps_the_drivers_answer_when_it_runs(tmp_path: Path):
    exe = shlex.quote(sys.executable) + " -m rippledoc"
    status, text, _ = run_line(tmp_path, exe, CLIENT, CLIENT + OURS_LINE + "\n", CLIENT + THEIRS_LINE + "\n")
    assert status == 0 and text == CLIENT + OURS_LINE + "\n" + THEIRS_LINE + "\n"
    clash = [CLIENT.replace("level: key", f"level: {v}") for v in ("key", "for-life", "base")]
    status, text, err = run_line(tmp_path, exe, *clash)
    assert status == 1 and "<<<<<<< ours\nlevel: for-life\n=======\nlevel: base\n>>>>>>> theirs\n" in text
    assert "could not run" not in err  # the driver's own conflict (exit 3), not the fallback


@pytest.mark.parametrize("program", ["/nonexistent/python -m rippledoc", "no-such-command-anywhere",
                                     f"{shlex.quote(sys.executable)} -m no_such_module"])
def test_a_program_that_cannot_run_falls_back_to_git_merge_file(tmp_path: Path, program: str):
    status, text, err = run_line(tmp_path, program, CLIENT, CLIENT + OURS_LINE + "\n", CLIENT + THEIRS_LINE + "\n")
    assert status == 1 and f"<<<<<<< ours\n{OURS_LINE}\n=======\n{THEIRS_LINE}\n>>>>>>> theirs\n" in text
    assert "the merge driver could not run" in err
    # a merge git's line merge can settle is clean: no conflict without markers either way
    apart = CLIENT.replace("level: key", "level: base")
    status, text, _ = run_line(tmp_path, program, CLIENT, apart, CLIENT + THEIRS_LINE + "\n")
    assert status == 0 and text == apart + THEIRS_LINE + "\n"


def test_when_git_merge_file_fails_too_both_whole_versions_go_between_markers(tmp_path: Path):
    ours, theirs = CLIENT + OURS_LINE + "\n\0", CLIENT + THEIRS_LINE  # a NUL byte: git merge-file refuses it
    status, text, _ = run_line(tmp_path, "/nonexistent/python -m rippledoc", CLIENT, ours, theirs)
    assert status == 1
    assert text == f"<<<<<<< ours\n{ours}\n=======\n{theirs}\n>>>>>>> theirs\n"


def test_the_conflict_status_is_not_one_a_failed_start_gives():
    assert CONFLICT_STATUS not in (1, 2, 126, 127)


# ---------------------------------------------------------------- the markers, read

def test_each_conflict_region_is_reported_once_at_its_first_line():
    text = ("a\n<<<<<<< ours\nx\n||||||| base\nw\n=======\ny\n>>>>>>> theirs\nb\n"
            "Überschrift\n=======\n"  # a Markdown heading underline, not a marker
            ">>>>>>> theirs\n"  # the top half deleted by hand
            "<<<<<<< ours\nnever closed\n")
    assert conflict_regions(text) == [(2, 8), (12, 12), (13, None)]
    assert [d.line for d in conflict_diagnostics("clients/x.md", text)] == [2, 12, 13]
    assert conflict_regions("Überschrift\n=======\n") == []
    assert conflict_regions("<<<<<<<< eight is not a marker\n") == []


def test_markers_in_the_front_matter_notes_and_log_of_a_client_file():
    text = ("---\nname: Acme\n<<<<<<< ours\ngrade: top\n=======\ngrade: two\n>>>>>>> theirs\n---\n"
            "Notes\n<<<<<<< ours\nmine\n=======\nyours\n>>>>>>> theirs\n\n## Log\n"
            "<<<<<<< ours\n- 2026-11-03 call reached: a\n=======\n- 2026-11-03 call reached: b\n>>>>>>> theirs\n")
    _, diags = parse_client(Text("clients/acme.md", text, text.encode()), Settings())
    assert [d.line for d in diags if d.code == "E006"] == [3, 10, 17]
    assert not [d for d in diags if d.code == "E200"]


def test_markers_in_a_ritual_record_are_reported(tmp_path: Path):
    from conftest import load_workspace
    (tmp_path / "clients").mkdir()
    (tmp_path / "rituals" / "weekly-connection-review").mkdir(parents=True)
    (tmp_path / "rituals" / "weekly-connection-review" / "2026-W47.md").write_text(
        "---\ndate: 2026-11-20\n<<<<<<< ours\nclients: {}\n=======\nclients: {a: {}}\n>>>>>>> theirs\n---\n")
    _, diags = load_workspace(tmp_path)
    assert ("rituals/weekly-connection-review/2026-W47.md", 3, "E006") in {(d.path, d.line, d.code) for d in diags}
