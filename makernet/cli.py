"""The `makernet` command: database, demo data, web server, worker and beat."""
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


def _app():  # noqa: ANN202
    """The app for this command, settings read once from the environment."""
    from makernet import create_app
    return create_app(load_settings())


@main.group(help="Database schema.")
def db() -> None:
    """Database commands."""


@db.command("upgrade", help="Create or migrate the database schema to the newest revision.")
def db_upgrade() -> None:
    """Run the Alembic migrations."""
    from makernet import schema
    app = _app()
    database = app.extensions["makernet"].db
    schema.upgrade(database)
    click.echo(f"database at revision {schema.current_revision(database)} ({_safe_url(database.url)})")


def _safe_url(url: str) -> str:
    """A database URL without its password, for messages."""
    from sqlalchemy.engine import make_url
    return make_url(url).render_as_string(hide_password=True)


def _require_schema(app) -> None:  # noqa: ANN001
    """Refuse to run on a database that was never migrated."""
    from makernet import schema
    current = schema.current_revision(app.extensions["makernet"].db)
    if current is None:
        raise click.ClickException("the database has no schema yet: run `makernet db upgrade` first")
    if current != schema.head_revision():
        raise click.ClickException(f"the database is at revision {current}, this version needs "
                                   f"{schema.head_revision()}: run `makernet db upgrade` first")


@main.command(help="Load demo data: a small territory of Charente-Maritime, modelled on spring 2020. "
                   "Refused in production mode (a broker or a database server set) unless --yes-load-demo-users.")
@click.option("--octoprint", "octoprint_url", metavar="URL", help="Attach this OctoPrint server as a printer of the fab-lab.")
@click.option("--api-key", metavar="KEY", help="Application key for --octoprint.")
@click.option("--yes-load-demo-users", "production_ok", is_flag=True,
              help="Load them even in production mode, knowing every demo user signs in with the same "
                   "published password.")
def demo(octoprint_url: str | None, api_key: str | None, production_ok: bool) -> None:
    """Load the demo territory, optionally with a real printer."""
    from makernet import demo as demo_data
    if bool(octoprint_url) != bool(api_key):
        raise click.UsageError("--octoprint and --api-key go together")
    if load_settings().is_production and not production_ok:
        raise click.ClickException(
            "refused in production mode (MAKERNET_BROKER_URL or a database server is set): the demo users, admin "
            f"included, all sign in with the published password {demo_data.DEMO_PASSWORD!r}; create a real "
            "administrator with `makernet admin create`, or pass --yes-load-demo-users to load them anyway")
    app = _app()
    _require_schema(app)
    ctx = app.extensions["makernet"]
    from makernet.services.secrets import seal
    summary = demo_data.load(ctx.db, octoprint_url=octoprint_url, api_key=api_key, seal=lambda key: seal(ctx, key))
    click.echo(summary)


@main.command(help="Serve the web app and API (with the embedded worker and beat when no broker is set).")
@click.option("--host", default=None, help="Address to listen on (default MAKERNET_HOST or 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port (default MAKERNET_PORT or 5000).")
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True, help="Request threads.")
def serve(host: str | None, port: int | None, threads: int) -> None:
    """Run the app under waitress, a production WSGI server."""
    import waitress

    from workers.app import EmbeddedWorker
    app = _app()
    _require_schema(app)
    settings = app.extensions["makernet"].settings
    _configure_logging()
    if settings.runs_embedded_worker:
        from makernet.services.fleet import start_central_listener
        EmbeddedWorker(app.extensions["celery"]).start()
        start_central_listener(app.extensions["makernet"])
        click.echo("embedded worker, beat and printer event listener started (in-process, memory:// transport)")
    host, port = host or settings.host, port or settings.port
    click.echo(f"MakerNet on http://{host}:{port}/")
    waitress.serve(app, host=host, port=port, threads=threads, ident="MakerNet")


@main.command(help="Run a Celery worker (production mode: needs MAKERNET_BROKER_URL).")
@click.option("--place", "place_id", type=click.IntRange(1), default=None,
              help="Run as this place's own worker: only its printers' queue, no database needed.")
@click.option("--concurrency", type=click.IntRange(1, 512), default=8, show_default=True)
@click.option("--pool", type=click.Choice(["threads", "prefork", "solo"]), default="threads", show_default=True,
              help="Threads suit printer calls, which mostly wait on the network.")
@click.option("--hostname", default=None, help="Worker name (default: makernet@<host>, or place-<id>@<host>).")
@click.option("--loglevel", type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]), default="INFO", show_default=True)
def worker(place_id: int | None, concurrency: int, pool: str, hostname: str | None, loglevel: str) -> None:
    """Run a central worker, or a place's own worker with --place."""
    import socket

    from makernet.services.context import place_queue
    from workers.app import DEFAULT_QUEUE, site_celery
    settings = load_settings()
    if not settings.broker_url:
        raise click.ClickException("MAKERNET_BROKER_URL is not set: in the embedded default the worker and "
                                   "beat run inside `makernet serve`")
    if place_id is not None:
        celery_app, queues = site_celery(settings), [place_queue(place_id)]
        name = hostname or f"place-{place_id}@{socket.gethostname()}"
    else:
        app = _app()
        _require_schema(app)
        celery_app, queues = app.extensions["celery"], [DEFAULT_QUEUE]
        name = hostname or f"makernet@{socket.gethostname()}"
    celery_app.Worker(concurrency=concurrency, pool=pool, loglevel=loglevel, queues=queues,
                      hostname=name).start()


@main.command(help="Run the beat scheduler (production mode: exactly one per installation).")
@click.option("--loglevel", type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]), default="INFO", show_default=True)
def beat(loglevel: str) -> None:
    """Run the periodic scheduler: printer polls."""
    app = _app()
    _require_broker(app)
    celery_app = app.extensions["celery"]
    celery_app.Beat(loglevel=loglevel).run()


@main.command(help="Follow printers' push events (production mode: one per installation, beside beat).")
def listen() -> None:
    """Keep an event socket open to every printer central workers reach; events trigger a poll at once."""
    import threading

    from makernet.services.fleet import run_central_listener
    app = _app()
    _require_broker(app)
    _require_schema(app)
    _configure_logging()
    click.echo("following printers' events; beat's polls go on beside")
    run_central_listener(app.extensions["makernet"], threading.Event())


def _require_broker(app) -> None:  # noqa: ANN001
    """Separate worker and beat processes need a real broker."""
    if not app.extensions["makernet"].settings.broker_url:
        raise click.ClickException("MAKERNET_BROKER_URL is not set: in the embedded default the worker and "
                                   "beat run inside `makernet serve`")


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
    app = _app()
    try:
        _require_schema(app)
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


@token.command("create", help="Create an API token for a user (printed once).")
@click.argument("email")
@click.option("--name", default="cli", show_default=True)
def token_create(email: str, name: str) -> None:
    """Print a new token for the user with this e-mail."""
    from makernet.services import accounts
    app = _app()
    _require_schema(app)
    click.echo(accounts.token_for_email(app.extensions["makernet"], email, name))


def _configure_logging() -> None:
    """Readable log lines on stderr."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


if __name__ == "__main__":
    main()
