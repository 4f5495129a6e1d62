"""Opening hours as rows a page can print (lun. 09:00–19:00)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

DAYS = (("mon", _l("lundi")), ("tue", _l("mardi")), ("wed", _l("mercredi")), ("thu", _l("jeudi")),
        ("fri", _l("vendredi")), ("sat", _l("samedi")), ("sun", _l("dimanche")))


def opening_rows(hours: dict) -> list[tuple[str, str]]:
    """Each day of the week with its opening spans, or 'fermé'."""
    rows = []
    for key, name in DAYS:
        spans = hours.get(key) or []
        rows.append((str(name), ", ".join(f"{start}–{end}" for start, end in spans) or str(_l("fermé"))))
    return rows
