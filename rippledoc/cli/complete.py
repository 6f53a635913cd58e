"""Shell completion of the words a person types most: client slugs and ritual names.

click completes commands and options by itself (``docs/shell.md`` shows how
to turn it on in bash, zsh and fish); these functions add the workspace's
own names. They list file names only, never load the book, so a TAB stays
instant on a book of 10,000 clients.
"""
from __future__ import annotations

import os
from pathlib import Path

import click
from click.shell_completion import CompletionItem

from rippledoc.cli.common import workspace_root
from rippledoc.read.source import iter_files


def _root(ctx: click.Context) -> Path | None:
    directory = ctx.find_root().params.get("directory")
    return workspace_root(Path(directory or os.getcwd()).resolve())


def _stems(folder: Path, incomplete: str) -> list[str]:
    try:
        return [p.stem for p in iter_files(folder) if p.stem.startswith(incomplete)]
    except OSError:
        return []


def complete_client(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The slugs of the workspace's client files that start with what is typed."""
    root = _root(ctx)
    return [CompletionItem(s) for s in _stems(root / "clients", incomplete)] if root else []


def complete_ritual(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The rituals: the workspace's definitions and the shipped ones."""
    from rippledoc.book.loader import defaults_dir
    root = _root(ctx)
    names = set(_stems(defaults_dir("rituals"), incomplete))
    if root:
        names |= set(_stems(root / "rituals", incomplete))
    return [CompletionItem(n) for n in sorted(names)]
