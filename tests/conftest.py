"""Fixtures shared by every layer: a fresh app on its own SQLite copy of the demo territory."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from makernet import create_app, demo, schema
from makernet.config import Settings
from makernet.db import Database
from tests.support.api import ApiClient
from tests.support.fakes import RecordingQueue


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with the demo territory, made once and copied for each test."""
    path = tmp_path_factory.mktemp("template") / "makernet.sqlite3"
    database = Database(f"sqlite:///{path}")
    schema.upgrade(database)
    demo.load(database)
    database.dispose()
    return path


@pytest.fixture
def app(tmp_path: Path, demo_database: Path) -> Flask:
    """An app on its own copy of the demo database, with tasks recorded instead of sent."""
    shutil.copy(demo_database, tmp_path / "makernet.sqlite3")
    application = create_app(Settings(instance_dir=tmp_path, secret_key="test"))
    application.extensions["makernet"].tasks = RecordingQueue()
    yield application
    application.extensions["makernet"].db.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Flask's test client for the app."""
    return app.test_client()


@pytest.fixture
def api(client: FlaskClient) -> ApiClient:
    """The JSON API, signed in as any demo user on demand."""
    return ApiClient(client)
