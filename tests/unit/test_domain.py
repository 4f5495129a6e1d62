"""Pure rules: plates, transitions, request checks."""
from __future__ import annotations

from datetime import date

import pytest

from makernet.domain.demand import check_needed_by, check_quantity, priority_rank, repeated_item
from makernet.domain.production import job_id_from_file_name, split_into_plates, upload_name
from makernet.domain.states import JobStatus, RequestStatus, can_move, sources_of


def test_a_quantity_is_cut_into_full_plates_and_one_partial_spread_over_printers() -> None:
    plates = split_into_plates(25, 10, [7, 8])
    assert [(p.machine_id, p.units, p.sequence) for p in plates] == [(7, 10, 1), (8, 10, 2), (7, 5, 3)]
    assert sum(p.units for p in plates) == 25


def test_nothing_to_make_gives_no_plate_and_impossible_layouts_are_refused() -> None:
    assert split_into_plates(0, 10, [1]) == []
    with pytest.raises(ValueError):
        split_into_plates(5, 0, [1])
    with pytest.raises(ValueError):
        split_into_plates(5, 10, [])


def test_the_upload_name_carries_the_job_id_and_reads_back() -> None:
    name = upload_name(42, "Visière v3")
    assert name.startswith("makernet-job-42-") and name.endswith(".gcode")
    assert job_id_from_file_name(name) == 42
    assert job_id_from_file_name("benchy.gcode") is None
    assert job_id_from_file_name(None) is None


def test_a_finished_job_cannot_start_again_and_a_closed_request_cannot_reopen() -> None:
    assert not can_move(JobStatus, "done", "dispatching")
    assert not can_move(JobStatus, "failed", "printing")
    assert can_move(JobStatus, "queued", "dispatching")
    assert not can_move(RequestStatus, "closed", "approved")
    assert "dispatching" in sources_of(JobStatus, "printing")
    assert "done" not in sources_of(JobStatus, "printing")


def test_quantities_and_dates_are_checked_with_coded_reasons() -> None:
    assert check_quantity(1) is None and check_quantity(1_000_000) is None
    assert check_quantity(0) == ("demand.line_quantity_too_small", {"least": 1})
    assert check_quantity(1_000_001) == ("demand.line_quantity_too_large", {"most": 1_000_000})
    assert check_needed_by(date(2020, 3, 17), date(2020, 3, 18)) == "demand.needed_by_past"
    assert check_needed_by(date(2020, 3, 18), date(2020, 3, 18)) == "demand.needed_by_today"
    assert check_needed_by(date(2020, 3, 19), date(2020, 3, 18)) is None


def test_the_first_line_repeating_an_item_is_named_with_the_line_it_repeats() -> None:
    assert repeated_item([4, 7, 9]) is None
    assert repeated_item([4, 7, 4, 7]) == (2, 0)


def test_care_staff_come_first() -> None:
    assert priority_rank("care_staff") < priority_rank("normal") < priority_rank("unknown")
