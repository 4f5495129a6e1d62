"""E-mails: each notification's message sent once over SMTP, or kept in the outbox an administrator reads."""
from makernet.services.mail.queries import outbox
from makernet.services.mail.views import OutgoingMailView
from makernet.services.mail.worker import compose, retry_in, send_mail, sweep

__all__ = ["OutgoingMailView", "compose", "outbox", "retry_in", "send_mail", "sweep"]
