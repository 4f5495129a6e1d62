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
                                    (ROOT / "templates", "**.html", "jinja2")):
        for _file, _line, message, _comments, _context in extract_from_dir(
                str(folder), [(pattern, method)], keywords={"_": None, "_l": None, "gettext": None}):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_french_string_of_the_pages_has_an_english_translation() -> None:
    translated = {m.id for m in _source() if m.id and m.string}
    missing = sorted(_french_strings() - translated)
    assert not missing, f"translate these in {CATALOGUE / 'messages.po'} (see makernet/translations/README.md): {missing}"


def test_the_compiled_catalogue_matches_its_source() -> None:
    source = {m.id: m.string for m in _source() if m.id}
    compiled = {m.id: m.string for m in read_mo(io.BytesIO((CATALOGUE / "messages.mo").read_bytes())) if m.id}
    assert compiled == source, "run: pybabel compile -d makernet/translations -l en"


def test_translations_keep_their_placeholders() -> None:
    for message in _source():
        if message.id and message.string:
            assert set(re.findall(r"%\(\w+\)s", message.id)) == set(re.findall(r"%\(\w+\)s", message.string)), message.id
