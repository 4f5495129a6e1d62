"""Printer API keys are sealed at rest in the database with a key derived from the installation's secret.

How a value is sealed is `makernet.services.sealing`'s. Keys sealed by earlier versions still open; the upgrade to
0011 and `makernet secrets rotate` re-seal them the current way (`sealed:v2:`). Places with their own
worker keep their printers' keys on their own machine (`makernet.services.place_keys`): none is stored here.
"""
from __future__ import annotations

import logging

from sqlmodel import select

from makernet.errors import Conflict, InvalidInput
from makernet.models import Machine
from makernet.services.sealing import CURRENT, PREFIX, is_sealed, open_with, seal_with  # noqa: F401  (what the 0011 upgrade reads)
from makernet.services.context import Context
from printers.base import PrinterError
from printers.registry import driver_info

log = logging.getLogger(__name__)


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
