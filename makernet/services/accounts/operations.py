"""Accounts' steps shared by its use cases and the demo data: how a password is judged and stored."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import func, update
from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from makernet.errors import InvalidInput, Unauthorized
from makernet.models import ApiToken, User
from makernet.models.accounts import LoginAttempt
from makernet.models.base import utcnow
from makernet.services.accounts.queries import as_utc

MIN_PASSWORD = 10


MAX_PASSWORD = 200


# The most used passwords long enough to pass the length rule (from the public lists of leaked passwords),
# and the demo's, which everyone who read the README knows. Compared without regard to case.
COMMON_PASSWORDS = frozenset({
    "0123456789", "1234567890", "0987654321", "1111111111", "0000000000", "123456789a", "a123456789",
    "1234567891", "12345678910", "123123123123", "1q2w3e4r5t", "1qaz2wsx3edc", "qwertyuiop", "azertyuiop",
    "qwerty1234", "azerty1234", "qwerty12345", "azerty123456", "password12", "password123", "password1234",
    "passw0rd123", "motdepasse", "motdepasse1", "motdepasse12", "motdepasse123", "iloveyou12", "jetaime123",
    "abcdefghij", "abcd123456", "administrator", "administrateur", "changeme123", "welcome123", "bienvenue1",
    "bienvenue123", "soleil1234", "makernet-demo", "makernet123", "makernet2020",
})


def hash_password(password: str, method: str = "scrypt") -> str:
    """A salted hash for storage: scrypt by default, costly to guess from."""
    return generate_password_hash(password, method=method)


PUBLISHED_PASSWORD_HASH = "pbkdf2:sha256:1000"   # for the demo's password, printed in the README: a costly hash of
                                                 # a password everyone knows protects nothing and slows each sign-in


def check_new_password(password: str, email: str = "") -> None:
    """Refuse a password easy to guess: too short, the account's own e-mail, or among the most common ones."""
    if len(password) < MIN_PASSWORD or len(password) > MAX_PASSWORD:
        raise InvalidInput("accounts.password_length", field="password", least=MIN_PASSWORD, most=MAX_PASSWORD)
    folded, email = password.strip().casefold(), email.strip().casefold()
    if email and folded in (email, email.split("@", 1)[0]):
        raise InvalidInput("accounts.password_is_email", field="password")
    if folded in COMMON_PASSWORDS:
        raise InvalidInput("accounts.password_common", field="password")


def revoke_tokens(s: Session, user_id: int) -> None:
    """A new or reset password revokes every API token of the user: a token must not outlive it."""
    unrevoked = ApiToken.revoked_at.is_(None)  # type: ignore[union-attr]
    s.execute(update(ApiToken).where(ApiToken.user_id == user_id, unrevoked).values(revoked_at=utcnow()))


THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ADDRESS = 30   # one machine trying many passwords or accounts: that machine waits the window out
MAX_FAILURES_PER_EMAIL = 5      # then the account is slowed, never locked: one try per SLOWED_ACCOUNT
SLOWED_ACCOUNT = timedelta(seconds=30)


class Throttled(Unauthorized):
    """Too many failed sign-ins lately: wait before trying again."""

    status = 429


def checked_credentials(s: Session, email: str, password: str, address: str) -> User | None:
    """The active user these credentials are, or None; refused when throttled. Every attempt is kept, and an
    unknown e-mail costs the same time as a wrong password, so timing tells nothing of who has an account."""
    email = email.strip().lower()
    _refuse_when_throttled(s, email, address)
    user = s.exec(select(User).where(User.email == email)).first()
    stored = user.password_hash if user is not None and user.password_hash else _unknown_hash()
    ok = check_password_hash(stored, password) and user is not None and user.active
    s.add(LoginAttempt(email=email[:254], address=address[:45], succeeded=ok))
    s.flush()
    return user if ok else None


@cache
def _unknown_hash() -> str:
    """A hash no password matches, checked for unknown e-mails as long as a real one takes."""
    return generate_password_hash(secrets.token_hex(16))


def _refuse_when_throttled(s: Session, email: str, address: str) -> None:
    """An address that failed too often waits the window out; an account that failed too often (from
    anywhere) takes one try per SLOWED_ACCOUNT, so nobody can lock a chosen user out."""
    now = utcnow()
    if address and _failures(s, LoginAttempt.address == address, now - THROTTLE_WINDOW) >= MAX_FAILURES_PER_ADDRESS:
        raise Throttled("accounts.throttled", minutes=int(THROTTLE_WINDOW.total_seconds() // 60))
    last_success = s.exec(select(func.max(LoginAttempt.at)).where(
        LoginAttempt.email == email, LoginAttempt.succeeded == True)).one()  # noqa: E712
    since = max(now - THROTTLE_WINDOW, as_utc(last_success) if last_success is not None else now - THROTTLE_WINDOW)
    if _failures(s, LoginAttempt.email == email, since) < MAX_FAILURES_PER_EMAIL:
        return
    last_failure = as_utc(s.exec(select(func.max(LoginAttempt.at)).where(
        LoginAttempt.email == email, LoginAttempt.succeeded == False)).one())  # noqa: E712
    wait = last_failure + SLOWED_ACCOUNT - now
    if wait.total_seconds() > 0:
        raise Throttled("accounts.slowed", seconds=max(1, int(wait.total_seconds())))


def _failures(s: Session, which: object, since: datetime) -> int:
    return int(s.exec(select(func.count(LoginAttempt.id)).where(
        which, LoginAttempt.succeeded == False, LoginAttempt.at > since)).one())  # noqa: E712
