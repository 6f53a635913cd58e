"""A deterministic, realistic workspace of N clients: ``python -m bench.generate DIR N``.

Each client file is 6-10 KB: about twenty front-matter entries (contact,
zone, hours, level, grade, products, sales, commitments, custom fields),
300-600 words of notes and years of log lines. The workspace also has a
rippledoc.yaml with a team, a weekly connection-metrics ritual with a year
of records and some one-a-day records. The same N always gives the same
bytes, so timings compare across runs and machines.
"""
from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from pathlib import Path

TODAY = date(2026, 11, 22)
TEAM = ("stan", "priya", "omar", "lena")
ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "Europe/London",
         "Europe/Berlin", "Europe/Madrid", "Asia/Tokyo", "Australia/Sydney", "America/Toronto")
FIRST = ("Ana", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kira", "Luis", "Mei",
         "Nadia", "Oscar", "Pia", "Quentin", "Rosa", "Sami", "Tara", "Uma", "Victor", "Wen", "Yusuf", "Zoe")
LAST = ("Ruiz", "Okafor", "Lindqvist", "Tanaka", "Moreau", "Patel", "Novak", "Haddad", "Brennan", "Costa",
        "Schmidt", "Ivanova", "Oduya", "Kowalski", "Nguyen", "Fischer", "Almeida", "Byrne", "Sato", "Weber")
WORDS1 = ("Northwind", "Aurora", "Blue Gum", "Copperleaf", "Harbor Lane", "Kestrel", "Larkhill", "Maple", "Pinecrest",
          "Prairie", "Redwood", "Sakura", "Silverline", "Vantage", "Moorfield", "Quillon", "Dunmore", "Calloway",
          "Indus", "Brandt", "Oakridge", "Granite", "Riverside", "Summit", "Lakeshore", "Ironwood", "Bluebell")
WORDS2 = ("Traders", "Dental Group", "Health", "Landscaping", "Bakery", "Freight Lines", "Veterinary Clinic",
          "Print Works", "Realty", "Logistics", "Winery", "Lettings", "Translation", "Outdoor Gear", "Architects",
          "Accounting", "Credit Union", "School District", "Feinmechanik", "Legal", "Studios", "Motors", "Farms")
PRODUCTS = ("hosting", "backup", "helpdesk", "training", "network", "security-audit", "email", "voip",
            "imaging-server", "cloud-migration", "workstations", "web-site")
TAGS = ("healthcare", "retail", "manufacturing", "nonprofit", "education", "logistics", "finance", "hospitality",
        "legal", "multi-site", "family-owned", "fast-growing", "seasonal")
SENTENCES = (
    "They care more about never losing a day of work than about the price of any one project.",
    "The owner makes every decision herself and likes a short call better than a long email.",
    "Their office manager is our day-to-day contact and keeps a careful list of open questions.",
    "Growth is steady but cautious; they open one new location every two or three years.",
    "They were burned by a previous provider who promised a migration weekend and took a month.",
    "Underlying interest: staff should never wait for a computer, and customers should never notice IT.",
    "They read trade magazines closely and ask what their competitors are doing with technology.",
    "Budget is approved once a year in January, so proposals belong in the December call.",
    "The founder's son is taking over slowly and wants everything documented before he does.",
    "Support tickets spike every spring when seasonal staff arrive and need accounts and training.",
    "They have praised our head of support by name twice and asked that he stay on their account.",
    "A testimonial is possible: they said we saved their busiest week of the year.",
    "Their warehouse runs two shifts, so maintenance has to happen on Sunday mornings.",
    "They want to hear about new options early, never as a surprise on an invoice.",
    "Security questions come from their insurer, who now asks for a yearly written review.",
)
NOTES = (
    "asked how the new backup schedule is working; all fine so far",
    "wants a quote for two more workstations before the end of the quarter",
    "#success the helpdesk cut their onboarding time from a week to two days",
    "#intel they are reading about AI note-taking tools and asked what we think",
    "#support printer queue stuck again; routed to @omar who will call them Thursday",
    "thanked them for ten years of business and asked what we could do better",
    "they mentioned a conference in Denver next spring; might be worth attending together",
    "renewal confirmed for another year at the same terms",
    "walked through the security review findings; two items to fix in January",
    "#training new hires need the short videos again; @priya will send the links",
    "said I would call back Friday. next: {next}",
    "quick check-in, nothing pending, they sounded happy",
)


def _name(rng: random.Random, i: int) -> str:
    return f"{rng.choice(WORDS1)} {rng.choice(WORDS2)} {i}"


def _slug(name: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in name.lower()).split())


def client_file(i: int) -> tuple[str, str]:
    """The slug and the text of client number ``i`` (the same ``i`` always gives the same text)."""
    rng = random.Random(i * 7919 + 17)
    name = _name(rng, i)
    first, last = rng.choice(FIRST), rng.choice(LAST)
    host = _slug(name).replace("-", "")[:24] + ".example"
    since = TODAY - timedelta(days=rng.randint(700, 4000))
    level = rng.choices(("base", "key", "for-life"), (70, 22, 8))[0]
    grade = rng.choices(("top", "two", "three"), (25, 55, 20))[0]
    status = rng.choices(("active", "paused", "former"), (88, 7, 5))[0]
    fm = [
        f"name: {name}",
        f"contact: {first} {last}",
        f"email: {first.lower()}@{host}",
        f'phone: "+1 {rng.randint(200, 989)} 555 {rng.randint(1000, 9999):04d}"',
        f"address: {rng.randint(1, 9999)} {rng.choice(LAST)} Street, Suite {rng.randint(1, 900)}",
        f"website: https://{host}",
        f"timezone: {rng.choice(ZONES)}",
        f'hours: "{rng.choice(("07:00", "08:00", "08:30", "09:00"))}-{rng.choice(("15:30", "16:30", "17:00", "18:00"))}"',
        f"since: {since.isoformat()}",
        f"owner: {rng.choice(TEAM)}",
        f"level: {level}",
        f"grade: {grade}",
        f"status: {status}",
    ]
    if rng.random() < 0.4:
        fm.append(f"cadence: {rng.choice(('2w', '3w', '30d', '45d', '2m', '3m'))}")
    if rng.random() < 0.05:
        fm.append(f"snooze: {(TODAY + timedelta(days=rng.randint(3, 60))).isoformat()}")
    fm.append(f"products: [{', '.join(rng.sample(PRODUCTS, rng.randint(1, 5)))}]")
    fm.append(f"tags: [{', '.join(rng.sample(TAGS, rng.randint(1, 3)))}]")
    fm.append("sales:")
    day = since
    for _ in range(rng.randint(3, 8)):
        day = min(TODAY, day + timedelta(days=rng.randint(60, 400)))
        fm.append(f"  - {{date: {day.isoformat()}, amount: {rng.randint(3, 150) * 100}, "
                  f"what: {rng.choice(PRODUCTS).replace('-', ' ').capitalize()} for the {rng.choice(('main', 'new', 'second', 'north'))} office}}")
    fm.append("commitments:")
    for _ in range(rng.randint(2, 5)):
        made = TODAY - timedelta(days=rng.randint(5, 500))
        due = made + timedelta(days=rng.randint(7, 60))
        done = ""
        if due < TODAY or rng.random() < 0.3:
            done = f", done: {min(TODAY, due + timedelta(days=rng.randint(-5, 4))).isoformat()}"
        fm.append(f"  - {{made: {made.isoformat()}, due: {due.isoformat()}, what: "
                  f"{rng.choice(('Send', 'Review', 'Fix', 'Plan', 'Quote'))} the {rng.choice(PRODUCTS)} "
                  f"{rng.choice(('proposal', 'checklist', 'schedule', 'report'))}{done}}}")
    fm.append("custom:")
    fm.append(f'  account_no: "A-{i:05d}"')
    fm.append(f"  referral: {rng.choice(FIRST)} {rng.choice(LAST)}")
    words = rng.randint(300, 600)
    paras, count = [], 0
    while count < words:
        para = " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(3, 5)))
        count += len(para.split())
        paras.append(_wrap(para))
    people = [f"- **{rng.choice(FIRST)} {rng.choice(LAST)}**, {rng.choice(('office manager', 'owner', 'finance lead', 'operations'))}."
              for _ in range(3)]
    log, day = [], max(since, TODAY - timedelta(days=rng.randint(800, 1300)))
    while True:
        day += timedelta(days=rng.randint(10, 40))
        if day >= TODAY:
            break
        kind = rng.choices(("call", "email", "meeting", "visit", "letter"), (60, 20, 10, 7, 3))[0]
        outcome = ""
        if kind == "call":
            outcome = " " + rng.choices(("reached", "voicemail", "no-answer"), (70, 22, 8))[0]
        note = rng.choice(NOTES).format(next=(day + timedelta(days=3)).isoformat())
        log.append(f"- {day.isoformat()} {kind}{outcome} by {rng.choice(TEAM)}: {note}")
    text = "---\n" + "\n".join(fm) + "\n---\n" + "\n\n".join(paras) + "\n\n" + "\n".join(people) + \
        "\n\n## Log\n" + "\n".join(log) + "\n"
    return _slug(name), text


def _wrap(text: str, width: int = 78) -> str:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join(lines + [line])


SETTINGS = """\
title: Generated book of {n} clients
me: stan
timezone: America/New_York
call_window: "09:30-11:30"
working_days: [mon, tue, wed, thu, fri]
client_hours: "09:00-17:00"
team:
  stan: {{name: Stan Ortiz, email: stan@ripple.example, role: principal}}
  priya: {{name: Priya Shah, email: priya@ripple.example, role: head of training, handles: [training]}}
  omar: {{name: Omar Haddad, email: omar@ripple.example, role: head of support, handles: [support]}}
  lena: {{name: Lena Novak, email: lena@ripple.example, role: account manager}}
"""

CONNECTION = """\
---
name: Connection metrics
cadence: weekly
covers: {level: [key, for-life]}
metrics:
  - {key: solve, label: Our services solve their problems}
  - {key: profit, label: We bring new profit through technology}
  - {key: expect, label: We set realistic expectations and meet them}
  - {key: resolve, label: When things go wrong we resolve them fast}
  - {key: like, label: They like us}
---
Every week, in quiet time, score where we stand with each major client.
"""


def generate(root: Path, n: int) -> list[str]:
    """Write the workspace; returns the client slugs in order."""
    (root / "clients").mkdir(parents=True, exist_ok=True)
    (root / "rituals" / "connection").mkdir(parents=True, exist_ok=True)
    (root / "rituals" / "one-a-day").mkdir(parents=True, exist_ok=True)
    (root / "rippledoc.yaml").write_text(SETTINGS.format(n=n), encoding="utf-8")
    (root / ".gitignore").write_text("_site/\n.rippledoc-cache/\n.rippledoc.lock\n", encoding="utf-8")
    (root / "rituals" / "connection.md").write_text(CONNECTION, encoding="utf-8")
    slugs = []
    for i in range(1, n + 1):
        slug, text = client_file(i)
        (root / "clients" / f"{slug}.md").write_text(text, encoding="utf-8")
        slugs.append(slug)
    rng = random.Random(n)
    major = slugs[: max(1, min(len(slugs), 40))]
    for week in range(1, 48):
        monday = date.fromisocalendar(2026, week, 1)
        lines = [f"date: {monday.isoformat()}", "clients:"]
        for slug in major:
            scores = ", ".join(f"{k}: {rng.randint(2, 5)}" for k in ("solve", "profit", "expect", "resolve", "like"))
            lines.append(f"  {slug}: {{{scores}}}")
        (root / "rituals" / "connection" / f"2026-W{week:02d}.md").write_text(
            "---\n" + "\n".join(lines) + "\n---\nA quiet hour on Friday afternoon.\n", encoding="utf-8")
    for k in range(60):
        day = TODAY - timedelta(days=k + 1)
        slug = slugs[rng.randrange(len(slugs))]
        (root / "rituals" / "one-a-day" / f"{day.isoformat()}.md").write_text(
            f"---\ndate: {day.isoformat()}\nclients:\n  {slug}: {{note: reached on the first try}}\n---\n",
            encoding="utf-8")
    return slugs


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not argv[1].isdigit():
        print("usage: python -m bench.generate DIR N", file=sys.stderr)
        return 2
    root, n = Path(argv[0]), int(argv[1])
    if (root / "clients").is_dir() and any((root / "clients").iterdir()):
        print(f"bench.generate: {root}/clients is not empty; choose a new folder", file=sys.stderr)
        return 2
    generate(root, n)
    print(f"wrote {n} clients to {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
