"""Compiled templates are never loaded from the workspace: a file there is data, not code."""
from __future__ import annotations

import io
import marshal
import pickle
from pathlib import Path

from jinja2.bccache import bc_magic

from conftest import TODAY, write
from rippledoc.site.build import build_site
from rippledoc.site.render import make_env

ACME = """\
    ---
    name: Acme Tools
    since: 2017-03-01
    ---
    ## Log
    - 2026-11-20 call reached by stan: talked about the renewal
    """


def _plant(folder: Path, marker: Path) -> None:
    """Replace every compiled template in ``folder`` with code that writes ``marker`` when loaded."""
    payload = compile(f"open({str(marker)!r}, 'w').write('ran')", "<planted>", "exec")
    for path in folder.glob("*"):
        data = path.read_bytes()
        checksum = pickle.load(io.BytesIO(data[len(bc_magic):])) if data.startswith(bc_magic) else ""
        path.write_bytes(bc_magic + pickle.dumps(checksum, 2) + marshal.dumps(payload))


def test_a_file_in_the_cache_folder_is_never_run_as_code(tmp_path):
    root = write(tmp_path / "ws", {"rippledoc.yaml": "me: stan\ntimezone: UTC\n", "clients/acme.md": ACME})
    build_site(root, root / "_site", TODAY)
    folder = root / ".rippledoc-cache" / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    # Whatever is there (a cache from an older version, or a file someone placed), and for every template name.
    for name in ("base.html", "client.html", "index.html"):
        (folder / f"__jinja2_{name}.cache").write_bytes(b"")
    _plant(folder, tmp_path / "ran")
    build_site(root, root / "_site", TODAY)
    assert not (tmp_path / "ran").exists()
    assert (root / "_site" / "index.html").is_file()


def test_building_writes_no_compiled_templates_into_the_workspace(tmp_path):
    root = write(tmp_path / "ws", {"rippledoc.yaml": "me: stan\ntimezone: UTC\n", "clients/acme.md": ACME})
    build_site(root, root / "_site", TODAY)
    folder = root / ".rippledoc-cache" / "templates"
    assert not folder.exists() or list(folder.iterdir()) == []


def test_templates_compiled_once_are_reused_in_memory_within_a_process(tmp_path):
    root = write(tmp_path / "ws", {"rippledoc.yaml": "me: stan\ntimezone: UTC\n"})
    first = make_env(root)
    first.get_template("base.html")
    second = make_env(root)
    assert second.bytecode_cache is not None
    assert second.bytecode_cache is first.bytecode_cache
