"""Rules on what a request may contain."""
from __future__ import annotations

from datetime import date

MAX_QUANTITY = 1_000_000
MAX_LINES = 50
PRIORITIES = ("care_staff", "emergency_services", "vulnerable", "normal")


def check_quantity(quantity: int) -> str | None:
    """Why a line quantity is unacceptable, or None."""
    if quantity <= 0:
        return "The quantity must be at least 1."
    if quantity > MAX_QUANTITY:
        return f"The quantity may not exceed {MAX_QUANTITY:,}.".replace(",", " ")
    return None


def check_needed_by(needed_by: date, today: date) -> str | None:
    """Why a needed-by date is unacceptable, or None."""
    if needed_by < today:
        return "The needed-by date is in the past."
    return None


def priority_rank(priority: str) -> int:
    """Lower ranks are served first: care staff before everyone else."""
    return PRIORITIES.index(priority) if priority in PRIORITIES else len(PRIORITIES)
