"""The private static site: gather page contexts, render with Jinja2, write atomically, serve locally.

The stages, one module each: ``pages`` (the book's views -> page contexts; the views themselves live in
``rippledoc/views``), ``urls`` (where each page lives), ``markdown`` and ``charts`` (safe HTML and inline
SVG), ``render`` (the Jinja2 environment over the templates ``rippledoc/book/templates.py`` finds), ``csp`` (the one
Content-Security-Policy), ``build`` (gather, render, swap in: the one build), ``serve`` (watch, rebuild
incrementally, live reload), ``encrypt`` and ``search``.
"""
