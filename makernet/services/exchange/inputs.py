"""Reading a spreadsheet's cells: numbers as people type them, oui/non, bounded text; each refusal a coded row error."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

YES, NO = ("oui", "yes", "true", "1", "o", "y", "vrai"), ("non", "no", "false", "0", "n", "faux", "")


class RowError(Exception):
    """What is wrong with one row: a code of the catalogue of messages and its parameters."""

    def __init__(self, code: str, /, **params: object) -> None:
        super().__init__(code)
        self.code, self.params = code, params



MOST = 1_000_000_000   # the largest whole number a cell may hold: counts, stock and limits stay far below


def integer_cell(row: dict, name: str, low: int, default: int | None = None, required: bool = False,
                 high: int = MOST) -> int | None:
    """A whole number between `low` and `high` (spaces between thousands allowed), or the default when empty."""
    raw = row.get(name, "")
    if raw == "":
        if required:
            raise RowError("import.required", column=name)
        return default
    digits = raw.replace(" ", "").replace("\u00a0", "")
    if not re.fullmatch(r"-?\d+", digits):
        raise RowError("import.not_whole_number", column=name, value=raw)
    if len(digits.lstrip("-").lstrip("0")) > len(str(high)):   # far out either way: never parse a thousand digits
        value = -high - 1 if digits.startswith("-") else high + 1
    else:
        value = int(digits)
    if value < low:
        raise RowError("import.too_small", column=name, least=low)
    if value > high:
        raise RowError("import.out_of_range", column=name, least=low, most=high)
    return value


def decimal_cell(row: dict, name: str, low: float, high: float) -> Decimal | None:
    """A number between `low` and `high`, a comma or a point before the decimals, or None when empty."""
    raw = row.get(name, "").replace(" ", "").replace("\u00a0", "").replace(",", ".")
    if raw == "":
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise RowError("import.not_number", column=name, value=row[name]) from None
    if not value.is_finite() or not low <= value <= high:   # NaN and infinities first: they do not compare
        raise RowError("import.out_of_range", column=name, least=low, most=high)
    return value


def flag_cell(row: dict, name: str) -> bool:
    """oui/non (or yes/no, 1/0...) as a boolean."""
    raw = row.get(name, "").lower()
    if raw in YES or raw in NO:
        return raw in YES
    raise RowError("import.not_yes_or_no", column=name, value=row[name])


def text_cell(row: dict, name: str, limit: int, required: bool = True) -> str:
    """A cell's text, required unless told otherwise, at most `limit` characters."""
    value = row.get(name, "")
    if required and not value:
        raise RowError("import.required", column=name)
    if len(value) > limit:
        raise RowError("import.too_long", column=name, limit=limit)
    return value
