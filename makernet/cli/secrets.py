"""`makernet secrets`: the installation's secret key, and the printer keys sealed under it."""
from __future__ import annotations

import sys

import click

from makernet.cli.base import main, make_app, require_schema


@main.group("secrets", help="The installation's secret key.")
def secrets_group() -> None:
    """Secret key commands."""


@secrets_group.command("rotate", help=(
    "Re-seal every printer key under the new secret key, all or nothing. Put the new secret in "
    "MAKERNET_SECRET_KEY (or the instance folder's secret_key file) first, then give the old one, asked for or "
    "read from standard input with --old-secret-stdin. Every session signed with the old secret has ended."))
@click.option("--old-secret-stdin", is_flag=True,
              help="Read the old secret from standard input (one line) instead of asking for it.")
def rotate(old_secret_stdin: bool) -> None:
    """Re-seal the printer keys from the old secret to the one the installation now reads."""
    from makernet.services import secrets
    app = make_app()
    try:
        require_schema(app)
        if old_secret_stdin:
            old = sys.stdin.readline().rstrip("\r\n")
        else:
            old = click.prompt("Old secret key", hide_input=True)
        done = secrets.rotate(app.extensions["makernet"], old)
    finally:
        app.extensions["makernet"].db.dispose()
    click.echo(f"{done['resealed']} printer key{'' if done['resealed'] == 1 else 's'} re-sealed under the new secret key, "
               f"{done['sealed_from_clear']} sealed that were in clear, "
               f"{done['already_current']} already under it. Sessions signed with the old key have ended: "
               "everyone signs in again; API tokens keep working.")
