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


def _plain(text: str | list | tuple) -> str | tuple:
    """A message's id or translation, a plural entry's forms as a tuple (the catalogues hold them as lists too)."""
    return text if isinstance(text, str) else tuple(text)


def _french_strings() -> set[str]:
    found: set[str] = set()
    for folder, pattern, method in ((ROOT / "makernet" / "web", "**.py", "python"),
                                    (ROOT / "makernet" / "messages", "**.py", "python"),
                                    (ROOT / "templates", "**.html", "jinja2")):
        for _file, _line, message, _comments, _context in extract_from_dir(
                str(folder), [(pattern, method)], keywords={"_": None, "_l": None, "gettext": None,
                                                                "ngettext": (1, 2)}):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_french_string_of_the_pages_has_an_english_translation() -> None:
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in _source() if m.id and m.string}
    missing = sorted(_french_strings() - translated)
    assert not missing, f"translate these in {CATALOGUE / 'messages.po'} (see makernet/translations/README.md): {missing}"


def test_the_compiled_catalogue_matches_its_source() -> None:
    source = {_plain(m.id): _plain(m.string) for m in _source() if m.id}
    compiled = {_plain(m.id): _plain(m.string) for m in read_mo(io.BytesIO((CATALOGUE / "messages.mo").read_bytes()))
                if m.id}
    assert compiled == source, "run: pybabel compile -d makernet/translations -l en"


def test_translations_keep_their_placeholders() -> None:
    for message in _source():
        if message.id and message.string:   # a plural entry holds its forms as a tuple
            ids, strings = (x if isinstance(x, str) else " ".join(x) for x in (message.id, message.string))
            assert set(re.findall(r"%\(\w+\)s", ids)) == set(re.findall(r"%\(\w+\)s", strings)), message.id
