"""Checks of plain text fields shared by the admin forms: trimmed, required, bounded, one of a list."""
from __future__ import annotations

import re

from makernet.errors import InvalidInput

DEPARTEMENT = re.compile(r"^(\d{2}|2A|2B|97\d)$")


def text_field(value: str, field: str, limit: int, required: bool = True) -> str:
    """A trimmed text field, refused when blank (if required) or too long."""
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(f"The field {field} is required.", field=field)
    if len(value) > limit:
        raise InvalidInput(f"The field {field} takes at most {limit} characters.", field=field)
    return value


def one_of(value: str, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise InvalidInput(f"Unknown {field} {value!r}; use one of: {', '.join(allowed)}.", field=field)
    return value
