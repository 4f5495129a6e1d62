"""People are told by a real worker process: on PostgreSQL and Redis, each e-mail reaches a real SMTP server once
through an outage, and each event reaches the organisation's webhooks signed, once, tried again while a receiver
fails and then marked failed; another organisation's webhook receives nothing."""
from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from celery import Celery

from tests.support.api import ADMIN, COORDINATOR, OTHER_OPERATOR, REQUESTER
from tests.support.processes import MakerNetInstallation
from tests.support.services import postgres_database, redis_key_space
from tests.support.smtp import SmtpServer
from tests.support.waiting import wait_for
from tests.support.webhooks import Receiver

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.redis]
TRIES = 5           # an e-mail or a post is tried this many times...
FIRST_WAIT = 1      # ...after 1, 2, 4 then 8 seconds (minutes in production): 15 s in all


class Installation:
    """A region in production mode: `makernet serve` and a `makernet worker` process, the demo's users."""

    def __init__(self, inst: MakerNetInstallation, redis_url: str, prefix: str) -> None:
        self.inst, self.redis_url, self.prefix = inst, redis_url, prefix
        self.tokens: dict[str, str] = {}

    def token(self, email: str) -> str:
        if email not in self.tokens:
            made = self.inst.run("token", "create", email)
            assert made.returncode == 0, made.stderr
            self.tokens[email] = made.stdout.strip()
        return self.tokens[email]

    def api(self, method: str, path: str, email: str, **options: object) -> object:
        answer = httpx.request(method, f"{self.inst.url}/api/v1{path}", timeout=30,
                               headers={"Authorization": f"Bearer {self.token(email)}"}, **options)  # type: ignore[arg-type]
        assert answer.status_code < 300, f"{method} {path}: {answer.status_code} {answer.text}"
        return answer.json()

    def post_task(self, name: str, *args: object) -> None:
        """Post a task to the central queue from outside, as a broker redelivering it would."""
        sender = Celery("test-sender", broker=self.redis_url, set_as_current=False)
        sender.conf.broker_transport_options = {"global_keyprefix": self.prefix}
        with sender.connection_for_write() as connection:
            sender.send_task(name, args=list(args), queue="makernet", connection=connection)
        sender.close()

    def logs(self) -> str:
        return "\n".join(f"--- {name}\n{self.inst.log(name)}" for name in ("serve", "worker"))


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def region(tmp_path: Path, smtp: SmtpServer) -> Iterator[Installation]:
    with postgres_database() as database_url, redis_key_space() as (redis_url, prefix):
        inst = MakerNetInstallation(tmp_path / "instance", database_url=database_url, broker_url=redis_url,
                                    broker_key_prefix=prefix, plan_daily_at="off", smtp_url=smtp.url,
                                    public_url="https://makernet.example.fr", retry_after_seconds=str(FIRST_WAIT),
                                    most_tries=str(TRIES))
        try:
            for command in (("db", "upgrade"), ("demo", "--yes-load-demo-users")):
                done = inst.run(*command)
                assert done.returncode == 0, done.stderr
            inst.serve()
            inst.start("worker", "worker", "--concurrency", "2")
            yield Installation(inst, redis_url, prefix)
        finally:
            inst.stop()


def about(posts: list[tuple[dict[str, str], bytes]], requests: set[int]) -> list[tuple[dict[str, str], bytes, dict]]:
    """The posts that tell of these requests (the demo's own events may be posted too), as sent and read."""
    found = [(headers, raw, json.loads(raw)) for headers, raw in posts]
    return [(headers, raw, body) for headers, raw, body in found if body["about"] in {f"request:{i}" for i in requests}]


def test_a_worker_mails_each_message_once_through_an_outage_and_posts_signed_webhooks(
        region: Installation, smtp: SmtpServer) -> None:
    receivers = {name: Receiver(status).start() for name, status in (("chat", 200), ("down", 500), ("other", 200))}
    try:
        secret = region.api("post", "/webhooks", COORDINATOR, json={"url": receivers["chat"].url})["secret"]
        region.api("post", "/webhooks", COORDINATOR, json={"url": receivers["down"].url})
        region.api("post", "/webhooks", OTHER_OPERATOR, json={"url": receivers["other"].url})
        smtp.stop()   # the SMTP server goes down before anything is told
        visor = next(i["id"] for i in region.api("get", "/items", REQUESTER) if i["code"] == "visiere")
        requests = {region.api("post", "/requests", REQUESTER, json={
            "needed_by": (date.today() + timedelta(days=10)).isoformat(), "delivery_point": "Mairie de Rochefort",
            "lines": [{"item_id": visor, "quantity": 100 * n}]})["id"] for n in (1, 2)}
        wait_for("the first posts", lambda: len(about(receivers["chat"].posts, requests)) == 2, logs=region.logs)
        time.sleep(FIRST_WAIT * 3)   # the e-mails are tried and refused, more than once
        waiting = [m for m in region.api("get", "/outbox", ADMIN) if m["kind"] == "request_submitted"
                   and any(f"n° {i} " in m["subject"] for i in requests)]
        assert len(waiting) == 2 and all(m["mail_attempts"] >= 1 and m["mail_error"] for m in waiting), waiting
        smtp.start()

        def mailed() -> list:
            return [m for m in smtp.inbox.to(COORDINATOR) if any(f"n° {i} " in m["Subject"] for i in requests)]
        wait_for("both e-mails", lambda: len(mailed()) == 2, timeout=90, logs=region.logs)
        assert all(m["List-Unsubscribe"].startswith("<https://makernet.example.fr/unsubscribe/") for m in mailed())

        # each event posted once to the coordination's chat, signed with its secret; nothing to another organisation
        for headers, raw, body in about(receivers["chat"].posts, requests):
            signed = f"{headers['x-makernet-timestamp']}.".encode() + raw
            assert headers["x-makernet-signature"] == "sha256=" + hmac.new(secret.encode(), signed,
                                                                          hashlib.sha256).hexdigest()
            assert body["kind"] == "request_submitted" and body["link"].startswith("https://makernet.example.fr/")
        assert about(receivers["other"].posts, requests) == []

        # the receiver that fails is tried TRIES times per event, then the post is marked failed
        def given_up() -> list:
            hook = next(h for h in region.api("get", "/webhooks", COORDINATOR) if h["url"] == receivers["down"].url)
            return [p for p in hook["posts"] if p["kind"] == "request_submitted" and p["status"] == "failed"]
        wait_for("the failing receiver given up", lambda: len(given_up()) >= 2, timeout=90, logs=region.logs)
        assert all(p["attempts"] == TRIES and p["response_status"] == 500 for p in given_up())
        assert len(about(receivers["down"].posts, requests)) == 2 * TRIES

        # a mail task delivered again by the broker: nothing more leaves
        for notification in region.api("get", "/notifications", COORDINATOR):
            if any(f"n° {i} " in notification["subject"] for i in requests):
                region.post_task("makernet.send_mail", notification["id"])
        time.sleep(3)
        assert len(mailed()) == 2 and len(smtp.inbox.to(REQUESTER)) == 0
    finally:
        for receiver in receivers.values():
            receiver.stop()
