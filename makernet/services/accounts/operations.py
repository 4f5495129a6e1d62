"""Accounts' steps shared by its use cases and the demo data: how a password is judged and stored."""
from __future__ import annotations

from werkzeug.security import generate_password_hash

from makernet.errors import InvalidInput

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


def hash_password(password: str) -> str:
    """A salted hash for storage."""
    return generate_password_hash(password)


def check_new_password(password: str, email: str = "") -> None:
    """Refuse a password easy to guess: too short, the account's own e-mail, or among the most common ones."""
    if len(password) < MIN_PASSWORD or len(password) > MAX_PASSWORD:
        raise InvalidInput("accounts.password_length", field="password", least=MIN_PASSWORD, most=MAX_PASSWORD)
    folded, email = password.strip().casefold(), email.strip().casefold()
    if email and folded in (email, email.split("@", 1)[0]):
        raise InvalidInput("accounts.password_is_email", field="password")
    if folded in COMMON_PASSWORDS:
        raise InvalidInput("accounts.password_common", field="password")
