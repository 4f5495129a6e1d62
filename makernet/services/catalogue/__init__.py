"""The catalogue: items, materials, design versions, bills of materials and plate layouts.

The area's front door: the use cases entry points (pages, API, CLI, tasks) call.
"""
from makernet.services.catalogue.commands import (ITEM_KINDS, UNITS, add_design_version, create_item, create_material,
                                                  set_bom_line, set_design_validated, set_item_active, set_plate_layout)
from makernet.services.catalogue.queries import admin_catalogue, list_items
from makernet.services.catalogue.views import BomLineView, DesignVersionView, ItemView

__all__ = ["add_design_version", "admin_catalogue", "BomLineView", "create_item", "create_material",
           "DesignVersionView", "ITEM_KINDS", "ItemView", "list_items", "set_bom_line", "set_design_validated",
           "set_item_active", "set_plate_layout", "UNITS"]
