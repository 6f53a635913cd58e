"""Reading a person's files: bounded, positioned, cached by content."""
