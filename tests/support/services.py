"""The machine's PostgreSQL and Redis, each test run in its own database and key space.

In CI (CI=true) a service that cannot be reached fails the tests loudly; on a
developer's machine without it, the tests that need it are skipped with the reason.
"""
from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

POSTGRES_ADMIN_URL = os.environ.get("MAKERNET_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("MAKERNET_TEST_REDIS", "redis://127.0.0.1:6379/0")


def reachable(host: str, port: int) -> bool:
    """Whether something listens on host:port."""
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def require(name: str, host: str, port: int) -> None:
    """Fail (CI) or skip (elsewhere) when a service is down."""
    if reachable(host, port):
        return
    message = f"{name} is not reachable at {host}:{port}"
    if os.environ.get("CI"):
        pytest.fail(f"{message}: CI must run these tests (.ci/run starts the machine's services)", pytrace=False)
    pytest.skip(f"{message}; start it to run this test")


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh database for one test run, dropped afterwards; yields its URL."""
    import psycopg

    require("PostgreSQL", "127.0.0.1", 5432)
    name = f"makernet_test_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def redis_key_space() -> Iterator[tuple[str, str]]:
    """The Redis URL and a key prefix of this run; its keys are deleted afterwards."""
    import redis

    require("Redis", "127.0.0.1", 6379)
    prefix = f"makernet-test-{os.getpid()}-{secrets.token_hex(4)}:"
    try:
        yield REDIS_URL, prefix
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=prefix + "*", count=1000))
        if keys:
            client.delete(*keys)
        client.close()


@contextmanager
def rabbitmq_vhost() -> Iterator[str]:
    """A RabbitMQ virtual host of this run (guest may use it), deleted afterwards; yields its broker URL."""
    require("RabbitMQ", "127.0.0.1", 5672)
    name = f"makernet-test-{os.getpid()}-{secrets.token_hex(4)}"
    _rabbitmqctl("add_vhost", name)
    try:
        _rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
        yield f"amqp://guest:guest@127.0.0.1:5672/{name}"
    finally:
        _rabbitmqctl("delete_vhost", name)
        # users are the broker's, not the virtual host's: those `makernet place credentials` made for it go too
        for user in _rabbitmqctl("list_users", "--no-table-headers").split():
            if user.endswith("@" + name):
                _rabbitmqctl("delete_user", user)


def _rabbitmqctl(*args: str) -> str:
    """Run rabbitmqctl (as root, as on CI's machines), or fail/skip saying why."""
    import shutil
    import subprocess

    tool = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    try:
        done = subprocess.run([tool, "-q", *args], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        done = None
        problem = str(error)
    else:
        problem = done.stderr.strip() or done.stdout.strip()
    if done is None or done.returncode != 0:
        message = f"rabbitmqctl {' '.join(args)} failed: {problem}"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI needs it to give each run its own virtual host)", pytrace=False)
        pytest.skip(message)
    return done.stdout


@contextmanager
def postgres_demo_app(instance: object) -> Iterator[object]:
    """The app on the demo territory in a fresh PostgreSQL database, no worker, tasks recorded instead of sent."""
    from makernet import create_app, demo, schema
    from makernet.config import Settings
    from tests.support.fakes import RecordingQueue

    with postgres_database() as url:
        application = create_app(Settings(instance_dir=instance, secret_key="test-secret-key-of-at-least-32-characters",
                                          database_url=url, embedded_worker=False))
        ctx = application.extensions["makernet"]
        ctx.tasks = RecordingQueue()
        schema.upgrade(ctx.db)
        demo.load(ctx.db)
        try:
            yield application
        finally:
            ctx.db.dispose()
