"""Pure stock arithmetic: the rate of use, days of stock left, alerts, withdrawals, unit costs."""
from __future__ import annotations

import pytest

from makernet.domain.stock import (alert_for, average_unit_cost, daily_rate, days_of_stock, refusal_for_withdrawal,
                                   remaining_units, stock_state)


def test_the_rate_of_use_is_the_weeks_consumption_per_day() -> None:
    assert daily_rate(7000) == 1000.0
    assert daily_rate(0) == 0.0
    with pytest.raises(ValueError):
        daily_rate(10, window_days=0)


def test_days_of_stock_divide_the_level_by_the_rate_and_are_unknown_without_use() -> None:
    assert days_of_stock(10_000, 2_500.0) == 4.0
    assert days_of_stock(-300, 100.0) == 0.0
    assert days_of_stock(10_000, 0.0) is None


def test_an_alert_is_raised_under_the_threshold_or_under_three_days_and_out_when_nothing_is_free() -> None:
    assert alert_for(level=5000, reserved=0, threshold=2000, days_left=None) is None
    assert alert_for(level=2000, reserved=0, threshold=2000, days_left=None) == "low"
    assert alert_for(level=9000, reserved=0, threshold=2000, days_left=2.9) == "low"
    assert alert_for(level=9000, reserved=0, threshold=2000, days_left=3.0) is None
    assert alert_for(level=9000, reserved=9000, threshold=2000, days_left=None) == "out"
    assert alert_for(level=-25, reserved=0, threshold=0, days_left=None) == "out"


def test_a_stock_state_counts_reservations_before_the_days_left() -> None:
    state = stock_state(level=10_000, reserved=2_500, consumed_in_window=10_500, threshold=2_000)
    assert (state.available, state.daily_use, state.days_left, state.alert) == (7_500, 1_500.0, 5.0, None)


def test_a_withdrawal_may_empty_the_stock_but_never_take_it_below_zero() -> None:
    assert refusal_for_withdrawal(level=100, quantity=100) is None
    assert refusal_for_withdrawal(level=100, quantity=101) == ("stock.not_enough", {"level": 100, "quantity": 101})
    assert refusal_for_withdrawal(level=-40, quantity=1) == ("stock.not_enough", {"level": 0, "quantity": 1})


def test_units_still_to_make_count_rejects_and_never_go_negative() -> None:
    assert remaining_units(accepted=100, made=60, rejected=5) == 35
    assert remaining_units(accepted=100, made=104, rejected=0) == 0


def test_the_unit_cost_is_the_average_of_priced_receipts() -> None:
    assert average_unit_cost(total_cost_cents=30_000, total_quantity=15_000) == 2.0
    assert average_unit_cost(total_cost_cents=0, total_quantity=0) is None
