"""The shapes of the catalogue as requesters and places read it."""
from __future__ import annotations

from typing import Annotated

from pydantic import Field

from makernet.services.shapes import Id, TypedDict


class BomLineView(TypedDict):
    """Material one finished unit takes."""

    material_id: Annotated[Id, Field(description="the material")]
    material_code: Annotated[str, Field(description="its code", examples=["PETG"])]
    quantity: Annotated[int, Field(description="how much per unit, in the material's unit", examples=[25])]
    unit: Annotated[str, Field(description="the material's unit", examples=["g"])]
    good_units_only: Annotated[bool, Field(description="added to good units only (a visor's sheet and elastic): "
                                                       "a reject does not use it")]


class DesignVersionView(TypedDict):
    """A version of an item's design and its bill of materials."""

    id: Annotated[Id, Field(description="the design version's id")]
    label: Annotated[str, Field(description="its label", examples=["v3"])]
    validated: Annotated[bool, Field(description="validated for use")]
    validated_for: Annotated[list[str], Field(description="the requester kinds it is validated for; empty: all")]
    bill_of_materials: Annotated[list[BomLineView], Field(description="what one unit takes")]


class ItemView(TypedDict):
    """Something a requester can ask for: a visor, a fabric mask, a part."""

    id: Annotated[Id, Field(description="the item's id")]
    code: Annotated[str, Field(description="its code", examples=["visiere"])]
    name: Annotated[str, Field(description="its name", examples=["Visière de protection"])]
    kind: Annotated[str, Field(description="how it is made: printed, sewn, laser_cut, assembled")]
    design_versions: Annotated[list[DesignVersionView], Field(description="its design versions, oldest first")]
