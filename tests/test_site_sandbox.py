"""Templates render in a sandbox: a workspace template reads its data and calls the site's helpers, nothing more.

A template committed to a shared book must not run commands, read or write
files on a teammate's machine. Each escape below is refused with a build
error naming the template file and line, before anything is written; the
shipped templates and the sample workspace build as before.
"""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from conftest import REPO, TODAY, write
from rippledoc.cli.app import main
from rippledoc.site.build import BuildError, SiteBuilder, build_site
from rippledoc.site.render import SiteSandbox, make_env
from test_site import ACME, make

PROOF = "SANDBOX-ESCAPED"

# Each one, in a plain Jinja2 Environment, runs code, or reads or writes a file: {marker} is the file it writes.
ESCAPES = {
    "cycler globals": "{{{{ cycler.__init__.__globals__.os.system('echo {proof} > {marker}') }}}}",
    "joiner globals": "{{{{ joiner.__init__.__globals__.os.popen('echo {proof} > {marker}').read() }}}}",
    "lipsum globals": "{{{{ lipsum.__globals__['os'].system('echo {proof} > {marker}') }}}}",
    "subclasses": "{{{{ ''.__class__.__mro__[1].__subclasses__() }}}}",
    "format string": "{{{{ '{{0.__class__.__mro__}}'.format('') }}}}",
    "a class a module imported": "{{{{ charts.date(2026, 1, 1) }}}}",
    "a function a module imported": "{{{{ charts.escape('x') }}}}",
    "the template's own context": "{{{{ self._TemplateReference__context }}}}",
}


def _template(body: str) -> str:
    return '{% extends "base.html" %}\n{% block main %}\n<p>before</p>\n' + body + "\n{% endblock %}\n"


@pytest.mark.parametrize("name", ESCAPES)
def test_an_escape_from_the_sandbox_is_a_build_error_naming_the_template_and_line(tmp_path, name):
    root = make(tmp_path, {"clients/acme.md": ACME})
    marker = tmp_path / "marker"
    write(root, {"site_templates/index.html": _template(ESCAPES[name].format(proof=PROOF, marker=marker))})
    result = CliRunner().invoke(main, ["-C", str(root), "build", "--today", TODAY.isoformat()])
    assert result.exit_code == 1, result.output
    assert re.search(r"^rippledoc: site_templates/index\.html:4: unsafe template code refused \(.+\); "
                     r"a template may use the data it is given", result.output, re.M), result.output
    assert "Traceback" not in result.output
    assert not marker.exists()
    assert not (root / "_site").exists()


# A module handed to a template (no page gets one but ``charts``; a test may): its imports lead anywhere.
THROUGH_A_MODULE = "{{{{ urls.re.enum.sys.modules['os'].system('echo {proof} > {marker}') }}}}"


@pytest.mark.parametrize("name", ["cycler globals", "joiner globals", "lipsum globals", "a module through urls"])
def test_the_same_escapes_run_code_in_a_plain_environment(tmp_path, name):
    """The payloads are real: the sandbox, not a typo, is what stops them."""
    import jinja2
    from rippledoc.site import urls
    marker = tmp_path / "marker"
    payload = THROUGH_A_MODULE if name == "a module through urls" else ESCAPES[name]
    jinja2.Environment().from_string(payload.format(proof=PROOF, marker=marker)).render(urls=urls)
    assert marker.read_text().strip() == PROOF


def test_the_error_names_an_included_template_where_the_access_is(tmp_path):
    root = make(tmp_path, {"clients/acme.md": ACME})
    write(root, {"site_templates/index.html": _template('{% include "_mine.html" %}'),
                 "site_templates/_mine.html": "line one\nline two\n{{ cycler.__init__ }}\n"})
    with pytest.raises(BuildError, match=r"^site_templates/_mine\.html:3: unsafe template code refused "
                                         r"\(access to attribute '__init__' of 'type' object is unsafe\)"):
        build_site(root, root / "_site", TODAY)


def test_serve_s_rebuild_refuses_it_too(tmp_path):
    root = make(tmp_path, {"clients/acme.md": ACME})
    builder = SiteBuilder(root, tmp_path / "site", lambda: TODAY)
    builder.full()
    marker = tmp_path / "marker"
    write(root, {"site_templates/index.html": _template(ESCAPES["cycler globals"].format(proof=PROOF, marker=marker))})
    with pytest.raises(BuildError, match=r"^site_templates/index\.html:4: unsafe template code refused"):
        builder.full()
    assert not marker.exists()


@pytest.mark.parametrize("expression, allowed", [
    ("urls.file_name('Acme Tools')", True),  # the site's own helpers
    ("charts.bars([('x', 1.0)], 'T') | length > 0", True),
    ("charts.TRIANGLE_LEVELS[0][0]", True),  # their data
    ("urls.RitualRecord", True),  # a rippledoc class another rippledoc module lends
    ("urls.hashlib", False),
    ("urls.re.compile('x')", False),
    ("urls.re.enum.sys.modules['os'].system('true')", False),
    ("path.name", True),  # what a path computes
    ("path.parent.name", True),
    ("path.read_text()", False),  # not what it touches
    ("path.write_text('x')", False),
    ("path.unlink", False),
    ("handle.read()", False),
])
def test_what_a_template_may_reach(tmp_path, expression, allowed):
    from rippledoc.site import urls
    env = make_env(tmp_path)
    assert isinstance(env, SiteSandbox)
    secret = tmp_path / "secret.txt"
    secret.write_text("private")
    with secret.open() as handle:
        template = env.from_string("{{ " + expression + " }}")
        if allowed:
            assert template.render(path=secret, handle=handle, urls=urls) != ""
        else:
            from jinja2.exceptions import SecurityError
            with pytest.raises(SecurityError):
                template.render(path=secret, handle=handle, urls=urls)
    assert secret.read_text() == "private"


def test_every_shipped_template_and_the_sample_workspace_build_in_the_sandbox(tmp_path):
    env = make_env(tmp_path)
    for template in sorted((REPO / "site_templates").glob("*.html")):
        env.get_template(template.name)  # each compiles in the sandbox
    out = tmp_path / "site"
    result = build_site(REPO, out, TODAY)
    assert len(result.rendered) > 10 and all((out / page).is_file() for page in result.rendered)
    assert "<h1>Today" in (out / "index.html").read_text("utf-8")
