"""Parsing: one file's text -> frozen records with their diagnostics."""
