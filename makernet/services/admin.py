"""What an admin runs: organisations, users and the catalogue (items, designs, BOM, plates)."""
from __future__ import annotations

import re

from sqlalchemy import func
from sqlmodel import Session, select

from makernet.errors import Conflict, InvalidInput, NotFound
from makernet.models import BomLine, DesignVersion, Item, Material, Organisation, PlateLayout, User
from makernet.services.accounts import ROLES, Actor, open_invitation
from makernet.services.context import Context

ORGANISATION_KINDS = ("municipality", "care_facility", "hospital", "fab_lab", "sewing_workshop", "coordination",
                      "other")
ITEM_KINDS = ("printed", "sewn", "laser_cut", "assembled")
UNITS = ("g", "piece", "cm")
DEPARTEMENT = re.compile(r"^(\d{2}|2A|2B|97\d)$")
CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_GCODE = 10 * 1024 * 1024


def _text(value: str, field: str, limit: int, required: bool = True) -> str:
    """A trimmed text field, refused when blank (if required) or too long."""
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(f"The field {field} is required.", field=field)
    if len(value) > limit:
        raise InvalidInput(f"The field {field} takes at most {limit} characters.", field=field)
    return value


def _one_of(value: str, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise InvalidInput(f"Unknown {field} {value!r}; use one of: {', '.join(allowed)}.", field=field)
    return value


def list_organisations(ctx: Context, actor: Actor) -> list[dict]:
    """Every organisation with how many users it has."""
    actor.require("admin")
    with ctx.db.reading() as s:
        counts = dict(s.exec(select(User.organisation_id, func.count(User.id)).group_by(User.organisation_id)).all())
        return [{"id": o.id, "name": o.name, "kind": o.kind, "commune": o.commune, "departement": o.departement,
                 "territory": list(o.territory or ()), "users": int(counts.get(o.id, 0))}
                for o in s.exec(select(Organisation).order_by(Organisation.name)).all()]


def save_organisation(ctx: Context, actor: Actor, *, name: str, kind: str, commune: str = "",
                      departement: str = "", territory: list[str] | None = None,
                      organisation_id: int | None = None) -> dict:
    """Create an organisation, or change one; names are unique."""
    actor.require("admin")
    name = _text(name, "name", 200)
    _one_of(kind, ORGANISATION_KINDS, "kind")
    departement = departement.strip().upper()
    codes = [code.strip().upper() for code in (territory or []) if code.strip()]
    for code in ([departement] if departement else []) + codes:
        if not DEPARTEMENT.match(code):
            raise InvalidInput(f"{code!r} is not a département number.",
                               field="departement" if code == departement else "territory")
    with ctx.db.transaction() as tx:
        s = tx.session
        same_name = s.exec(select(Organisation).where(Organisation.name == name)).first()
        if same_name is not None and same_name.id != organisation_id:
            raise Conflict(f"An organisation named {name!r} already exists.", field="name")
        organisation = Organisation(name=name, kind=kind) if organisation_id is None \
            else s.get(Organisation, organisation_id)
        if organisation is None:
            raise NotFound(f"Organisation {organisation_id} not found.")
        organisation.name, organisation.kind = name, kind
        organisation.commune, organisation.departement = _text(commune, "commune", 120, False), departement
        organisation.territory = codes
        s.add(organisation)
        s.flush()
        return {"id": organisation.id, "name": organisation.name}


def list_users(ctx: Context, actor: Actor) -> list[dict]:
    """Every user with their organisation and whether an invitation is pending."""
    actor.require("admin")
    with ctx.db.reading() as s:
        rows = s.exec(select(User, Organisation).join(Organisation, Organisation.id == User.organisation_id)
                      .order_by(Organisation.name, User.name)).all()
        return [{"id": u.id, "email": u.email, "name": u.name, "role": u.role, "active": u.active,
                 "organisation_id": o.id, "organisation_name": o.name,
                 "invitation_pending": u.invitation_hash is not None} for u, o in rows]


def invite_user(ctx: Context, actor: Actor, *, email: str, name: str, role: str, organisation_id: int) -> dict:
    """Create an account and its one-time link to choose a password (handed over by the admin)."""
    actor.require("admin")
    email = _text(email, "email", 254).lower()
    if not EMAIL.match(email):
        raise InvalidInput("This is not an e-mail address.", field="email")
    name = _text(name, "name", 200)
    _one_of(role, ROLES, "role")
    with ctx.db.transaction() as tx:
        s = tx.session
        if s.get(Organisation, organisation_id) is None:
            raise InvalidInput(f"Unknown organisation {organisation_id}.", field="organisation_id")
        if s.exec(select(User).where(User.email == email)).first() is not None:
            raise Conflict(f"A user with the e-mail address {email} already exists.", field="email")
        user = User(email=email, name=name, role=role, organisation_id=organisation_id)
        s.add(user)
        s.flush()
        token = open_invitation(s, user)
        return {"user_id": user.id, "email": email, "token": token}


def reset_password(ctx: Context, actor: Actor, user_id: int) -> dict:
    """Replace a user's password by a fresh one-time link; their sessions end."""
    actor.require("admin")
    with ctx.db.transaction() as tx:
        user = tx.session.get(User, user_id)
        if user is None:
            raise NotFound(f"User {user_id} not found.")
        return {"user_id": user.id, "email": user.email, "token": open_invitation(tx.session, user)}


def set_user_active(ctx: Context, actor: Actor, user_id: int, active: bool) -> None:
    """Deactivate (or reactivate) an account; an admin cannot lock themselves out."""
    actor.require("admin")
    if user_id == actor.user_id and not active:
        raise Conflict("You cannot deactivate your own account.")
    with ctx.db.transaction() as tx:
        user = tx.session.get(User, user_id)
        if user is None:
            raise NotFound(f"User {user_id} not found.")
        user.active = active
        tx.session.add(user)


def catalogue(ctx: Context, actor: Actor) -> dict:
    """Items (active or not) with design versions, BOM lines and plate layouts, and materials."""
    actor.require("admin")
    with ctx.db.reading() as s:
        materials = s.exec(select(Material).order_by(Material.code)).all()
        names = {m.id: m for m in materials}
        items = []
        for item in s.exec(select(Item).order_by(Item.code)).all():
            designs = s.exec(select(DesignVersion).where(DesignVersion.item_id == item.id)
                             .order_by(DesignVersion.id)).all()  # type: ignore[arg-type]
            items.append({"id": item.id, "code": item.code, "name": item.name, "kind": item.kind,
                          "active": item.active, "designs": [_design(s, d, names) for d in designs]})
        return {"items": items, "materials": [{"id": m.id, "code": m.code, "name": m.name, "unit": m.unit,
                                               "low_stock_threshold": m.low_stock_threshold} for m in materials]}


def _design(s: Session, design: DesignVersion, materials: dict[int, Material]) -> dict:
    bom = s.exec(select(BomLine).where(BomLine.design_version_id == design.id)).all()
    plates = s.exec(select(PlateLayout).where(PlateLayout.design_version_id == design.id)
                    .order_by(PlateLayout.printer_profile)).all()
    return {"id": design.id, "label": design.label, "validated": design.validated,
            "validated_for": list(design.validated_for or ()), "notes": design.notes,
            "bom": [{"material_id": b.material_id, "material": materials[b.material_id].name,
                     "unit": materials[b.material_id].unit, "quantity": b.quantity} for b in bom],
            "plates": [{"id": p.id, "printer_profile": p.printer_profile, "units_per_plate": p.units_per_plate,
                        "print_minutes": p.print_minutes, "gcode_bytes": len(p.gcode.encode())} for p in plates]}


def create_item(ctx: Context, actor: Actor, *, code: str, name: str, kind: str) -> dict:
    """Add an item requesters can ask for."""
    actor.require("admin")
    code = _code(code)
    name = _text(name, "name", 120)
    _one_of(kind, ITEM_KINDS, "kind")
    with ctx.db.transaction() as tx:
        if tx.session.exec(select(Item).where(Item.code == code)).first() is not None:
            raise Conflict(f"An item with the code {code!r} already exists.", field="code")
        item = Item(code=code, name=name, kind=kind)
        tx.session.add(item)
        tx.session.flush()
        return {"id": item.id, "code": code}


def _code(code: str, field: str = "code") -> str:
    """A short identifier: lower-case letters, digits and dashes."""
    code = (code or "").strip().lower()
    if not CODE.match(code):
        raise InvalidInput("A code is 1 to 40 lower-case letters, digits or dashes.", field=field)
    return code


def set_item_active(ctx: Context, actor: Actor, item_id: int, active: bool) -> None:
    """Offer an item to requesters, or withdraw it (existing requests keep it)."""
    actor.require("admin")
    with ctx.db.transaction() as tx:
        item = tx.session.get(Item, item_id)
        if item is None:
            raise NotFound(f"Item {item_id} not found.")
        item.active = active
        tx.session.add(item)


def create_material(ctx: Context, actor: Actor, *, code: str, name: str, unit: str,
                    low_stock_threshold: int = 0) -> dict:
    """Add a material that bills of materials and the stock ledger count."""
    actor.require("admin")
    code, name = _code(code), _text(name, "name", 120)
    _one_of(unit, UNITS, "unit")
    if low_stock_threshold < 0:
        raise InvalidInput("The alert threshold cannot be negative.", field="low_stock_threshold")
    with ctx.db.transaction() as tx:
        if tx.session.exec(select(Material).where(Material.code == code)).first() is not None:
            raise Conflict(f"A material with the code {code!r} already exists.", field="code")
        material = Material(code=code, name=name, unit=unit, low_stock_threshold=low_stock_threshold)
        tx.session.add(material)
        tx.session.flush()
        return {"id": material.id, "code": code}


def add_design_version(ctx: Context, actor: Actor, item_id: int, *, label: str, validated: bool = False,
                       validated_for: list[str] | None = None, notes: str = "") -> dict:
    """Record a new revision of an item's design."""
    actor.require("admin")
    label = _text(label, "label", 40)
    kinds = [_one_of(kind, ORGANISATION_KINDS, "validated_for") for kind in (validated_for or [])]
    with ctx.db.transaction() as tx:
        s = tx.session
        if s.get(Item, item_id) is None:
            raise NotFound(f"Item {item_id} not found.")
        if s.exec(select(DesignVersion).where(DesignVersion.item_id == item_id,
                                              DesignVersion.label == label)).first() is not None:
            raise Conflict(f"This item already has a design version {label!r}.", field="label")
        design = DesignVersion(item_id=item_id, label=label, validated=validated, validated_for=kinds,
                               notes=_text(notes, "notes", 1000, False))
        s.add(design)
        s.flush()
        return {"id": design.id, "label": label}


def set_design_validated(ctx: Context, actor: Actor, design_id: int, validated: bool) -> None:
    """Validate a design version for production, or withdraw its validation."""
    actor.require("admin")
    with ctx.db.transaction() as tx:
        design = tx.session.get(DesignVersion, design_id)
        if design is None:
            raise NotFound(f"Design version {design_id} not found.")
        design.validated = validated
        tx.session.add(design)


def set_bom_line(ctx: Context, actor: Actor, design_id: int, material_id: int, quantity: int) -> None:
    """Set how much of a material one unit takes; zero removes the line."""
    actor.require("admin")
    if quantity < 0 or quantity > 1_000_000:
        raise InvalidInput("The quantity per unit must be between 0 and 1,000,000.", field="quantity")
    with ctx.db.transaction() as tx:
        s = tx.session
        if s.get(DesignVersion, design_id) is None:
            raise NotFound(f"Design version {design_id} not found.")
        if s.get(Material, material_id) is None:
            raise InvalidInput(f"Unknown material {material_id}.", field="material_id")
        line = s.exec(select(BomLine).where(BomLine.design_version_id == design_id,
                                            BomLine.material_id == material_id)).first()
        if quantity == 0:
            if line is not None:
                s.delete(line)
            return
        line = line or BomLine(design_version_id=design_id, material_id=material_id, quantity=quantity)
        line.quantity = quantity
        s.add(line)


def set_plate_layout(ctx: Context, actor: Actor, design_id: int, *, printer_profile: str, units_per_plate: int,
                     print_minutes: int, gcode: bytes) -> dict:
    """Store the plate of a design for one printer profile, with its G-code (replacing an older one)."""
    actor.require("admin")
    profile = _code(printer_profile, "printer_profile")
    if not 1 <= units_per_plate <= 1000:
        raise InvalidInput("A plate holds 1 to 1000 units.", field="units_per_plate")
    if not 1 <= print_minutes <= 10_000:
        raise InvalidInput("A plate prints in 1 to 10,000 minutes.", field="print_minutes")
    text = _gcode_text(gcode)
    with ctx.db.transaction() as tx:
        s = tx.session
        if s.get(DesignVersion, design_id) is None:
            raise NotFound(f"Design version {design_id} not found.")
        plate = s.exec(select(PlateLayout).where(PlateLayout.design_version_id == design_id,
                                                 PlateLayout.printer_profile == profile)).first()
        plate = plate or PlateLayout(design_version_id=design_id, printer_profile=profile,
                                     units_per_plate=units_per_plate, print_minutes=print_minutes)
        plate.units_per_plate, plate.print_minutes, plate.gcode = units_per_plate, print_minutes, text
        s.add(plate)
        s.flush()
        return {"id": plate.id, "printer_profile": profile, "gcode_bytes": len(gcode)}


def _gcode_text(gcode: bytes) -> str:
    """G-code as text: plain ASCII/UTF-8 lines with at least one move or command."""
    if not gcode or len(gcode) > MAX_GCODE:
        raise InvalidInput("Give a G-code file of at most 10 MB.", field="gcode")
    try:
        text = gcode.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput("This file is not text G-code (binary G-code is not supported).", field="gcode") from None
    if not re.search(r"^\s*[GMT]\d+", text, re.MULTILINE):
        raise InvalidInput("This file has no G-code command (G…, M… or T… lines).", field="gcode")
    return text
