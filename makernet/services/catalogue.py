"""The catalogue as requesters and coordinators read it."""
from __future__ import annotations

from sqlmodel import select

from makernet.models import BomLine, DesignVersion, Item, Material
from makernet.services.context import Context


def list_items(ctx: Context) -> list[dict]:
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
                                   "quantity": b.quantity, "unit": materials[b.material_id].unit} for b in bom]}
