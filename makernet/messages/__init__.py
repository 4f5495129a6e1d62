"""Every refusal's wording, in one place: its code, its French sentence (the source language) and, through
the Babel catalogue (makernet/translations), its English.

Services raise `MakerNetError(code, **params)`; entry points call `render_error` to say it in the
caller's language: the current Babel locale, French outside a request. Figures and dates are written
as that language writes them (10 000 / 10,000); identifiers (`id`, `*_id`, `line`) stay as they are.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from flask_babel import get_locale

from makernet.domain.explanations import words_of
from makernet.errors import MakerNetError
from makernet.messages import (
    accounts,
    api,
    backups,
    catalogue,
    deliveries,
    demand,
    documents,
    exchange,
    explanations,
    fleet,
    notices,
    places,
    planning,
    production,
    stock,
    territory,
)
from makernet.messages.words import WORDS, Plural

log = logging.getLogger(__name__)
SOURCE_LOCALE = "fr"
AREAS = (accounts, api, backups, catalogue, deliveries, demand, documents, exchange, explanations, fleet, notices,
         places, planning, production, stock, territory)
MESSAGES = {code: text for area in AREAS for code, text in area.MESSAGES.items()}
IDENTIFIERS = ("id", "ids", "line")  # and every `*_id`: numbers people quote, never grouped by thousands


class _Values(dict):
    """A sentence's values; a placeholder without one shows an ellipsis rather than failing."""

    def __missing__(self, key: str) -> str:
        return "…"


def render(code: str, params: Mapping[str, object] | None = None) -> str:
    """The sentence of a code in the current language, its parameters written in; an unknown code as it is."""
    text = MESSAGES.get(code)
    if text is None:
        log.warning("no message for the code %s", code)
        return code
    area, locale = code.split(".", 1)[0], current_locale()
    values = _Values({name: _parameter(area, name, value, locale) for name, value in (params or {}).items()})
    return (text.agreeing(params or {}) if isinstance(text, Plural) else str(text)) % values


def _parameter(area: str, name: str, value: object, locale: str) -> str:
    """A parameter as its sentence shows it: identifiers as they are, product words in the language."""
    if name in IDENTIFIERS or name.endswith("_id"):
        return ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
    if (words := words_of(value)) is not None:   # a part said in words of its own, as JSON keeps them
        return render_words(words)
    if name.endswith(("_day", "_days")):   # a date near at hand: its day and month
        days = value if isinstance(value, (list, tuple)) else [value]
        return ", ".join(_day_and_month(day, locale) for day in days)
    return written(value, locale, WORDS.get((area, name)))


def render_words(words: Iterable[Sequence], fallback: str = "") -> str:
    """Words ((code, values) parts, as domain.explanations makes them and JSON keeps them) as one text in the
    current language; `fallback` (text stored before words were) when there are none."""
    said = " ".join(render(code, values) for code, values in words or ())
    return said or fallback


def _day_and_month(day: object, locale: str) -> str:
    """A date (or its ISO 8601 text, as JSON keeps it) as the language writes a day and month: 19/03, Mar 19."""
    try:
        value = day if isinstance(day, date) else date.fromisoformat(str(day))
    except ValueError:
        return str(day)
    return format_date(value, "dd/MM" if locale.startswith("fr") else "MMM d", locale=locale)


def render_error(error: MakerNetError) -> str:
    """A refusal in the current language."""
    return render(error.code, error.params)


def printer_detail(detail: str) -> str:
    """A printer's state detail as pages show it: a code (a usual failure, a step of its key) in the current
    language, anything else as the printer's host said it."""
    return render(detail) if detail in MESSAGES else detail


def printer_reason(detail: str) -> str:
    """A printer's state detail when it is one of MakerNet's codes (a usual failure, a step of its key), in the
    current language; nothing for the host's own words, which pages keep out of sight (a badge's title)."""
    return render(detail) if detail in MESSAGES else ""


def plate_outcome(outcome: str) -> str:
    """Why a plate failed, in the current language; anything else as it was written."""
    for pattern, words in production.PLATE_OUTCOMES:
        if found := pattern.fullmatch(outcome):
            return str(words) % found.groupdict()
    return outcome


def with_reasons(problems: list[dict]) -> list[dict]:
    """An import's problems (line, code, params), each with its `reason` in the current language."""
    return [problem | {"reason": render(problem["code"], problem.get("params"))} for problem in problems]


def first_of_month(text: str, locale: object) -> str:
    """A date as written, where French writes the first of a month "1er" (1er décembre 2026, 1er déc.)."""
    if str(locale).startswith("fr") and text.startswith("1 "):
        return "1er " + text[2:]
    return text


def current_locale() -> str:
    """The language of the request being answered (French outside a request)."""
    return str(get_locale() or SOURCE_LOCALE)


def written(value: object, locale: str, words: Mapping[str, object] | None = None) -> str:
    """One value as a sentence shows it: a product word in the language, figures and dates as the locale
    writes them, a list joined by commas."""
    if words is not None and isinstance(value, str):
        return str(words.get(value, value))
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(written(item, locale, words) for item in value)
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, date)):
        return str(value)
    if isinstance(value, datetime):
        return first_of_month(format_datetime(value, "medium", locale=locale), locale)
    if isinstance(value, date):
        return first_of_month(format_date(value, "long", locale=locale), locale)
    return format_decimal(value, locale=locale)


def plain(params: Mapping[str, object]) -> dict:
    """Parameters as JSON carries them: dates as ISO 8601, tuples and sets as lists, decimals as numbers."""
    return {name: _plain(value) for name, value in params.items()}


def _plain(value: object) -> object:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(item) for item in value]
    return float(value) if isinstance(value, Decimal) else value
