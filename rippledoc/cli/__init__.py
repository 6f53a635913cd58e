"""The command line: thin click commands that render views."""
