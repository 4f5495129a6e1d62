"""Telling, as workers do it: an event's messages written once per recipient who wants them, in their language,
and posted to their organisations' webhooks; the rounds beat posts (requests at risk, stock low, each user's daily
summary and digest) and the reminder of work left unanswered. Sending is the mail and webhooks areas'.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

from flask_babel import force_locale
from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from makernet.messages import render
from makernet.models import (Delivery, DeliveryLine, Job, Machine, Material, NoticePreference, Notification,
                             Organisation, Place, Request, RequestLine, User, WebhookDelivery)
from makernet.models.base import utcnow
from makernet.services.access import Actor
from makernet.services.context import Context
from makernet.services.events import Event
from makernet.services.listing import DAYS_IN
from makernet.services.notices.operations import FINDERS, Told, audiences, coordinators_of, members_of, unanswered
from makernet.services.notices.views import MAIL_STATUS, SEALED_LINK, SENTENCES, way_of
from makernet.services.reporting.queries import late_work
from makernet.services.stock.queries import stock_states
from makernet.services.webhooks.worker import posts as posts_of

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
    """Write what `find` says to tell, to each recipient not told it yet and who wants it, and to the webhooks of
    their organisations; post the e-mails and webhook calls once committed.

    Told twice (a task delivered again), it writes nothing more: a recipient's message is unique by its event key,
    so is a webhook's post, and a second writer at the same moment, refused by that key, finds them all written by
    the first.
    """
    try:
        with ctx.db.transaction() as tx:
            s = tx.session
            written: list[Notification] = []
            posts: list[WebhookDelivery] = []
            for told in find(s):
                key = told.key(stamp)
                already = set(s.exec(select(Notification.user_id).where(Notification.event_key == key)).all())
                users = s.exec(select(User).where(User.id.in_(told.user_ids)).order_by(User.id)).all()  # type: ignore[union-attr]
                ways = _ways(s, [u.id for u in users], told.kind)
                for user in users:
                    way = way_of(ways.get(user.id, {}), told.kind)
                    if user.id not in already and way != "never":
                        written.append(_written(told, key, user, MAIL_STATUS[way]))
                if not told.link.startswith(SEALED_LINK):   # a secret link never leaves by webhook
                    # an organisation's shared channel: in French
                    posts += posts_of(s, key, told.kind, told.about, lambda told=told: _sentences(told, "fr"),
                                      ctx.settings.site_url + told.link,
                                      {u.organisation_id for u in users})
            s.add_all(written + posts)
            s.flush()
            ids = [n.id for n in written]
            for notification in written:
                if notification.mail_status == "pending":
                    tx.after_commit(lambda i=notification.id: ctx.tasks.enqueue("send_mail", i))
            for post in posts:
                tx.after_commit(lambda i=post.id: ctx.tasks.enqueue("post_webhook", i))
    except IntegrityError:
        return []
    return ids  # type: ignore[return-value]


def _ways(s: Session, user_ids: list[int], kind: str) -> dict[int, dict[str, str]]:
    """Each user's choices for a kind, as {user id: {kind: how}}."""
    rows = s.exec(select(NoticePreference).where(NoticePreference.user_id.in_(user_ids),  # type: ignore[attr-defined]
                                                 NoticePreference.kind == kind)).all() if user_ids else []
    return {row.user_id: {row.kind: row.how} for row in rows}


def _written(told: Told, key: str, user: User, mail_status: str) -> Notification:
    """One recipient's message, in their language."""
    subject, body = _sentences(told, user.locale or "fr")
    return Notification(user_id=user.id, kind=told.kind, event_key=key, subject=subject[:300], body=body[:4000],
                        link=told.link, mail_status=mail_status)


def _sentences(told: Told, locale: str) -> tuple[str, str]:
    """A message's subject and text in a language."""
    with force_locale(locale):
        subject_code, body_code = SENTENCES[told.kind]
        return render(subject_code, told.params), render(body_code, told.params)


DIGEST_MOST = 40   # subjects a digest lists one by one; the rest counted
SYSTEM = Actor(user_id=0, role="admin", organisation_id=0)   # the rounds read every territory


def rounds(ctx: Context, now: datetime | None = None) -> dict[str, int]:
    """What beat posts every quarter of an hour: requests at risk of being late, stock low or out, and, for each user
    whose hour (French time) has come today, the coordinators' summary of their territory, then the digest of what
    they chose to get that way. Each is told once (a day, for stock and summaries), however often this runs."""
    now = now or utcnow()
    local = now.astimezone(DAYS_IN)
    today = local.date()
    late = late_work(ctx, SYSTEM, today=today)
    risky = _write(ctx, lambda s: at_risk(s, late), "")
    with ctx.db.reading() as s:
        states = stock_states(s, list(s.exec(select(Place.id).where(Place.active)).all()))  # type: ignore[arg-type]
    stock = _write(ctx, lambda s: stock_alerts(s, states, today), "")
    summarised, digested = _due(ctx, local.hour, today)
    summaries_written = _write(ctx, lambda s: summaries(
        s, s.exec(select(User).where(User.id.in_(summarised))).all(),  # type: ignore[union-attr]
        now - timedelta(days=1), today), "") if summarised else []
    digests = [i for user_id in digested if (i := _digest(ctx, user_id, today)) is not None]
    return {"at_risk": len(risky), "stock": len(stock), "summaries": len(summaries_written), "digests": len(digests)}


def _due(ctx: Context, hour: int, today: date) -> tuple[list[int], list[int]]:
    """The active users whose daily hour has come: the coordinators not yet summarised today, and the users with
    messages waiting for their digest (so a round past everyone's hour reads little)."""
    with ctx.db.reading() as s:
        mine = select(User.id).where(User.active, User.digest_hour <= hour)  # type: ignore[arg-type]
        told = select(Notification.user_id).where(Notification.event_key == f"summary:{today.isoformat()}")
        summarised = s.exec(mine.where(User.role == "coordinator", User.id.not_in(told)).order_by(User.id)).all()  # type: ignore[union-attr]
        waiting = select(Notification.user_id).where(Notification.mail_status == "digest")
        digested = s.exec(mine.where(User.id.in_(waiting)).order_by(User.id)).all()  # type: ignore[union-attr]
        return list(summarised), list(digested)


def _digest(ctx: Context, user_id: int, today: date) -> int | None:
    """The day's digest of one user: every message they chose to get by digest and not yet had so, gathered in one
    e-mail (written read: its messages were in the app already); None when there is nothing, or it went out today."""
    key = f"digest:{today.isoformat()}"
    try:
        with ctx.db.transaction() as tx:
            s = tx.session
            user = s.get(User, user_id)
            if s.exec(select(Notification.id).where(Notification.user_id == user_id,
                                                    Notification.event_key == key)).first() is not None:
                return None
            gathered = s.exec(select(Notification).where(Notification.user_id == user_id,
                                                         Notification.mail_status == "digest")
                              .order_by(Notification.id)).all()
            if not gathered:
                return None
            lines = [f"• {n.subject}" for n in gathered[:DIGEST_MOST]]
            told = Told("digest", "digest", {"count": len(gathered), "day": today,
                                             "more": max(len(gathered) - DIGEST_MOST, 0)}, "/notifications")
            subject, intro = _sentences(told, user.locale or "fr")
            digest = Notification(user_id=user_id, kind="digest", event_key=key, subject=subject[:300],
                                  body=("\n".join([intro, "", *lines]))[:4000], link="/notifications",
                                  mail_status="pending", read_at=utcnow())
            s.add(digest)
            s.exec(update(Notification).where(Notification.id.in_([n.id for n in gathered]))  # type: ignore[call-overload,union-attr]
                   .values(mail_status="digested"))
            s.flush()
            tx.after_commit(lambda i=digest.id: ctx.tasks.enqueue("send_mail", i))
            return digest.id
    except IntegrityError:
        return None


RISKY = ("overdue", "not_approved", "unallocated", "awaiting_answer", "planned_late")   # why a request is at risk


def at_risk(s: Session, late: Iterable[dict]) -> list[Told]:
    """Once per request: its requesters told it may be late, from the late lines reporting finds (overdue or due
    soon) that have a reason to worry beyond units already made or on the way."""
    missing: dict[int, int] = {}
    firsts: dict[int, dict] = {}
    for line in late:
        if any(reason["code"] in RISKY for reason in line["reasons"]):
            missing[line["request_id"]] = missing.get(line["request_id"], 0) + line["quantity"] - line["units_received"]
            firsts.setdefault(line["request_id"], line)
    if not missing:
        return []
    organisations = dict(s.exec(select(Request.id, Request.organisation_id).where(
        Request.id.in_(list(missing)))).all())  # type: ignore[union-attr]
    return [Told("request_at_risk", f"request:{request_id}", {
        "request_id": request_id, "needed_by": date.fromisoformat(firsts[request_id]["needed_by"]),
        "missing": units, "days_left": firsts[request_id]["days_left"]}, f"/requests/{request_id}",
        members_of(s, organisations[request_id], ("requester",)), once=True)
        for request_id, units in sorted(missing.items())]


def stock_alerts(s: Session, states: dict, day: date) -> list[Told]:
    """Once a day per place, material and level ("low", "out"): the place's operators and its coordinators told."""
    pairs = [(pair, state) for pair, state in sorted(states.items()) if state.alert in ("low", "out")]
    if not pairs:
        return []
    places = {p.id: p for p in s.exec(select(Place).where(Place.id.in_({p for (p, _), _ in pairs}))).all()}  # type: ignore[union-attr]
    materials = {m.id: m for m in s.exec(select(Material).where(Material.id.in_({m for (_, m), _ in pairs}))).all()}  # type: ignore[union-attr]
    told = []
    for (place_id, material_id), state in pairs:
        place, material = places[place_id], materials[material_id]
        recipients = members_of(s, place.organisation_id, ("operator",)) + coordinators_of(s, place.departement)
        told.append(Told(f"stock_{state.alert}", f"stock:{place_id}:{material_id}:{day.isoformat()}", {
            "place": place.name, "material": material.name, "available": max(state.available, 0),
            "unit": material.unit, "days_left": int(state.days_left) if state.days_left is not None else "—"},
            f"/places/{place_id}/stock", tuple(sorted(set(recipients))), once=True))
    return told


def summaries(s: Session, coordinators: Iterable[User], since: datetime, today: date) -> list[Told]:
    """A coordinator's day in their territory: requests new since then, units made, units delivered, lines late."""
    per_departement: dict[str, dict[str, int]] = {}

    def add(figure: str, rows: Iterable[tuple[str, int | None]]) -> None:
        for departement, value in rows:
            per_departement.setdefault(departement, {}).setdefault(figure, 0)
            per_departement[departement][figure] += int(value or 0)

    add("new", s.exec(select(Organisation.departement, func.count()).join(Request, Request.organisation_id == Organisation.id)
                      .where(Request.created_at >= since).group_by(Organisation.departement)).all())  # type: ignore[arg-type]
    add("made", s.exec(select(Place.departement, func.sum(Job.units_made)).join(Machine, Machine.place_id == Place.id)
                       .join(Job, Job.machine_id == Machine.id).where(Job.finished_at >= since)  # type: ignore[operator]
                       .group_by(Place.departement)).all())
    add("delivered", s.exec(select(Place.departement, func.sum(DeliveryLine.quantity))
                            .join(Delivery, Delivery.place_id == Place.id)
                            .join(DeliveryLine, DeliveryLine.delivery_id == Delivery.id)
                            .where(Delivery.delivered_at >= since).group_by(Place.departement)).all())  # type: ignore[operator]
    add("late", s.exec(select(Organisation.departement, func.count()).join(Request, Request.organisation_id == Organisation.id)
                       .join(RequestLine, RequestLine.request_id == Request.id)
                       .where(Request.needed_by < today, RequestLine.units_received < RequestLine.quantity,
                              Request.status.not_in(("closed", "rejected", "cancelled")))  # type: ignore[attr-defined]
                       .group_by(Organisation.departement)).all())
    told = []
    for user in coordinators:
        territory = s.get(Organisation, user.organisation_id).territory or []
        figures = {name: sum(per_departement.get(d, {}).get(name, 0) for d in territory)
                   for name in ("new", "made", "delivered", "late")}
        told.append(Told("daily_summary", f"summary:{today.isoformat()}", figures | {"day": today},
                         "/dashboard", (user.id,), once=True))
    return told
