"""The book: every file loaded, linked and validated once."""
