"""``--encrypt`` for ``rippledoc build``: the options, the passphrase, and the stage handed to the build.

The passphrase comes from ``RIPPLEDOC_PASSPHRASE`` or a hidden prompt asked
twice; it is never an option (options show up in ``ps`` and shell history)
and never written anywhere.
"""
from __future__ import annotations

import os
import sys
from typing import Any, Callable

import click

from rippledoc.cli.common import fail

ENV = "RIPPLEDOC_PASSPHRASE"
Stage = Callable[[dict[str, bytes]], dict[str, bytes]]


def encrypt_options(f: Callable[..., Any]) -> Callable[..., Any]:
    from rippledoc.site.encrypt import MAX_ITERATIONS, MIN_ITERATIONS
    f = click.option("--kdf-iterations", "kdf_iterations", type=click.IntRange(MIN_ITERATIONS, MAX_ITERATIONS),
                     default=None, metavar="N",
                     help=f"With --encrypt: PBKDF2 rounds (default {MIN_ITERATIONS:,}; more is slower to open "
                          "and slower to guess).")(f)
    return click.option("--encrypt", is_flag=True,
                        help=f"Lock every page with a passphrase (from ${ENV} or a prompt); "
                             "see docs/encryption.md.")(f)


def interactive() -> bool:
    return sys.stdin.isatty()


def ask_passphrase() -> str:
    """The passphrase from the environment, else asked twice without echo.

    A weak one gets a warning. At the prompt it is also a question, "use it
    anyway?", and no (the default) asks for another; from the environment
    (scripts) the build goes on after the warning.
    """
    from rippledoc.site.encrypt import strength_warning
    passphrase = os.environ.get(ENV)
    if passphrase is None:
        if not interactive():
            fail(f"--encrypt needs a passphrase: set {ENV} or run in a terminal to be asked")
        while True:
            passphrase = click.prompt("Passphrase for the encrypted site", hide_input=True,
                                      confirmation_prompt="Repeat the passphrase", err=True)
            warning = strength_warning(passphrase) if passphrase else None
            if warning is None:
                break
            click.echo(f"rippledoc: warning: {warning}", err=True)
            if click.confirm("Use this passphrase anyway?", default=False, err=True):
                return passphrase
    if not passphrase:
        fail(f"the passphrase is empty (set {ENV} or type one at the prompt)")
    warning = strength_warning(passphrase)
    if warning:
        click.echo(f"rippledoc: warning: {warning}", err=True)
    return passphrase


def encryption_stage(encrypt: bool, kdf_iterations: int | None) -> Stage | None:
    """None for a plain build; else the stage that turns the rendered site into the encrypted one."""
    if not encrypt:
        if kdf_iterations is not None:
            fail("--kdf-iterations only makes sense with --encrypt")
        return None
    from rippledoc.exchange.ics import FEED
    from rippledoc.site.build import BuildError
    from rippledoc.site.encrypt import MIN_ITERATIONS, EncryptError, encrypt_site
    from rippledoc.site.pages import NAV
    passphrase = ask_passphrase()
    keep = [href for href, _ in NAV]

    def stage(files: dict[str, bytes]) -> dict[str, bytes]:
        files = {p: data for p, data in files.items() if p != FEED}  # a calendar cannot ask for a passphrase
        try:
            return encrypt_site(files, passphrase, kdf_iterations or MIN_ITERATIONS, keep).files
        except EncryptError as exc:
            raise BuildError(f"--encrypt: {exc}") from None

    return stage
