"""What an import reads from a file, before it meets the workspace."""
from __future__ import annotations

from dataclasses import dataclass, field

# The client fields an import can fill, in the order of the client template.
TEXT_FIELDS = ("contact", "title", "birthday", "email", "phone", "address", "website", "timezone", "hours", "since",
               "owner", "level", "grade", "status", "cadence", "snooze")
LIST_FIELDS = ("emails", "phones", "products", "tags")
FIELDS = ("name",) + TEXT_FIELDS + LIST_FIELDS + ("notes",)
# What describes the person in a row, not the company: another person's go into the people list.
PERSON_TEXT = ("contact", "title", "birthday", "email", "phone")
PERSON_LISTS = ("emails", "phones")


@dataclass(frozen=True, slots=True)
class Person:
    """Someone at a client who is not its main contact (goes into the notes of a new client)."""
    name: str
    title: str = ""
    email: str = ""
    phone: str = ""
    more: tuple[str, ...] = ()  # more e-mail addresses and phone numbers
    birthday: str = ""

    def line(self) -> str:
        parts = [f"**{self.name}**"] + [p for p in (self.title, self.email, self.phone, *self.more) if p]
        if self.birthday:
            parts.append(f"birthday {self.birthday}")
        return "- " + ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Incoming:
    """One client as a row or card describes it. Empty text means 'not given'."""
    where: str  # "row 12 (line 14)" or "card 3 (line 40)": for the summary
    name: str
    values: dict[str, str] = field(default_factory=dict)  # TEXT_FIELDS that were given
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)  # LIST_FIELDS that were given
    notes: str = ""
    remarks: tuple[str, ...] = ()  # what was left out of this record and why, for the summary

    def get(self, key: str) -> str:
        return self.values.get(key, "")

    def person(self) -> Person | None:
        if not self.get("contact"):
            return None
        more = self.lists.get("emails", ()) + self.lists.get("phones", ())
        return Person(self.get("contact"), self.get("title"), self.get("email"), self.get("phone"), more,
                      self.get("birthday"))


@dataclass(frozen=True, slots=True)
class Rejected:
    where: str
    reason: str


@dataclass(frozen=True, slots=True)
class Parsed:
    """A whole file read: its records in file order, the rows refused, and what format it was taken to be."""
    records: tuple[Incoming, ...]
    rejected: tuple[Rejected, ...]
    fmt: str  # e.g. "Outlook contacts CSV (cp1252, ';')"
    mapping: tuple[tuple[str, str], ...] = ()  # (column, field) pairs used
    ignored: tuple[str, ...] = ()  # columns no field took
    left_out: tuple[tuple[str, int], ...] = ()  # (column or property, how many rows or cards had a value left out)
    warnings: tuple[str, ...] = ()  # about the file as a whole: the encoding it was guessed to be in
