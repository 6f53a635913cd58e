"""``rippledoc build``: every page of a workspace, private by construction, written atomically.

The fixtures are small workspaces written as text; the sample workspace of
the repository is built too. Pages are checked by parsing their HTML, not by
looking for substrings where structure matters.
"""
from __future__ import annotations

import os
import posixpath
import re
import shutil
import subprocess
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from markupsafe import escape

from conftest import REPO, TODAY, write
from rippledoc.cli.app import main
from rippledoc.site.build import MARKER, BuildError, SiteBuilder, build_site

CSP = ("default-src 'none'; img-src 'self' data:; style-src 'self'; script-src 'self'; base-uri 'none'; "
       "form-action 'none'")

SETTINGS = """\
    title: Test book
    me: stan
    timezone: America/New_York
    team:
      stan: {name: Stan Ortiz, role: principal}
      priya: {name: Priya Shah, role: head of training}
    """

ACME = """\
    ---
    name: Acme Tools
    contact: Ana Ruiz
    email: ana@acme.example
    phone: "+1 312 555 0142"
    website: https://acme.example
    timezone: America/Chicago
    since: 2017-03-01
    owner: stan
    level: key
    grade: top
    tags: [manufacturing]
    sales:
      - {date: 2026-02-10, amount: 4200, what: Backup upgrade}
    commitments:
      - {made: 2026-11-02, due: 2026-11-30, what: Send the migration plan}
    ---
    Ana wants **fewer surprises**. See [their status page](https://status.acme.example/).

    ## Log
    - 2026-10-02 call reached by stan: loved the dashboard. #success solved B and C with us
    - 2026-11-20 call voicemail by stan: said I'd call back Tuesday. next: 2026-11-24
    """

BETA = """\
    ---
    name: Beta Bakery
    owner: priya
    level: base
    grade: two
    tags: [food]
    ---
    Small and loyal.

    ## Log
    - 2026-09-01 visit by priya: #intel they read Bakers Weekly and go to the Chicago food fair.
    """

# Every way a note could try to run code or leak: shown as text, never executed.
EVIL = """\
    ---
    name: "Evil \\"Quotes\\" <b>Co</b>"
    contact: "<script>alert('contact')</script>"
    email: "x\\" onmouseover=\\"alert(1)@evil.example"
    website: "javascript:alert('website')"
    phone: "<img src=x onerror=alert('phone')>"
    level: base
    tags: [xss, "\\"><script>alert('tag')</script>"]
    custom:
      note: "' onfocus='alert(1)"
    ---
    <script>alert('notes')</script>
    <img src=x onerror="alert('img')">
    A [javascript link](javascript:alert('link')), a [data link](data:text/html;base64,PHNjcmlwdD4=),
    a [spaced one](java&#x09;script:alert('entity')) and ![a tracking image](https://tracker.example/pixel.png).
    <a href="javascript:alert('raw')">raw anchor</a>

    ## Log
    - 2026-11-02 call reached by stan: <script>alert('log')</script> "quoted" & <b>bold</b> #success
    """


def make(tmp_path: Path, files: dict[str, str | bytes], settings: str = SETTINGS) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    write(root, {"rippledoc.yaml": settings, **files})
    return root


def build(root: Path, out: Path | None = None, **kw) -> Path:
    out = out or root / "_site"
    build_site(root, out, TODAY, **kw)
    return out


def pages(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): p.read_text("utf-8") for p in sorted(out.rglob("*.html"))}


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside <script> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.script_text.append(data)


def parse(html: str) -> Tags:
    t = Tags()
    t.feed(html)
    return t


# ---- what the site is made of -------------------------------------------------------------------------

def test_build_writes_every_page_and_says_where_the_site_is(tmp_path):
    root = make(tmp_path, {"clients/acme.md": ACME, "clients/beta.md": BETA})
    result = CliRunner().invoke(main, ["-C", str(root), "build", "--today", "2026-11-22"])
    assert result.exit_code == 0, result.output
    out = root / "_site"
    assert result.output.strip().splitlines()[-1] == f"site: {out / 'index.html'}"
    assert sorted(pages(out)) == [
        "clients.html", "clients/acme.html", "clients/beta.html", "index.html", "intel.html", "kudos.html", "metrics.html",
        "problems.html", "rituals.html", "search.html", "stories.html"]
    assert sorted(p.name for p in (out / "assets").iterdir()) == ["reload.js", "search.js", "site.css", "site.js"]
    assert (out / MARKER).exists()


def test_quiet_build_prints_nothing(tmp_path):
    root = make(tmp_path, {"clients/acme.md": ACME})
    result = CliRunner().invoke(main, ["-C", str(root), "build", "-q", "--today", "2026-11-22"])
    assert result.exit_code == 0 and result.output == ""


def test_every_page_starts_its_head_with_the_csp_and_keeps_the_referrer_and_robots_out(tmp_path):
    out = build(make(tmp_path, {"clients/acme.md": ACME, "clients/evil.md": EVIL}))
    for name, html in pages(out).items():
        tags = parse(html).tags
        head = [i for i, (t, _) in enumerate(tags) if t == "head"][0]
        first, attrs = tags[head + 1]
        assert (first, attrs.get("http-equiv"), attrs.get("content")) == ("meta", "Content-Security-Policy", CSP), name
        metas = {a.get("name"): a.get("content") for t, a in tags if t == "meta" and a.get("name")}
        assert metas["referrer"] == "no-referrer" and metas["robots"] == "noindex,nofollow", name
        # only our own script files, never inline code
        scripts = [a for t, a in tags if t == "script"]
        assert all(re.fullmatch(r"(\.\./)*assets/(site|search)\.js", a["src"]) for a in scripts), name
        assert parse(html).script_text == [], name


def test_the_static_build_has_no_live_reload_script(tmp_path):
    out = build(make(tmp_path, {"clients/acme.md": ACME}))
    assert all("reload.js" not in html for html in pages(out).values())


def test_client_page_shows_the_card_notes_log_commitments_and_sales(tmp_path):
    out = build(make(tmp_path, {"clients/acme.md": ACME, "clients/beta.md": BETA}))
    html = (out / "clients/acme.html").read_text()
    assert "<h1 id=\"client-name\">Acme Tools</h1>" in html
    assert "client for 9 years 8 months, since 2017-03-01" in html
    assert "America/Chicago (UTC−06:00)" in html
    assert "09:00-17:00 their time; 10:00-18:00 mine" in html
    assert '<a href="tel:+13125550142">+1 312 555 0142</a>' in html
    assert '<a href="mailto:ana@acme.example">ana@acme.example</a>' in html
    assert "<p>Ana wants <strong>fewer surprises</strong>." in html
    assert "Send the migration plan" in html and 'state-open">open' in html
    assert "4,200" in html
    log = re.findall(r'<li class="touch (\w[\w-]*)" id="L\d+">\s*<time datetime="([\d-]+)"', html)
    assert log == [("voicemail", "2026-11-20"), ("reached", "2026-10-02")]
    assert html.count("2026-11-24") == 2 and '>next call <time datetime="2026-11-24">2026-11-24</time>' in html


def test_stories_and_intelligence_are_collected_from_tagged_touches(tmp_path):
    out = build(make(tmp_path, {"clients/acme.md": ACME, "clients/beta.md": BETA}))
    stories = (out / "stories.html").read_text()
    intel = (out / "intel.html").read_text()
    assert "loved the dashboard" in stories and "success story</a>: solved B and C with us" in stories
    assert "Bakers Weekly" not in stories
    assert "they read Bakers Weekly" in intel and "loved the dashboard" not in intel


# ---- privacy ----------------------------------------------------------------------------------------

def test_xss_fixture_is_shown_as_text_and_nothing_can_run(tmp_path):
    out = build(make(tmp_path, {"clients/evil.md": EVIL, "clients/acme.md": ACME}))
    for name, html in pages(out).items():
        parsed = parse(html)
        for tag, attrs in parsed.tags:
            assert tag not in ("img", "iframe", "object", "embed", "form", "base"), (name, tag)
            for key, value in attrs.items():
                assert not key.startswith("on"), (name, tag, key)
                if key in ("href", "src") and value and (tag, value) != ("link", "data:,"):  # the empty favicon
                    assert not re.match(r"\s*(javascript|data|vbscript):", value, re.I), (name, value)
        assert parsed.script_text == [], name
    evil = (out / "clients/evil.html").read_text()
    # the notes, through markdown: raw HTML is text, refused links stay text
    assert "<p>&lt;script&gt;alert('notes')&lt;/script&gt;\n&lt;img src=x onerror=&quot;alert('img')&quot;&gt;" in evil
    assert "A [javascript link](javascript:alert('link')), a [data link](data:text/html;base64," in evil
    assert "a [spaced one](java\tscript:alert('entity'))" in evil
    assert '!<a href="https://tracker.example/pixel.png" rel="noopener noreferrer nofollow">a tracking image</a>' in evil
    assert "&lt;a href=&quot;javascript:alert('raw')&quot;&gt;raw anchor&lt;/a&gt;" in evil
    # the fields, through Jinja2's autoescape
    assert "Evil &#34;Quotes&#34; &lt;b&gt;Co&lt;/b&gt;" in evil
    assert "javascript:alert(&#39;website&#39;)" in evil  # shown, not linked
    assert "&lt;script&gt;alert(&#39;log&#39;)&lt;/script&gt; &#34;quoted&#34; &amp; &lt;b&gt;bold&lt;/b&gt;" in evil
    table = (out / "clients.html").read_text()
    assert 'data-tags="xss &#34;&gt;&lt;script&gt;alert(&#39;tag&#39;)&lt;/script&gt;"' in table


def absolute_urls(out: Path) -> list[tuple[str, str, str]]:
    """(page, tag, url) for every absolute URL in an attribute, and every URL in the assets."""
    found = []
    for name, html in pages(out).items():
        for tag, attrs in parse(html).tags:
            for key, value in attrs.items():
                if value and re.match(r"\s*(https?:)?//", value, re.I):
                    found.append((name, f"{tag}[{key}]", value))
    for asset in (out / "assets").iterdir():
        for url in re.findall(r"https?://[^\s\"')]+", asset.read_text()):
            found.append((asset.name, "asset", url))
    return found


def person_written_urls(root: Path) -> set[str]:
    urls = set()
    for path in [*root.glob("clients/*.md"), *root.glob("rituals/**/*.md")]:
        text = path.read_text("utf-8")
        urls |= set(re.findall(r"https?://[^\s)\"'>]+", text))
    return urls


def test_no_absolute_url_except_the_links_a_person_wrote(tmp_path):
    root = make(tmp_path, {"clients/acme.md": ACME, "clients/evil.md": EVIL})
    out = build(root)
    found = absolute_urls(out)
    assert {(tag, url) for _, tag, url in found} == {
        ("a[href]", "https://acme.example"), ("a[href]", "https://status.acme.example/"),
        ("a[href]", "https://tracker.example/pixel.png"),  # an image is shown as a link, never loaded
    }


def test_the_sample_workspace_site_links_only_to_what_people_wrote(tmp_path):
    out = tmp_path / "site"
    build_site(REPO, out, TODAY)
    allowed = person_written_urls(REPO)
    leaving = [(page, tag, url) for page, tag, url in absolute_urls(out) if tag != "a[href]" or url not in allowed]
    assert leaving == []


def test_every_relative_link_of_the_sample_site_leads_to_a_file_of_the_site(tmp_path):
    out = tmp_path / "site"
    build_site(REPO, out, TODAY)
    checked = 0
    for name, html in pages(out).items():
        for tag, attrs in parse(html).tags:
            for key in ("href", "src"):
                url = attrs.get(key)
                if not url or re.match(r"[a-z]+:", url) or url.startswith("#"):
                    continue
                assert not url.startswith("/"), (name, url)  # relative: works from file:// and any sub-path
                target = posixpath.normpath(posixpath.join(posixpath.dirname(name), url.split("#")[0]))
                assert (out / target).is_file(), f"{name}: {url} leads nowhere"
                checked += 1
    assert checked > 500


# ---- safe output ----------------------------------------------------------------------------------

def test_a_broken_client_file_gets_a_page_with_its_problem_and_the_rest_builds(tmp_path):
    broken = "---\nname: Broken Co\nlevel: [unclosed\n---\nnotes\n"
    root = make(tmp_path, {"clients/acme.md": ACME, "clients/broken.md": broken})
    result = CliRunner().invoke(main, ["-C", str(root), "build", "--today", "2026-11-22"])
    assert result.exit_code == 0
    assert "1 error in the workspace" in result.output
    out = root / "_site"
    page = (out / "clients/broken.html").read_text()
    assert "This client file could not be read" in page and "clients/broken.md:3" in page
    problems = (out / "problems.html").read_text()
    assert "clients/broken.md" in problems and "E012" in problems
    assert (out / "clients/acme.html").exists()
    assert 'href="clients/broken.html">clients/broken.md</a>' in (out / "clients.html").read_text()


def test_strict_fails_on_any_problem_and_keeps_the_old_site(tmp_path):
    root = make(tmp_path, {"clients/acme.md": ACME})
    build(root)
    before = (root / "_site/index.html").read_bytes()
    write(root, {"clients/bad.md": "---\nname: Bad\ntimezone: UTC\ngrade: tree\n---\n"})
    result = CliRunner().invoke(main, ["-C", str(root), "build", "--strict", "--today", "2026-11-22"])
    assert result.exit_code == 1
    assert "--strict: 1 problem in the workspace" in result.output
    assert (root / "_site/index.html").read_bytes() == before
    assert not (root / "_site/clients/bad.html").exists()


def test_pages_of_deleted_clients_disappear(tmp_path):
    root = make(tmp_path, {"clients/acme.md": ACME, "clients/beta.md": BETA})
    out = build(root)
    assert (out / "clients/beta.html").exists()
    (root / "clients/beta.md").unlink()
    build(root)
    assert not (out / "clients/beta.html").exists()
    assert "Beta Bakery" not in (out / "clients.html").read_text()
    assert [p.name for p in out.parent.iterdir() if p.name.startswith("._site")] == []  # no temporary left


def test_a_template_error_fails_with_its_place_and_leaves_the_site_alone(tmp_path):
    root = make(tmp_path, {"clients/acme.md": ACME})
    out = build(root)
    before = (out / "index.html").read_bytes()
    write(root, {"site_templates/index.html": '{% extends "base.html" %}\n{% block main %}\n{% if %}\n{% endblock %}\n'})
    result = CliRunner().invoke(main, ["-C", str(root), "build", "--today", "2026-11-22"])
    assert result.exit_code == 1
    assert re.search(r"rippledoc: .*site_templates/index.html:3: template syntax error", result.output)
    assert "Traceback" not in result.output
    assert (out / "index.html").read_bytes() == before


def test_an_undefined_variable_in_a_template_fails_loudly(tmp_path):
    root = make(tmp_path, {"clients/acme.md": ACME})
    write(root, {"site_templates/tagged.html": '{% extends "base.html" %}{% block main %}{{ no_such_thing }}{% endblock %}'})
    with pytest.raises(BuildError, match="rendering stories.html with template tagged.html: UndefinedError: "
                                         "'no_such_thing' is undefined"):
        build(root)


def test_a_folder_not_built_by_rippledoc_is_never_replaced(tmp_path):
    root = make(tmp_path, {"clients/acme.md": ACME})
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work")
    result = CliRunner().invoke(main, ["-C", str(root), "build", "-o", str(precious)])
    assert result.exit_code == 1 and "not empty and was not built by rippledoc" in result.output
    assert (precious / "thesis.txt").read_text() == "years of work"
    for inside in (root, root / "clients"):
        with pytest.raises(BuildError):
            build(root, inside)


# ---- templates: the workspace's before the package's -----------------------------------------------------

def test_a_workspace_template_overrides_the_default_of_the_same_name(tmp_path):
    root = make(tmp_path, {
        "clients/acme.md": ACME,
        "site_templates/client.html": (
            '{% extends "base.html" %}{% block main %}<h1 class="mine">{{ client.name }} by my template</h1>'
            "{% endblock %}"),
        "site_templates/assets/site.css": "body { color: rebeccapurple; }\n",
    })
    out = build(root)
    assert '<h1 class="mine">Acme Tools by my template</h1>' in (out / "clients/acme.html").read_text()
    assert (out / "assets/site.css").read_text() == "body { color: rebeccapurple; }\n"
    assert 'aria-current="page">Today' in (out / "index.html").read_text()  # the rest are the defaults


# ---- git history -------------------------------------------------------------------------------------

def git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Stan", "GIT_AUTHOR_EMAIL": "s@x.example", "GIT_COMMITTER_NAME": "Stan",
           "GIT_COMMITTER_EMAIL": "s@x.example", "GIT_AUTHOR_DATE": "2026-11-20T10:00:00",
           "GIT_COMMITTER_DATE": "2026-11-20T10:00:00"}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_client_page_lists_the_commits_of_its_file_following_a_rename(tmp_path):
    root = make(tmp_path, {"clients/acme-old.md": ACME, "clients/beta.md": BETA})
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "Add Acme and Beta")
    git(root, "mv", "clients/acme-old.md", "clients/acme.md")
    git(root, "commit", "-q", "-m", "Rename Acme's file")
    with open(root / "clients/acme.md", "a") as fh:
        fh.write("- 2026-11-21 email by stan: sent the plan\n")
    out = build(root)
    html = (out / "clients/acme.html").read_text()
    commits = re.findall(r'<time datetime="2026-11-20">2026-11-20</time> <span class="subject">([^<]+)</span>', html)
    assert commits == ["Rename Acme&#39;s file", "Add Acme and Beta"]
    assert "changes that are not committed yet" in html
    assert "not committed" not in (out / "clients/beta.html").read_text()


def test_outside_a_git_repository_the_history_is_absent_gracefully(tmp_path):
    root = make(tmp_path, {"clients/acme.md": ACME})
    html = (build(root) / "clients/acme.html").read_text()
    assert "Not in a git repository: no history to show." in html


# ---- incremental rebuilds, as serve does them ------------------------------------------------------

def test_update_renders_the_changed_client_and_the_aggregate_pages_only(tmp_path):
    root = make(tmp_path, {"clients/acme.md": ACME, "clients/beta.md": BETA,
                           "rituals/weekly-connection-review/2026-W47.md":
                               "---\ndate: 2026-11-20\nclients:\n  beta: {solves: 4}\n---\n"})
    builder = SiteBuilder(root, tmp_path / "out", lambda: TODAY)
    full = builder.full()
    assert "clients/beta.html" in full.rendered
    beta_before = (tmp_path / "out/clients/beta.html").stat().st_mtime_ns
    (root / "clients/acme.md").write_text((root / "clients/acme.md").read_text().replace("fewer surprises", "calm"))
    result = builder.update({"acme"})
    assert sorted(result.rendered) == ["clients.html", "clients/acme.html", "index.html", "intel.html", "kudos.html",
                                       "metrics.html", "problems.html", "rituals.html", "search.html", "stories.html"]
    assert "<strong>calm</strong>" in (tmp_path / "out/clients/acme.html").read_text()
    assert (tmp_path / "out/clients/beta.html").stat().st_mtime_ns == beta_before
    (root / "clients/beta.md").unlink()
    gone = builder.update({"beta"})
    assert gone.removed == ["clients/beta.html"] and not (tmp_path / "out/clients/beta.html").exists()
    assert "rituals/weekly-connection-review/2026-W47.html" in gone.rendered  # it names beta: no dead link left
    assert "clients/beta.html" not in (tmp_path / "out/rituals/weekly-connection-review/2026-W47.html").read_text()


def test_update_writes_the_edited_client_s_page_before_the_summaries(tmp_path):
    """serve reloads a tab as soon as its page is written: the edited client's page comes first."""
    root = make(tmp_path, {"clients/acme.md": ACME, "clients/beta.md": BETA})
    out = tmp_path / "out"
    builder = SiteBuilder(root, out, lambda: TODAY)
    builder.full()
    (root / "clients/acme.md").write_text((root / "clients/acme.md").read_text().replace("fewer surprises", "calm"))
    seen: list[tuple[list[str], list[str], bool, bool]] = []

    def written(paths: list[str], removed: list[str]) -> None:
        seen.append((paths, removed, "<strong>calm</strong>" in (out / "clients/acme.html").read_text(),
                     "calm" in (out / "search.html").read_text() + "".join(
                         f.read_text() for f in (out / "search").glob("*.js"))))

    result = builder.update({"acme"}, written)
    assert [s[0] for s in seen][0] == ["clients/acme.html"] and seen[0][1] == [] and seen[0][2]
    assert not seen[0][3]  # the search index was not written yet when the page was
    assert sorted(seen[1][0]) == sorted(p for p in result.rendered if p != "clients/acme.html") and seen[1][3]
    assert len(seen) == 2


def test_update_of_a_client_saved_with_broken_yaml_shows_the_problem_then_recovers(tmp_path):
    root = make(tmp_path, {"clients/acme.md": ACME})
    builder = SiteBuilder(root, tmp_path / "out", lambda: TODAY)
    builder.full()
    good = (root / "clients/acme.md").read_text()
    (root / "clients/acme.md").write_text(good.replace("level: key", "level: [key"))
    builder.update({"acme"})
    page = (tmp_path / "out/clients/acme.html").read_text()
    assert "could not be read" in page and "E012" in page
    assert 'class="count bad"' in (tmp_path / "out/index.html").read_text()
    (root / "clients/acme.md").write_text(good)
    builder.update({"acme"})
    assert "<h1 id=\"client-name\">Acme Tools</h1>" in (tmp_path / "out/clients/acme.html").read_text()


def test_the_sample_workspace_builds_with_a_page_per_client_and_record(tmp_path):
    from conftest import load_workspace
    ws, _ = load_workspace(REPO, TODAY)
    out = tmp_path / "site"
    result = build_site(REPO, out, TODAY)
    assert len(result.rendered) == 9 + len(ws.clients) + len(ws.records)
    for c in ws.clients:
        assert f">{c.name.replace('&', '&amp;')}</h1>" in (out / f"clients/{c.slug}.html").read_text()


# ---- the computations of other modules: wired in, and a clear section while one is absent ---------------

def test_the_dashboard_shows_todays_plan_with_slots_and_research(tmp_path):
    from conftest import load_workspace
    from rippledoc.views.plan import daily_plan
    monday = date(2026, 11, 23)
    out = tmp_path / "site"
    build_site(REPO, out, monday)
    ws, _ = load_workspace(REPO, monday)
    plan = daily_plan(ws, monday)
    assert plan.calls, "the sample workspace has a call on Monday 23 November"
    html = (out / "index.html").read_text()
    for call in plan.calls:
        assert f'<time datetime="{call.start.isoformat()}">{call.start:%H:%M}</time>–{call.end:%H:%M}' in html
        assert f'href="clients/{call.client.slug}.html">{escape(call.client.name)}</a>' in html
    assert html.count('<details class="research"') == len(plan.calls)
    assert "Before you dial" in html and "is not available" not in html


def test_a_view_that_raises_fails_the_build_with_exit_1_and_leaves_the_site_alone(tmp_path, monkeypatch):
    root = make(tmp_path, {"clients/acme.md": ACME})
    assert CliRunner().invoke(main, ["-C", str(root), "build", "--today", "2026-11-22"]).exit_code == 0
    before = (root / "_site" / "metrics.html").read_bytes()

    def broken(*args, **kwargs):
        raise KeyError("due")
    monkeypatch.setattr("rippledoc.site.pages.compute_metrics", broken)
    with open(root / "clients/acme.md", "a", encoding="utf-8") as fh:  # a change, so the pages are made again
        fh.write("- 2026-11-21 email sent by stan: the new price list\n")
    result = CliRunner().invoke(main, ["-C", str(root), "build", "--today", "2026-11-22"])
    assert result.exit_code == 1
    assert "KeyError" in result.output and "Traceback" not in result.output
    assert (root / "_site" / "metrics.html").read_bytes() == before


@pytest.mark.parametrize("view", ["due_items", "daily_plan", "handoff_list", "story_list"])
def test_a_broken_view_is_a_failed_build_in_one_line_never_a_page_that_says_not_available(tmp_path, monkeypatch,
                                                                                          view):
    root = make(tmp_path, {"clients/acme.md": ACME})

    def broken(*args, **kwargs):
        raise KeyError("acme")
    monkeypatch.setattr(f"rippledoc.site.pages.{view}", broken)
    result = CliRunner().invoke(main, ["-C", str(root), "build", "--today", "2026-11-22"])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1 and "KeyError: 'acme'" in result.output
    assert not (root / "_site").exists()


def test_build_encrypt_hands_the_rendered_site_to_the_encryption_stage(tmp_path, monkeypatch):
    monkeypatch.setenv("RIPPLEDOC_PASSPHRASE", "correct horse battery staple orbit")
    root = make(tmp_path, {"clients/acme.md": ACME})
    result = CliRunner().invoke(main, ["-C", str(root), "build", "--encrypt", "--today", "2026-11-22"])
    assert result.exit_code == 0, result.output
    out = root / "_site"
    assert (out / "index.html").exists() and not (out / "clients").exists()
    assert not any(b"Acme Tools" in p.read_bytes() for p in out.rglob("*") if p.is_file())


def test_every_headline_metric_of_the_sample_workspace_has_a_value(tmp_path):
    """A figure the view does not have would show as '–' on the metrics page."""
    from rippledoc.site.build import build_site
    build_site(REPO, tmp_path / "site", TODAY)
    page = (tmp_path / "site" / "metrics.html").read_text()
    values = re.findall(r'<span class="f-value">(.*?)</span>\s*(?:<span class="f-note">(.*?)</span>)?', page, re.S)
    assert len(values) >= 10 and not [v for v in values if "–" in "".join(v)]


def test_a_progress_line_appears_only_after_a_second_and_never_when_quiet(capsys):
    import time as clock

    from rippledoc.cli.site import ProgressLine
    fast = ProgressLine(quiet=False)
    fast(1, 10)
    slow = ProgressLine(quiet=False)
    slow.started = clock.monotonic() - 1.5
    slow(5, 10)
    slow(6, 10)
    slow(10, 10)
    quiet = ProgressLine(quiet=True)
    quiet.started = clock.monotonic() - 5
    quiet(10, 10)
    assert capsys.readouterr().err == "building: 5/10 pages\nbuilding: 10/10 pages\n"


def test_the_triangle_shows_counts_and_the_moves_into_each_level():
    from rippledoc.site.charts import triangle
    svg = str(triangle({"base": 8, "key": 6, "for-life": 4}, {"for-life": (1, 0), "key": (1, 2)}))
    assert re.findall(r'class="tri-n on-([\w-]+)" text-anchor="middle">(\d+)<', svg) == [
        ("for-life", "4"), ("key", "6"), ("base", "8")]
    assert re.findall(r'class="tri-m" text-anchor="start">([^<]+)<', svg) == ["↑1 ↓0", "↑1 ↓2", "↑0 ↓0"]
    assert "<desc>Clients for life: 4 (1 came up into it, 0 came down); Key clients: 6 (1 came up into it, 2 came " \
           "down); Client base: 8 (0 came up into it, 0 came down)</desc>" in svg


def test_the_coverage_calendar_has_a_square_per_day_and_says_what_it_counts():
    from rippledoc.site.charts import calendar
    svg = str(calendar({date(2026, 11, 20): 2, date(2026, 11, 2): 1, date(2025, 1, 1): 9}, date(2026, 11, 22), weeks=4))
    days = re.findall(r"<title>([\d-]+): (\d+) touch", svg)
    assert len(days) == 3 * 7 + 7  # four weeks, the last one to Sunday 22 November
    assert ("2026-11-20", "2") in days and ("2026-11-02", "1") in days
    assert "<desc>3 touches on 2 days from 2026-10-26 to 2026-11-22</desc>" in svg


def test_the_dashboard_lists_due_clients_whose_hours_miss_the_call_window(tmp_path):
    out = tmp_path / "site"
    build_site(REPO, out, date(2026, 11, 23))
    page = (out / "index.html").read_text()
    assert "Due, but no time in your window today" in page
    section = page.split("Due, but no time in your window today", 1)[1]
    assert "Sakura Ridge Logistics K.K." in section and "09:00-18:00 Asia/Tokyo" in section


# ---- one policy, one build ---------------------------------------------------------------------------

def test_the_content_security_policy_is_written_in_one_place_and_html_only_in_templates():
    from rippledoc.site import csp
    package = REPO / "rippledoc"
    policies = [p.relative_to(REPO).as_posix() for p in package.rglob("*") if p.is_file()
                and p.suffix in (".py", ".html", ".js") and "default-src" in p.read_text("utf-8")]
    assert policies == ["rippledoc/site/csp.py"]
    pages = [p.relative_to(REPO).as_posix() for p in package.rglob("*.py") if "<!doctype" in p.read_text("utf-8").lower()]
    assert pages == []
    assert csp.PAGE == CSP and csp.HEADER == CSP + "; frame-ancestors 'none'"
    assert csp.LOCKED == CSP.replace("; base-uri", "; connect-src 'self'; base-uri")


def test_serve_s_full_rebuild_is_the_build_of_rippledoc_build(tmp_path, monkeypatch):
    import rippledoc.site.build as site_build
    root = make(tmp_path, {"clients/acme.md": ACME})
    calls = []
    real = site_build.build_site

    def counted(*args, **kwargs):
        calls.append(kwargs.get("live"))
        return real(*args, **kwargs)
    monkeypatch.setattr(site_build, "build_site", counted)
    builder = SiteBuilder(root, tmp_path / "site", lambda: TODAY)
    builder.version = 7
    result = builder.full()
    assert calls == [7]
    assert builder.client_pages == {"clients/acme.md": "clients/acme.html"} == result.client_pages
    assert 'data-version="7"' in (tmp_path / "site" / "index.html").read_text()
