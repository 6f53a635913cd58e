"""Encrypt a finished site: every page becomes a locked shell that decrypts itself in the browser.

This stage takes the site as it would be written (relative path -> bytes) and
returns the encrypted site, so it does not care how the pages were made. The
format is specified in docs/encryption.md; in short:

- key = PBKDF2-HMAC-SHA256(NFC(passphrase) as UTF-8, salt, iterations, 32 bytes),
  one random 16-byte salt per build;
- each page's HTML is sealed with AES-256-GCM under a fresh random 96-bit
  nonce, with associated data ``rippledoc-encrypted-page/1\\n<path of the page>``;
- the shell carries the salt, iterations, nonce and ciphertext (base64) in a
  non-executed ``<script type="application/octet-stream">`` block, read by
  ``assets/rippledoc-decrypt.js``, so nothing is fetched and file:// works;
- every page but the ones in ``keep`` gets a random name (``p/<32 hex>.html``)
  and the links inside the pages are rewritten to match before encryption.

Files under ``assets/`` (the site's stylesheets, scripts and images, the same
for every workspace) are copied as they are. The search index's files
(``search/*.js``, rippledoc/site/search.py) hold client data: each one's data
is sealed like a page, bound to its own path, and opened by the search page
with the key the page was opened with. Any other file is refused: it could
hold client data that the browser has no way to decrypt.
"""
from __future__ import annotations

import base64
import html
import json
import posixpath
import re
import secrets
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable

from rippledoc.site import csp

FORMAT = "rippledoc-encrypted-page/1"
MIN_ITERATIONS = 600_000
MAX_ITERATIONS = 10_000_000  # about a minute of waiting in a phone's browser
SALT_BYTES = 16
NONCE_BYTES = 12
KEY_BYTES = 32
RECOMMENDED_BITS = 50
ASSETS = "assets/"
SCRIPT = "assets/rippledoc-decrypt.js"
STYLE = "assets/rippledoc-locked.css"
OPAQUE_DIR = "p"


class EncryptError(Exception):
    """The site cannot be encrypted as asked; the message says why. Nothing was written."""


@dataclass(frozen=True)
class EncryptedSite:
    files: dict[str, bytes]  # relative path -> bytes, ready to write
    names: dict[str, str]  # page path in the plain site -> its path in the encrypted site
    salt: bytes
    iterations: int


# ---- the cryptography -------------------------------------------------------------------------------

def passphrase_bytes(passphrase: str) -> bytes:
    """The passphrase as the KDF sees it: Unicode NFC, UTF-8, nothing trimmed."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def derive_key(passphrase: str, salt: bytes, iterations: int) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, iterations=iterations)
    return kdf.derive(passphrase_bytes(passphrase))


def associated_data(path: str) -> bytes:
    """What each ciphertext is bound to: the format and the page's path in the encrypted site."""
    return f"{FORMAT}\n{path}".encode("utf-8")


def seal(key: bytes, path: str, plaintext: bytes) -> tuple[bytes, bytes]:
    """(nonce, ciphertext with its 16-byte tag appended) for one page."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce, AESGCM(key).encrypt(nonce, plaintext, associated_data(path))


def check_iterations(iterations: int) -> None:
    if not MIN_ITERATIONS <= iterations <= MAX_ITERATIONS:
        raise EncryptError(f"--kdf-iterations must be between {MIN_ITERATIONS:,} and {MAX_ITERATIONS:,} "
                           f"(got {iterations:,})")


# ---- passphrase strength ----------------------------------------------------------------------------

_RUN = re.compile(r"[^\W\d_]+|\d+|\s+|[^\w\s]+|_+")
_YEAR = re.compile(r"(19|20)\d\d")
# Runs of keys a person types in order: the alphabet, the digits (round: 7890, 9012) and the keyboard's rows.
_ORDERS = (("abcdefghijklmnopqrstuvwxyz", False), ("0123456789", True),
           ("qwertyuiop", False), ("asdfghjkl", False), ("zxcvbnm", False))
REPEATED_WORD = "a word repeated"
SEQUENCE = "a run in order such as abcd, 1234 or qwerty"
REPEATED_BLOCK = "a block repeated inside a word"


@dataclass(frozen=True)
class Estimate:
    bits: float
    reasons: tuple[str, ...]  # the patterns that cost it bits (never the passphrase's own text)


def _in_order(run: str) -> int:
    """The size of the alphabet ``run`` (3+ characters) walks through one step at a time, either way; else 0."""
    if len(run) < 3:
        return 0
    low = run.lower()
    for order, ring in _ORDERS:
        at = [order.find(ch) for ch in low]
        if -1 in at:
            continue
        steps = {(b - a) % len(order) if ring else b - a for a, b in zip(at, at[1:])}
        if steps in ({1}, {-1}, {len(order) - 1}):
            return len(order)
    return 0


def _period(run: str) -> int:
    """The shortest block that ``run`` repeats (``abab`` -> 2); ``len(run)`` when none."""
    for size in range(1, len(run) // 2 + 1):
        if len(run) % size == 0 and run[:size] * (len(run) // size) == run:
            return size
    return len(run)


def _run_bits(run: str, reasons: set[str]) -> float:
    """What guessing one run of letters or of digits costs (see ``estimate``)."""
    import math
    n = len(run)
    size = _in_order(run)
    if size:
        reasons.add(SEQUENCE)
        return math.log2(size) + 1 + math.log2(n)  # where it starts, which way, how far
    block = _period(run)
    if block < n and block > 1:
        reasons.add(REPEATED_BLOCK)
        return _run_bits(run[:block], reasons) + math.log2(n // block)
    if run[0].isalpha():
        if run.islower() or run.isupper() or (run[0].isupper() and run[1:].islower()):
            capital = 1.0 if n > 1 and run[0].isupper() and not run.isupper() else 0.0
            return min(n * math.log2(26), math.log2(7776)) + capital
        return n * math.log2(52)
    return 7.0 if n == 4 and _YEAR.fullmatch(run) else n * math.log2(10)


def estimate(passphrase: str) -> Estimate:
    """A deliberately cautious entropy estimate, documented in docs/encryption.md.

    The passphrase is cut into runs of letters, digits, spaces and symbols.
    A run of letters in one case (or Capitalised) counts as a word from a
    7,776-word list at most (12.9 bits, plus 1 for a capital); a shorter run
    counts 4.7 bits a letter. A run of mixed-case letters counts 5.7 bits a
    letter, digits 3.32 a digit (a year 19xx/20xx: 7 bits), symbols 5 bits
    each, a single space or hyphen between words nothing. A run in order
    (abcd, 4321, 7890, qwerty, asdf) counts only where it starts, which way
    and how long; a run that repeats a block (abab, 123123) counts the block
    once and the number of repeats; a run equal to an earlier one (any case)
    counts only which earlier one it is (at least 1 bit). The total is then
    capped by length x log2(alphabet), runs of one repeated character counted
    once. Accurate for passphrases drawn at random; generous for anything a
    person made up.
    """
    import math
    if not passphrase:
        return Estimate(0.0, ())
    bits = 0.0
    reasons: set[str] = set()
    seen: list[str] = []
    for m in _RUN.finditer(passphrase):
        run = m[0]
        n = len(run)
        if run[0].isalnum():
            key = run.casefold()
            if key in seen:
                reasons.add(REPEATED_WORD)
                bits += max(1.0, math.log2(len(seen)))
                continue
            seen.append(key)
            bits += _run_bits(run, reasons)
        elif run.isspace() or run in ("-", "_"):
            bits += 0.0 if n == 1 and 0 < m.start() < len(passphrase) - 1 else n * math.log2(33)
        else:
            bits += n * 5.0
    collapsed = re.sub(r"(.)\1+", r"\1", passphrase)
    pool = (26 * any(c.islower() for c in collapsed) + 26 * any(c.isupper() for c in collapsed)
            + 10 * any(c.isdigit() for c in collapsed)
            + 33 * any(c.isascii() and not c.isalnum() for c in collapsed)
            + 100 * any(not c.isascii() for c in collapsed))
    order = (REPEATED_WORD, SEQUENCE, REPEATED_BLOCK)
    return Estimate(round(min(bits, len(collapsed) * math.log2(max(pool, 2))), 1),
                    tuple(r for r in order if r in reasons))


def estimate_bits(passphrase: str) -> float:
    return estimate(passphrase).bits


def strength_warning(passphrase: str) -> str | None:
    found = estimate(passphrase)
    if found.bits >= RECOMMENDED_BITS:
        return None
    why = f" ({'; '.join(found.reasons)})" if found.reasons else ""
    return (f"the passphrase is weak: about {found.bits:.0f} bits by rippledoc's estimate{why}, "
            f"{RECOMMENDED_BITS} or more recommended. Anyone who copies the site can try passphrases offline; "
            "use five or more random words (see docs/encryption.md)")


# ---- names and links --------------------------------------------------------------------------------

def opaque_names(pages: Iterable[str], keep: Iterable[str]) -> dict[str, str]:
    """Page path -> path in the encrypted site: kept pages keep theirs, the rest get random names."""
    keep = set(keep)
    names: dict[str, str] = {}
    used: set[str] = set(keep)
    for page in sorted(pages):
        if page in keep:
            names[page] = page
            continue
        while (name := f"{OPAQUE_DIR}/{secrets.token_hex(16)}.html") in used:
            pass  # 128 random bits: a collision is practically impossible, and harmless if it happens
        used.add(name)
        names[page] = name
    return names


_URL_ATTRS = {"href", "xlink:href", "src", "action", "poster", "formaction", "data-href"}
_ATTR = re.compile(r"""(\s)([a-zA-Z_:][-a-zA-Z0-9_:.]*)(\s*=\s*)("[^"]*"|'[^']*'|[^\s"'=<>`]+)""")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")


def _relative(target: str, from_page: str) -> str:
    rel = posixpath.relpath(target, posixpath.dirname(from_page) or ".")
    return rel


def rewrite_url(url: str, page: str, new_page: str, names: dict[str, str]) -> str:
    """A link in ``page`` as it must read in ``new_page`` of the encrypted site (unchanged if not ours)."""
    if not url or url.startswith(("#", "/", "?")) or _SCHEME.match(url):
        return url
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
    path, rest = url[:cut], url[cut:]
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    if target.startswith("../") or target not in names:
        return url
    return _relative(names[target], new_page) + rest


class _TagFinder(HTMLParser):
    """Start tags with their offsets in the source, so only attribute values change."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[int, int, str]] = []  # (line, column, raw text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text()
        if raw:
            self.tags.append((*self.getpos(), raw))

    handle_startendtag = handle_starttag


def rewrite_links(text: str, page: str, new_page: str, names: dict[str, str]) -> str:
    """Rewrite the URL attributes of every tag of an HTML page; every other byte stays as it was."""
    finder = _TagFinder()
    finder.feed(text)
    finder.close()
    line_starts = [0]
    for m in re.finditer("\n", text):
        line_starts.append(m.end())

    def fix_attr(m: re.Match[str]) -> str:
        if m[2].lower() not in _URL_ATTRS:
            return m[0]
        quoted = m[4]
        quote = quoted[0] if quoted[0] in "\"'" else ""
        value = html.unescape(quoted[1:-1] if quote else quoted)
        new = rewrite_url(value, page, new_page, names)
        if new == value:
            return m[0]
        return f"{m[1]}{m[2]}{m[3]}{quote or chr(34)}{html.escape(new, quote=True)}{quote or chr(34)}"

    out: list[str] = []
    pos = 0
    for line, col, raw in finder.tags:
        start = line_starts[line - 1] + col
        if text.startswith(raw, start):
            out.append(text[pos:start])
            out.append(_ATTR.sub(fix_attr, raw))
            pos = start + len(raw)
    out.append(text[pos:])
    return "".join(out)


# ---- the shell --------------------------------------------------------------------------------------

def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def shell(path: str, salt: bytes, iterations: int, nonce: bytes, ciphertext: bytes) -> bytes:
    """The locked page written at ``path``: a passphrase form and the ciphertext, no plaintext."""
    from rippledoc.site.render import shipped_page  # Jinja2: imported when a site is encrypted, not for --help
    return shipped_page("locked.html", csp=csp.LOCKED, up="../" * path.count("/"), style=STYLE, script=SCRIPT,
                        format=FORMAT, iterations=iterations, salt=_b64(salt), nonce=_b64(nonce), path=path,
                        ciphertext=_b64(ciphertext)).encode("utf-8")


def own_assets() -> dict[str, bytes]:
    from rippledoc.book.loader import defaults_dir
    folder = defaults_dir("encrypted_site")
    return {SCRIPT: (folder / "decrypt.js").read_bytes(), STYLE: (folder / "locked.css").read_bytes()}


# ---- the stage --------------------------------------------------------------------------------------

def is_page(path: str) -> bool:
    return path.lower().endswith((".html", ".htm"))


def encrypt_site(files: dict[str, bytes], passphrase: str, iterations: int = MIN_ITERATIONS,
                 keep: Iterable[str] = ("index.html",)) -> EncryptedSite:
    """The encrypted site for ``files`` (a whole site, relative path -> bytes). Raises ``EncryptError``."""
    from rippledoc.site.search import is_index_file, parse_script, sealed_script
    check_iterations(iterations)
    if not passphrase:
        raise EncryptError("the passphrase is empty")
    others = sorted(p for p in files if not is_page(p) and not p.startswith(ASSETS) and not is_index_file(p))
    if others:
        raise EncryptError(f"cannot encrypt {', '.join(others)}: only pages and files under assets/ can be "
                           "part of an encrypted site (a data file could hold client data in plain text)")
    clash = sorted(set(files) & set(own_assets()))
    if clash:
        raise EncryptError(f"the site already has {', '.join(clash)}, a name the encrypted site needs")
    pages = [p for p in files if is_page(p)]
    names = opaque_names(pages, [k for k in keep if k in files])
    names_and_assets = {**{p: p for p in files if not is_page(p)}, **names}
    salt = secrets.token_bytes(SALT_BYTES)
    key = derive_key(passphrase, salt, iterations)
    out: dict[str, bytes] = {p: data for p, data in files.items() if not is_page(p) and not is_index_file(p)}
    out.update(own_assets())
    for path in (p for p in files if is_index_file(p)):
        try:
            name, data = parse_script(files[path])
        except (ValueError, UnicodeDecodeError):
            raise EncryptError(f"cannot encrypt {path}: it is not a file of the search index") from None
        nonce, ciphertext = seal(key, path, _renamed_links(data, names))
        out[path] = sealed_script(name, _b64(nonce), _b64(ciphertext))
    for page in pages:
        new = names[page]
        try:
            text = files[page].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise EncryptError(f"{page} is not UTF-8 ({exc})") from None
        plain = rewrite_links(text, page, new, names_and_assets).encode("utf-8")
        nonce, ciphertext = seal(key, new, plain)
        out[new] = shell(new, salt, iterations, nonce, ciphertext)
    return EncryptedSite(out, names, salt, iterations)


def _renamed_links(data: bytes, names: dict[str, str]) -> bytes:
    """An index file's data that names pages (``search/clients.js``'s "links", site/split.py) with the names the
    pages have in the encrypted site."""
    if not data.startswith(b'{"links":'):
        return data
    found = json.loads(data)
    found["links"] = [names.get(p, p) for p in found["links"]]
    return json.dumps(found, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def read_tree(folder: Path) -> dict[str, bytes]:
    """A built site folder as relative path -> bytes (dot files left out)."""
    folder = Path(folder)
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)}
