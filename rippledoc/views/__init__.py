"""Views: every figure rippledoc shows, as pure functions of the book and the date."""
