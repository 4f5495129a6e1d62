"""The English catalogue covers every French string of the pages and of the catalogue of messages, and its
compiled file is up to date."""
from __future__ import annotations

import io
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "makernet" / "translations" / "en" / "LC_MESSAGES"


def _source() -> list:
    """The English catalogue's entries."""
    return list(read_po(io.BytesIO((CATALOGUE / "messages.po").read_bytes())))


def _french_strings() -> set[str]:
    found: set[str] = set()
    for folder, pattern, method in ((ROOT / "makernet" / "web", "**.py", "python"),
                                    (ROOT / "makernet" / "messages", "**.py", "python"),
                                    (ROOT / "makernet" / "domain", "explanations.py", "python"),
                                    (ROOT / "makernet" / "documents", "**.py", "python"),
                                    (ROOT / "makernet" / "services" / "documents", "**.py", "python"),
                                    (ROOT / "templates", "**.html", "jinja2")):
        for _file, _line, message, _comments, _context in extract_from_dir(
                str(folder), [(pattern, method)],
                keywords={"_": None, "_l": None, "N_": None, "gettext": None, "ngettext": (1, 2), "Plural": (1, 2)}):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_french_string_of_the_pages_has_an_english_translation() -> None:
    translated = {_key(m.id)[0] for m in _source() if m.id and all(_key(m.string))}
    missing = sorted(_french_strings() - translated)
    assert not missing, f"translate these in {CATALOGUE / 'messages.po'} (see makernet/translations/README.md): {missing}"


def test_the_template_holds_every_french_string_and_no_other() -> None:
    template = {m.id if isinstance(m.id, str) else m.id[0]
                for m in read_po(io.BytesIO((CATALOGUE.parents[1] / "messages.pot").read_bytes())) if m.id}
    assert template == _french_strings(), "extract messages.pot again (see makernet/translations/README.md)"


def test_the_compiled_catalogue_matches_its_source() -> None:
    source = {_key(m.id): _key(m.string) for m in _source() if m.id}
    compiled = {_key(m.id): _key(m.string) for m in read_mo(io.BytesIO((CATALOGUE / "messages.mo").read_bytes()))
                if m.id}
    assert compiled == source, "run: pybabel compile -d makernet/translations -l en"


def test_translations_keep_their_placeholders() -> None:
    for message in _source():
        if message.id and message.string:   # a plural's forms all name the same values
            names = {frozenset(re.findall(r"%\(\w+\)s", text)) for text in _key(message.id) + _key(message.string)}
            assert len(names) == 1, message.id


def _key(text: str | tuple | list) -> tuple[str, ...]:
    """A catalogue's text as a tuple: (the text,), or a plural's forms."""
    return (text,) if isinstance(text, str) else tuple(text)
