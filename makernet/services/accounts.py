"""Who is acting: users, API tokens and the actor every use case checks."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlmodel import select
from werkzeug.security import check_password_hash, generate_password_hash

from makernet.errors import Forbidden, InvalidInput, Unauthorized
from makernet.models import ApiToken, Organisation, User
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
