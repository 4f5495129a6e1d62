"""MakerNet: coordinates distributed maker production for a territory in need."""
from __future__ import annotations

import os
from pathlib import Path

from typing import TYPE_CHECKING

from makernet.config import Settings, load_settings
from makernet.errors import InvalidInput

if TYPE_CHECKING:
    from flask import Flask

PACKAGE = Path(__file__).resolve().parent
MIN_SECRET_KEY = 32   # characters of MAKERNET_SECRET_KEY in production: what a guess cannot reach


def create_app(settings: Settings | None = None) -> Flask:
    """The application factory: settings are read here, once, never at import."""
    settings = settings or load_settings()
    if not settings.runs_embedded_worker and not settings.secret_key:
        # several processes on several hosts must sign sessions with one key
        raise InvalidInput("config.secret_key_needed")
    if not settings.runs_embedded_worker and len(settings.secret_key) < MIN_SECRET_KEY:
        raise InvalidInput("config.secret_key_short", least=MIN_SECRET_KEY)
    _private_instance(settings)
    from makernet.services.sealing import instance_secret
    from flask import Flask   # the web app's own: a place's worker imports makernet without it
    from werkzeug.middleware.proxy_fix import ProxyFix

    app = Flask(__name__, instance_path=str(settings.instance_dir), template_folder=str(templates_folder()),
                static_folder=str(PACKAGE / "static"))
    app.config.update(SECRET_KEY=settings.secret_key or instance_secret(settings.instance_dir),
                      JSON_SORT_KEYS=False, MAX_CONTENT_LENGTH=16 * 1024 * 1024)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    if settings.trusted_proxies:
        # behind nginx: the client's address, scheme and host come from the proxy's X-Forwarded-* headers
        hops = settings.trusted_proxies
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)

    from makernet.db import Database
    from makernet.services.context import CeleryQueue, Context
    from makernet.services.subscriptions import SUBSCRIBERS
    from workers.app import celery_init_app

    celery_app = celery_init_app(app, settings)
    app.extensions["makernet"] = Context(db=Database(settings.effective_database_url),
                                         tasks=CeleryQueue(celery_app), settings=settings, subscribers=SUBSCRIBERS,
                                         secret=app.config["SECRET_KEY"])

    _plain_input(app)
    from makernet import api, web
    api.init_app(app)
    web.init_app(app)
    return app


def _plain_input(app: Flask) -> None:
    """Input the database could not take is refused as bad input, never a server error: an id in an address
    beyond what the database counts (2^31 - 1) is simply not found, and a NUL character is refused."""
    from flask import request
    from werkzeug.routing import IntegerConverter

    from makernet.services.fields import MAX_ID

    class RowId(IntegerConverter):
        def __init__(self, url_map: object, *args: object, **kwargs: object) -> None:
            kwargs.setdefault("max", MAX_ID)
            super().__init__(url_map, *args, **kwargs)  # type: ignore[arg-type]

    app.url_map.converters["int"] = RowId

    @app.before_request
    def refuse_nul() -> None:
        fields = [*request.args.items(multi=True), *(request.form.items(multi=True) if request.form else ())]
        for name, value in fields:
            if "\x00" in name or "\x00" in value:
                name = name.replace("\x00", "")
                raise InvalidInput("input.nul_character", field=name, name=name)


def templates_folder() -> Path:
    """The pages' templates: inside the package once installed from a wheel, at the top of a checkout otherwise."""
    installed = PACKAGE / "templates"
    return installed if installed.is_dir() else PACKAGE.parent / "templates"


def _private_instance(settings: Settings) -> None:
    """The instance folder (secret key, SQLite file, logs) is its owner's alone: 0700, its files 0600."""
    settings.instance_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    settings.instance_dir.chmod(0o700)
    os.umask(os.umask(0o077) | 0o077)   # files this process creates (the SQLite file and its journal) stay private
    url = settings.effective_database_url
    if url.startswith("sqlite:///"):
        database = Path(url.removeprefix("sqlite:///"))
        for path in (database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")):
            if path.exists():
                path.chmod(0o600)
