"""The plate lifecycle decided in the domain: every reading and start report gives one lawful decision."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from makernet.domain.plates import Plate, Reading, judge_reading, judge_start
from makernet.domain.states import TRANSITIONS, JobStatus

NOW = datetime(2020, 4, 2, 10, 0, tzinfo=UTC)
LONG_AGO = NOW - timedelta(minutes=30)


def reading(**facts: object) -> Reading:
    base = dict(ours=True, busy=False, idle=True, reachable=True, settling=False, print_lost=False,
                completion=None, file_name="makernet-job-7-visiere.gcode", state_text="Operational")
    return Reading(**(base | facts))  # type: ignore[arg-type]


def judge(status: str, read: Reading, was_idle: bool = False, started: datetime | None = LONG_AGO):  # noqa: ANN201
    return judge_reading(Plate(status, LONG_AGO, started), read, NOW, was_idle=was_idle, dispatch_timeout=120)


def test_a_plate_found_printing_is_confirmed_started_with_its_progress() -> None:
    decision = judge("dispatching", reading(busy=True, idle=False, completion=12.5, state_text="Printing"))
    assert (decision.transition, decision.started, decision.progress, decision.result) == \
        ("confirm_start", True, 12.5, "printing")
    assert judge("printing", reading(busy=True, idle=False, completion=40.0)).transition is None


def test_a_plate_whose_printer_dropped_it_fails_with_the_printers_words() -> None:
    decision = judge("printing", reading(idle=False, reachable=False, print_lost=True,
                                         state_text="Offline after error"))
    assert decision.transition == "fail" and decision.outcome == "print interrupted: the printer went Offline after error"


def test_an_unreachable_host_or_a_reconnecting_printer_never_fails_a_print() -> None:
    assert judge("printing", reading(idle=False, reachable=False, ours=False)).transition is None
    assert judge("printing", reading(idle=False, settling=True, ours=False)).transition is None


def test_a_finished_plate_is_done_and_an_unfinished_idle_one_fails_only_on_the_second_reading() -> None:
    assert judge("printing", reading(completion=100.0)).finished
    assert judge("printing", reading(completion=99.7)).transition is None
    assert judge("printing", reading(completion=60.0), was_idle=True).outcome == "stopped on the printer at 60 %"


def test_a_start_never_confirmed_goes_back_to_the_queue_and_frees_the_bed() -> None:
    decision = judge("dispatching", reading(ours=False, file_name=None))
    assert (decision.transition, decision.free_bed, decision.outcome) == ("requeue", True, "start never confirmed")


def test_start_reports() -> None:
    assert judge_start("started", "").transition == "confirm_start"
    assert (judge_start("ambiguous", "timeout").transition, judge_start("ambiguous", "timeout").outcome) == \
        (None, "start unconfirmed: timeout")
    refused = judge_start("rejected", "bad key")
    assert (refused.transition, refused.note, refused.free_bed) == ("requeue", "bad key", True)


@given(status=st.sampled_from(["dispatching", "printing"]), ours=st.booleans(), busy=st.booleans(),
       idle=st.booleans(), reachable=st.booleans(), settling=st.booleans(), lost=st.booleans(),
       completion=st.one_of(st.none(), st.floats(0, 100)), was_idle=st.booleans(),
       started=st.sampled_from([None, LONG_AGO, NOW - timedelta(seconds=3)]))
def test_every_decision_on_a_reading_is_a_transition_the_table_allows_from_where_the_plate_is(
        status: str, ours: bool, busy: bool, idle: bool, reachable: bool, settling: bool, lost: bool,
        completion: float | None, was_idle: bool, started: datetime | None) -> None:
    decision = judge(status, reading(ours=ours, busy=busy, idle=idle, reachable=reachable, settling=settling,
                                     print_lost=lost, completion=completion), was_idle, started)
    name = "finish" if decision.finished else decision.transition
    if name is not None:
        assert status in TRANSITIONS[JobStatus][name].sources


def test_every_failure_the_poll_decides_is_said_in_the_reader_s_language(app) -> None:  # noqa: ANN001
    from flask_babel import force_locale

    from makernet.messages import plate_outcome
    failures = [judge("printing", reading(idle=False, reachable=False, print_lost=True, state_text="Error")),
                judge("printing", reading(ours=False, file_name=None)),
                judge("printing", reading(ours=False, file_name="benchy.gcode")),
                judge("printing", reading(), was_idle=True),
                judge("printing", reading(completion=60.0), was_idle=True)]
    assert {d.transition for d in failures} == {"fail"}
    with app.test_request_context("/"), force_locale("fr"):
        french = [plate_outcome(d.outcome) for d in failures]
    with app.test_request_context("/"), force_locale("en"):
        english = [plate_outcome(d.outcome) for d in failures]
    assert french == ["impression interrompue : l'imprimante est passée à « Error »",
                      "impression interrompue : l'imprimante n'a plus ce plateau",
                      "impression interrompue : l'imprimante imprime un autre fichier (benchy.gcode)",
                      "annulé sur l'imprimante", "arrêté sur l'imprimante à 60 %"]
    assert english[3:] == ["cancelled on the printer", "stopped on the printer at 60%"]
    assert plate_outcome("déclaré à la main") == "déclaré à la main"   # anything else as it was written
