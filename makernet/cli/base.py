"""What every `makernet` command shares: one-line refusals, the app, schema and broker checks, logging."""
from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from makernet.config import Settings, load_settings
from makernet.errors import MakerNetError


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
            click.echo(f"makernet: {_worded(error)}", err=True)
            sys.exit(2)


def _worded(error: MakerNetError) -> str:
    """A refusal in the catalogue's French; on a place's slim install, which has no catalogue (Babel is the
    server's), its code and values."""
    try:
        from flask_babel import force_locale   # loaded only to word a refusal
    except ImportError:
        values = ", ".join(f"{name} {value!r}" for name, value in error.params.items())
        return f"{error.code}{': ' + values if values else ''}"
    from makernet.messages import render_error
    with force_locale("fr"):  # the command line speaks French, as the pages do by default
        return f"{render_error(error)} ({error.code})"


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


def where_data(settings: Settings, note: bool = True) -> str:
    """Where this command reads and writes: the database and, for the embedded SQLite, the instance folder
    (with a word on a ./instance database of the current folder that is not the one used)."""
    if not settings.is_sqlite:
        return f"database {safe_url(settings.effective_database_url)}"
    return f"database {settings.instance_dir / 'makernet.sqlite3'} (instance folder {settings.instance_dir}, " \
           f"MAKERNET_INSTANCE_DIR to choose another){_unused_here(settings) if note else ''}"


def _unused_here(settings: Settings) -> str:
    """A word on ./instance/makernet.sqlite3 of the current folder when it is not the database used."""
    here = Path.cwd() / "instance"
    if settings.database_url or not (here / "makernet.sqlite3").is_file() \
            or here.resolve() == settings.instance_dir.resolve():
        return ""
    return f"; the database in {here} is not used: set MAKERNET_INSTANCE_DIR={here} to use it"


def require_schema(app) -> None:  # noqa: ANN001
    """Refuse to run on a database that was never migrated, naming the folder and database looked at."""
    from makernet import schema
    current = schema.current_revision(app.extensions["makernet"].db)
    if current is None:
        settings = app.extensions["makernet"].settings
        raise click.ClickException(f"no schema yet in the {where_data(settings, note=False)}: run `makernet db "
                                   f"upgrade` first{_unused_here(settings)}")
    if current != schema.head_revision():
        raise click.ClickException(f"the database is at revision {current}, this version needs "
                                   f"{schema.head_revision()}: run `makernet db upgrade` first")


def require_broker(app) -> None:  # noqa: ANN001
    """Separate worker and beat processes need a real broker."""
    if not app.extensions["makernet"].settings.broker_url:
        raise click.ClickException("MAKERNET_BROKER_URL is not set: in the embedded default the worker and "
                                   "beat run inside `makernet serve`")


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonLines(logging.Formatter):
    """One JSON object per record: time (ISO 8601 UTC), level, logger, message, exception, request."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON (newlines inside the message are escaped)."""
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        flask = sys.modules.get("flask")   # a place's worker has no web app, so no request to tell of
        if flask is not None and flask.has_request_context():  # cheap: the request is already parsed
            line["method"], line["path"] = flask.request.method, flask.request.path
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(settings: Settings | None = None, level: str = "INFO") -> None:
    """Log lines on stderr: readable text, or JSON lines with MAKERNET_LOG_FORMAT=json.

    The root logger gets one handler, replacing any earlier one, so every library's lines
    (Celery, waitress, gunicorn's app) come out in the same format; with JSON, Python's
    warnings go through logging too, so nothing else is written on stderr.
    """
    settings = settings or load_settings()
    handler = logging.StreamHandler(sys.stderr)
    json_lines = settings.log_format == "json"
    handler.setFormatter(JsonLines() if json_lines else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(json_lines)


def configure_celery_logging(settings: Settings, level: str) -> None:
    """A worker or beat: Celery's own text lines by default; with JSON, ours everywhere.

    The root logger is set up before Celery starts, so Celery adds no handler of its own there; what it
    still installs (the task loggers' handler) is given the JSON formatter, and what is printed on
    stdout or stderr inside the worker comes through logging as JSON too (Celery redirects it).
    """
    if settings.log_format != "json":
        return
    from celery.signals import after_setup_logger, after_setup_task_logger
    configure_logging(settings, level)
    after_setup_logger.connect(_json_handlers, weak=False)
    after_setup_task_logger.connect(_json_handlers, weak=False)


def _json_handlers(logger: logging.Logger | None = None, **_: object) -> None:
    """Celery's signal receiver: every handler it set up writes JSON lines."""
    for handler in (logger.handlers if logger is not None else ()):
        handler.setFormatter(JsonLines())
