"""Numbers, money and dates as printed documents show them, in the reader's language: French (the source, written
by hand so the PDF base fonts keep "1 234,50 €" on one line) or English (as Babel writes them, as the pages do)."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import format_decimal
from flask_babel import get_locale

NBSP = "\u00a0"   # keeps "1 234,50 €" on one line; the narrow one is missing from the PDF base fonts
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")


def english() -> bool:
    """Whether the document is written for a reader who chose English (French outside a request)."""
    locale = get_locale()
    return locale is not None and locale.language == "en"


def number(value: float | int | Decimal, decimals: int = 0) -> str:
    """1234.5 -> "1 234,5" ("1,234.5" in English) with `decimals` digits, grouped by thousands."""
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if english():
        return format_decimal(rounded, format="#,##0" + ("." + "0" * decimals if decimals else ""), locale="en")
    sign = "-" if rounded < 0 else ""
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    groups = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    text = NBSP.join([whole, *groups])
    return sign + text + ("," + fraction if decimals else "")


def euros(cents: float | int | Decimal) -> str:
    """An amount in cents -> "1 234,50 €" ("€1,234.50" in English)."""
    amount = number(Decimal(str(cents)) / 100, 2)
    return "€" + amount if english() else amount + NBSP + "€"


def long_date(day: date) -> str:
    """date(2026, 11, 21) -> "21 novembre 2026" (the first of the month is "1er"; "November 21, 2026" in English)."""
    if english():
        return format_date(day, "long", locale="en")
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


def short_date(day: date) -> str:
    """date(2026, 11, 21) -> "21/11/2026" ("Nov 21, 2026" in English, where 11/21 and 21/11 are both read)."""
    return format_date(day, "medium", locale="en") if english() else day.strftime("%d/%m/%Y")


def day_and_month(day: date) -> str:
    """date(2026, 11, 21) -> "21/11" ("Nov 21" in English): a chart's day."""
    return format_date(day, "MMM d", locale="en") if english() else day.strftime("%d/%m")


def weekday(day: date) -> str:
    """date(2026, 11, 21) -> "samedi" ("Saturday" in English)."""
    return format_date(day, "EEEE", locale="en" if english() else "fr")


def percent(part: float, whole: float) -> str:
    """Share of a whole -> "67 %" ("67%" in English); a dash when the whole is nothing."""
    if not whole:
        return "–"
    return number(100 * part / whole) + ("%" if english() else NBSP + "%")


def printable(text: str) -> str:
    """Text the PDF base fonts can draw: characters outside Windows-1252 become close equivalents or "?"."""
    text = text.replace("→", "->").replace("\u202f", NBSP).replace("≥", ">=").replace("≤", "<=")
    return text.encode("cp1252", errors="replace").decode("cp1252")
