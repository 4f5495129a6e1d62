"""printer keys stored in clear (CSV imports before sealing) are sealed; keys sealed the first way move to the
current one (a key derived from the secret by HKDF, independent of the session-signing key)

Sealing needs the installation's secret: `makernet db upgrade` hands it over (MAKERNET_SECRET_KEY, or the
instance folder's secret file, as the app reads it). Without it, an upgrade that meets a key in clear stops
and says so rather than leave the key readable. A key sealed the first way that this secret does not open is
left as it is (it was sealed under another secret; `makernet secrets rotate` deals with that).

Downgrading leaves keys sealed: nothing is written back in clear.

Revision ID: 0011_seal_clear_keys
Revises: 0010_token_expiry, 0008_driver_settings
"""
import json
import logging

import sqlalchemy as sa
from alembic import context

from makernet.services.secrets import CURRENT, is_sealed, open_with, seal_with

revision = "0011_seal_clear_keys"
# also joins the fleet branch: the keys sit in machine.driver_settings from 0008 on
down_revision = ("0010_token_expiry", "0008_driver_settings")
branch_labels = None
depends_on = None

SECRET_SETTINGS = ("api_key",)   # the secret settings of the drivers at this revision (OctoPrint's key)
log = logging.getLogger("alembic.runtime.migration")


def upgrade() -> None:
    secret = context.config.attributes.get("secret")
    machine = sa.table("machine", sa.column("id", sa.Integer), sa.column("driver_settings", sa.JSON))
    connection = context.get_bind()
    rows = connection.execute(sa.select(machine.c.id, machine.c.driver_settings).order_by(machine.c.id)).all()
    in_clear = [row.id for row in rows for name, value in _settings(row).items()
                if name in SECRET_SETTINGS and isinstance(value, str) and value and not is_sealed(value)]
    if in_clear and not secret:
        raise RuntimeError(
            f"0011_seal_clear_keys: the printer keys of machines {', '.join(map(str, in_clear))} are stored in clear "
            "and sealing them needs the installation's secret; run `makernet db upgrade` with MAKERNET_SECRET_KEY "
            "set (or the instance folder holding its secret_key file), or pass secret= to makernet.schema.upgrade")
    if not secret:
        return
    for row in rows:
        settings, changed = _settings(row), False
        for name, value in list(settings.items()):
            if name not in SECRET_SETTINGS or not isinstance(value, str) or not value or value.startswith(CURRENT):
                continue
            plain = open_with(secret, value) if is_sealed(value) else value
            if plain is None:
                log.warning("machine %s: its %s was sealed under another secret; left as it is", row.id, name)
                continue
            settings[name], changed = seal_with(secret, plain), True
        if changed:
            connection.execute(machine.update().where(machine.c.id == row.id).values(driver_settings=settings))


def downgrade() -> None:
    pass


def _settings(row: object) -> dict:
    value = row.driver_settings  # type: ignore[attr-defined]
    return dict(value) if isinstance(value, dict) else json.loads(value or "{}")
