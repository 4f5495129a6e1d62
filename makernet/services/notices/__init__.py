"""People are told: notifications in the app, e-mails, per event and recipient, never twice."""
from makernet.services.notices.operations import KINDS
from makernet.services.notices.commands import mark_all_read, mark_read
from makernet.services.notices.handlers import notify
from makernet.services.notices.queries import notifications_of, outbox, unread_count
from makernet.services.notices.views import NotificationView, OutgoingMailView
from makernet.services.notices.worker import MOST_ATTEMPTS, REMIND_AFTER, remind_unanswered, retry_in, send_mail, tell

__all__ = ["KINDS", "MOST_ATTEMPTS", "NotificationView", "OutgoingMailView", "mark_all_read", "mark_read",
           "notifications_of", "notify", "outbox", "remind_unanswered", "retry_in", "send_mail", "tell", "unread_count",
           "REMIND_AFTER"]
