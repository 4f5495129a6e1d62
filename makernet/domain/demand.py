"""Rules on what a request may contain."""
from __future__ import annotations

from datetime import date

MAX_QUANTITY = 1_000_000
MAX_LINES = 50
PRIORITIES = ("care_staff", "emergency_services", "vulnerable", "normal")


def check_quantity(quantity: int) -> tuple[str, dict[str, int]] | None:
    """Why a line quantity is unacceptable, as a refusal code and its figures, or None."""
    if quantity <= 0:
        return "demand.line_quantity_too_small", {"least": 1}
    if quantity > MAX_QUANTITY:
        return "demand.line_quantity_too_large", {"most": MAX_QUANTITY}
    return None


def check_needed_by(needed_by: date, today: date) -> str | None:
    """Why a needed-by date is unacceptable, as a refusal code, or None: the earliest is tomorrow."""
    if needed_by < today:
        return "demand.needed_by_past"
    if needed_by == today:
        return "demand.needed_by_today"
    return None


def repeated_item(item_ids: list[int]) -> tuple[int, int] | None:
    """The first line that repeats an item of an earlier line, as (its index, the earlier one's index), or None."""
    first: dict[int, int] = {}
    for index, item_id in enumerate(item_ids):
        if item_id in first:
            return index, first[item_id]
        first[item_id] = index
    return None


def priority_rank(priority: str) -> int:
    """Lower ranks are served first: care staff before everyone else."""
    return PRIORITIES.index(priority) if priority in PRIORITIES else len(PRIORITIES)
