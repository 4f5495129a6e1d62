"""`makernet admin` and `makernet token`: administrators and API tokens."""
from __future__ import annotations

import click

from makernet.cli.base import main, make_app, require_schema


@main.group(help="Administrators.")
def admin() -> None:
    """Administrator commands."""


@admin.command("create", help="Create an administrator (a region's first) and their organisation if new. "
                              "The password is asked twice, or read from standard input with --password-stdin.")
@click.option("--email", required=True, help="Their e-mail address, which they sign in with.")
@click.option("--name", required=True, help="Their full name.")
@click.option("--organisation", default="Coordination", show_default=True,
              help="Their organisation; created, of kind coordination, when none has this name.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from standard input (one line) instead of asking for it.")
def admin_create(email: str, name: str, organisation: str, password_stdin: bool) -> None:
    """Create an administrator who can sign in at once."""
    from makernet.services import accounts
    app = make_app()
    try:
        require_schema(app)
        if password_stdin:
            password = click.get_text_stream("stdin").readline().rstrip("\r\n")
        else:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        made = accounts.create_admin(app.extensions["makernet"], email=email, name=name, password=password,
                                     organisation=organisation)
    finally:
        app.extensions["makernet"].db.dispose()
    new = " (new, kind coordination)" if made["organisation_created"] else ""
    click.echo(f"administrator {made['email']} created in {made['organisation']}{new}: sign in at /login")


@main.group(help="API tokens.")
def token() -> None:
    """Token commands."""


@token.command("create", help="Create an API token for a user (printed once, alone on standard output); "
                              "it expires in 90 days unless --days says otherwise.")
@click.argument("email")
@click.option("--name", default="cli", show_default=True)
@click.option("--days", type=click.IntRange(0, 365), default=90, show_default=True,
              help="How many days it works, 1 to 365; 0 for a token that lasts until revoked (a machine's account "
                   "whose token is kept on the server).")
def token_create(email: str, name: str, days: int) -> None:
    """Print a new token for the user with this e-mail; its expiry goes to standard error."""
    from makernet.services import accounts
    app = make_app()
    try:
        require_schema(app)
        made = accounts.token_for_email(app.extensions["makernet"], email, name, days or None)
    finally:
        app.extensions["makernet"].db.dispose()
    click.echo(made["token"])
    expires = made["expires_at"]
    click.echo(f"expires {expires:%Y-%m-%d %H:%M} UTC" if expires else "never expires: revoke it when no longer used",
               err=True)
