"""The catalogue as it is read: items with their designs, materials and plate layouts."""
from __future__ import annotations

from sqlmodel import Session, select

from makernet.models import BomLine, DesignVersion, Item, Material, PlateLayout
from makernet.services.access import Actor
from makernet.services.context import Context
from makernet.services.catalogue.views import ItemView


def admin_catalogue(ctx: Context, actor: Actor) -> dict:
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
                     "unit": materials[b.material_id].unit, "quantity": b.quantity,
                     "good_units_only": b.good_units_only} for b in bom],
            "plates": [{"id": p.id, "printer_profile": p.printer_profile, "units_per_plate": p.units_per_plate,
                        "print_minutes": p.print_minutes, "gcode_bytes": len(p.gcode.encode())} for p in plates]}


def list_items(ctx: Context) -> list[ItemView]:
    """Active items with their design versions and bills of materials."""
    with ctx.db.reading() as s:
        items = s.exec(select(Item).where(Item.active == True).order_by(Item.code)).all()  # noqa: E712
        materials = {m.id: m for m in s.exec(select(Material)).all()}
        result = []
        for item in items:
            designs = s.exec(select(DesignVersion).where(DesignVersion.item_id == item.id)
                             .order_by(DesignVersion.id)).all()  # type: ignore[arg-type]
            result.append({"id": item.id, "code": item.code, "name": item.name, "kind": item.kind,
                           "design_versions": [_design_view(s, d, materials) for d in designs]})
        return result


def _design_view(s: object, design: DesignVersion, materials: dict[int, Material]) -> dict:
    bom = s.exec(select(BomLine).where(BomLine.design_version_id == design.id)).all()  # type: ignore[attr-defined]
    return {"id": design.id, "label": design.label, "validated": design.validated,
            "validated_for": design.validated_for,
            "bill_of_materials": [{"material_id": b.material_id, "material_code": materials[b.material_id].code,
                                   "quantity": b.quantity, "unit": materials[b.material_id].unit,
                                   "good_units_only": b.good_units_only} for b in bom]}
