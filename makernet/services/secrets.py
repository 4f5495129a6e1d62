"""Printer API keys are sealed at rest with a key derived from the installation's secret.

The sealing key comes from the secret through HKDF-SHA256 with its own salt and purpose, so it is
independent of the key Flask signs sessions with: knowing one tells nothing of the other. Keys sealed
by earlier versions (`sealed:` then a SHA-256 of the secret) still open; the upgrade to 0011 and
`makernet secrets rotate` re-seal them the current way (`sealed:v2:`).
"""
from __future__ import annotations

import base64
import hashlib
import logging

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlmodel import select

from makernet.errors import Conflict, InvalidInput
from makernet.models import Machine
from makernet.services.context import Context
from printers.base import PrinterError
from printers.registry import driver_info

log = logging.getLogger(__name__)
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


def seal(ctx: Context, plain: str | None) -> str | None:
    """What is stored for a key: never the key itself."""
    return seal_with(ctx.secret, plain)


def reveal(ctx: Context, stored: str | None) -> str | None:
    """The key, for the message that takes it to a printer.

    A value without the sealed prefix comes back as it is: every driver setting passes through here,
    and the non-secret ones (an address, a name) are stored in clear. Secret ones are sealed on every
    way in (onboarding, CSV import, demo) and by the 0011 upgrade for those imported before.
    """
    if not is_sealed(stored):
        return stored
    plain = open_with(ctx.secret, stored)  # type: ignore[arg-type]
    if plain is None:
        raise Conflict("fleet.key_unreadable")
    return plain


def rotate(ctx: Context, old_secret: str) -> dict:
    """Re-seal every printer key from `old_secret` to the installation's current secret, all or nothing.

    A key that already opens with the current secret (a printer connected since the secret changed)
    is counted, not refused; a key that opens with neither refuses the whole rotation. Secret
    settings found in clear are sealed on the way. No actor: an administrator runs it on the server.
    """
    if not old_secret.strip():
        raise InvalidInput("secrets.old_secret_missing")
    if old_secret == ctx.secret:
        raise Conflict("secrets.same_secret")
    counts = {"resealed": 0, "already_current": 0, "sealed_from_clear": 0, "machines": 0}
    with ctx.db.transaction() as tx:
        machines = tx.session.exec(select(Machine).order_by(Machine.id).with_for_update()).all()
        for machine in machines:
            settings = dict(machine.driver_settings or {})
            changed = False
            for name, value in settings.items():
                plain = _plain_for_rotation(ctx, machine, name, value, old_secret, counts)
                if plain is not None:
                    settings[name], changed = seal_with(ctx.secret, plain), True
            if changed:
                counts["machines"] += 1
                machine.driver_settings = settings
                tx.session.add(machine)
    log.info("printer keys re-sealed under the new secret: %s", counts)
    return counts


def _plain_for_rotation(ctx: Context, machine: Machine, name: str, value: object, old_secret: str,
                        counts: dict) -> str | None:
    """The key to seal again under the current secret, or None when this setting stays as it is."""
    if is_sealed(value):
        plain = open_with(old_secret, value)  # type: ignore[arg-type]
        if plain is not None:
            counts["resealed"] += 1
            return plain
        plain = open_with(ctx.secret, value)  # type: ignore[arg-type]
        if plain is None:
            raise Conflict("secrets.old_secret_wrong", machine_id=machine.id)
        counts["already_current"] += 1
        return None if value.startswith(CURRENT) else plain  # type: ignore[union-attr]
    if isinstance(value, str) and value and name in _secret_settings(machine.driver):
        counts["sealed_from_clear"] += 1
        return value
    return None


def _secret_settings(driver: str) -> tuple[str, ...]:
    """The settings a driver keeps secret; a driver this version no longer knows keeps its key secret."""
    try:
        return driver_info(driver).secret_settings
    except PrinterError:
        return ("api_key",)
