"""Printer API keys are sealed at rest with a key derived from the installation's secret."""
from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken

from makernet.errors import Conflict
from makernet.services.context import Context

PREFIX = "sealed:"


def _fernet(ctx: Context) -> Fernet:
    """The cipher of this installation."""
    digest = hashlib.sha256(b"makernet printer keys\0" + ctx.secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(ctx: Context, plain: str | None) -> str | None:
    """What is stored for a key: never the key itself."""
    if not plain:
        return plain
    return PREFIX + _fernet(ctx).encrypt(plain.encode()).decode()


def reveal(ctx: Context, stored: str | None) -> str | None:
    """The key, for the message that takes it to a printer."""
    if not stored or not stored.startswith(PREFIX):
        return stored
    try:
        return _fernet(ctx).decrypt(stored[len(PREFIX):].encode()).decode()
    except InvalidToken:
        raise Conflict("fleet.key_unreadable") from None
