"""A notification as plain data; the kinds there are, how each reads, and how each role may want them."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field
from sqlmodel import Session, select

from makernet.models import NoticePreference, Notification, User
from makernet.services.shapes import Id, Stamp, TypedDict

SEALED_LINK = "sealed-link:"   # a link that holds a secret (an invitation): stored sealed, opened only to mail it

# each kind's subject and text, as the catalogue (makernet/messages/notices.py) words them
SENTENCES = {
    "request_submitted": ("notices.request_submitted.subject", "notices.request_submitted.body"),
    "request_approved": ("notices.request_approved.subject", "notices.request_approved.body"),
    "request_rejected": ("notices.request_rejected.subject", "notices.request_rejected.body"),
    "work_proposed": ("notices.work_proposed.subject", "notices.work_proposed.body"),
    "work_refused": ("notices.work_refused.subject", "notices.work_refused.body"),
    "printer_down": ("notices.printer_down.subject", "notices.printer_down.body"),
    "delivery_shipped": ("notices.delivery_shipped.subject", "notices.delivery_shipped.body"),
    "place_stopped": ("notices.place_stopped.subject", "notices.place_stopped.body"),
    "place_resumed": ("notices.place_resumed.subject", "notices.place_resumed.body"),
    "work_reminder": ("notices.work_reminder.subject", "notices.work_reminder.body"),
    "work_accepted": ("notices.work_accepted.subject", "notices.work_accepted.body"),
    "work_changed": ("notices.work_changed.subject", "notices.work_changed.body"),
    "plan_changed": ("notices.plan_changed.subject", "notices.plan_changed.body"),
    "supply_requested": ("notices.supply_requested.subject", "notices.supply_requested.body"),
    "supply_answered": ("notices.supply_answered.subject", "notices.supply_answered.body"),
    "delivery_arrived": ("notices.delivery_arrived.subject", "notices.delivery_arrived.body"),
    "delivery_refused": ("notices.delivery_refused.subject", "notices.delivery_refused.body"),
    "delivery_short": ("notices.delivery_short.subject", "notices.delivery_short.body"),
    "request_at_risk": ("notices.request_at_risk.subject", "notices.request_at_risk.body"),
    "stock_low": ("notices.stock_low.subject", "notices.stock_low.body"),
    "stock_out": ("notices.stock_out.subject", "notices.stock_out.body"),
    "daily_summary": ("notices.daily_summary.subject", "notices.daily_summary.body"),
    "invitation": ("notices.invitation.subject", "notices.invitation.body"),
    "password_reset": ("notices.password_reset.subject", "notices.password_reset.body"),
    "digest": ("notices.digest.subject", "notices.digest.body"),
}
KINDS = tuple(SENTENCES)

# which kinds each role is told (and may choose how), and how when they have not chosen
ROLE_KINDS = {
    "operator": ("work_proposed", "work_reminder", "work_changed", "printer_down", "stock_low", "stock_out",
                 "supply_answered", "delivery_refused", "delivery_short"),
    "requester": ("request_approved", "request_rejected", "work_accepted", "delivery_shipped", "delivery_arrived",
                  "request_at_risk"),
    "coordinator": ("request_submitted", "work_refused", "supply_requested", "stock_low", "stock_out", "place_stopped",
                    "place_resumed", "plan_changed", "daily_summary", "delivery_refused", "delivery_short"),
    "admin": (),
}
WAYS = ("now", "digest", "app", "never")
DEFAULT_WAY = {"place_resumed": "digest", "plan_changed": "digest"}   # every other kind: "now"
MAIL_STATUS = {"now": "pending", "digest": "digest", "app": "none"}   # how wanted -> the e-mail's first state


def way_of(preferences: dict[str, str], kind: str) -> str:
    """How a user wants a kind told: their choice, else the default (account links and digests always at once)."""
    if kind not in CHOOSABLE:
        return "now"
    return preferences.get(kind) or DEFAULT_WAY.get(kind, "now")


CHOOSABLE = frozenset(kind for kinds in ROLE_KINDS.values() for kind in kinds)

Kind = Literal["request_submitted", "request_approved", "request_rejected", "work_proposed", "work_refused",
               "printer_down", "delivery_shipped", "place_stopped", "place_resumed", "work_reminder", "work_accepted",
               "work_changed", "plan_changed", "supply_requested", "supply_answered", "delivery_arrived",
               "delivery_refused", "delivery_short", "request_at_risk", "stock_low", "stock_out", "daily_summary", "invitation",
               "password_reset", "digest"]
Way = Literal["now", "digest", "app", "never"]


class NotificationView(TypedDict):
    """Something the user was told: what happened, in their language, and the page to act on."""

    id: Annotated[Id, Field(description="the notification's id")]
    kind: Annotated[Kind, Field(description="what happened")]
    subject: Annotated[str, Field(description="in a line", examples=["Votre demande n° 12 est validée"])]
    body: Annotated[str, Field(description="in a few sentences")]
    link: Annotated[str, Field(description="the page to act on, from the site's root", examples=["/requests/12"])]
    created_at: Annotated[Stamp, Field(description="when it was told")]
    read_at: Annotated[Stamp | None, Field(description="when the user marked it read; null while unread")]


def notification_view(n: Notification) -> NotificationView:
    return {"id": n.id, "kind": n.kind, "subject": n.subject, "body": n.body,
            "link": "" if n.link.startswith(SEALED_LINK) else n.link,  # type: ignore[typeddict-item]
            "created_at": n.created_at.isoformat(), "read_at": n.read_at.isoformat() if n.read_at else None}


class Preferences(TypedDict):
    """How a user is told each kind their role gets, and the hour of their daily e-mails."""

    ways: Annotated[dict[str, Way], Field(description="per kind: now, digest, app (in the app only) or never")]
    digest_hour: Annotated[int, Field(description="the hour, French time, of the daily digest and summary", ge=0, le=23)]


def preferences_view(s: Session, user: User) -> Preferences:
    chosen = dict(s.exec(select(NoticePreference.kind, NoticePreference.how)
                         .where(NoticePreference.user_id == user.id)).all())
    return {"ways": {kind: way_of(chosen, kind) for kind in ROLE_KINDS.get(user.role, ())},
            "digest_hour": user.digest_hour}
