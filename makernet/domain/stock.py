"""Stock arithmetic: what is free, how long it lasts, when to raise an alert, what it costs."""
from __future__ import annotations

from dataclasses import dataclass

RATE_WINDOW_DAYS = 7        # consumption over the last week sets the current rate
ALERT_DAYS = 3.0            # under three days of stock left is an alert, whatever the threshold
MOVEMENT_KINDS = ("receipt", "consumption", "transfer_out", "transfer_in", "adjustment", "scrap")


@dataclass(frozen=True)
class StockState:
    """One material at one place, as the ledger and the accepted work see it."""

    level: int
    reserved: int
    daily_use: float
    days_left: float | None
    alert: str | None       # None, "low" or "out"

    @property
    def available(self) -> int:
        """What is not yet promised to accepted work."""
        return self.level - self.reserved


def daily_rate(consumed: int, window_days: int = RATE_WINDOW_DAYS) -> float:
    """Average use per day over the window (consumption, scrap and transfers out count)."""
    if window_days <= 0:
        raise ValueError("the window must last at least a day")
    return max(consumed, 0) / window_days


def days_of_stock(level: int, rate_per_day: float) -> float | None:
    """Days the level lasts at the current rate; None when nothing is being used."""
    if rate_per_day <= 0:
        return None
    return max(level, 0) / rate_per_day


def alert_for(level: int, reserved: int, threshold: int, days_left: float | None) -> str | None:
    """"out" with nothing free, "low" at or under the threshold or with under ALERT_DAYS left."""
    available = level - reserved
    if level <= 0 or available <= 0:
        return "out"
    if available <= threshold or (days_left is not None and days_left < ALERT_DAYS):
        return "low"
    return None


def stock_state(level: int, reserved: int, consumed_in_window: int, threshold: int) -> StockState:
    """Everything an operator needs to know about one material, from three sums."""
    rate = daily_rate(consumed_in_window)
    days = days_of_stock(level - reserved, rate)
    return StockState(level=level, reserved=reserved, daily_use=round(rate, 2),
                      days_left=None if days is None else round(days, 1),
                      alert=alert_for(level, reserved, threshold, days))


def remaining_units(accepted: int, made: int, rejected: int) -> int:
    """Units of an accepted work order still to be made (rejects consumed material too)."""
    return max(accepted - made - rejected, 0)


def refusal_for_withdrawal(level: int, quantity: int) -> tuple[str, dict[str, int]] | None:
    """Why taking `quantity` out of `level` is refused (stock never goes below zero), as a refusal code and
    its figures, or None."""
    if quantity > level:
        return "stock.not_enough", {"level": max(level, 0), "quantity": quantity}
    return None


def average_unit_cost(total_cost_cents: int, total_quantity: int) -> float | None:
    """Cost of one unit of material from the priced receipts of a place, in cents."""
    if total_quantity <= 0:
        return None
    return total_cost_cents / total_quantity
