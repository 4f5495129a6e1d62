"""French number, money and date formats as printed documents show them."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"   # keeps "1 234,50 €" on one line; the narrow one is missing from the PDF base fonts
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")


def number(value: float | int | Decimal, decimals: int = 0) -> str:
    """1234.5 -> "1 234,5" with `decimals` digits, grouped by thousands."""
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    groups = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    text = NBSP.join([whole, *groups])
    return sign + text + ("," + fraction if decimals else "")


def euros(cents: float | int | Decimal) -> str:
    """An amount in cents -> "1 234,50 €"."""
    return number(Decimal(str(cents)) / 100, 2) + NBSP + "€"


def long_date(day: date) -> str:
    """date(2026, 11, 21) -> "21 novembre 2026" (the first of the month is "1er")."""
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


def short_date(day: date) -> str:
    """date(2026, 11, 21) -> "21/11/2026"."""
    return day.strftime("%d/%m/%Y")


def percent(part: float, whole: float) -> str:
    """Share of a whole -> "67 %"; a dash when the whole is nothing."""
    if not whole:
        return "–"
    return number(100 * part / whole) + NBSP + "%"


def printable(text: str) -> str:
    """Text the PDF base fonts can draw: characters outside Windows-1252 become close equivalents or "?"."""
    text = text.replace("→", "->").replace("\u202f", NBSP).replace("≥", ">=").replace("≤", "<=")
    return text.encode("cp1252", errors="replace").decode("cp1252")
