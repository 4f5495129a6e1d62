"""Every refusal raised anywhere in MakerNet has its sentence in the catalogue, in French and English, with the
same placeholders as the values it is raised with; the catalogue holds no sentence nobody raises."""
from __future__ import annotations

import ast
import io
import re
from datetime import UTC, date, datetime
from pathlib import Path

from babel.messages.pofile import read_po
from flask import Flask
from flask_babel import force_locale

from makernet.errors import Conflict, NotFound
from makernet.messages import MESSAGES, render, render_error, written
from makernet.messages.words import Plural
from makernet.web.formatting import day, moment

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "makernet"
ENGLISH = ROOT / "makernet" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
ERRORS = {"MakerNetError", "InvalidInput", "Conflict", "NotFound", "Forbidden", "Unauthorized", "Throttled",
          "RowError", "BodyError"}
# other calls that take a code, and where: (name of the callable, index of the code among its arguments)
TAKE_A_CODE = {**{name: 0 for name in ERRORS}, "row_problem": 1, "once": 1, "_reason": 1, "render": 0, "refusal": 0}
CODE = re.compile(r"^[a-z]+(_[a-z]+)*(\.[a-z]+(_[a-z]+)*)+$")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _files() -> list[Path]:
    """The project's modules that may raise, the catalogue itself aside."""
    return [p for p in SOURCE.rglob("*.py") if "messages" not in p.relative_to(SOURCE).parts[:1]
            and "migrations" not in p.parts]


def _callee(call: ast.Call) -> str | None:
    return call.func.id if isinstance(call.func, ast.Name) else \
        call.func.attr if isinstance(call.func, ast.Attribute) else None


def _constants(node: ast.expr) -> list[str]:
    """The codes an argument can be: a string, or either branch of `a if test else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _constants(node.body) + _constants(node.orelse)
    return []


def raise_sites() -> list[tuple[str, str, set[str] | None]]:
    """(where, code, the names of its values, or None when they are passed as **values) of every call that
    takes a code with the code written out."""
    found = []
    for path in _files():
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or _callee(node) not in TAKE_A_CODE:
                continue
            index = TAKE_A_CODE[_callee(node)]
            if len(node.args) <= index:
                continue
            spread = any(k.arg is None for k in node.keywords) or _callee(node) in ("render", "refusal", "_reason")
            names = None if spread else {k.arg for k in node.keywords if k.arg != "field"}
            for code in _constants(node.args[index]):
                found.append((f"{path.relative_to(ROOT)}:{node.lineno}", code, names))
    return found


def codes_written() -> set[str]:
    """Every string of the code beside the pages and tables that is spelt like a code of the catalogue's areas:
    a code kept in a table or returned by a domain rule counts as much as one raised. (Pages name endpoints
    and tables name columns the same way; their raises are seen by `raise_sites`.)"""
    areas = {code.split(".")[0] for code in MESSAGES}
    found = set()
    for path in _files():
        if path.relative_to(SOURCE).parts[0] in ("web", "models"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.match(node.value) \
                    and node.value.split(".")[0] in areas:
                found.add(node.value)
    return found


def english() -> dict[str, str]:
    """The English catalogue: French msgid to English msgstr; a plural's French singular and plural to its
    English singular and plural."""
    found = {}
    for m in read_po(io.BytesIO(ENGLISH.read_bytes())):
        if m.id:
            found.update(zip(m.id, m.string) if isinstance(m.id, tuple) else [(m.id, m.string)])
    return found


def test_every_code_raised_in_makernet_has_a_sentence_in_the_catalogue() -> None:
    sites = raise_sites()
    assert len(sites) > 200  # the collector sees the raise sites (it would pass vacuously otherwise)
    unknown = [(where, code) for where, code, _names in sites if code not in MESSAGES]
    assert not unknown, f"add these codes to makernet/messages: {unknown}"


def test_codes_kept_in_tables_and_domain_rules_are_in_the_catalogue_too() -> None:
    written_codes = codes_written()
    assert {"stock.not_enough", "demand.needed_by_past", "import.empty_file"} <= written_codes
    unknown = sorted(code for code in written_codes if code not in MESSAGES and not code.startswith("makernet."))
    assert not unknown, f"add these codes to makernet/messages: {unknown}"


def test_every_sentence_of_the_catalogue_is_raised_somewhere() -> None:
    unused = sorted(set(MESSAGES) - codes_written() - {code for _where, code, _names in raise_sites()})
    assert not unused, f"nothing raises these codes; remove them from makernet/messages: {unused}"


def test_each_raise_passes_exactly_the_values_its_sentence_names() -> None:
    for where, code, names in raise_sites():
        if names is not None and code in MESSAGES:
            placeholders = set(PLACEHOLDER.findall(str(MESSAGES[code])))
            assert placeholders == names, f"{where}: {code} names {sorted(placeholders)}, is given {sorted(names)}"


def test_every_sentence_has_its_english_with_the_same_placeholders() -> None:
    translated = english()
    for code, text in MESSAGES.items():
        for french in (text.singular, text.plural) if isinstance(text, Plural) else (str(text),):  # the source
            assert translated.get(french), f"{code}: translate {french!r} in {ENGLISH}"
            assert set(PLACEHOLDER.findall(french)) == set(PLACEHOLDER.findall(translated[french])), code


def test_codes_are_dotted_with_the_area_first() -> None:
    assert len(MESSAGES) > 200
    assert all(CODE.match(code) for code in MESSAGES), [c for c in MESSAGES if not CODE.match(c)]


def test_a_refusal_is_said_in_french_by_default_and_in_english_on_request(app: Flask) -> None:
    error = Conflict("stock.not_enough", field="quantity", level=10000, quantity=12500)
    with app.test_request_context("/api/v1/places/1/stock"):
        assert render_error(error) == "Il n'y en a que 10\u202f000 en stock : impossible d'en sortir 12\u202f500."
    with app.test_request_context("/api/v1/places/1/stock", headers={"Accept-Language": "en-GB,en;q=0.8"}):
        assert render_error(error) == "Only 10,000 in stock; 12,500 cannot be taken out."
    with app.test_request_context("/api/v1/places/1/stock", headers={"Accept-Language": "de"}):
        assert render_error(error).startswith("Il n'y en a que")


def test_statuses_roles_and_dates_are_written_in_the_language(app: Flask) -> None:
    wrong_state = Conflict("request.not_submitted", id=1234, status="approved")
    role = Conflict("access.role_needed", role="requester", roles=["coordinator", "admin"])
    period = Conflict("documents.period_reversed", start=date(2026, 3, 2), end=date(2026, 2, 1))
    with app.test_request_context("/"), force_locale("fr"):
        assert render_error(wrong_state) == ("La demande n° 1234 est « Approuvée » : seule une demande envoyée peut "
                                             "être approuvée.")
        assert render_error(role).endswith("il faut être : coordinateur, administrateur.")
        assert "le 1er février 2026, avant de commencer le 2 mars 2026" in render_error(period)
        assert (day(date(2026, 12, 1)), day(date(2026, 12, 11)), moment(datetime(2026, 12, 1, 9, 30, tzinfo=UTC))) == \
            ("1er déc. 2026", "11 déc. 2026", "1er déc. 2026, 10:30")   # pages too; 09:30 UTC is 10:30 in Paris
    with app.test_request_context("/"), force_locale("en"):
        assert render_error(wrong_state) == "Request 1234 is approved; only a submitted request can be approved."
        assert render_error(role) == "Your role (requester) may not do this; it needs: coordinator, admin."
        assert "ends on February 1, 2026, before it starts on March 2, 2026" in render_error(period)
        assert day(date(2026, 12, 1)) == "Dec 1, 2026"


def test_outside_a_request_the_catalogue_speaks_french() -> None:
    assert render_error(NotFound("request.not_found", id=7)) == "Demande n° 7 introuvable."
    assert written(1500.5, "fr") == "1\u202f500,5" and written(1500.5, "en") == "1,500.5"


def test_an_unknown_code_is_shown_as_it_is_and_a_missing_value_as_an_ellipsis() -> None:
    assert render("demand.no_such_refusal") == "demand.no_such_refusal"
    assert render("request.not_found") == "Demande n° … introuvable."
