"""Who is acting: users, API tokens and the actor every use case checks."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from makernet.errors import Forbidden, InvalidInput, NotFound, Unauthorized
from makernet.models import ApiToken, Organisation, User
from makernet.models.organisations import LoginAttempt
from makernet.models.base import utcnow
from makernet.services.context import Context

ROLES = ("requester", "operator", "coordinator", "admin")


@dataclass(frozen=True)
class Actor:
    """The signed-in user as plain values."""

    user_id: int
    role: str
    organisation_id: int
    territory: tuple[str, ...] = ()

    def require(self, *roles: str) -> None:
        """Refuse unless the actor has one of `roles` (admins may do everything)."""
        if self.role != "admin" and self.role not in roles:
            raise Forbidden(f"Your role ({self.role}) may not do this; it needs: {', '.join(roles)}.")

    def sees_departement(self, departement: str) -> bool:
        """Whether a coordinator's territory covers a département (admins see all)."""
        return self.role == "admin" or (self.role == "coordinator" and departement in self.territory)


def hash_password(password: str) -> str:
    """A salted hash for storage."""
    return generate_password_hash(password)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _actor_for(user: User, organisation: Organisation) -> Actor:
    return Actor(user.id, user.role, user.organisation_id, tuple(organisation.territory or ()))


def issue_token(ctx: Context, email: str, password: str, name: str = "api") -> dict:
    """Check a user's password and create a new API token; the token is shown only now."""
    with ctx.db.transaction() as tx:
        user = tx.session.exec(select(User).where(User.email == email.strip().lower())).first()
        if user is None or not user.active or not check_password_hash(user.password_hash or "!", password):
            raise Unauthorized("Unknown e-mail address or wrong password.")
        token = create_token(tx.session, user.id, name)
    return {"token": token, "user_id": user.id, "role": user.role, "name": name}


def create_token(session: object, user_id: int, name: str) -> str:
    """Store the hash of a fresh random token for a user and return the token."""
    if not name.strip() or len(name) > 100:
        raise InvalidInput("A token needs a name of 1 to 100 characters.", field="name")
    token = "mkn_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user_id, name=name.strip(), token_hash=_token_hash(token),  # type: ignore[attr-defined]
                         prefix=token[:12]))
    return token


def actor_from_token(ctx: Context, token: str) -> Actor:
    """The actor an API token stands for, or Unauthorized."""
    with ctx.db.transaction() as tx:
        row = tx.session.exec(
            select(ApiToken, User, Organisation)
            .join(User, User.id == ApiToken.user_id)
            .join(Organisation, Organisation.id == User.organisation_id)
            .where(ApiToken.token_hash == _token_hash(token), ApiToken.revoked_at.is_(None))  # type: ignore[union-attr]
        ).first()
        if row is None or not row[1].active:
            raise Unauthorized("Invalid or revoked API token.")
        api_token, user, organisation = row
        now = utcnow()
        # written at most every few minutes: a write per API call would serialise readers
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 300:
            api_token.last_used_at = now
        return _actor_for(user, organisation)


def token_for_email(ctx: Context, email: str, name: str) -> str:
    """Create a token for a user named by e-mail (administrators, from the command line)."""
    with ctx.db.transaction() as tx:
        user = tx.session.exec(select(User).where(User.email == email.strip().lower())).first()
        if user is None:
            raise InvalidInput(f"No user with the e-mail address {email}.")
        return create_token(tx.session, user.id, name)


# --- web sign-in, invitations and tokens ---------------------------------------------------

MIN_PASSWORD = 10
INVITATION_DAYS = 7
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5      # then the account waits out the window
MAX_FAILURES_PER_ADDRESS = 30   # one machine trying many accounts


class Throttled(Unauthorized):
    """Too many failed sign-ins lately: wait before trying again."""

    status = 429


def sign_in(ctx: Context, email: str, password: str, address: str = "") -> dict:
    """Check a password for the web pages, refusing after repeated failures; every attempt is kept."""
    email = email.strip().lower()
    with ctx.db.transaction() as tx:
        s = tx.session
        _refuse_when_throttled(s, email, address)
        user = s.exec(select(User).where(User.email == email)).first()
        ok = user is not None and user.active and check_password_hash(user.password_hash or "!", password)
        s.add(LoginAttempt(email=email[:254], address=address[:45], succeeded=ok))
        view = session_user_view(s, user) if ok else None
    if view is None:  # raised after the commit, so that the failed attempt is kept
        raise Unauthorized("Unknown e-mail address or wrong password.")
    return view


def _refuse_when_throttled(s: Session, email: str, address: str) -> None:
    """Raise Throttled when this e-mail or address failed too often within the window."""
    since = utcnow() - THROTTLE_WINDOW
    last_success = s.exec(select(func.max(LoginAttempt.at)).where(
        LoginAttempt.email == email, LoginAttempt.succeeded == True)).one()  # noqa: E712
    if last_success is not None and _aware(last_success) > since:
        since = _aware(last_success)
    by_email = s.exec(select(func.count(LoginAttempt.id)).where(
        LoginAttempt.email == email, LoginAttempt.succeeded == False, LoginAttempt.at > since)).one()  # noqa: E712
    by_address = s.exec(select(func.count(LoginAttempt.id)).where(
        LoginAttempt.address == address, LoginAttempt.succeeded == False,  # noqa: E712
        LoginAttempt.at > utcnow() - THROTTLE_WINDOW)).one() if address else 0
    if by_email >= MAX_FAILURES_PER_EMAIL or by_address >= MAX_FAILURES_PER_ADDRESS:
        minutes = int(THROTTLE_WINDOW.total_seconds() // 60)
        raise Throttled(f"Too many failed sign-ins; wait {minutes} minutes and try again.")


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive times; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def session_user(ctx: Context, user_id: int) -> dict | None:
    """The signed-in user for the web session, or None if gone or deactivated."""
    with ctx.db.reading() as s:
        user = s.get(User, user_id)
        if user is None or not user.active:
            return None
        return session_user_view(s, user)


def session_user_view(s: Session, user: User) -> dict:
    """A user as the pages need it; the fingerprint changes with the password, ending old sessions."""
    organisation = s.get(Organisation, user.organisation_id)
    return {"id": user.id, "email": user.email, "name": user.name, "role": user.role,
            "organisation_id": user.organisation_id, "organisation_name": organisation.name,
            "territory": list(organisation.territory or ()), "locale": user.locale,
            "fingerprint": hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]}


def actor_for(user: dict) -> Actor:
    """The actor of a session user."""
    return Actor(user["id"], user["role"], user["organisation_id"], tuple(user["territory"]))


def check_new_password(password: str) -> None:
    """Refuse a password too short to resist guessing."""
    if len(password) < MIN_PASSWORD or len(password) > 200:
        raise InvalidInput(f"The password needs {MIN_PASSWORD} to 200 characters.", field="password")


def open_invitation(s: Session, user: User) -> str:
    """Give a user a fresh one-time link to set a password; the old password stops working."""
    token = secrets.token_urlsafe(24)
    user.invitation_hash = _token_hash(token)
    user.invitation_expires_at = utcnow() + timedelta(days=INVITATION_DAYS)
    user.password_hash = ""
    s.add(user)
    return token


def invited_user(ctx: Context, token: str) -> dict:
    """Who an invitation link is for, if it is still valid."""
    with ctx.db.reading() as s:
        user = _invited(s, token)
        return {"email": user.email, "name": user.name}


def _invited(s: Session, token: str) -> User:
    user = s.exec(select(User).where(User.invitation_hash == _token_hash(token))).first()
    if user is None or user.invitation_expires_at is None or _aware(user.invitation_expires_at) < utcnow():
        raise NotFound("This invitation link is unknown, used or expired; ask an administrator for a new one.")
    return user


def accept_invitation(ctx: Context, token: str, password: str) -> dict:
    """Set the password from an invitation link, which then stops working."""
    check_new_password(password)
    with ctx.db.transaction() as tx:
        user = _invited(tx.session, token)
        user.password_hash = hash_password(password)
        user.invitation_hash = None
        user.invitation_expires_at = None
        user.active = True
        tx.session.add(user)
        tx.session.flush()
        return session_user_view(tx.session, user)


def list_tokens(ctx: Context, actor: Actor) -> list[dict]:
    """The actor's own API tokens, newest first (their secret is never shown again)."""
    with ctx.db.reading() as s:
        rows = s.exec(select(ApiToken).where(ApiToken.user_id == actor.user_id)
                      .order_by(ApiToken.id.desc())).all()  # type: ignore[union-attr]
        return [{"id": t.id, "name": t.name, "prefix": t.prefix, "created_at": t.created_at,
                 "last_used_at": t.last_used_at, "revoked_at": t.revoked_at} for t in rows]


def new_token(ctx: Context, actor: Actor, name: str) -> str:
    """Create an API token for the actor; shown once."""
    with ctx.db.transaction() as tx:
        return create_token(tx.session, actor.user_id, name)


def revoke_token(ctx: Context, actor: Actor, token_id: int) -> None:
    """Revoke one of the actor's tokens; a revoked token is refused at once."""
    with ctx.db.transaction() as tx:
        token = tx.session.get(ApiToken, token_id)
        if token is None or token.user_id != actor.user_id:
            raise NotFound(f"Token {token_id} not found.")
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            tx.session.add(token)
