"""API of the catalogue (/api/v1): items, their design versions and bills of materials."""
from __future__ import annotations

from flask import Blueprint

from makernet.api.endpoints import endpoint
from makernet.services import catalogue
from makernet.services.access import Actor
from makernet.services.context import current_context as ctx
from makernet.services.listing import Rows, Window, page_list
from makernet.services.catalogue import ItemView

bp = Blueprint("catalogue_api", __name__, url_prefix="/api/v1")


@endpoint(bp, "get", "/items", "The catalogue: items, design versions, bills of materials", paged=True)
def list_items(actor: Actor, window: Window) -> Rows[ItemView]:
    return page_list(catalogue.list_items(ctx()), window)
