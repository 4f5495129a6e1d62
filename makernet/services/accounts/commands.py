"""Accounts: sign-in, API tokens, invitations, the first administrator, and what admins change of users and
organisations."""
from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from makernet.errors import Conflict, InvalidInput, NotFound, Unauthorized
from makernet.models import ApiToken, Organisation, User
from makernet.models.base import utcnow
from makernet.services.access import Actor, ROLES
from makernet.services.accounts.operations import (check_new_password, checked_credentials, hash_password,
                                                   revoke_tokens)
from makernet.services.accounts.queries import as_utc, invited_by_token, token_hash
from makernet.services.accounts.views import session_user_view
from makernet.services.context import Context
from makernet.services.events import AccountLinkOpened, record
from makernet.services.secrets import seal
from makernet.services.fields import DEPARTEMENT, one_of, text_field


TOKEN_DAYS = 90        # a token's lifetime unless its maker asks for another
TOKEN_MOST_DAYS = 365


def issue_token(ctx: Context, email: str, password: str, name: str = "api", address: str = "",
                days: int = TOKEN_DAYS) -> dict:
    """Check a user's password and create a new API token, shown only now; throttled as the sign-in page is."""
    expires_at = token_expiry(days)
    with ctx.db.transaction() as tx:
        user = checked_credentials(tx.session, email, password, address)
        token = create_token(tx.session, user.id, name, expires_at) if user is not None else None
    if user is None:  # raised after the commit, so that the failed attempt is kept
        raise Unauthorized("accounts.sign_in_refused")
    return {"token": token, "user_id": user.id, "role": user.role, "name": name, "expires_at": expires_at}


def token_expiry(days: int | None) -> datetime | None:
    """When a token made now for `days` days stops working (None: never), or refused out of 1 to 365 days."""
    if days is None:
        return None
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= TOKEN_MOST_DAYS:
        raise InvalidInput("accounts.token_lifetime", field="expires_in_days", least=1, most=TOKEN_MOST_DAYS)
    return utcnow() + timedelta(days=days)


def create_token(session: object, user_id: int, name: str, expires_at: datetime | None) -> str:
    """Store the hash of a fresh random token for a user and return the token."""
    if not name.strip() or len(name) > 100:
        raise InvalidInput("accounts.token_name_length", field="name", most=100)
    token = "mkn_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user_id, name=name.strip(), token_hash=token_hash(token),  # type: ignore[attr-defined]
                         prefix=token[:12], expires_at=expires_at))
    return token


def actor_from_token(ctx: Context, token: str) -> Actor:
    """The actor an API token stands for, or Unauthorized. Every API call asks: the columns it needs, read in one
    statement, and a write only when the token's last use is worth recording anew."""
    with ctx.db.transaction() as tx:
        row = tx.session.exec(
            select(ApiToken.id, ApiToken.expires_at, ApiToken.last_used_at, User.id, User.role,
                   User.organisation_id, User.active, Organisation.territory)
            .join(User, User.id == ApiToken.user_id)
            .join(Organisation, Organisation.id == User.organisation_id)
            .where(ApiToken.token_hash == token_hash(token), ApiToken.revoked_at.is_(None))  # type: ignore[union-attr]
        ).first()
        if row is None or not row.active:
            raise Unauthorized("accounts.token_invalid")
        token_id, expires_at, last_used_at, user_id, role, organisation_id, _active, territory = row
        now = utcnow()
        if expires_at is not None and as_utc(expires_at) <= now:
            raise Unauthorized("accounts.token_expired")
        # written at most every few minutes: a write per API call would serialise readers
        if last_used_at is None or (now - last_used_at).total_seconds() > 300:
            tx.session.exec(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))  # type: ignore[call-overload]
        return Actor(user_id, role, organisation_id, tuple(territory or ()))


def token_for_email(ctx: Context, email: str, name: str, days: int | None = TOKEN_DAYS) -> dict:
    """Create a token for a user named by e-mail (administrators, from the command line); `days=None` makes one
    that lasts until revoked, for a machine's account."""
    expires_at = token_expiry(days)
    with ctx.db.transaction() as tx:
        user = tx.session.exec(select(User).where(User.email == email.strip().lower())).first()
        if user is None:
            raise InvalidInput("accounts.no_user_with_email", email=email)
        return {"token": create_token(tx.session, user.id, name, expires_at), "expires_at": expires_at}


INVITATION_DAYS = 7


def sign_in(ctx: Context, email: str, password: str, address: str = "") -> dict:
    """Check a password for the web pages, throttled; every attempt is kept."""
    with ctx.db.transaction() as tx:
        user = checked_credentials(tx.session, email, password, address)
        view = session_user_view(tx.session, user) if user is not None else None
    if view is None:  # raised after the commit, so that the failed attempt is kept
        raise Unauthorized("accounts.sign_in_refused")
    return view


def open_invitation(s: Session, user: User) -> str:
    """Give a user a fresh one-time link to set a password; the old password stops working."""
    token = secrets.token_urlsafe(24)
    user.invitation_hash = token_hash(token)
    user.invitation_expires_at = utcnow() + timedelta(days=INVITATION_DAYS)
    user.password_hash = ""
    s.add(user)
    revoke_tokens(s, user.id)
    return token


def change_password(ctx: Context, actor: Actor, current: str, new: str, address: str = "") -> dict:
    """Change my own password, knowing the current one (a wrong one counts as a failed sign-in and is
    throttled the same way); my other sessions and all my API tokens end with the old password."""
    with ctx.db.transaction() as tx:
        email = tx.session.get(User, actor.user_id).email  # type: ignore[union-attr]
        check_new_password(new, email)
        right = checked_credentials(tx.session, email, current, address) is not None
    if not right:  # raised after the commit, so that the failed attempt is kept
        raise InvalidInput("accounts.current_password_wrong", field="current")
    with ctx.db.transaction() as tx:
        user = tx.session.get(User, actor.user_id)
        user.password_hash = hash_password(new)  # type: ignore[union-attr]
        tx.session.add(user)
        revoke_tokens(tx.session, actor.user_id)
        tx.session.flush()
        return session_user_view(tx.session, user)


def accept_invitation(ctx: Context, token: str, password: str) -> dict:
    """Set the password from an invitation link, which then stops working."""
    with ctx.db.transaction() as tx:
        user = invited_by_token(tx.session, token)
        check_new_password(password, user.email)
        user.password_hash = hash_password(password)
        user.invitation_hash = None
        user.invitation_expires_at = None
        user.active = True
        tx.session.add(user)
        revoke_tokens(tx.session, user.id)
        tx.session.flush()
        return session_user_view(tx.session, user)


def end_sessions(ctx: Context, user_id: int) -> None:
    """Sign a user out everywhere: every session and "stay signed in" cookie issued before stops working."""
    with ctx.db.transaction() as tx:
        tx.session.execute(update(User).where(User.id == user_id).values(session_epoch=User.session_epoch + 1))


def new_token(ctx: Context, actor: Actor, name: str, days: int = TOKEN_DAYS) -> str:
    """Create an API token for the actor, valid `days` days; shown once."""
    expires_at = token_expiry(days)
    with ctx.db.transaction() as tx:
        return create_token(tx.session, actor.user_id, name, expires_at)


def revoke_token(ctx: Context, actor: Actor, token_id: int) -> None:
    """Revoke one of the actor's tokens; a revoked token is refused at once."""
    with ctx.db.transaction() as tx:
        token = tx.session.get(ApiToken, token_id)
        if token is None or token.user_id != actor.user_id:
            raise NotFound("accounts.token_not_found", id=token_id)
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            tx.session.add(token)


ORGANISATION_KINDS = ("municipality", "care_facility", "hospital", "fab_lab", "sewing_workshop", "coordination",
                      "individual", "other")


EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def save_organisation(ctx: Context, actor: Actor, *, name: str, kind: str, commune: str = "",
                      departement: str = "", territory: list[str] | None = None,
                      organisation_id: int | None = None, open_data: bool = True) -> dict:
    """Create an organisation, or change one; names are unique. `open_data`: its requests may show commune by
    commune in the open data (otherwise only among enough others who asked the same, as a private person's)."""
    actor.require("admin")
    name = text_field(name, "name", 200)
    one_of(kind, ORGANISATION_KINDS, "kind")
    departement = departement.strip().upper()
    codes = [code.strip().upper() for code in (territory or []) if code.strip()]
    for code in ([departement] if departement else []) + codes:
        if not DEPARTEMENT.match(code):
            raise InvalidInput("accounts.departement_invalid",
                               field="departement" if code == departement else "territory", code=code)
    with ctx.db.transaction() as tx:
        s = tx.session
        same_name = s.exec(select(Organisation).where(Organisation.name == name)).first()
        if same_name is not None and same_name.id != organisation_id:
            raise Conflict("accounts.organisation_exists", field="name", name=name)
        organisation = Organisation(name=name, kind=kind) if organisation_id is None \
            else s.get(Organisation, organisation_id)
        if organisation is None:
            raise NotFound("accounts.organisation_not_found", id=organisation_id)
        organisation.name, organisation.kind = name, kind
        organisation.commune, organisation.departement = text_field(commune, "commune", 120, False), departement
        organisation.territory, organisation.open_data = codes, open_data
        s.add(organisation)
        s.flush()
        return {"id": organisation.id, "name": organisation.name}


def invite_user(ctx: Context, actor: Actor, *, email: str, name: str, role: str, organisation_id: int) -> dict:
    """Create an account and its one-time link to choose a password (e-mailed, and shown to the admin to hand over)."""
    actor.require("admin")
    email = checked_email(email)
    name = text_field(name, "name", 200)
    one_of(role, ROLES, "role")
    with ctx.db.transaction() as tx:
        s = tx.session
        if s.get(Organisation, organisation_id) is None:
            raise InvalidInput("accounts.organisation_unknown", field="organisation_id", id=organisation_id)
        if s.exec(select(User).where(User.email == email)).first() is not None:
            raise Conflict("accounts.user_exists", field="email", email=email)
        user = User(email=email, name=name, role=role, organisation_id=organisation_id)
        s.add(user)
        s.flush()
        token = open_invitation(s, user)
        record(ctx, tx, AccountLinkOpened(user.id, "invitation", seal(ctx, token)))
        return {"user_id": user.id, "email": email, "token": token}


def checked_email(email: str) -> str:
    """An e-mail address trimmed and in lower case, or refused."""
    email = text_field(email, "email", 254).lower()
    if not EMAIL.match(email):
        raise InvalidInput("accounts.email_invalid", field="email")
    return email


def create_admin(ctx: Context, *, email: str, name: str, password: str, organisation: str) -> dict:
    """Create an administrator, and their coordination organisation when none has that name yet.

    No actor: this is how a region gets its first administrator, from the command line of a server
    whose user already holds the database.
    """
    email, name = checked_email(email), text_field(name, "name", 200)
    organisation = text_field(organisation, "organisation", 200)
    check_new_password(password, email)
    with ctx.db.transaction() as tx:
        s = tx.session
        if s.exec(select(User).where(User.email == email)).first() is not None:
            raise Conflict("accounts.user_exists", field="email", email=email)
        found = s.exec(select(Organisation).where(Organisation.name == organisation)).first()
        home = found or Organisation(name=organisation, kind="coordination")
        s.add(home)
        s.flush()
        user = User(email=email, name=name, role="admin", organisation_id=home.id,
                    password_hash=hash_password(password))
        s.add(user)
        s.flush()
        return {"user_id": user.id, "email": email, "organisation_id": home.id, "organisation": home.name,
                "organisation_created": found is None}


def reset_password(ctx: Context, actor: Actor, user_id: int) -> dict:
    """Replace a user's password by a fresh one-time link; their sessions end."""
    actor.require("admin")
    with ctx.db.transaction() as tx:
        user = tx.session.get(User, user_id)
        if user is None:
            raise NotFound("accounts.user_not_found", id=user_id)
        token = open_invitation(tx.session, user)
        record(ctx, tx, AccountLinkOpened(user.id, "reset", seal(ctx, token)))
        return {"user_id": user.id, "email": user.email, "token": token}


LOCALES = ("fr", "en")


def set_locale(ctx: Context, actor: Actor, locale: str) -> None:
    """The language a user reads MakerNet in, kept on the account: pages once signed in, notices and e-mails."""
    if locale not in LOCALES:
        raise InvalidInput("accounts.locale_unknown", field="locale", value=locale)
    with ctx.db.transaction() as tx:
        tx.session.execute(update(User).where(User.id == actor.user_id).values(locale=locale))


def set_user_active(ctx: Context, actor: Actor, user_id: int, active: bool) -> None:
    """Deactivate (or reactivate) an account; an admin cannot lock themselves out."""
    actor.require("admin")
    if user_id == actor.user_id and not active:
        raise Conflict("accounts.cannot_deactivate_self")
    with ctx.db.transaction() as tx:
        user = tx.session.get(User, user_id)
        if user is None:
            raise NotFound("accounts.user_not_found", id=user_id)
        user.active = active
        tx.session.add(user)
