"""MakerNet: coordinates distributed maker production for a territory in need."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

from makernet.config import Settings, load_settings
from makernet.errors import InvalidInput

ROOT = Path(__file__).resolve().parent.parent


def create_app(settings: Settings | None = None) -> Flask:
    """The application factory: settings are read here, once, never at import."""
    settings = settings or load_settings()
    if not settings.runs_embedded_worker and not settings.secret_key:
        # several processes on several hosts must sign sessions with one key
        raise InvalidInput("config.secret_key_needed")
    settings.instance_dir.mkdir(parents=True, exist_ok=True)
    app = Flask(__name__, instance_path=str(settings.instance_dir), template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "makernet" / "static"))
    app.config.update(SECRET_KEY=settings.secret_key or _instance_secret(settings.instance_dir),
                      JSON_SORT_KEYS=False, MAX_CONTENT_LENGTH=16 * 1024 * 1024)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    from makernet.db import Database
    from makernet.services.context import CeleryQueue, Context
    from makernet.services.subscriptions import SUBSCRIBERS
    from workers.app import celery_init_app

    celery_app = celery_init_app(app, settings)
    app.extensions["makernet"] = Context(db=Database(settings.effective_database_url),
                                         tasks=CeleryQueue(celery_app), settings=settings, subscribers=SUBSCRIBERS,
                                         secret=app.config["SECRET_KEY"])

    from makernet import api, web
    api.init_app(app)
    web.init_app(app)
    return app


def _instance_secret(instance_dir: Path) -> str:
    """A secret generated on first start and kept in the instance folder.

    Written to a temporary file and renamed, so processes starting together never read it half-written.
    """
    path = instance_dir / "secret_key"
    if not path.exists():
        draft = instance_dir / f".secret_key.{os.getpid()}"
        draft.write_text(secrets.token_hex(32))
        draft.chmod(0o600)
        os.replace(draft, path) if not path.exists() else draft.unlink()
    return path.read_text().strip()
