"""The planner's explanations: each sentence's code and its French (kept in domain.explanations, where the
planner says it), looked up in the Babel catalogue for the reader's language."""
from __future__ import annotations

from flask_babel import lazy_gettext

from makernet.domain.explanations import SENTENCES

MESSAGES = {code: lazy_gettext(text) for code, text in SENTENCES.items()}  # msgids marked N_ where they are written
