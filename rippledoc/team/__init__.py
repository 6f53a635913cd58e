"""A team on one book: git's merge driver, the inbox, what changed."""
