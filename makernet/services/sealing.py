"""Sealing secrets at rest, with a key derived from a secret: the pure part, which a place's worker shares.

The sealing key comes from the secret through HKDF-SHA256 with its own salt and purpose, so it is
independent of the key Flask signs sessions with: knowing one tells nothing of the other. Values sealed
by earlier versions (`sealed:` then a SHA-256 of the secret) still open. This module needs only
`cryptography`: the central server seals printer keys in its database with it
(`makernet.services.secrets`), a place's own worker the keys it keeps on its machine
(`makernet.services.place_keys`).
"""
from __future__ import annotations

import base64
import hashlib
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "sealed:"          # every sealed value starts so
CURRENT = "sealed:v2:"      # sealed with the HKDF-derived key
SALT = b"makernet sealing key v2"   # fixed: the same secret must give the same key on every host
PURPOSE = b"makernet printer keys"


def sealing_key(secret: str) -> bytes:
    """The Fernet key that seals printer keys, derived from the installation's secret for that use only."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=SALT, info=PURPOSE).derive(secret.encode())
    return base64.urlsafe_b64encode(derived)


def _first_key(secret: str) -> bytes:
    """How keys were sealed before 0011: a plain hash of the secret, kept to read them."""
    return base64.urlsafe_b64encode(hashlib.sha256(b"makernet printer keys\0" + secret.encode()).digest())


def is_sealed(stored: object) -> bool:
    """Whether a stored setting is sealed (any format)."""
    return isinstance(stored, str) and stored.startswith(PREFIX)


def seal_with(secret: str, plain: str | None) -> str | None:
    """A key sealed the current way under `secret`."""
    if not plain:
        return plain
    return CURRENT + Fernet(sealing_key(secret)).encrypt(plain.encode()).decode()


def open_with(secret: str, stored: str) -> str | None:
    """The key inside a sealed value, or None when `secret` does not open it."""
    current = stored.startswith(CURRENT)
    body = stored[len(CURRENT):] if current else stored[len(PREFIX):]
    try:
        return Fernet(sealing_key(secret) if current else _first_key(secret)).decrypt(body.encode()).decode()
    except (InvalidToken, ValueError):
        return None


def instance_secret(instance_dir: Path) -> str:
    """A secret generated on first start and kept in the instance folder (mode 0600).

    Written to a temporary file and renamed, so processes starting together never read it half-written.
    """
    path = instance_dir / "secret_key"
    if not path.exists():
        draft = instance_dir / f".secret_key.{os.getpid()}"
        draft.write_text(secrets.token_hex(32))
        draft.chmod(0o600)
        os.replace(draft, path) if not path.exists() else draft.unlink()
    return path.read_text().strip()
