"""Edits of a person's files: lossless, locked, atomic."""
