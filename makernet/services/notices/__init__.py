"""People are told: notifications in the app, per event and recipient, never twice, as each user wants them."""
from makernet.services.notices.commands import mark_all_read, mark_read, set_preferences, unsubscribe
from makernet.services.notices.handlers import notify
from makernet.services.notices.queries import notifications_of, preferences_of, unread_count
from makernet.services.notices.views import KINDS, ROLE_KINDS, WAYS, NotificationView, Preferences
from makernet.services.notices.worker import REMIND_AFTER, remind_unanswered, rounds, tell

__all__ = ["KINDS", "REMIND_AFTER", "ROLE_KINDS", "WAYS", "NotificationView", "Preferences", "mark_all_read",
           "mark_read", "notifications_of", "notify", "preferences_of", "remind_unanswered", "rounds", "set_preferences",
           "tell", "unread_count", "unsubscribe"]
