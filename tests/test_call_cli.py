"""``rippledoc call`` when stdin is not a terminal: one answer a line (a script, a pipe, CliRunner).

The same session as through a terminal, with a word or a letter a line for
what happened; the end of the input ends the session as q does, with the
summary of what was written.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import copy_sample
from rippledoc.cli.app import main

SAMPLE = ("rippledoc.yaml", "clients", "rituals")
DAY = "2026-12-01"


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return copy_sample(tmp_path / "book", SAMPLE)


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "clients").glob("*.md"))}


def added(before: dict[str, bytes], root: Path) -> dict[str, list[str]]:
    """file -> the lines added since ``before``; fails when a line was removed or changed."""
    out = {}
    for name, data in files(root).items():
        old, new = before[name].decode().splitlines(), data.decode().splitlines()
        if old == new:
            continue
        extra = list(new)
        for line in old:
            assert line in extra, f"{name}: {line!r} was changed or removed"
            extra.remove(line)
        out[name] = extra
    return out


def call(root: Path, answers: list[str], *args: str):
    text = "".join(a + "\n" for a in answers)
    return CliRunner().invoke(main, ["-C", str(root), "call", "--today", DAY, *args], input=text)


MORNING = [
    "r", "Fiona is happy with the portal", "The statements export times out", "training", "fri",
    "lena: she stayed until close", "", "they close the month two days sooner", "site: Lettings Desk", "",
    "voicemail", "", "left a message",
    "no answer", "+3", "rang twice",
    "skip",
    "snooze", "+2w",
    "q",
]


def test_a_whole_morning_one_answer_a_line(sample):
    before = files(sample)
    r = call(sample, MORNING)
    assert r.exit_code == 0, r.output
    assert added(before, sample) == {
        "clients/moorfield-lettings.md": [
            "- 2026-12-01 call reached by stan: Fiona is happy with the portal. The statements export times out. "
            'handoff: training @priya by 2026-12-04 #kudos @lena "she stayed until close" '
            '#success "they close the month two days sooner" #intel[site: Lettings Desk]'],
        "clients/kestrel-freight-lines.md": ["- 2026-12-01 call voicemail by stan: left a message. next: 2026-12-02"],
        "clients/dunmore-outdoor-gear.md": ["- 2026-12-01 call no-answer by stan: rang twice. next: 2026-12-04"],
        "clients/sakura-ridge-logistics.md": ["snooze: 2026-12-15"],
    }
    assert "Tell Fiona Aldridge: Priya Shah (training) will be in touch by Fri 04 Dec." in r.output
    assert "Kudos for lena" in r.output and "A success story: asking for a testimonial is due in 14 days" in r.output
    assert "Call back on Wed 02 Dec: it will be that day's call." in r.output
    assert "Session of Tue 01 Dec 2026: 5 of 6 clients" in r.output
    assert "Traceback" not in r.output


def test_the_end_of_the_input_ends_the_session_with_what_was_written(sample):
    before = files(sample)
    r = call(sample, ["r", "all fine", "The export is slow"])  # the input ends at 'who takes it?'
    assert r.exit_code == 0, r.output
    assert added(before, sample) == {"clients/moorfield-lettings.md": ["- 2026-12-01 call reached by stan: all fine."]}
    assert "Session of Tue 01 Dec 2026: 1 of 6 clients (1 reached, 5 not yet)" in r.output
    assert "written to clients/moorfield-lettings.md:56: - 2026-12-01 call reached by stan: all fine." in r.output
    assert "Next call: Tue 01 Dec 10:00-10:30 Kestrel Freight Lines" in r.output


def test_an_answer_that_is_not_a_choice_is_asked_again(sample):
    r = call(sample, ["maybe", "quit"])
    assert r.exit_code == 0, r.output
    assert "Answer with one of r, v, n, s, z, q or ?" in r.output
    assert "0 of 6 clients (6 not yet)" in r.output


def test_a_dry_run_writes_nothing_and_shows_each_line_it_would_write(sample):
    before = files(sample)
    r = call(sample, ["v", "thu", "left a message", "z", "", "n"], "--dry-run")  # the input ends at "when?"
    assert r.exit_code == 0, r.output
    assert files(sample) == before
    assert not (sample / ".rippledoc.lock").exists() or (sample / ".rippledoc.lock").read_bytes() == b""
    assert "Dry run: nothing is written." in r.output
    assert "- 2026-12-01 call voicemail by stan: left a message. next: 2026-12-03" in r.output
    assert "would write: snooze: 2026-12-08 (clients/kestrel-freight-lines.md)" in r.output
    assert "would write to clients/dunmore-outdoor-gear.md: - 2026-12-01 call no-answer by stan" in r.output
    assert "Nothing written (dry run); it would write 2 log lines and 1 snooze." in r.output
    assert "Next call: Tue 01 Dec 11:00-11:30 Pinecrest Unified School District" in r.output


@pytest.mark.parametrize("who, says", [
    ("cooking: omar", "nobody in the team handles 'cooking'"),
    ("nadia", "'@nadia' is not in the team of rippledoc.yaml"),
])
def test_a_handoff_to_nobody_is_asked_again(sample, who, says):
    before = files(sample)
    r = call(sample, ["r", "", "The export is slow", who, "omar", "", "", "", "", "q"])
    assert r.exit_code == 0, r.output
    assert says in r.output
    assert added(before, sample)["clients/moorfield-lettings.md"] == [
        "- 2026-12-01 call reached by stan: The export is slow. handoff: @omar by 2026-12-02"]


def test_kudos_for_someone_outside_the_team_and_intelligence_of_no_known_kind_are_asked_again(sample):
    before = files(sample)
    r = call(sample, ["r", "", "", "Nadia: great", "priya: great", "", "", "gossip: prices", "trend: prices", "",
                      "q"])
    assert r.exit_code == 0, r.output
    assert "'@Nadia' is not in the team of rippledoc.yaml" in r.output
    assert "unknown kind of intelligence 'gossip'" in r.output
    assert added(before, sample)["clients/moorfield-lettings.md"] == [
        '- 2026-12-01 call reached by stan: #kudos @priya "great" #intel[trend: prices]']


@pytest.mark.parametrize("typed, written", [
    ("", "next: 2026-12-02"),  # the default: the next working day with hours meeting the window
    ("tomorrow", "next: 2026-12-02"),
    ("+3", "next: 2026-12-04"),
    ("mon", "next: 2026-12-07"),
    ("2026-12-10", "next: 2026-12-10"),
    ("today", "next: 2026-12-01"),
])
def test_the_call_back_day_takes_what_log_next_takes(sample, typed, written):
    before = files(sample)
    r = call(sample, ["v", typed, "", "q"])
    assert r.exit_code == 0, r.output
    assert added(before, sample)["clients/moorfield-lettings.md"] == [
        f"- 2026-12-01 call voicemail by stan: {written}"]


def test_a_call_back_day_before_today_or_not_a_day_is_asked_again_and_dash_gives_none(sample):
    before = files(sample)
    r = call(sample, ["v", "2026-11-30", "someday", "-", "", "q"])
    assert r.exit_code == 0, r.output
    assert "Mon 30 Nov 2026 is before Tue 01 Dec 2026" in r.output
    assert "'someday' is not a date" in r.output
    assert "No day: the next call comes by the client's cadence." in r.output
    assert added(before, sample)["clients/moorfield-lettings.md"] == ["- 2026-12-01 call voicemail by stan"]


def test_the_prompt_says_the_default_day_and_the_notice_counts_this_sessions_promises(sample):
    r = call(sample, ["v", "", "", "v", "", "", "q"])
    assert r.exit_code == 0, r.output
    assert "Enter: Wed 02 Dec, your next working day that is a business day in their zone (Europe/London)" in r.output
    first, second = r.output.split("── 2 of 6 ──")
    assert "Call back on Wed 02 Dec: it will be that day's call." in first
    # Kestrel's promise for the same day counts Moorfield's, made a minute before in this session
    assert ("Call back on Wed 02 Dec: it will be that day's call. That day already holds 1 other promised call back "
            "and you plan 1 call a day: a promise is kept on its day, so it will have 2 calls.") in second


def test_a_snooze_replaces_the_date_the_file_has_and_says_a_promise_stands(sample):
    path = sample / "clients" / "sakura-ridge-logistics.md"
    path.write_text(path.read_text().replace("timezone: Asia/Tokyo\n", "timezone: Asia/Tokyo\nsnooze: 2026-01-05\n"))
    before = files(sample)
    r = call(sample, ["s", "s", "s", "s", "z", "today", "z", "2027-01-04", "q"])
    assert r.exit_code == 0, r.output
    assert "A snooze ends after today (Tue 01 Dec)." in r.output
    assert "The call back promised for Mon 23 Nov stands" in r.output
    new = path.read_text().splitlines()
    assert "snooze: 2027-01-04" in new and "snooze: 2026-01-05" not in new
    assert len(new) == len(before["clients/sakura-ridge-logistics.md"].decode().splitlines())


def test_a_refused_answer_is_asked_again_and_the_line_keeps_the_answers_before_it(sample):
    before = files(sample)
    r = call(sample, ["r", "handoff: cooking by 2026-12-04", "fine after all", "", "", "", "", "q"])
    assert r.exit_code == 0, r.output
    assert "rippledoc: refused: after this change clients/moorfield-lettings.md:56" in r.output
    assert added(before, sample)["clients/moorfield-lettings.md"] == [
        "- 2026-12-01 call reached by stan: fine after all."]


def test_a_line_changed_by_hand_during_the_call_is_left_alone_and_the_session_goes_on(sample, monkeypatch):
    from rippledoc.cli import call as call_module
    path = sample / "clients" / "moorfield-lettings.md"
    asked = call_module.Reader.text

    def text(self, prompt: str, default: str = "") -> str:
        if prompt.startswith("A problem"):  # meanwhile, in an editor
            path.write_text(path.read_text().replace("call reached by stan: fine.", "call reached by stan: edited."))
        return asked(self, prompt, default)

    monkeypatch.setattr(call_module.Reader, "text", text)
    r = call(sample, ["r", "fine", "The export is slow", "support", "", "s", "q"])
    assert r.exit_code == 0, r.output
    assert "the log line is no longer in the file" in r.output
    assert "the rest of this call's answers are not added to it" in r.output
    assert "- 2026-12-01 call reached by stan: edited." in path.read_text()
    assert "── 2 of 6 ──" in r.output


def test_by_and_owner_as_the_other_daily_commands(sample):
    before = files(sample)
    r = call(sample, ["v", "", "", "q"], "--owner", "omar", "--by", "priya")
    assert r.exit_code == 0, r.output
    assert "Tuesday 01 December 2026 · omar · 3 to call" in r.output
    assert added(before, sample) == {"clients/dunmore-outdoor-gear.md": [
        "- 2026-12-01 call voicemail by priya: next: 2026-12-02"]}
    unknown = call(sample, [], "--owner", "nadia")
    assert unknown.exit_code == 2 and "--owner 'nadia' is not in the team" in unknown.output


def test_on_a_day_off_it_goes_through_the_next_working_days_plan_as_today_shows_it(sample):
    r = CliRunner().invoke(main, ["-C", str(sample), "call", "--today", "2026-12-05", "--dry-run"], input="q\n")
    assert r.exit_code == 0, r.output
    assert "Saturday is not one of your working days; here is the plan for Monday 07 Dec." in r.output
    assert "Monday 07 December 2026" in r.output


def test_a_session_through_every_client_ends_with_the_next_days_first_call(sample):
    r = call(sample, ["v", "", "", "v", "+3", "", "n", "-", "", "s", "s", "s"])
    assert r.exit_code == 0, r.output
    assert r.output.rstrip().endswith(
        "Next call: Wed 02 Dec 09:30-10:00 Moorfield Lettings Ltd, their time 14:30 (Europe/London)\n"
        "    why: promised a call back today after a voicemail on Tue 01 Dec; last reached 145 days ago")


NAMES = {
    "clients/moskva.md": "---\nname: Москва Импорт\ntimezone: Europe/Moscow\ncontact: Анна Петрова\n---\n",
    "clients/athina.md": "---\nname: Αθηναϊκή Ναυτιλιακή\ntimezone: Europe/Athens\ncontact: Ελένη Παππά\n---\n",
    "clients/beijing.md": "---\nname: 北京贸易有限公司\ntimezone: Asia/Shanghai\ncontact: 王芳\n---\n",
    "clients/escape.md": "---\nname: \"Evil \\e]0;pwned\\a Corp\"\ntimezone: Europe/London\n---\n",
}


def test_names_and_notes_in_every_script_are_shown_and_written_and_controls_are_escaped(tmp_path):
    (tmp_path / "clients").mkdir()
    (tmp_path / "rippledoc.yaml").write_text("me: stan\ntimezone: Europe/London\ncall_window: \"08:00-18:00\"\n"
                                             "team:\n  stan: {name: Stan}\n  priya: {name: Прия}\n",
                                             encoding="utf-8")
    for name, text in NAMES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "rituals").mkdir()
    (tmp_path / "rituals" / "one-a-day.md").write_text("---\nname: One a day\ncadence: daily\ncalls_per_day: 4\n---\n")
    answers = ["r", "Всё хорошо", "", "priya: Ευχαριστώ πολύ", "", "他们很满意", "trend: 物流", "",
               "r", "", "", "", "", "", "r", "", "", "", "", "", "s"]
    r = CliRunner().invoke(main, ["-C", str(tmp_path), "call", "--today", DAY], input="".join(a + "\n" for a in answers))
    assert r.exit_code == 0, r.output
    for name in ("Москва Импорт", "Αθηναϊκή Ναυτιλιακή", "北京贸易有限公司", "Анна Петрова", "王芳"):
        assert name in r.output
    assert "Evil \\x1b]0;pwned\\x07 Corp" in r.output and "\x1b]0;" not in r.output
    written = {n: (tmp_path / n).read_text(encoding="utf-8") for n in NAMES}
    first = next(n for n, t in written.items() if "Всё хорошо" in t)
    assert ('- 2026-12-01 call reached by stan: Всё хорошо. #kudos @priya "Ευχαριστώ πολύ" '
            '#success "他们很满意" #intel[trend: 物流]') in written[first]


def test_a_ctrl_c_during_a_write_waits_until_the_write_is_done():
    import os
    import signal
    from rippledoc.cli.call import held_interrupts
    done = []
    with pytest.raises(KeyboardInterrupt):
        with held_interrupts():
            os.kill(os.getpid(), signal.SIGINT)
            done.append("the rest of the write")
    assert done == ["the rest of the write"]


def test_a_ctrl_c_that_comes_while_a_line_is_written_keeps_the_line_and_ends_with_it_in_the_summary(sample,
                                                                                                   monkeypatch):
    import os
    import signal
    from rippledoc.edit import client as edit
    before = files(sample)
    original = edit.append_touch

    def interrupted(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C, in the middle of the write
        return original(*args, **kwargs)

    monkeypatch.setattr(edit, "append_touch", interrupted)
    r = call(sample, ["v", "fri", "never asked"])
    assert r.exit_code == 0, r.output
    assert added(before, sample) == {"clients/moorfield-lettings.md": ["- 2026-12-01 call voicemail by stan"]}
    assert "1 of 6 clients (1 voicemail, 5 not yet)" in r.output
    assert "written to clients/moorfield-lettings.md:56: - 2026-12-01 call voicemail by stan" in r.output


def test_a_reached_call_says_when_the_next_is_due_in_the_words_log_uses(sample):
    from datetime import date
    from rippledoc.book.loader import load_book
    from rippledoc.views.cadence import policy
    book = load_book(sample, date.fromisoformat(DAY))
    moorfield = book.client("moorfield-lettings")
    assert moorfield is not None
    words = policy(book)[0].next_call_words(moorfield, date.fromisoformat(DAY))
    r = call(sample, ["r", "all fine", "", "", "", "", "q"])
    assert r.exit_code == 0, r.output
    assert f"  {words}\n" in r.output and words.startswith("Next call due ")
