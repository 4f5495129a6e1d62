"""The shapes of what reports read: late or at-risk request lines and why."""
from __future__ import annotations

from typing import Annotated, Literal, NotRequired

from pydantic import Field

from makernet.services.shapes import Day, Id, TypedDict


class LateReason(TypedDict):
    """One reason a line is late or at risk, as a code with its values (pages word it)."""

    code: Annotated[Literal["overdue", "not_approved", "unallocated", "awaiting_answer", "to_make", "planned_late",
                            "to_ship", "on_the_way"], Field(description="what holds the line back")]
    days: NotRequired[Annotated[int, Field(description="overdue: days past the date needed")]]
    units: NotRequired[Annotated[int, Field(description="the units concerned")]]
    place: NotRequired[Annotated[str, Field(description="the place concerned")]]
    ready_by: NotRequired[Annotated[Day, Field(description="planned_late: when the place expects them ready")]]


class LateLine(TypedDict):
    """A request line overdue or due soon that still misses units."""

    request_id: Annotated[Id, Field(description="the request")]
    request_line_id: Annotated[Id, Field(description="the line")]
    organisation: Annotated[str, Field(description="the requesting organisation's name")]
    item: Annotated[str, Field(description="the item's name")]
    needed_by: Annotated[Day, Field(description="the day the units are needed")]
    days_left: Annotated[int, Field(description="days until then (negative: overdue)")]
    quantity: Annotated[int, Field(description="units asked for")]
    units_received: Annotated[int, Field(description="units received")]
    reasons: Annotated[list[LateReason], Field(description="why, in order")]
