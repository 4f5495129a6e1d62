"""E-mails, as workers send them: each notification's message over SMTP when `MAKERNET_SMTP_URL` is set, else kept
in the outbox an administrator reads in the app (the embedded default: nothing lost, nothing to set up).

Never twice: a worker claims a message (pending -> sending) in its own transaction before talking to the SMTP
server, so a second delivery of the same task finds it claimed or sent and does nothing. The Message-ID is the
notification's, the same at every try, so that a message a server took just before a crash and is then sent again
reads as one in a mail reader. Every e-mail but an account link carries a one-click unsubscribe from its kind.
"""
from __future__ import annotations

import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from html import escape
from urllib.parse import unquote, urlsplit

from flask_babel import force_locale
from sqlalchemy import update
from sqlmodel import select

from makernet.domain.telling import STALE, lost_since, retry_in  # noqa: F401  (retry_in: the tasks' waits)
from makernet.errors import Conflict
from makernet.messages import render
from makernet.models import Notification, User
from makernet.models.base import utcnow
from makernet.services.context import Context
from makernet.services.notices.operations import SEALED_LINK, unsubscribe_token
from makernet.services.secrets import reveal

def send_mail(ctx: Context, notification_id: int) -> str:
    """Send one notification's e-mail; its mail status afterwards ("pending" again: to try later)."""
    smtp = bool(ctx.settings.smtp_url)
    with ctx.db.transaction() as tx:
        s = tx.session
        # the claim: one conditional update, which only one of two workers can make
        claimed = s.exec(update(Notification).where(  # type: ignore[call-overload]
            Notification.id == notification_id, Notification.mail_status == "pending").values(
            mail_status="sending" if smtp else "outbox", mail_attempts=Notification.mail_attempts + int(smtp),
            mail_tried_at=utcnow()))
        row = s.exec(select(Notification, User.email, User.locale).join(User, User.id == Notification.user_id)
                     .where(Notification.id == notification_id)).first()
        if row is None or not claimed.rowcount or not smtp:
            return row[0].mail_status if row else "none"
        notification, to, locale = row
        attempts = notification.mail_attempts
        try:
            message = compose(ctx, notification, to, locale or "fr")
        except Conflict:   # a secret link sealed under a secret since replaced: it cannot be opened any more
            message = None
    if message is None:
        _settle(ctx, notification_id, "failed", "the link was sealed with an earlier secret")
        return "failed"
    try:
        deliver(ctx.settings.smtp_url, message)
    except (OSError, smtplib.SMTPException) as error:
        permanent = isinstance(error, smtplib.SMTPRecipientsRefused) or (
            isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500)
        status = "failed" if permanent or attempts >= ctx.settings.most_tries else "pending"
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


def compose(ctx: Context, notification: Notification, to: str, locale: str = "fr") -> EmailMessage:
    """The e-mail of a notification: plain text and HTML, its link absolute (a secret link opened only here), and a
    one-click unsubscribe from its kind (RFC 8058) unless it is an account link."""
    site = ctx.settings.site_url
    host = urlsplit(site).hostname or "localhost"
    secret_link = notification.link.startswith(SEALED_LINK)
    link = site + (_account_path(ctx, notification) if secret_link else notification.link)
    message = EmailMessage()
    message["Subject"] = notification.subject
    message["From"] = ctx.settings.mail_from or f"MakerNet <makernet@{host}>"
    message["To"] = to
    message["Message-ID"] = f"<notification-{notification.id}@{host}>"
    message["Auto-Submitted"] = "auto-generated"
    footer, html_footer = f"-- \nMakerNet, {site}\n", f"MakerNet, {escape(site)}"
    if not secret_link:
        leave = f"{site}/unsubscribe/{unsubscribe_token(ctx.secret, notification.user_id, notification.kind)}"
        message["List-Unsubscribe"] = f"<{leave}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        with force_locale(locale):
            stop = str(render("notices.unsubscribe_line", {}))
        footer += f"{stop} {leave}\n"
        html_footer += f"<br><a href=\"{escape(leave)}\">{escape(stop)}</a>"
    message.set_content(f"{notification.body}\n\n{link}\n\n{footer}")
    message.add_alternative(
        f"<p>{escape(notification.body).replace(chr(10), '<br>')}</p>\n<p><a href=\"{escape(link)}\">{escape(link)}</a></p>\n"
        f"<p style=\"color:#555\">{html_footer}</p>\n", subtype="html")
    return message


def _account_path(ctx: Context, notification: Notification) -> str:
    """The invitation or reset page, its token opened from the sealed link."""
    return f"/invitation/{reveal(ctx, notification.link.removeprefix(SEALED_LINK))}"


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


def sweep(ctx: Context, now: datetime | None = None) -> list[int]:
    """Post again the e-mails whose task was lost: never tried, or tried and not tried again when due, or claimed by a
    worker that stopped mid-send (sent again under the same Message-ID, which mail readers show once); the ids."""
    now = now or utcnow()
    with ctx.db.transaction() as tx:
        rows = tx.session.exec(select(Notification).where(
            Notification.mail_status.in_(("pending", "sending")), Notification.created_at < now - STALE)).all()  # type: ignore[attr-defined]
        lost = [n for n in rows if lost_since(n.mail_status, n.mail_attempts, n.mail_tried_at or n.created_at, now,
                                              ctx.settings.retry_after_seconds)]
        for notification in lost:
            notification.mail_status = "pending"
            tx.after_commit(lambda i=notification.id: ctx.tasks.enqueue("send_mail", i))
        return [n.id for n in lost]  # type: ignore[misc]
