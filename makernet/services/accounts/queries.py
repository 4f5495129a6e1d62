"""Accounts as they are read: the session's user, invitations, tokens, users and organisations."""
from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from makernet.errors import NotFound
from makernet.models import ApiToken, Organisation, User
from makernet.models.base import utcnow
from makernet.services.access import Actor
from makernet.services.accounts.views import session_user_view
from makernet.services.context import Context


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive times; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def session_user(ctx: Context, user_id: int) -> dict | None:
    """The signed-in user for the web session, or None if gone or deactivated."""
    with ctx.db.reading() as s:
        user = s.get(User, user_id)
        if user is None or not user.active:
            return None
        return session_user_view(s, user)


def invited_user(ctx: Context, token: str) -> dict:
    """Who an invitation link is for, if it is still valid."""
    with ctx.db.reading() as s:
        user = invited_by_token(s, token)
        return {"email": user.email, "name": user.name}


def invited_by_token(s: Session, token: str) -> User:
    user = s.exec(select(User).where(User.invitation_hash == token_hash(token))).first()
    if user is None or user.invitation_expires_at is None or as_utc(user.invitation_expires_at) < utcnow():
        raise NotFound("accounts.invitation_unknown")
    return user


def list_tokens(ctx: Context, actor: Actor) -> list[dict]:
    """The actor's own API tokens, newest first (their secret is never shown again)."""
    with ctx.db.reading() as s:
        rows = s.exec(select(ApiToken).where(ApiToken.user_id == actor.user_id)
                      .order_by(ApiToken.id.desc())).all()  # type: ignore[union-attr]
        now = utcnow()
        return [{"id": t.id, "name": t.name, "prefix": t.prefix, "created_at": t.created_at,
                 "last_used_at": t.last_used_at, "revoked_at": t.revoked_at, "expires_at": t.expires_at,
                 "expired": t.expires_at is not None and as_utc(t.expires_at) <= now} for t in rows]


def list_organisations(ctx: Context, actor: Actor) -> list[dict]:
    """Every organisation with how many users it has."""
    actor.require("admin")
    with ctx.db.reading() as s:
        counts = dict(s.exec(select(User.organisation_id, func.count(User.id)).group_by(User.organisation_id)).all())
        return [{"id": o.id, "name": o.name, "kind": o.kind, "commune": o.commune, "departement": o.departement,
                 "territory": list(o.territory or ()), "users": int(counts.get(o.id, 0))}
                for o in s.exec(select(Organisation).order_by(Organisation.name)).all()]


def list_users(ctx: Context, actor: Actor) -> list[dict]:
    """Every user with their organisation and whether an invitation is pending."""
    actor.require("admin")
    with ctx.db.reading() as s:
        rows = s.exec(select(User, Organisation).join(Organisation, Organisation.id == User.organisation_id)
                      .order_by(Organisation.name, User.name)).all()
        return [{"id": u.id, "email": u.email, "name": u.name, "role": u.role, "active": u.active,
                 "organisation_id": o.id, "organisation_name": o.name,
                 "invitation_pending": u.invitation_hash is not None} for u, o in rows]
