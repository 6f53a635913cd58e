"""The reporting periods live in ``rippledoc.parse.periods`` (a record's file name is parsed by them); this name
is kept for ``site/pages.py`` until it imports them from there."""
from rippledoc.parse.periods import reporting_span

__all__ = ["reporting_span"]
