"""Opening hours as rows a page can print (lun. 09:00–19:00), and as people type them (09:00-12:00, 14:00-18:00)."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

DAYS = (("mon", _l("lundi")), ("tue", _l("mardi")), ("wed", _l("mercredi")), ("thu", _l("jeudi")),
        ("fri", _l("vendredi")), ("sat", _l("samedi")), ("sun", _l("dimanche")))
SPAN = re.compile(r"^(\d{1,2})(?:[:hH](\d{2})?)?\s*[-–à]\s*(\d{1,2})(?:[:hH](\d{2})?)?$")


def opening_rows(hours: dict) -> list[tuple[str, str]]:
    """Each day of the week with its opening spans, or 'fermé'."""
    rows = []
    for key, name in DAYS:
        spans = hours.get(key) or []
        rows.append((str(name), ", ".join(f"{start}–{end}" for start, end in spans) or str(_l("fermé"))))
    return rows


def spans_text(spans: list) -> str:
    """A day's spans as they are typed back: 09:00-12:00, 14:00-18:00."""
    return ", ".join(f"{start}-{end}" for start, end in spans or [])


def parse_spans(text: str) -> list[list[str]]:
    """A day's spans from what was typed (09:00-12:00, 14h-18h30); blank is closed. ValueError says what is wrong."""
    spans = []
    for part in filter(None, (p.strip() for p in re.split(r"[,;/]| et ", text or ""))):
        found = SPAN.match(part)
        if found is None:
            raise ValueError(str(_l("« %(part)s » : écrivez les horaires comme 09:00-12:00, 14:00-18:00.", part=part)))
        start_h, start_m, end_h, end_m = found.groups()
        start, end = f"{int(start_h):02d}:{start_m or '00'}", f"{int(end_h):02d}:{end_m or '00'}"
        if int(start_h) > 24 or int(end_h) > 24 or int(start_m or 0) > 59 or int(end_m or 0) > 59:
            raise ValueError(str(_l("« %(part)s » : heure impossible.", part=part)))
        spans.append([start, end])
    return spans
