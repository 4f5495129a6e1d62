"""E-mails over a real SMTP server on loopback (aiosmtpd): each reaches its recipient once, through an outage."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask

from makernet import create_app
from makernet.config import Settings
from makernet.services import mail
from tests.support.api import COORDINATOR, REQUESTER, ApiClient
from tests.support.fakes import RecordingQueue
from tests.support.notices import run_tell_tasks
from tests.support.smtp import SmtpServer

SOON = (date.today() + timedelta(days=10)).isoformat()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def mailing_app(tmp_path: Path, demo_database: Path, smtp: SmtpServer) -> Iterator[Flask]:
    shutil.copy(demo_database, tmp_path / "makernet.sqlite3")
    app = create_app(Settings(instance_dir=tmp_path, secret_key="test", smtp_url=smtp.url,
                              public_url="https://makernet.example.fr", mail_from="MakerNet <noreply@example.fr>"))
    app.extensions["makernet"].tasks = RecordingQueue()
    yield app
    app.extensions["makernet"].db.dispose()


def request_told(app: Flask) -> int:
    """A requester posts a request; the coordinator's notification is written: its id."""
    api = ApiClient(app.test_client())
    visor = next(i["id"] for i in api.ok("get", "/items", REQUESTER) if i["code"] == "visiere")
    api.ok("post", "/requests", REQUESTER, json={"needed_by": SOON, "delivery_point": "Mairie",
                                                 "lines": [{"item_id": visor, "quantity": 60}]})
    [notification_id] = run_tell_tasks(app)
    return notification_id


def test_an_e_mail_reaches_its_recipient_once_with_its_link(mailing_app: Flask, smtp: SmtpServer) -> None:
    notification_id = request_told(mailing_app)
    ctx = mailing_app.extensions["makernet"]
    with mailing_app.app_context():
        assert mail.send_mail(ctx, notification_id) == "sent"
        assert mail.send_mail(ctx, notification_id) == "sent"   # the task delivered twice: nothing more
    [message] = smtp.inbox.to(COORDINATOR)
    assert len(smtp.inbox.messages) == 1
    assert message["Subject"].startswith("Nouvelle demande n° ") and message["From"] == "MakerNet <noreply@example.fr>"
    assert message["Message-ID"] == f"<notification-{notification_id}@makernet.example.fr>"
    text = message.get_body(("plain",)).get_content()
    assert "https://makernet.example.fr/requests/" in text and "60 × Visière" in text
    assert "https://makernet.example.fr/requests/" in message.get_body(("html",)).get_content()


def test_an_smtp_outage_delays_an_e_mail_and_it_arrives_once_after(mailing_app: Flask, smtp: SmtpServer) -> None:
    notification_id = request_told(mailing_app)
    ctx = mailing_app.extensions["makernet"]
    smtp.stop()
    with mailing_app.app_context():
        assert mail.send_mail(ctx, notification_id) == "pending"
        [waiting] = mail.outbox(ctx, _admin(), None)
        assert waiting["mail_attempts"] == 1 and "Connection" in waiting["mail_error"]
        smtp.start()
        assert mail.send_mail(ctx, notification_id) == "sent"
        assert mail.send_mail(ctx, notification_id) == "sent"
    assert len(smtp.inbox.to(COORDINATOR)) == 1


def test_after_its_last_try_an_e_mail_is_marked_failed_for_the_admin(mailing_app: Flask, smtp: SmtpServer) -> None:
    notification_id = request_told(mailing_app)
    ctx = mailing_app.extensions["makernet"]
    smtp.stop()
    with mailing_app.app_context():
        statuses = [mail.send_mail(ctx, notification_id) for _ in range(ctx.settings.most_tries)]
        assert statuses == ["pending"] * (ctx.settings.most_tries - 1) + ["failed"]
        [failed] = mail.outbox(ctx, _admin(), None)
        assert failed["mail_status"] == "failed" and failed["mail_attempts"] == ctx.settings.most_tries
        smtp.start()
        assert mail.send_mail(ctx, notification_id) == "failed"
    assert smtp.inbox.messages == []


def _admin():  # noqa: ANN202
    from makernet.services.access import Actor
    return Actor(1, "admin", 1, ())
