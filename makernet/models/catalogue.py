"""Catalogue items, their design versions, bills of materials and plate layouts."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from makernet.models.base import json_column, utcnow


class Material(SQLModel, table=True):
    """Something consumed or assembled: filament, sheet, elastic, fabric."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=120)
    unit: str = Field(max_length=10)   # "g", "piece", "cm"
    low_stock_threshold: int = 0


class Item(SQLModel, table=True):
    """Something a requester can ask for: a visor, a fabric mask, a part."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=120)
    kind: str = Field(max_length=20)   # printed, sewn, laser_cut, assembled
    active: bool = True


class DesignVersion(SQLModel, table=True):
    """One revision of an item's design; only validated ones are produced."""

    __table_args__ = (UniqueConstraint("item_id", "label"),)
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    label: str = Field(max_length=40)
    validated: bool = False
    # requester organisation kinds this version is validated for; empty: all
    validated_for: list[str] = Field(default_factory=list, sa_column=json_column())
    notes: str = Field(default="", max_length=1000)
    created_at: datetime = Field(default_factory=utcnow)


class BomLine(SQLModel, table=True):
    """How much of a material one unit of a design consumes."""

    __table_args__ = (UniqueConstraint("design_version_id", "material_id"),)
    id: int | None = Field(default=None, primary_key=True)
    design_version_id: int = Field(foreign_key="designversion.id", index=True)
    material_id: int = Field(foreign_key="material.id")
    quantity: int = Field(gt=0)       # in the material's unit, per finished unit
    # added only to units that came out good (a visor's sheet and elastic, fitted to a good frame): a reject,
    # or a plate given up, does not use it; False: used while making, by rejects too (the frame's filament)
    good_units_only: bool = False


class PlateLayout(SQLModel, table=True):
    """A print plate of a design for one printer profile: N units, its time and G-code."""

    __table_args__ = (UniqueConstraint("design_version_id", "printer_profile"),)
    id: int | None = Field(default=None, primary_key=True)
    design_version_id: int = Field(foreign_key="designversion.id", index=True)
    printer_profile: str = Field(max_length=60)
    units_per_plate: int = Field(gt=0)
    print_minutes: int = Field(gt=0)
    gcode: str = Field(default="", sa_column=Column(Text, nullable=False))
