"""The plain-Python floor of a site build: ``python -m bench.floor WORKSPACE OUT``.

One process: read each client file, split the front matter, load it with
PyYAML's C loader, render the markdown with markdown-it-py, fill one Jinja2
template and write the page. No checks, no model: the least a Python static
site generator does per page, to compare rippledoc's build with.
"""
from __future__ import annotations

import sys
from pathlib import Path

import jinja2
import yaml
from markdown_it import MarkdownIt

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{{ fm.name }}</title></head>
<body><h1>{{ fm.name }}</h1><dl><dt>contact</dt><dd>{{ fm.contact }}</dd><dt>level</dt><dd>{{ fm.level }}</dd>
<dt>grade</dt><dd>{{ fm.grade }}</dd><dt>owner</dt><dd>{{ fm.owner }}</dd></dl>{{ body }}</body></html>
"""


def main(argv: list[str]) -> int:
    root, out = Path(argv[0]), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    md = MarkdownIt("js-default")
    template = jinja2.Environment(autoescape=True).from_string(PAGE)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for path in sorted((root / "clients").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        fm = yaml.load(front, Loader=loader)
        html = template.render(fm=fm, body=jinja2.utils.markupsafe.Markup(md.render(body)))
        (out / f"{path.stem}.html").write_text(html, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
