"""An encrypted site: AES-256-GCM pages under a PBKDF2 key, opaque page names, nothing readable left.

The decryption here follows docs/encryption.md alone, with the
``cryptography`` package: it is the proof that a person can read their own
data without rippledoc.
"""
from __future__ import annotations

import base64
import html
import re
import unicodedata
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from conftest import REPO, TODAY
from conftest import load_workspace
from rippledoc.model import Client
from rippledoc.site.encrypt import (EncryptError, encrypt_site, estimate_bits, read_tree, rewrite_links,
                                    strength_warning)

PASSPHRASE = "staple orbit canyon velvet mango"

# ---- a small site made from the sample workspace's clients -------------------------------------------

SITE_CSS = b"h1 { color: rgb(0, 96, 0); }\n"
SITE_JS = b"""document.addEventListener("DOMContentLoaded", () => {
  const data = document.getElementById("filter-data");
  if (data) document.body.dataset.rows = String(JSON.parse(data.textContent).length);
  document.body.dataset.ready = "yes";
});
"""


def sample_clients() -> list[Client]:
    ws, _ = load_workspace(REPO, TODAY)
    assert len(ws.clients) >= 10, "the sample workspace's clients/ should be filled"
    return list(ws.clients)


def _head(title: str, up: str) -> str:
    return (f'<!doctype html>\n<html lang="en">\n<head>\n'
            f'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src \'self\' data:; '
            f'style-src \'self\'; script-src \'self\'; base-uri \'none\'; form-action \'none\'">\n'
            f'<meta charset="utf-8">\n<title>{html.escape(title)}</title>\n'
            f'<link rel="stylesheet" href="{up}assets/site.css">\n<script src="{up}assets/site.js" defer></script>\n'
            f'</head>\n')


def sample_site(clients: list[Client]) -> dict[str, bytes]:
    """A dashboard, a client table with its filter data, one page per client, the assets."""
    import json
    links = "\n".join(f'<li><a href="clients/{c.slug}.html">{html.escape(c.name)}</a></li>' for c in clients)
    files = {
        "index.html": _head("Today", "") + f'<body>\n<h1 id="dashboard">Today</h1>\n<nav><a href="clients.html">'
                      f'Clients</a></nav>\n<ul id="due">\n{links}\n</ul>\n</body>\n</html>\n',
        "assets/site.css": SITE_CSS,
        "assets/site.js": SITE_JS,
    }
    rows = [{"name": c.name, "contact": c.contact, "href": f"clients/{c.slug}.html"} for c in clients]
    files["clients.html"] = (_head("Clients", "") + '<body>\n<h1>Clients</h1>\n<table>\n'
                             + "\n".join(f'<tr data-name="{html.escape(c.name)}"><td><a href="clients/{c.slug}.html">'
                                         f'{html.escape(c.name)}</a></td><td>{html.escape(c.phone)}</td></tr>'
                                         for c in clients)
                             + '\n</table>\n<script type="application/json" id="filter-data">'
                             + json.dumps(rows).replace("</", "<\\/") + "</script>\n</body>\n</html>\n")
    for c in clients:
        files[f"clients/{c.slug}.html"] = (
            _head(c.name, "../") + f'<body>\n<a href="../index.html">Today</a>\n'
            f'<h1 id="client-name">{html.escape(c.name)}</h1>\n<dl>\n'
            f'<dt>Contact</dt><dd>{html.escape(c.contact)}</dd>\n'
            f'<dt>Email</dt><dd><a href="mailto:{html.escape(c.email)}">{html.escape(c.email)}</a></dd>\n'
            f'<dt>Phone</dt><dd><a href="tel:{html.escape(c.phone.replace(" ", ""))}">{html.escape(c.phone)}</a></dd>\n'
            f'</dl>\n<div class="notes">{html.escape(c.notes)}</div>\n</body>\n</html>\n')
    return {k: v.encode("utf-8") if isinstance(v, str) else v for k, v in files.items()}


# ---- decryption from the documented format alone -----------------------------------------------------

BLOCK = re.compile(r'<script type="application/octet-stream" id="rippledoc-encrypted"([^>]*)>([^<]*)</script>')


def parse_shell(shell: bytes) -> dict[str, str]:
    m = BLOCK.search(shell.decode("utf-8"))
    assert m, "no encrypted block in the page"
    fields = dict(re.findall(r'data-([a-z]+)="([^"]*)"', m[1]))
    fields["ciphertext"] = m[2].strip()
    return {k: html.unescape(v) for k, v in fields.items()}


def decrypt_page(shell: bytes, passphrase: str) -> bytes:
    """docs/encryption.md, "Decrypting without rippledoc", step by step."""
    f = parse_shell(shell)
    assert f["format"] == "rippledoc-encrypted-page/1" and f["kdf"] == "PBKDF2-HMAC-SHA256"
    salt = base64.b64decode(f["salt"])
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=int(f["iterations"]))
    key = kdf.derive(unicodedata.normalize("NFC", passphrase).encode("utf-8"))
    aad = ("rippledoc-encrypted-page/1\n" + f["path"]).encode("utf-8")
    return AESGCM(key).decrypt(base64.b64decode(f["nonce"]), base64.b64decode(f["ciphertext"]), aad)


@pytest.fixture(scope="module")
def clients() -> list[Client]:
    return sample_clients()


@pytest.fixture(scope="module")
def plain(clients: list[Client]) -> dict[str, bytes]:
    return sample_site(clients)


@pytest.fixture(scope="module")
def encrypted(plain: dict[str, bytes]):
    return encrypt_site(plain, PASSPHRASE, keep=("index.html", "clients.html"))


# ---- round trip ------------------------------------------------------------------------------------------

def test_every_page_decrypts_with_the_documented_format(plain, encrypted, clients):
    assert set(encrypted.names) == {p for p in plain if p.endswith(".html")}
    for old, new in encrypted.names.items():
        page = decrypt_page(encrypted.files[new], PASSPHRASE)
        assert page.startswith(b"<!doctype html>")
        if old.startswith("clients/"):
            c = next(c for c in clients if f"clients/{c.slug}.html" == old)
            assert f'<h1 id="client-name">{html.escape(c.name)}</h1>'.encode() in page


def test_a_decrypted_page_is_the_original_but_for_its_links(plain, encrypted, clients):
    c = clients[0]
    new = encrypted.names[f"clients/{c.slug}.html"]
    page = decrypt_page(encrypted.files[new], PASSPHRASE).decode("utf-8")
    expected = plain[f"clients/{c.slug}.html"].decode("utf-8")
    # the opaque pages live in p/, one level down like clients/, so only the links to pages change
    assert page == expected
    index = decrypt_page(encrypted.files["index.html"], PASSPHRASE).decode("utf-8")
    assert f'<a href="{new}">{html.escape(c.name)}</a>' in index
    assert f'href="clients/{c.slug}.html"' not in index


def test_the_wrong_passphrase_opens_nothing(encrypted):
    with pytest.raises(InvalidTag):
        decrypt_page(encrypted.files["index.html"], PASSPHRASE + " ")


def test_a_page_moved_to_another_path_does_not_decrypt(encrypted):
    f = parse_shell(encrypted.files["index.html"])
    key = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=base64.b64decode(f["salt"]),
                     iterations=int(f["iterations"])).derive(PASSPHRASE.encode())
    nonce, ct = base64.b64decode(f["nonce"]), base64.b64decode(f["ciphertext"])
    assert AESGCM(key).decrypt(nonce, ct, b"rippledoc-encrypted-page/1\nindex.html")
    with pytest.raises(InvalidTag):
        AESGCM(key).decrypt(nonce, ct, b"rippledoc-encrypted-page/1\nclients.html")


def test_the_passphrase_is_normalised_to_nfc():
    decomposed = "cafe\u0301 orbit canyon velvet mango"  # e + combining acute accent
    site = encrypt_site({"index.html": b"<!doctype html><p>ok</p>"}, decomposed)
    assert decrypt_page(site.files["index.html"], "caf\u00e9 orbit canyon velvet mango") == b"<!doctype html><p>ok</p>"


# ---- fresh randomness --------------------------------------------------------------------------------

def test_two_builds_share_no_salt_and_no_nonce(plain):
    a = encrypt_site(plain, PASSPHRASE)
    b = encrypt_site(plain, PASSPHRASE)
    salts, nonces = set(), []
    for site in (a, b):
        fields = [parse_shell(site.files[p]) for p in site.names.values()]
        assert len({f["salt"] for f in fields}) == 1  # one salt per build
        salts.add(fields[0]["salt"])
        nonces += [f["nonce"] for f in fields]
    assert len(salts) == 2
    assert len(nonces) == len(set(nonces)) == 2 * len(a.names)
    assert len(base64.b64decode(nonces[0])) == 12 and len(base64.b64decode(salts.pop())) == 16
    assert {p for p in a.files if p.startswith("p/")}.isdisjoint(p for p in b.files if p.startswith("p/"))


def test_iterations_are_at_least_600000_and_configurable_upwards(plain):
    site = encrypt_site({"index.html": b"<p>x</p>"}, PASSPHRASE, iterations=700_000)
    assert parse_shell(site.files["index.html"])["iterations"] == "700000"
    assert decrypt_page(site.files["index.html"], PASSPHRASE) == b"<p>x</p>"
    with pytest.raises(EncryptError, match="between 600,000 and"):
        encrypt_site(plain, PASSPHRASE, iterations=100_000)


# ---- nothing readable leaks --------------------------------------------------------------------------

def needles(c: Client) -> list[str]:
    """What must never appear: name, contact, email, phone (as typed and as dialled), a line of the notes.

    The line is the first one of at least 40 characters with no markdown or
    HTML-special characters, so it reads the same in the file and on a page.
    """
    sentence = next((line.strip() for line in c.notes.splitlines()
                     if len(line.strip()) >= 40 and re.fullmatch(r"[\w ,.;:()/-]+", line.strip())), "")
    assert sentence, f"{c.slug} has no plain line of notes to look for"
    found = [c.name, c.contact, c.email, c.phone, c.phone.replace(" ", ""), sentence]
    return [n for n in found if n]


def leaks(files: dict[str, bytes], clients: list[Client]) -> list[str]:
    found = []
    for path, data in files.items():
        low = data.lower()
        for c in clients:
            for n in needles(c):
                for form in {n, html.escape(n), html.escape(n, quote=False)}:
                    if form.lower().encode("utf-8") in low or form.lower() in path.lower():
                        found.append(f"{path}: {n!r}")
        for c in clients:
            if c.slug in path:
                found.append(f"{path}: file name has slug {c.slug!r}")
    return found


def test_the_plain_site_shows_every_client_detail_the_leak_check_looks_for(plain, clients):
    # without this the next test could pass by looking for the wrong things
    missing = [(c.slug, n) for c in clients for n in needles(c)
               if n.encode() not in b"".join(plain.values()) and html.escape(n).encode() not in b"".join(plain.values())]
    assert missing == []
    assert len(leaks(plain, clients)) >= 6 * len(clients)


def test_no_output_byte_or_file_name_holds_a_client_detail(encrypted, clients):
    assert leaks(encrypted.files, clients) == []


def test_a_folder_written_from_the_encrypted_site_leaks_nothing(encrypted, clients, tmp_path: Path):
    for rel, data in encrypted.files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    every_byte = b"".join(p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file())
    for c in clients:
        for n in needles(c):
            assert n.encode("utf-8") not in every_byte
    assert read_tree(tmp_path) == encrypted.files


def test_client_pages_get_random_names_and_kept_pages_keep_theirs(encrypted, plain):
    assert encrypted.names["index.html"] == "index.html"
    assert encrypted.names["clients.html"] == "clients.html"
    opaque = [new for old, new in encrypted.names.items() if old.startswith("clients/")]
    assert len(opaque) == len(plain) - 4
    assert all(re.fullmatch(r"p/[0-9a-f]{32}\.html", n) for n in opaque)
    assert sorted(encrypted.files) == sorted(["index.html", "clients.html", "assets/site.css", "assets/site.js",
                                              "assets/rippledoc-decrypt.js", "assets/rippledoc-locked.css",
                                              *opaque])


def test_assets_are_copied_and_every_page_is_a_strict_shell(encrypted):
    assert encrypted.files["assets/site.css"] == SITE_CSS
    for path in encrypted.names.values():
        text = encrypted.files[path].decode("utf-8")
        head = text.split("<head>\n", 1)[1]
        assert head.startswith('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
                               "img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
                               "base-uri 'none'; form-action 'none'\">")
        scripts = re.findall(r"<script([^>]*)>", text)
        up = "../" * path.count("/")
        assert scripts == [f' src="{up}assets/rippledoc-decrypt.js" defer',
                           ' type="application/octet-stream" id="rippledoc-encrypted" '
                           + re.search(r'id="rippledoc-encrypted" (data-[^>]*)', text)[1]]
        assert " on" not in re.sub(r"<script[^>]*>[^<]*</script>", "", text).split("<body")[1].split(">")[0]
        assert '<label for="rippledoc-passphrase">Passphrase</label>' in text
        assert '<input id="rippledoc-remember" type="checkbox">' in text  # off unless ticked


def test_a_data_file_is_refused_rather_than_left_readable(plain):
    with pytest.raises(EncryptError, match="cannot encrypt clients.json"):
        encrypt_site({**plain, "clients.json": b'[{"name": "Aurora Dental Group"}]'}, PASSPHRASE)


def test_an_empty_passphrase_is_refused(plain):
    with pytest.raises(EncryptError, match="empty"):
        encrypt_site(plain, "")


# ---- links ---------------------------------------------------------------------------------------------

NAMES = {"index.html": "index.html", "clients/acme.html": "p/0a.html", "rituals/x/2026.html": "p/0b.html",
         "assets/site.css": "assets/site.css"}


@pytest.mark.parametrize("page,new,source,expected", [
    ("index.html", "index.html", '<a href="clients/acme.html#log">', '<a href="p/0a.html#log">'),
    ("index.html", "index.html", "<a class=x href='clients/acme.html?q=1'>", "<a class=x href='p/0a.html?q=1'>"),
    ("index.html", "index.html", "<a href=clients/acme.html>", '<a href="p/0a.html">'),
    ("clients/acme.html", "p/0a.html", '<link rel="stylesheet" href="../assets/site.css">',
     '<link rel="stylesheet" href="../assets/site.css">'),
    ("rituals/x/2026.html", "p/0b.html", '<a href="../../clients/acme.html">', '<a href="0a.html">'),
    ("rituals/x/2026.html", "p/0b.html", '<link href="../../assets/site.css" rel=stylesheet>',
     '<link href="../assets/site.css" rel=stylesheet>'),
    ("index.html", "index.html", '<a href="https://example.com/clients/acme.html">',
     '<a href="https://example.com/clients/acme.html">'),
    ("index.html", "index.html", '<a href="#main">', '<a href="#main">'),
    ("index.html", "index.html", '<a title="clients/acme.html" href="mailto:a@b.example">',
     '<a title="clients/acme.html" href="mailto:a@b.example">'),
    ("index.html", "index.html", '<a href="missing.html">', '<a href="missing.html">'),
    ("index.html", "index.html", '<svg><a xlink:href="clients/acme.html"/></svg>', '<svg><a xlink:href="p/0a.html"/></svg>'),
])
def test_links_between_pages_follow_the_new_names(page, new, source, expected):
    assert rewrite_links(source, page, new, NAMES) == expected


def test_rewriting_changes_only_link_values():
    text = ('<!doctype html>\n<p>Text with clients/acme.html in it &amp; more</p>\n<!-- <a href="clients/acme.html"> -->\n'
            '<script type="application/json">{"a": "<b>"}</script>\n<a\n  href="clients/acme.html">x</a>\n')
    assert rewrite_links(text, "index.html", "index.html", NAMES) == text.replace(
        '  href="clients/acme.html">x', '  href="p/0a.html">x')


# ---- passphrase strength --------------------------------------------------------------------------------

@pytest.mark.parametrize("passphrase,low,high", [
    ("password", 0, 15),
    ("Summer2026!", 15, 30),
    ("Tr0ub4dor&3", 30, 50),
    ("correct horse battery staple", 51, 52),
    ("staple orbit canyon velvet mango", 64, 65),
    ("aaaaaaaaaaaaaaaaaaaa", 0, 5),
    ("x7Kp2mQ9vR4tL8nW3sZ5", 80, 120),
])
def test_the_entropy_estimate_is_cautious(passphrase, low, high):
    assert low <= estimate_bits(passphrase) <= high


def test_a_weak_passphrase_gets_a_warning_and_a_strong_one_none():
    assert strength_warning("Summer2026!").startswith("the passphrase is weak: about 26 bits")
    assert strength_warning(PASSPHRASE) is None


@pytest.mark.parametrize("passphrase, high, reason", [
    ("password password password password", 20, "a word repeated"),
    ("qwerty qwerty qwerty qwerty", 15, "a word repeated; a run in order such as abcd, 1234 or qwerty"),
    ("1234 5678 9012 3456 7890", 35, "a run in order such as abcd, 1234 or qwerty"),
    ("Correct Horse correct horse", 30, "a word repeated"),
    ("abcdefghijklmnopqrstuvwxyz", 15, "a run in order such as abcd, 1234 or qwerty"),
    ("asdfghjkl zxcvbnm poiuytrewq", 25, "a run in order such as abcd, 1234 or qwerty"),
    ("passwordpassword", 20, "a block repeated inside a word"),
    ("Москва Москва Москва Москва", 20, "a word repeated"),
])
def test_repeated_words_and_runs_in_order_are_weak_and_say_why(passphrase, high, reason):
    assert estimate_bits(passphrase) <= high
    warning = strength_warning(passphrase)
    assert warning is not None and f"rippledoc's estimate ({reason}), 50 or more recommended" in warning
    told = warning.replace(reason, "")
    assert not any(word in told for word in passphrase.split() if len(word) > 3)  # never the passphrase itself


@pytest.mark.parametrize("passphrase", [PASSPHRASE, "staple orbit canyon velvet mango plaza",
                                        "Ржавый якорь тихо спит бухта", "x7Kp2mQ9vR4tL8nW3sZ5"])
def test_random_words_and_characters_are_not_mistaken_for_patterns(passphrase):
    assert strength_warning(passphrase) is None


# ---- the sample workspace's real site, built by `rippledoc build` ----------------------------------------

def run_build(out: Path, *args: str, passphrase: str | None = PASSPHRASE):
    from click.testing import CliRunner

    from rippledoc.cli.app import main
    env = {"RIPPLEDOC_PASSPHRASE": passphrase} if passphrase is not None else {}
    return CliRunner(env=env).invoke(main, ["-C", str(REPO), "build", "--today", TODAY.isoformat(),
                                            "-o", str(out), *args])


def every_file(folder: Path) -> dict[str, bytes]:
    """Every file of a folder, dot files included."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def real_site(tmp_path_factory):
    """The sample workspace built plain and built with --encrypt: (plain files, encrypted files)."""
    base = tmp_path_factory.mktemp("real")
    plain = run_build(base / "plain", passphrase=None)
    assert plain.exit_code == 0, plain.output
    encrypted = run_build(base / "encrypted", "--encrypt")
    assert encrypted.exit_code == 0, encrypted.output
    return every_file(base / "plain"), every_file(base / "encrypted")


def test_the_sample_workspace_encrypted_leaks_nothing(real_site, clients):
    from rippledoc.site.pages import NAV
    plain, encrypted = real_site
    assert len(leaks(plain, clients)) >= 6 * len(clients)  # the plain site does show them all
    assert leaks(encrypted, clients) == []
    assert sorted(p for p in encrypted if not p.startswith(("p/", "assets/", "search/", "."))) == \
        sorted(h for h, _ in NAV)  # the search index's files are sealed (tests/test_site_search.py)
    assert len([p for p in encrypted if p.startswith("p/")]) == len([p for p in plain if "/" in p and
                                                                      p.endswith(".html")])


def test_every_link_of_the_decrypted_sample_site_leads_to_a_page_of_the_encrypted_one(real_site):
    import posixpath
    plain, encrypted = real_site
    pages = {p: decrypt_page(data, PASSPHRASE).decode("utf-8") for p, data in encrypted.items()
             if p.endswith(".html")}
    links = 0
    for path, page in pages.items():
        for url in re.findall(r'(?:href|src)="([^"#?]+)[^"]*"', page):
            if not re.match(r"[a-z]+:", url):
                target = posixpath.normpath(posixpath.join(posixpath.dirname(path), url))
                assert target in encrypted, f"{path}: link {url} leads nowhere"
                links += 1
    assert links > 1000
    aurora = [p for p in pages.values() if ">Aurora Dental Group</h1>" in p]
    assert len(aurora) == 1 and "renata@auroradental.example" in aurora[0]


def test_the_build_command_takes_more_iterations(tmp_path):
    result = run_build(tmp_path / "site", "--encrypt", "--kdf-iterations", "900000")
    assert result.exit_code == 0, result.output
    assert parse_shell((tmp_path / "site" / "index.html").read_bytes())["iterations"] == "900000"


# ---- the options of `rippledoc build --encrypt` ---------------------------------------------------------

def _command():
    import click

    from rippledoc.cli.encryption import encrypt_options, encryption_stage

    @click.command()
    @encrypt_options
    def cmd(encrypt: bool, kdf_iterations: int | None) -> None:
        stage = encryption_stage(encrypt, kdf_iterations)
        if stage is None:
            click.echo("plain")
            return
        site = stage({"index.html": b"<!doctype html><p>x</p>"})
        shell = site["index.html"]
        click.echo(f"iterations {parse_shell(shell)['iterations']}")
        click.echo(decrypt_page(shell, PASSPHRASE).decode())
    return cmd


def test_the_passphrase_comes_from_the_environment(monkeypatch):
    from click.testing import CliRunner
    monkeypatch.setenv("RIPPLEDOC_PASSPHRASE", PASSPHRASE)
    result = CliRunner().invoke(_command(), ["--encrypt", "--kdf-iterations", "650000"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "iterations 650000\n<!doctype html><p>x</p>\n"
    assert result.stderr == ""


def test_the_passphrase_is_asked_twice_without_echo(monkeypatch):
    from click.testing import CliRunner
    monkeypatch.delenv("RIPPLEDOC_PASSPHRASE", raising=False)
    monkeypatch.setattr("rippledoc.cli.encryption.interactive", lambda: True)
    result = CliRunner().invoke(_command(), ["--encrypt"], input=f"{PASSPHRASE}\n{PASSPHRASE}\n")
    assert result.exit_code == 0, result.output
    assert PASSPHRASE not in result.output  # hidden input is not echoed
    assert "Passphrase for the encrypted site: \nRepeat the passphrase: \n" in result.stderr
    assert result.stdout.startswith("iterations 600000\n")


def test_a_mistyped_confirmation_asks_again_and_a_weak_passphrase_is_warned_about(monkeypatch):
    from click.testing import CliRunner
    monkeypatch.delenv("RIPPLEDOC_PASSPHRASE", raising=False)
    monkeypatch.setattr("rippledoc.cli.encryption.interactive", lambda: True)
    result = CliRunner().invoke(_command(), ["--encrypt"], input="hunter2\nhunter3\nhunter2\nhunter2\ny\n")
    assert "Error: The two entered values do not match." in result.stderr
    assert "rippledoc: warning: the passphrase is weak: about 16 bits" in result.stderr
    assert "Use this passphrase anyway? [y/N]" in result.stderr
    assert result.stdout.startswith("iterations 600000\n")


def test_at_the_prompt_a_weak_passphrase_is_refused_unless_you_say_yes(monkeypatch):
    from click.testing import CliRunner
    monkeypatch.delenv("RIPPLEDOC_PASSPHRASE", raising=False)
    monkeypatch.setattr("rippledoc.cli.encryption.interactive", lambda: True)
    weak = "qwerty qwerty qwerty qwerty"
    result = CliRunner().invoke(_command(), ["--encrypt"],
                                input=f"{weak}\n{weak}\n\n{PASSPHRASE}\n{PASSPHRASE}\n")  # Enter: the default, no
    assert result.exit_code == 0, result.output
    assert result.stderr.count("Passphrase for the encrypted site:") == 2
    assert result.stderr.count("rippledoc: warning: the passphrase is weak") == 1
    assert result.stdout == "iterations 600000\n<!doctype html><p>x</p>\n"  # the second one locked the site


def test_from_the_environment_a_weak_passphrase_is_a_warning_and_the_build_goes_on(monkeypatch):
    from click.testing import CliRunner
    monkeypatch.setenv("RIPPLEDOC_PASSPHRASE", "1234 5678 9012 3456 7890")
    result = CliRunner().invoke(_command(), ["--encrypt"])
    assert result.stdout.startswith("iterations 600000\n")
    assert result.stderr.startswith("rippledoc: warning: the passphrase is weak: about 32 bits")
    assert "Use this passphrase anyway" not in result.stderr


@pytest.mark.parametrize("args,env,message", [
    (["--encrypt", "--kdf-iterations", "100000"], PASSPHRASE, "100000 is not in the range 600000<=x<=10000000"),
    (["--kdf-iterations", "700000"], PASSPHRASE, "rippledoc: --kdf-iterations only makes sense with --encrypt"),
    (["--encrypt"], "", "rippledoc: the passphrase is empty"),
    (["--encrypt"], None, "rippledoc: --encrypt needs a passphrase: set RIPPLEDOC_PASSPHRASE or run in a terminal"),
])
def test_usage_errors_exit_2(monkeypatch, args, env, message):
    from click.testing import CliRunner
    if env is None:
        monkeypatch.delenv("RIPPLEDOC_PASSPHRASE", raising=False)
    else:
        monkeypatch.setenv("RIPPLEDOC_PASSPHRASE", env)
    result = CliRunner().invoke(_command(), args)
    assert result.exit_code == 2
    assert message in result.stderr
