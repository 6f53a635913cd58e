"""``rippledoc lsp``: a Language Server for client files, ritual files and rippledoc.yaml.

``server.py`` is the pygls wiring only. What the server computes lives in small
pure modules, each testable without a client: ``buffers`` (the diagnostics of
unsaved buffers, by the same parsers and checks as ``rippledoc check``),
``complete`` (completions at a position), ``hover`` (research notes of a client
slug), ``actions`` (quick fixes for "did you mean" hints), ``ranges`` (our
1-based character columns to LSP positions) and ``places`` (which kind of file
a path is, and where a line of it stands).
"""
