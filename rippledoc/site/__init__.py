"""The private static site: gather page contexts, render with Jinja2, write atomically, serve locally.

The stages, one module each: ``pages`` (the book's views -> page contexts; the views themselves live in
``rippledoc/views``), ``urls`` (where each page lives), ``markdown`` and ``charts`` (safe HTML and inline
SVG), ``templates`` (where the templates are: the shipped ones and a workspace's overrides; ``overrides``
is what ``check`` says of those), ``render`` (the Jinja2 environment), ``csp`` (the one
Content-Security-Policy), ``build`` (gather, render, swap in: the one build), ``serve`` (watch, rebuild
incrementally, live reload), ``encrypt`` and ``search``.
"""
