"""Telling, as workers do it: an event's messages written once per recipient, in their language, with a reminder
of work left unanswered; then each e-mail, sent over SMTP when `MAKERNET_SMTP_URL` is set, else kept in the outbox
an administrator reads in the app (the embedded default: nothing lost, nothing to set up).

Never twice: a worker claims a message (pending -> sending) in its own transaction before talking to the SMTP
server, so a second delivery of the same task finds it claimed or sent and does nothing. The Message-ID is the
notification's, the same at every try, so that a message a server took just before a crash and is then sent again
reads as one in a mail reader.
"""
from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from html import escape
from urllib.parse import unquote, urlsplit

from flask_babel import force_locale
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from makernet.config import Settings
from makernet.messages import render
from makernet.models import Notification, User
from makernet.models.base import utcnow
from makernet.services.context import Context
from makernet.services.events import Event
from makernet.services.notices.operations import FINDERS, SENTENCES, Told, audiences, unanswered

MOST_ATTEMPTS = 8     # about a day of tries with the backoff below, then "failed" for an admin to see
REMIND_AFTER = timedelta(hours=12)   # work proposed and unanswered this long: its place's operators are reminded
EVENTS: dict[str, type[Event]] = {kind.__name__: kind for kind in FINDERS}


def tell(ctx: Context, event_name: str, values: dict, stamp: str) -> list[int]:
    """Write the notifications of one event occurrence and post their e-mails; the ids written."""
    kind = EVENTS.get(event_name)
    if kind is None:
        return []
    event = kind(**{name: tuple(value) if isinstance(value, list) else value for name, value in values.items()})
    return _write(ctx, lambda s: audiences(s, event), stamp)


def remind_unanswered(ctx: Context, now: datetime | None = None) -> list[int]:
    """Remind, once, the operators of work proposed more than REMIND_AFTER ago and still unanswered (beat posts
    this every quarter of an hour); the reminders written."""
    before = (now or utcnow()) - REMIND_AFTER
    return _write(ctx, lambda s: unanswered(s, before, int(REMIND_AFTER.total_seconds() // 3600)), "")


def _write(ctx: Context, find: Callable[[Session], list[Told]], stamp: str) -> list[int]:
    """Write what `find` says to tell, to each recipient not told it yet, and post the e-mails once committed.

    Told twice (a task delivered again), it writes nothing more: a recipient's message is unique by its event key,
    and a second writer at the same moment, refused by that key, finds them all written by the first.
    """
    try:
        with ctx.db.transaction() as tx:
            s = tx.session
            written = []
            for told in find(s):
                key = told.key(stamp)
                already = set(s.exec(select(Notification.user_id).where(Notification.event_key == key)).all())
                for user in s.exec(select(User).where(User.id.in_(told.user_ids)).order_by(User.id)).all():  # type: ignore[union-attr]
                    if user.id not in already:
                        written.append(_written(told, key, user))
            s.add_all(written)
            s.flush()
            ids = [n.id for n in written]
            for notification_id in ids:
                tx.after_commit(lambda i=notification_id: ctx.tasks.enqueue("send_mail", i))
    except IntegrityError:
        return []
    return ids  # type: ignore[return-value]


def _written(told: Told, key: str, user: User) -> Notification:
    """One recipient's message, in their language."""
    with force_locale(user.locale or "fr"):
        subject_code, body_code = SENTENCES[told.kind]
        subject, body = render(subject_code, told.params), render(body_code, told.params)
    return Notification(user_id=user.id, kind=told.kind, event_key=key, subject=subject[:300], body=body[:4000],
                        link=told.link, mail_status="pending")


def retry_in(attempts: int) -> int:
    """Seconds before the next try: 1, 2, 4… minutes, at most an hour apart."""
    return min(60 * 2 ** max(attempts - 1, 0), 3600)


def send_mail(ctx: Context, notification_id: int) -> str:
    """Send one notification's e-mail; its mail status afterwards ("pending" again: to try later)."""
    smtp = bool(ctx.settings.smtp_url)
    with ctx.db.transaction() as tx:
        s = tx.session
        # the claim: one conditional update, which only one of two workers can make
        claimed = s.exec(update(Notification).where(  # type: ignore[call-overload]
            Notification.id == notification_id, Notification.mail_status == "pending").values(
            mail_status="sending" if smtp else "outbox", mail_attempts=Notification.mail_attempts + int(smtp)))
        row = s.exec(select(Notification, User.email).join(User, User.id == Notification.user_id)
                     .where(Notification.id == notification_id)).first()
        if row is None or not claimed.rowcount or not smtp:
            return row[0].mail_status if row else "none"
        notification, to = row
        message, attempts = compose(ctx.settings, notification, to), notification.mail_attempts
    try:
        deliver(ctx.settings.smtp_url, message)
    except (OSError, smtplib.SMTPException) as error:
        permanent = isinstance(error, smtplib.SMTPRecipientsRefused) or (
            isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500)
        status = "failed" if permanent or attempts >= MOST_ATTEMPTS else "pending"
        _settle(ctx, notification_id, status, f"{type(error).__name__}: {error}"[:500])
        return status
    _settle(ctx, notification_id, "sent", "")
    return "sent"


def _settle(ctx: Context, notification_id: int, status: str, error: str) -> None:
    with ctx.db.transaction() as tx:
        notification = tx.session.get(Notification, notification_id)
        notification.mail_status, notification.mail_error = status, error
        if status == "sent":
            notification.mailed_at = utcnow()


def site_url(settings: Settings) -> str:
    """Where links in e-mails point: the public URL, else the address the app listens on."""
    return (settings.public_url or f"http://{settings.host}:{settings.port}").rstrip("/")


def compose(settings: Settings, notification: Notification, to: str) -> EmailMessage:
    """The e-mail of a notification: plain text and HTML, its link absolute."""
    site = site_url(settings)
    link = site + notification.link
    message = EmailMessage()
    message["Subject"] = notification.subject
    message["From"] = settings.mail_from or f"MakerNet <makernet@{urlsplit(site).hostname or 'localhost'}>"
    message["To"] = to
    message["Message-ID"] = f"<notification-{notification.id}@{urlsplit(site).hostname or 'localhost'}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(f"{notification.body}\n\n{link}\n\n-- \nMakerNet, {site}\n")
    message.add_alternative(
        f"<p>{escape(notification.body)}</p>\n<p><a href=\"{escape(link)}\">{escape(link)}</a></p>\n"
        f"<p style=\"color:#555\">MakerNet, {escape(site)}</p>\n", subtype="html")
    return message


def deliver(smtp_url: str, message: EmailMessage, timeout: float = 30) -> None:
    """Hand one message to the SMTP server: smtps:// over TLS, smtp:// upgraded with STARTTLS when offered."""
    url = urlsplit(smtp_url)
    secure = url.scheme == "smtps"
    port = url.port or (465 if secure else 25)
    context = ssl.create_default_context()
    if secure:
        server: smtplib.SMTP = smtplib.SMTP_SSL(url.hostname or "localhost", port, timeout=timeout, context=context)
    else:
        server = smtplib.SMTP(url.hostname or "localhost", port, timeout=timeout)
    with server:
        server.ehlo()
        if not secure and server.has_extn("starttls"):
            server.starttls(context=context)
            server.ehlo()
        if url.username:
            server.login(unquote(url.username), unquote(url.password or ""))
        server.send_message(message)
