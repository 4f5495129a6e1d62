"""Checks of plain text fields shared by the admin forms: trimmed, required, bounded, one of a list."""
from __future__ import annotations

import re

from makernet.errors import InvalidInput

DEPARTEMENT = re.compile(r"^(\d{2}|2A|2B|97\d)$")
MAX_ID = 2**31 - 1   # the largest row id PostgreSQL's integer keys hold: ids beyond it are of no row


def text_field(value: str, field: str, limit: int, required: bool = True) -> str:
    """A trimmed text field, refused when blank (if required) or too long."""
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput("fields.required", field=field, name=field)
    if len(value) > limit:
        raise InvalidInput("fields.too_long", field=field, name=field, limit=limit)
    return value


def one_of(value: str, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise InvalidInput("fields.not_one_of", field=field, name=field, value=value, allowed=list(allowed))
    return value
