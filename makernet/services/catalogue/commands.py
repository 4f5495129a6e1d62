"""The catalogue as admins change it: items, materials, design versions, bills of materials, plates."""
from __future__ import annotations

import re

from sqlmodel import select

from makernet.errors import Conflict, InvalidInput, NotFound
from makernet.models import BomLine, DesignVersion, Item, Material, PlateLayout
from makernet.services.access import Actor
from makernet.services.accounts.commands import ORGANISATION_KINDS
from makernet.services.context import Context
from makernet.services.fields import one_of, text_field

ITEM_KINDS = ("printed", "sewn", "laser_cut", "assembled")


UNITS = ("g", "piece", "cm")


CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


MAX_GCODE = 10 * 1024 * 1024


def create_item(ctx: Context, actor: Actor, *, code: str, name: str, kind: str) -> dict:
    """Add an item requesters can ask for."""
    actor.require("admin")
    code = _code(code)
    name = text_field(name, "name", 120)
    one_of(kind, ITEM_KINDS, "kind")
    with ctx.db.transaction() as tx:
        if tx.session.exec(select(Item).where(Item.code == code)).first() is not None:
            raise Conflict("catalogue.item_code_taken", field="code", code=code)
        item = Item(code=code, name=name, kind=kind)
        tx.session.add(item)
        tx.session.flush()
        return {"id": item.id, "code": code}


def _code(code: str, field: str = "code") -> str:
    """A short identifier: lower-case letters, digits and dashes."""
    code = (code or "").strip().lower()
    if not CODE.match(code):
        raise InvalidInput("catalogue.code_invalid", field=field, most=40)
    return code


def set_item_active(ctx: Context, actor: Actor, item_id: int, active: bool) -> None:
    """Offer an item to requesters, or withdraw it (existing requests keep it)."""
    actor.require("admin")
    with ctx.db.transaction() as tx:
        item = tx.session.get(Item, item_id)
        if item is None:
            raise NotFound("catalogue.item_not_found", id=item_id)
        item.active = active
        tx.session.add(item)


def create_material(ctx: Context, actor: Actor, *, code: str, name: str, unit: str,
                    low_stock_threshold: int = 0) -> dict:
    """Add a material that bills of materials and the stock ledger count."""
    actor.require("admin")
    code, name = _code(code), text_field(name, "name", 120)
    one_of(unit, UNITS, "unit")
    if low_stock_threshold < 0:
        raise InvalidInput("catalogue.threshold_negative", field="low_stock_threshold")
    with ctx.db.transaction() as tx:
        if tx.session.exec(select(Material).where(Material.code == code)).first() is not None:
            raise Conflict("catalogue.material_code_taken", field="code", code=code)
        material = Material(code=code, name=name, unit=unit, low_stock_threshold=low_stock_threshold)
        tx.session.add(material)
        tx.session.flush()
        return {"id": material.id, "code": code}


def add_design_version(ctx: Context, actor: Actor, item_id: int, *, label: str, validated: bool = False,
                       validated_for: list[str] | None = None, notes: str = "") -> dict:
    """Record a new revision of an item's design."""
    actor.require("admin")
    label = text_field(label, "label", 40)
    kinds = [one_of(kind, ORGANISATION_KINDS, "validated_for") for kind in (validated_for or [])]
    with ctx.db.transaction() as tx:
        s = tx.session
        if s.get(Item, item_id) is None:
            raise NotFound("catalogue.item_not_found", id=item_id)
        if s.exec(select(DesignVersion).where(DesignVersion.item_id == item_id,
                                              DesignVersion.label == label)).first() is not None:
            raise Conflict("catalogue.design_label_taken", field="label", label=label)
        design = DesignVersion(item_id=item_id, label=label, validated=validated, validated_for=kinds,
                               notes=text_field(notes, "notes", 1000, False))
        s.add(design)
        s.flush()
        return {"id": design.id, "label": label}


def set_design_validated(ctx: Context, actor: Actor, design_id: int, validated: bool) -> None:
    """Validate a design version for production, or withdraw its validation."""
    actor.require("admin")
    with ctx.db.transaction() as tx:
        design = tx.session.get(DesignVersion, design_id)
        if design is None:
            raise NotFound("catalogue.design_not_found", id=design_id)
        design.validated = validated
        tx.session.add(design)


def set_bom_line(ctx: Context, actor: Actor, design_id: int, material_id: int, quantity: int,
                 good_units_only: bool = False) -> None:
    """Set how much of a material one unit takes, and whether it goes to good units only (a reject does not use
    it); zero removes the line."""
    actor.require("admin")
    if quantity < 0 or quantity > 1_000_000:
        raise InvalidInput("catalogue.bom_quantity_out_of_range", field="quantity", most=1_000_000)
    with ctx.db.transaction() as tx:
        s = tx.session
        if s.get(DesignVersion, design_id) is None:
            raise NotFound("catalogue.design_not_found", id=design_id)
        if s.get(Material, material_id) is None:
            raise InvalidInput("catalogue.material_unknown", field="material_id", id=material_id)
        line = s.exec(select(BomLine).where(BomLine.design_version_id == design_id,
                                            BomLine.material_id == material_id)).first()
        if quantity == 0:
            if line is not None:
                s.delete(line)
            return
        line = line or BomLine(design_version_id=design_id, material_id=material_id, quantity=quantity)
        line.quantity, line.good_units_only = quantity, good_units_only
        s.add(line)


def set_plate_layout(ctx: Context, actor: Actor, design_id: int, *, printer_profile: str, units_per_plate: int,
                     print_minutes: int, gcode: bytes) -> dict:
    """Store the plate of a design for one printer profile, with its G-code (replacing an older one)."""
    actor.require("admin")
    profile = _code(printer_profile, "printer_profile")
    if not 1 <= units_per_plate <= 1000:
        raise InvalidInput("catalogue.plate_units_out_of_range", field="units_per_plate", most=1000)
    if not 1 <= print_minutes <= 10_000:
        raise InvalidInput("catalogue.plate_minutes_out_of_range", field="print_minutes", most=10_000)
    text = _gcode_text(gcode)
    with ctx.db.transaction() as tx:
        s = tx.session
        if s.get(DesignVersion, design_id) is None:
            raise NotFound("catalogue.design_not_found", id=design_id)
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
        raise InvalidInput("catalogue.gcode_size", field="gcode", megabytes=MAX_GCODE // 2**20)
    try:
        text = gcode.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput("catalogue.gcode_binary", field="gcode") from None
    if not re.search(r"^\s*[GMT]\d+", text, re.MULTILINE):
        raise InvalidInput("catalogue.gcode_empty", field="gcode")
    return text
