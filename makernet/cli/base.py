"""What every `makernet` command shares: one-line refusals, the app, schema and broker checks, logging."""
from __future__ import annotations

import logging
import sys

import click
from flask_babel import force_locale

from makernet.config import load_settings
from makernet.errors import MakerNetError
from makernet.messages import render_error


class OneLineErrors(click.Group):
    """Every refusal is one line on stderr with exit status 2, never a traceback."""

    def main(self, *args: object, **kwargs: object) -> object:  # type: ignore[override]
        try:
            return super().main(*args, standalone_mode=False, **kwargs)  # type: ignore[misc]
        except click.exceptions.Exit as done:
            sys.exit(done.exit_code)
        except click.Abort:
            click.echo("makernet: aborted", err=True)
            sys.exit(1)
        except click.ClickException as error:
            click.echo(f"makernet: {error.format_message()}", err=True)
            sys.exit(2)
        except MakerNetError as error:
            with force_locale("fr"):  # the command line speaks French, as the pages do by default
                click.echo(f"makernet: {render_error(error)} ({error.code})", err=True)
            sys.exit(2)


@click.group(cls=OneLineErrors, help="MakerNet: coordinate distributed maker production for a territory.")
def main() -> None:
    """Entry point of the console script."""


def make_app():  # noqa: ANN202
    """The app for this command, settings read once from the environment."""
    from makernet import create_app
    return create_app(load_settings())


def safe_url(url: str) -> str:
    """A database URL without its password, for messages."""
    from sqlalchemy.engine import make_url
    return make_url(url).render_as_string(hide_password=True)


def require_schema(app) -> None:  # noqa: ANN001
    """Refuse to run on a database that was never migrated."""
    from makernet import schema
    current = schema.current_revision(app.extensions["makernet"].db)
    if current is None:
        raise click.ClickException("the database has no schema yet: run `makernet db upgrade` first")
    if current != schema.head_revision():
        raise click.ClickException(f"the database is at revision {current}, this version needs "
                                   f"{schema.head_revision()}: run `makernet db upgrade` first")


def require_broker(app) -> None:  # noqa: ANN001
    """Separate worker and beat processes need a real broker."""
    if not app.extensions["makernet"].settings.broker_url:
        raise click.ClickException("MAKERNET_BROKER_URL is not set: in the embedded default the worker and "
                                   "beat run inside `makernet serve`")


def configure_logging() -> None:
    """Readable log lines on stderr."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
