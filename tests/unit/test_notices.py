"""People are told: each event reaches the right people once, in their language, and nobody else."""
from __future__ import annotations

import re
import typing
from datetime import date, timedelta

from sqlmodel import select

from makernet.models import Notification, Organisation, User
from makernet.models.base import utcnow
from makernet.services import mail, notices, places
from makernet.services.accounts.views import actor_of_user
from makernet.services.notices.views import Kind
from tests.support.api import ADMIN, COORDINATOR, OPERATOR, OTHER_OPERATOR, OTHER_REQUESTER, REQUESTER
from tests.support.notices import run_tell_tasks
from tests.support.runs import run_posted_plans

SOON = (date.today() + timedelta(days=10)).isoformat()


def received(app, email: str) -> list[Notification]:  # noqa: ANN001
    with app.extensions["makernet"].db.reading() as s:
        return list(s.exec(select(Notification).join(User, User.id == Notification.user_id)
                           .where(User.email == email).order_by(Notification.id)).all())


def a_request(api) -> dict:  # noqa: ANN001
    visor = next(i["id"] for i in api.ok("get", "/items", REQUESTER) if i["code"] == "visiere")
    return api.ok("post", "/requests", REQUESTER, json={
        "needed_by": SOON, "delivery_point": "Hôtel de ville, Rochefort", "lines": [{"item_id": visor, "quantity": 1500}]})


def proposed_to_the_lab(api, quantity: int) -> tuple[dict, int, dict]:  # noqa: ANN001
    """A request approved and part of it proposed to FabLab La Rochelle: the request, the place, the order."""
    request = a_request(api)
    api.ok("post", f"/requests/{request['id']}/approve", COORDINATOR)
    lab = next(p["id"] for p in api.ok("get", "/places", COORDINATOR) if p["name"] == "FabLab La Rochelle")
    return request, lab, api.ok("post", "/work-orders", COORDINATOR, json={
        "request_line_id": request["lines"][0]["id"], "place_id": lab, "quantity": quantity})


def test_a_new_request_tells_the_coordinators_of_its_territory_once_and_nobody_else(app, api) -> None:  # noqa: ANN001
    with app.extensions["makernet"].db.transaction() as tx:   # a coordination of another territory
        gironde = Organisation(name="Coordination Gironde", kind="coordination", departement="33", territory=["33"])
        tx.session.add(gironde)
        tx.session.flush()
        tx.session.add(User(email="coord.gironde@example.org", name="G", role="coordinator",
                            organisation_id=gironde.id))
    tasks = app.extensions["makernet"].tasks
    request = a_request(api)
    sent = list(tasks.sent)
    written = run_tell_tasks(app)
    assert len(written) == 1
    [notice] = received(app, COORDINATOR)
    assert notice.subject == f"Nouvelle demande n° {request['id']} : Mairie de Rochefort"
    assert re.search(r"1\s500 × Visière", notice.body)   # thousands as French writes them
    assert notice.link == f"/requests/{request['id']}"
    for email in ("coord.gironde@example.org", REQUESTER, OPERATOR, ADMIN):
        assert received(app, email) == []
    assert tasks.take("send_mail") == [(written[0],)]
    tasks.sent = [entry for entry in sent if entry[0] == "tell"]   # the same task delivered again
    assert run_tell_tasks(app) == [] and len(received(app, COORDINATOR)) == 1
    assert tasks.take("send_mail") == []


def test_a_decision_on_a_request_tells_its_requesters_in_their_language(app, api) -> None:  # noqa: ANN001
    first, second = a_request(api), a_request(api)
    run_tell_tasks(app)
    with app.extensions["makernet"].db.transaction() as tx:
        user = tx.session.exec(select(User).where(User.email == REQUESTER)).one()
        user.locale = "en"
    api.ok("post", f"/requests/{first['id']}/approve", COORDINATOR)
    api.ok("post", f"/requests/{second['id']}/reject", COORDINATOR, json={"reason": "déjà couvert par la région"})
    run_tell_tasks(app)
    approved, rejected = received(app, REQUESTER)
    assert approved.subject == f"Your request no. {first['id']} is approved"
    assert "(1,500 × Visière de protection by " in approved.body
    assert rejected.kind == "request_rejected" and "déjà couvert par la région" in rejected.body
    assert received(app, OTHER_REQUESTER) == []


def test_the_language_chosen_once_signed_in_is_kept_for_the_next_sign_in_and_what_one_is_told(
        app, api, client) -> None:  # noqa: ANN001
    from tests.support.pages import Pages, text_of
    pages = Pages(client)
    pages.sign_in(REQUESTER)
    assert pages.post("/language", {"locale": "en", "next": "/requests"}).status_code == 302
    pages.post("/logout")
    elsewhere = Pages(app.test_client())   # another browser, French by default
    elsewhere.sign_in(REQUESTER)
    assert "My requests" in text_of(elsewhere.get("/requests"))   # the account's language
    request = a_request(api)
    api.ok("post", f"/requests/{request['id']}/approve", COORDINATOR)
    run_tell_tasks(app)
    assert [n.subject for n in received(app, REQUESTER)] == [f"Your request no. {request['id']} is approved"]
    bad = elsewhere.post("/language", {"locale": "de", "next": "/requests"})   # no such language: nothing changes
    assert bad.status_code == 302 and "My requests" in text_of(elsewhere.get("/requests"))
    # French chosen on the sign-in page is the account's language from then on; signing out forgets the choice
    chosen = Pages(app.test_client())
    chosen.get("/login")
    chosen.post("/language", {"locale": "fr", "next": "/login"})
    chosen.sign_in(REQUESTER)
    assert "Mes demandes" in text_of(chosen.get("/requests"))
    fresh = Pages(app.test_client())
    fresh.sign_in(REQUESTER)
    assert "Mes demandes" in text_of(fresh.get("/requests"))
    fresh.post("/language", {"locale": "en", "next": "/requests"})   # English again, from a signed-in browser
    chosen.post("/logout")
    chosen.sign_in(REQUESTER)   # the French chosen before the last sign-out is forgotten: the account's English
    assert "My requests" in text_of(chosen.get("/requests"))


def test_work_proposed_tells_the_places_operators_with_the_page_to_answer_on(app, api) -> None:  # noqa: ANN001
    request, lab, order = proposed_to_the_lab(api, 20)
    run_tell_tasks(app)
    [notice] = received(app, OPERATOR)
    assert notice.kind == "work_proposed" and notice.link == f"/work-orders/{order['id']}"
    assert notice.subject == "Travail proposé à FabLab La Rochelle : 20 × Visière de protection"
    assert received(app, OTHER_OPERATOR) == []
    api.ok("post", f"/work-orders/{order['id']}/decline", OPERATOR, json={"reason": "plus de PETG"})
    assert run_posted_plans(app) == ["done"]
    run_tell_tasks(app)
    [declined] = [n for n in received(app, COORDINATOR) if n.kind == "work_refused"]
    assert declined.subject == f"FabLab La Rochelle a décliné l'ordre n° {order['id']}"
    assert "plus de PETG" in declined.body and ": refusée : plus de PETG." in declined.body
    # the rest planned again went to the other fab-lab: it is told of its proposal, never of the decline
    assert [n.kind for n in received(app, OTHER_OPERATOR)] == ["work_proposed"]


def test_the_api_lists_a_users_notifications_and_marks_them_read(app, api) -> None:  # noqa: ANN001
    a_request(api)
    run_tell_tasks(app)
    [listed] = api.ok("get", "/notifications?unread=true", COORDINATOR)
    assert api.call("post", f"/notifications/{listed['id']}/read", REQUESTER).status_code == 404
    assert api.ok("get", "/notifications", REQUESTER) == []
    assert api.ok("post", f"/notifications/{listed['id']}/read", COORDINATOR)["read_at"] is not None
    assert api.ok("get", "/notifications?unread=true", COORDINATOR) == []
    assert api.ok("post", "/notifications/read-all", COORDINATOR) == {"marked": 0}


def test_without_an_smtp_server_e_mails_stay_in_the_outbox_an_admin_reads(app, api, client) -> None:  # noqa: ANN001
    a_request(api)
    [notification_id] = run_tell_tasks(app)
    with app.app_context():
        assert mail.send_mail(app.extensions["makernet"], notification_id) == "outbox"
        assert mail.send_mail(app.extensions["makernet"], notification_id) == "outbox"
    [kept] = api.ok("get", "/outbox", ADMIN)
    assert kept["to"] == COORDINATOR and kept["mail_status"] == "outbox" and kept["mail_attempts"] == 0
    assert api.call("get", "/outbox", COORDINATOR).status_code == 403


def test_work_left_unanswered_is_recalled_to_its_place_once(app, api) -> None:  # noqa: ANN001
    request, lab, order = proposed_to_the_lab(api, 20)
    run_tell_tasks(app)
    ctx = app.extensions["makernet"]
    with app.app_context():
        notices.remind_unanswered(ctx)     # the demo's own proposals, left unanswered for days
        assert [n for n in received(app, OPERATOR) if n.kind == "work_reminder" and str(order["id"]) in n.subject] == []
        later = utcnow() + notices.REMIND_AFTER + timedelta(minutes=1)
        [reminder] = notices.remind_unanswered(ctx, now=later)
        assert notices.remind_unanswered(ctx, now=later + timedelta(hours=5)) == []   # once
    [told] = [n for n in received(app, OPERATOR) if n.id == reminder]
    assert told.subject == f"Rappel : l'ordre n° {order['id']} attend votre réponse" and "12 heures" in told.body
    assert [n.kind for n in received(app, OTHER_OPERATOR)] == []
    api.ok("post", f"/work-orders/{order['id']}/accept", OPERATOR, json={})
    other = api.ok("post", "/work-orders", COORDINATOR, json={
        "request_line_id": request["lines"][0]["id"], "place_id": lab, "quantity": 10})
    api.ok("post", f"/work-orders/{other['id']}/decline", OPERATOR, json={"reason": "complet"})
    with app.app_context():   # answered work is never recalled (the declined units, planned again, may be)
        recalled = set(notices.remind_unanswered(ctx, now=later + timedelta(days=2)))
    with ctx.db.reading() as s:
        subjects = [n.subject for n in s.exec(select(Notification).where(Notification.id.in_(recalled))).all()]
    assert not [subject for subject in subjects if f"n° {order['id']} " in subject or f"n° {other['id']} " in subject]


def test_a_place_that_stops_or_resumes_is_told_to_its_territorys_coordinators(app, api) -> None:  # noqa: ANN001
    aunis = next(p["id"] for p in api.ok("get", "/places", COORDINATOR) if p["name"] == "Fab-lab de l'Aunis")
    api.ok("post", f"/places/{aunis}/withdraw", OTHER_OPERATOR, json={"reason": "local fermé"})
    with app.app_context():   # the place's own page resumes it (the API has no call for it)
        with app.extensions["makernet"].db.reading() as s:
            user = s.exec(select(User).where(User.email == OTHER_OPERATOR)).one()
            inès = actor_of_user(user, s.get(Organisation, user.organisation_id))
        places.resume_work(app.extensions["makernet"], inès, aunis)
    run_tell_tasks(app)
    stopped, resumed = received(app, COORDINATOR)
    assert stopped.subject == "Fab-lab de l'Aunis ne prend plus de travail" and "local fermé" in stopped.body
    assert resumed.subject == "Fab-lab de l'Aunis reprend du travail"
    assert received(app, OPERATOR) == [] and received(app, REQUESTER) == []


def test_every_kind_told_is_one_the_api_documents() -> None:
    assert set(typing.get_args(Kind)) == set(notices.KINDS)
