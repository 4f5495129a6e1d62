"""CSV import of places, machines and opening stock: every bad row reported, all rows or none written."""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlmodel import Session, select

from makernet.errors import InvalidInput
from makernet.models import Item, Machine, Material, Organisation, Place
from makernet.services.access import Actor, sees_organisation, sees_place
from makernet.services.context import Context
from makernet.services.exchange.inputs import RowError, decimal_cell, flag_cell, integer_cell, text_cell
from makernet.services.fields import DEPARTEMENT
from makernet.services.printer_io import in_printer_networks
from makernet.services.secrets import seal
from makernet.services.stock.operations import record_receipt
from printers.base import AddressRefused, host_address
from printers.registry import MANUAL, driver_info, host_drivers
from makernet.services.exchange.views import ImportReport

MAX_ROWS = 5000
PRODUCER_KINDS = ("fab_lab", "sewing_workshop", "other")
MACHINE_KINDS = ("fdm_printer", "laser_cutter", "sewing_station", "assembly_bench")
# what is wrong with a header: (columns missing, columns unknown) -> refusal
HEADER_PROBLEMS = {(True, True): "import.columns_wrong", (True, False): "import.columns_missing",
                   (False, True): "import.columns_unknown", (False, False): "import.empty_file"}
# French headers people type in a spreadsheet, and the API's names they stand for
ALIASES = {"nom": "name", "lieu": "place", "département": "departement", "type": "organisation_kind",
           "personnes": "staff_available", "lot_max": "batch_limit", "valeur_horaire_eur": "hourly_value_eur",
           "articles": "accepted_items", "acceptation_auto": "auto_accept", "type_machine": "kind",
           "profil": "printer_profile", "matière": "material", "matiere": "material", "quantité": "quantity",
           "cout_eur": "cost_eur", "coût_eur": "cost_eur", "motif": "reason", "vide_seul": "clears_itself",
           "hote": "host", "hôte": "host", "adresse": "url"}
# the host software a spreadsheet may name, as fab-labs call it, and the driver it means
HOSTS = {"octoprint": "octoprint", "moonraker": "moonraker", "klipper": "moonraker", "prusalink": "prusalink"}


def row_problem(line: int, code: str, /, **params: object) -> dict:
    """One problem of the file: its line (the header is line 1), code and parameters."""
    return {"line": line, "code": code, "params": params} if params else {"line": line, "code": code}


@dataclass
class Sheet:
    """One kind of CSV: its columns and how to check and write a row."""

    required: tuple[str, ...]
    optional: tuple[str, ...]
    check: Callable[[Session, Actor, dict, "Seen"], object]
    write: Callable[[Session, Actor, object], None]


@dataclass
class Seen:
    """Keys met earlier in the same file, to refuse duplicates, and what was looked up before the transaction."""

    keys: set = field(default_factory=set)
    unreachable: frozenset[str] = frozenset()   # printer addresses outside the printer networks

    def once(self, key: object, code: str, /, **params: object) -> None:
        """Refuse a key met on an earlier row, with the refusal `code` that names it."""
        if key in self.keys:
            raise RowError(code, **params)
        self.keys.add(key)


def decode(data: bytes) -> str:
    """The text of an uploaded CSV: UTF-8 (with or without BOM), else Windows-1252 as old spreadsheets save it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def import_csv(ctx: Context, actor: Actor, kind: str, data: bytes | str, dry_run: bool = True) -> ImportReport:
    """Check every row; unless it is a dry run and if no row is bad, write them all in one transaction."""
    actor.require("coordinator", *(() if kind == "places" else ("operator",)))
    sheet = SHEETS.get(kind)
    if sheet is None:
        raise InvalidInput("exchange.import_unknown", field="kind", value=kind, allowed=list(SHEETS))
    text = decode(data) if isinstance(data, bytes) else data
    rows, errors = _read(text, sheet)
    seen = Seen(unreachable=_outside_networks(ctx, rows) if kind == "machines" else frozenset())
    with ctx.db.transaction() as tx:
        plans = []
        for line, row in rows:
            try:
                plans.append(sheet.check(tx.session, actor, row, seen))
            except RowError as error:
                errors.append(row_problem(line, error.code, **error.params))
        errors.sort(key=lambda e: e["line"])
        write = not dry_run and not errors and bool(plans)
        if write:
            for plan in plans:
                sheet.write(tx.session, actor, _sealed(ctx, plan))
        else:
            tx.session.rollback()
    total = len(rows) + sum(1 for e in errors if e["line"] > 1 and e["line"] not in {line for line, _ in rows})
    return {"kind": kind, "dry_run": dry_run, "rows": total, "valid": len(plans), "errors": errors,
            "imported": len(plans) if write else 0}


def _read(text: str, sheet: Sheet) -> tuple[list[tuple[int, dict]], list[dict]]:
    """Rows with their line numbers (the header is line 1), or the header's problems."""
    if "\x00" in text:   # no database keeps one in a text: the file is refused at its first
        return [], [row_problem(text[:text.index("\x00")].count("\n") + 1, "import.nul_character")]
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in next(reader, [])]
    except csv.Error as error:
        return [], [row_problem(1, "import.unreadable", problem=str(error))]
    missing = [c for c in sheet.required if c not in header]
    unknown = [c for c in header if c and c not in sheet.required + sheet.optional]
    if missing or unknown or not header:
        named = {key: columns for key, columns in (("missing", missing), ("unknown", unknown)) if columns}
        return [], [row_problem(1, HEADER_PROBLEMS[bool(missing), bool(unknown)], **named,
                                expected=list(sheet.required + sheet.optional))]
    rows, errors = [], []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                errors.append(row_problem(reader.line_num, "import.field_count", fields=len(values),
                                          header=len(header)))
                continue
            rows.append((reader.line_num, {k: v.strip() for k, v in zip(header, values) if k}))
            if len(rows) > MAX_ROWS:
                raise InvalidInput("exchange.too_many_rows", field="file", most=MAX_ROWS)
    except csv.Error as error:
        errors.append(row_problem(reader.line_num, "import.unreadable", problem=str(error)))
    return rows, errors


def _outside_networks(ctx: Context, rows: list[tuple[int, dict]]) -> frozenset[str]:
    """The file's printer addresses this installation may not reach: names resolved now, before any
    transaction opens, by the rule onboarding follows."""
    addresses = set()
    for _line, row in rows:
        try:
            addresses.add(host_address(_address_cell(row)))
        except AddressRefused:
            pass   # the row's check says what is wrong with its address
    return frozenset(a for a in addresses if not in_printer_networks(a, ctx.settings.printer_networks))


def _address_cell(row: dict) -> str:
    """A machine's host address: the `url` column, or `octoprint_url` of spreadsheets made before other hosts."""
    return row.get("url") or row.get("octoprint_url", "")


def _place_named(s: Session, actor: Actor, name: str) -> Place:
    """The one place of that name the actor may equip or stock."""
    found = [p for p in s.exec(select(Place).where(Place.name == name)).all()
             if sees_place(actor, p)]
    if not found:
        raise RowError("import.place_unknown", name=name)
    if len(found) > 1:
        raise RowError("import.place_ambiguous", name=name)
    return found[0]


def _check_place(s: Session, actor: Actor, row: dict, seen: Seen) -> dict:
    """A new place (and its organisation if new) within the coordinator's territory."""
    if actor.role not in ("coordinator", "admin"):
        raise RowError("import.places_for_coordinators")
    name, dep = text_cell(row, "name", 200), text_cell(row, "departement", 3).upper()
    if not DEPARTEMENT.match(dep):
        raise RowError("import.departement_invalid", departement=dep)
    if not actor.sees_departement(dep):
        raise RowError("import.departement_outside", departement=dep)
    if s.exec(select(Place.id).where(Place.name == name)).first():
        raise RowError("import.place_exists", name=name)
    org_name = text_cell(row, "organisation", 200, required=False) or name
    org_kind = row.get("organisation_kind", "") or "fab_lab"
    org = s.exec(select(Organisation).where(Organisation.name == org_name)).first()
    if org is not None and not sees_organisation(s, actor, org):
        raise RowError("import.organisation_outside", name=org_name)
    if org_kind not in PRODUCER_KINDS or (org is not None and org.kind not in PRODUCER_KINDS):
        raise RowError("import.organisation_kind", name=org_name, allowed=list(PRODUCER_KINDS))
    codes = [c for c in re.split(r"[|,\s]+", row.get("accepted_items", "")) if c]
    items = {i.code: i.id for i in s.exec(select(Item).where(Item.code.in_(codes))).all()}  # type: ignore[attr-defined]
    if set(codes) - set(items):
        raise RowError("import.items_unknown", codes=sorted(set(codes) - set(items)))
    hourly = decimal_cell(row, "hourly_value_eur", 0, 10_000)
    lat, lon = decimal_cell(row, "latitude", -90, 90), decimal_cell(row, "longitude", -180, 180)
    plan = {"organisation": org_name, "organisation_kind": org_kind, "name": name, "departement": dep,
            "commune": text_cell(row, "commune", 120, required=False),
            "latitude": None if lat is None else float(lat), "longitude": None if lon is None else float(lon),
            "staff_available": integer_cell(row, "staff_available", 1, 1),
            "batch_limit": integer_cell(row, "batch_limit", 1),
            "hourly_value_cents": int((hourly or 0) * 100), "accepted_item_ids": [items[c] for c in codes],
            "auto_accept": flag_cell(row, "auto_accept")}
    seen.once(name.lower(), "import.place_twice", name=name)   # only rows that are right otherwise count as taken
    return plan


def _write_place(s: Session, actor: Actor, plan: dict) -> None:
    org = s.exec(select(Organisation).where(Organisation.name == plan["organisation"])).first()
    if org is None:
        org = Organisation(name=plan["organisation"], kind=plan["organisation_kind"], commune=plan["commune"],
                           departement=plan["departement"], latitude=plan["latitude"], longitude=plan["longitude"])
        s.add(org)
        s.flush()
    fields = {k: v for k, v in plan.items() if k not in ("organisation", "organisation_kind")}
    s.add(Place(organisation_id=org.id, **fields))
    s.flush()


def _check_machine(s: Session, actor: Actor, row: dict, seen: Seen) -> dict:
    """A machine of a place the actor may equip."""
    place = _place_named(s, actor, text_cell(row, "place", 200))
    name, kind = text_cell(row, "name", 120), text_cell(row, "kind", 20)
    if kind not in MACHINE_KINDS:
        raise RowError("import.machine_kind", allowed=list(MACHINE_KINDS))
    if s.exec(select(Machine.id).where(Machine.place_id == place.id, Machine.name == name)).first():
        raise RowError("import.machine_exists", place=place.name, name=name)
    url = text_cell(row, "url" if row.get("url") else "octoprint_url", 300, required=False)
    host = text_cell(row, "host", 20, required=False).lower()
    if host and HOSTS.get(host) not in host_drivers() or host and not url:
        raise RowError("import.host_unknown" if url else "import.host_without_url", allowed=sorted(HOSTS))
    if url:
        try:   # the driver reaches its host at a bare address only: no path, query or credentials
            url = host_address(url)
        except AddressRefused as refused:
            raise RowError("import.url_not_bare" if refused.beyond_host else "import.url_scheme") from None
    if url and kind != "fdm_printer":
        raise RowError("import.url_not_printer")
    if url in seen.unreachable:
        raise RowError("import.address_not_allowed", host=urlsplit(url).hostname)
    key = text_cell(row, "api_key", 300, required=False)
    if key and place.site_worker:   # its own worker keeps its printers' keys: none is written here
        raise RowError("import.key_at_place", place=place.name)
    # a printer at an address is OctoPrint's unless the spreadsheet names its host
    plan = {"place_id": place.id, "name": name, "kind": kind, "driver": HOSTS[host or "octoprint"] if url else MANUAL,
            "printer_profile": text_cell(row, "printer_profile", 60, required=False) or None,
            "host": url.rstrip("/") or None, "driver_settings": {"api_key": key} if key else {},
            "clears_itself": flag_cell(row, "clears_itself")}
    seen.once((place.id, name.lower()), "import.machine_twice", name=name, place=place.name)
    return plan


def _sealed(ctx: Context, plan: dict) -> dict:
    """A row's plan with its secret driver settings (a printer's key) sealed before it is written."""
    if not plan.get("driver_settings"):
        return plan
    secret = driver_info(plan["driver"]).secret_settings
    return plan | {"driver_settings": {k: seal(ctx, v) if k in secret else v for k, v in plan["driver_settings"].items()}}


def _write_machine(s: Session, actor: Actor, plan: dict) -> None:
    s.add(Machine(**plan))
    s.flush()


def _check_stock(s: Session, actor: Actor, row: dict, seen: Seen) -> dict:
    """Opening stock of one material at a place."""
    place = _place_named(s, actor, text_cell(row, "place", 200))
    code = text_cell(row, "material", 40)
    material = s.exec(select(Material).where(Material.code == code)).first()
    if material is None:
        raise RowError("import.material_unknown", code=code)
    cost = decimal_cell(row, "cost_eur", 0, 1_000_000)
    plan = {"place_id": place.id, "material_id": material.id, "quantity": integer_cell(row, "quantity", 1, required=True),
            "cost_cents": None if cost is None else int(cost * 100),
            "reason": text_cell(row, "reason", 500, required=False) or "stock d'ouverture (import)"}
    seen.once((place.id, material.id), "import.stock_twice", code=code, place=place.name)
    return plan


def _write_stock(s: Session, actor: Actor, plan: dict) -> None:
    record_receipt(s, plan["place_id"], plan["material_id"], plan["quantity"], plan["reason"], actor.user_id,
                   plan["cost_cents"])


SHEETS = {
    "places": Sheet(("name", "departement"), ("organisation", "organisation_kind", "commune", "latitude", "longitude",
                                              "staff_available", "batch_limit", "hourly_value_eur", "accepted_items",
                                              "auto_accept"), _check_place, _write_place),
    "machines": Sheet(("place", "name", "kind"), ("printer_profile", "host", "url", "octoprint_url", "api_key",
                                                   "clears_itself"),
                      _check_machine, _write_machine),
    "stock": Sheet(("place", "material", "quantity"), ("cost_eur", "reason"), _check_stock, _write_stock),
}
