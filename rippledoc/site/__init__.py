"""The private static site: gather page contexts, render with Jinja2, write atomically, serve locally.

The stages, one module each: ``pages`` (model -> page contexts), ``markdown``
and ``charts`` (safe HTML and inline SVG), ``render`` (the Jinja2
environment), ``build`` (gather, render, swap in), ``serve`` (watch, rebuild
incrementally, live reload).
"""
