"""The shipped templates live in site_templates/ at the top of the repository; a workspace overrides them by name,
and ``check`` reports an override that overrides nothing (W500)."""
from __future__ import annotations

import tomllib
from pathlib import Path

from conftest import REPO, write
from rippledoc.book.templates import override_problems
from rippledoc.book.templates import shipped_templates, template_dirs


def test_the_shipped_templates_are_the_repository_s_site_templates():
    assert shipped_templates().resolve() == (REPO / "site_templates").resolve()
    assert (shipped_templates() / "base.html").is_file() and not (REPO / "rippledoc/defaults/site_templates").exists()


def test_the_repository_as_a_sample_workspace_looks_its_templates_up_once_and_overrides_nothing():
    assert template_dirs(REPO) == [shipped_templates()]
    assert override_problems(REPO) == []


def test_every_package_is_in_the_wheel_with_the_templates_as_package_data():
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = sorted(".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "rippledoc").rglob("__init__.py"))
    assert sorted(set(config["packages"]) - {"rippledoc.site_templates"}) == found
    assert config["package-dir"] == {"rippledoc.site_templates": "site_templates"}
    assert config["package-data"]["rippledoc.site_templates"] == ["*.html", "assets/*"]
    assert not [p for p in (REPO / "site_templates").rglob("*") if p.is_file() and p.parent.name not in
                ("site_templates", "assets")], "a file in a subfolder the package data leaves out"


def _codes(root: Path) -> list[str]:
    return [f"{d.path}:{d.line}:{d.col} {d.code}: {d.message}" for d in override_problems(root)]


def test_an_override_of_a_shipped_template_with_its_blocks_is_no_problem(tmp_path):
    write(tmp_path, {"site_templates/client.html": '{% extends "base.html" %}{% block main %}x{% endblock %}\n',
                     "site_templates/assets/mine.css": "body {}\n"})
    assert _codes(tmp_path) == []


def test_a_template_that_overrides_nothing_is_reported_with_the_closest_name(tmp_path):
    write(tmp_path, {"site_templates/dashbaord.html": "<p>mine</p>\n", "site_templates/inde.html": "x\n"})
    diags = override_problems(tmp_path)
    assert [(d.path, d.line, d.code) for d in diags] == [("site_templates/dashbaord.html", 1, "W500"),
                                                         ("site_templates/inde.html", 1, "W500")]
    assert diags[1].hint == "did you mean 'index.html'?"
    assert "index.html" in diags[0].hint  # no close name: the list of templates


def test_a_block_the_parent_lacks_is_reported_at_its_line_and_column(tmp_path):
    write(tmp_path, {"site_templates/kudos.html": '{% extends "base.html" %}\n{% block main %}x{% endblock %}\n'
                                                  '  {% block mian %}y{% endblock %}\n'})
    diags = override_problems(tmp_path)
    assert [(d.path, d.line, d.col) for d in diags] == [("site_templates/kudos.html", 3, 3)]
    assert diags[0].message == "'{% block mian %}' is not a block of base.html, so it is never shown"
    assert diags[0].hint == "did you mean 'main'?"


def test_a_block_the_workspace_s_own_base_adds_is_known_and_its_own_partials_are_not_strays(tmp_path):
    write(tmp_path, {
        "site_templates/base.html": '<html><body>{% block sidebar %}{% endblock %}{% block main %}{% endblock %}</body></html>\n',
        "site_templates/client.html": '{% extends "base.html" %}{% block sidebar %}{% include "parts/card.html" %}'
                                      '{% endblock %}\n',
        "site_templates/parts/card.html": "<p>card</p>\n",
    })
    assert _codes(tmp_path) == []


def test_a_template_that_cannot_be_parsed_is_left_to_the_build(tmp_path):
    write(tmp_path, {"site_templates/client.html": "{% if %}\n"})
    assert _codes(tmp_path) == []
