"""A real SMTP server on loopback (aiosmtpd), keeping every message it accepts, for the e-mail tests."""
from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.support.octoprint import free_port


class Inbox:
    """What the server accepted: each message parsed, with the addresses the envelope named."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)  # type: ignore[attr-defined]
        self.messages.append((list(envelope.rcpt_tos), message))  # type: ignore[attr-defined]
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages delivered to one address."""
        return [message for recipients, message in self.messages if address in recipients]


class SmtpServer:
    """An SMTP server on a free loopback port; `stop()` and `start()` again on the same port, as a real outage."""

    def __init__(self) -> None:
        self.inbox, self.port = Inbox(), free_port()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> SmtpServer:
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
