"""Every role is told what waits for it: work taken on and changed, supply asked and answered, parcels arrived, plan
runs, account links; each to the right people only, as each wants it."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from makernet.models import NoticePreference, Notification, User, WebhookDelivery
from makernet.services import accounts, mail, notices
from makernet.messages import written
from makernet.services.access import Actor
from tests.support.api import (ADMIN, COORDINATOR, OPERATOR, OTHER_OPERATOR, OTHER_REQUESTER, REQUESTER,
                               SEWING_OPERATOR)
from tests.support.notices import run_tell_tasks
from tests.support.pages import Pages, text_of
from tests.support.runs import planned
from tests.unit.test_deliveries import made_masks, ship
from tests.unit.test_notices import proposed_to_the_lab, received


def kinds(app, email: str) -> list[str]:  # noqa: ANN001
    return [n.kind for n in received(app, email)]


def test_the_requester_learns_who_makes_their_units_and_the_place_learns_what_the_coordination_changed(
        app, api) -> None:  # noqa: ANN001
    request, lab, order = proposed_to_the_lab(api, 20)
    api.ok("post", f"/work-orders/{order['id']}/accept", OPERATOR, json={"quantity": 15})
    run_tell_tasks(app)
    [accepted] = [n for n in received(app, REQUESTER) if n.kind == "work_accepted"]
    assert accepted.subject == f"Demande n° {request['id']} : FabLab La Rochelle s'en charge"
    assert "15 × Visière de protection" in accepted.body
    assert "work_refused" in kinds(app, COORDINATOR)          # the partial acceptance
    assert "work_accepted" not in kinds(app, OTHER_REQUESTER)
    waiting = api.ok("post", "/work-orders", COORDINATOR, json={   # proposed, not yet answered
        "request_line_id": request["lines"][0]["id"], "place_id": lab, "quantity": 15})
    api.ok("patch", f"/work-orders/{waiting['id']}", COORDINATOR, json={"quantity": 10, "reason": "la région livre"})
    run_tell_tasks(app)
    [changed] = [n for n in received(app, OPERATOR) if n.kind == "work_changed"]
    assert changed.subject == f"La coordination a changé l'ordre n° {waiting['id']}"
    assert "5 × Visière de protection" in changed.body and "la région livre" in changed.body
    assert "work_changed" not in kinds(app, OTHER_OPERATOR)


def test_a_supply_request_reaches_the_coordination_and_its_answer_the_place(app, api) -> None:  # noqa: ANN001
    lab = next(p["id"] for p in api.ok("get", "/places", OPERATOR) if p["name"] == "FabLab La Rochelle")
    supply = api.ok("post", "/supply-requests", OPERATOR, json={
        "place_id": lab, "kind": "transport", "description": "Une voiture pour Rochefort jeudi"})
    run_tell_tasks(app)
    [asked] = [n for n in received(app, COORDINATOR) if n.kind == "supply_requested"]
    assert asked.subject == "FabLab La Rochelle demande de l'aide : transport"
    assert "Une voiture pour Rochefort jeudi" in asked.body and asked.link == f"/supply-requests/{supply['id']}"
    api.ok("post", f"/supply-requests/{supply['id']}/answer", COORDINATOR, json={"answer": "Jean passe à 9 h."})
    run_tell_tasks(app)
    [answered] = [n for n in received(app, OPERATOR) if n.kind == "supply_answered"]
    assert "Jean passe à 9 h." in answered.body
    assert "supply_answered" not in kinds(app, OTHER_OPERATOR) and "supply_requested" not in kinds(app, REQUESTER)


def test_a_parcel_arrived_asks_its_requester_to_confirm(app, api) -> None:  # noqa: ANN001
    made = made_masks(api, 40)
    delivery = ship(api, made, 40)
    api.ok("post", f"/deliveries/{delivery['id']}/deliver", SEWING_OPERATOR)
    run_tell_tasks(app)
    [arrived] = [n for n in received(app, REQUESTER) if n.kind == "delivery_arrived"]
    assert arrived.link == f"/deliveries/{delivery['id']}/receipt"
    assert arrived.subject == f"Livraison n° {delivery['id']} arrivée : confirmez la réception"
    assert "delivery_arrived" not in kinds(app, OTHER_REQUESTER)


def test_a_plan_run_tells_the_coordinators_what_it_proposed_in_their_digest(app, api) -> None:  # noqa: ANN001
    request, _lab, _order = proposed_to_the_lab(api, 20)
    planned(api, app)
    run_tell_tasks(app)
    [changed] = [n for n in received(app, COORDINATOR) if n.kind == "plan_changed"]
    assert changed.mail_status == "digest"          # a coordinator's default for plan runs: the daily digest
    assert changed.subject.startswith("Nouvelles propositions du planificateur (passage n° ")
    # each place is told the date the requester needs its units by, as the order's page says it
    needed_by = written(date.fromisoformat(request["needed_by"]), "fr")
    told = [n for n in received(app, OPERATOR) + received(app, SEWING_OPERATOR) if n.kind == "work_proposed"]
    assert told and all(f"pour le {needed_by} (demande n° {request['id']})" in n.body for n in told)


def test_an_invitation_is_mailed_with_its_link_sealed_at_rest(app, api) -> None:  # noqa: ANN001
    ctx = app.extensions["makernet"]
    with ctx.db.reading() as s:
        admin = s.exec(select(User).where(User.email == ADMIN)).one()
    with app.app_context():
        invited = accounts.invite_user(ctx, Actor(admin.id, "admin", admin.organisation_id), email="lea@mairie.fr",
                                       name="Léa Petit", role="requester", organisation_id=admin.organisation_id)
        [notification_id] = run_tell_tasks(app)
    [told] = received(app, "lea@mairie.fr")
    assert told.kind == "invitation" and invited["token"] not in told.link and invited["token"] not in told.body
    assert "Léa Petit" in told.body
    assert notices.notifications_of(ctx, Actor(invited["user_id"], "requester", admin.organisation_id))[0]["link"] == ""
    with app.app_context():
        message = mail.compose(ctx, told, "lea@mairie.fr")
    assert f"/invitation/{invited['token']}" in message.get_body(("plain",)).get_content()
    assert message["List-Unsubscribe"] is None      # an account link is not a kind one leaves
    assert app.test_client().get(f"/invitation/{invited['token']}").status_code == 200


def set_way(app, email: str, kind: str, way: str) -> None:  # noqa: ANN001
    with app.extensions["makernet"].db.transaction() as tx:
        user = tx.session.exec(select(User).where(User.email == email)).one()
        tx.session.merge(NoticePreference(user_id=user.id, kind=kind, how=way))


def test_each_user_is_told_as_they_chose_never_app_only_or_in_the_digest(app, api) -> None:  # noqa: ANN001
    set_way(app, COORDINATOR, "request_submitted", "never")
    proposed_to_the_lab(api, 20)
    run_tell_tasks(app)
    assert "request_submitted" not in kinds(app, COORDINATOR)
    set_way(app, OPERATOR, "work_proposed", "app")
    tasks = app.extensions["makernet"].tasks
    tasks.take("send_mail")
    proposed_to_the_lab(api, 10)
    run_tell_tasks(app)
    proposals = [n for n in received(app, OPERATOR) if n.kind == "work_proposed"]
    assert proposals[-1].mail_status == "none"
    assert all(sent != (proposals[-1].id,) for sent in tasks.take("send_mail"))


def test_the_digest_gathers_a_day_into_one_e_mail_at_the_users_hour_once(app, api) -> None:  # noqa: ANN001
    set_way(app, OPERATOR, "work_proposed", "digest")
    proposed_to_the_lab(api, 20)
    proposed_to_the_lab(api, 10)
    run_tell_tasks(app)
    waiting = [n for n in received(app, OPERATOR) if n.mail_status == "digest"]
    assert len(waiting) == 2
    ctx = app.extensions["makernet"]
    six, nine = (datetime(2026, 11, 30, hour - 1, 0, tzinfo=UTC) for hour in (6, 9))   # 6:00 and 9:00 in Paris
    with app.app_context():
        assert notices.rounds(ctx, now=six)["digests"] == 0      # nobody's hour yet (7:00 by default)
        ctx.tasks.take("send_mail")
        notices.rounds(ctx, now=nine)
        notices.rounds(ctx, now=nine + timedelta(minutes=15))
    digests = [n for n in received(app, OPERATOR) if n.kind == "digest"]
    assert len(digests) == 1 and digests[0].read_at is not None
    assert digests[0].subject == "Votre résumé MakerNet du 30 novembre 2026 : 2 notifications"
    assert all(n.subject in digests[0].body for n in waiting)
    assert {n.mail_status for n in received(app, OPERATOR) if n.id in {w.id for w in waiting}} == {"digested"}
    assert (digests[0].id,) in ctx.tasks.take("send_mail")


def test_one_click_unsubscribe_stops_that_kind_by_e_mail_and_a_forged_link_changes_nothing(app, api) -> None:  # noqa: ANN001
    proposed_to_the_lab(api, 20)
    run_tell_tasks(app)
    [told] = [n for n in received(app, OPERATOR) if n.kind == "work_proposed"]
    ctx = app.extensions["makernet"]
    with app.app_context():
        leave = mail.compose(ctx, told, OPERATOR)["List-Unsubscribe"].strip("<>")
    path = leave.split("://", 1)[1].split("/", 1)[1]
    client = app.test_client()
    assert client.get(f"/{path}").status_code == 200          # a link checker's visit changes nothing
    assert client.post(f"/{path[:-3]}xyz").status_code == 404
    with ctx.db.reading() as s:
        assert s.exec(select(NoticePreference)).all() == []
    page = client.post(f"/{path}", data={"List-Unsubscribe": "One-Click"})
    assert page.status_code == 200 and "C'est fait" in page.get_data(as_text=True)
    proposed_to_the_lab(api, 10)
    run_tell_tasks(app)
    assert [n for n in received(app, OPERATOR) if n.kind == "work_proposed"][-1].mail_status == "none"


def test_preferences_refuse_a_kind_of_another_role_or_an_unknown_way_and_change_nothing(app, api) -> None:  # noqa: ANN001
    ctx = app.extensions["makernet"]
    with ctx.db.reading() as s:
        user = s.exec(select(User).where(User.email == OPERATOR)).one()
    me = Actor(user.id, "operator", user.organisation_id)
    with app.app_context():
        for ways, hour in (({"request_submitted": "now"}, None), ({"work_proposed": "sometimes"}, None),
                           ({"work_proposed": "never"}, 24)):
            try:
                notices.set_preferences(ctx, me, ways, hour)
            except Exception as error:   # noqa: BLE001
                assert error.status == 422
            else:
                raise AssertionError(ways)
        assert notices.preferences_of(ctx, me)["ways"]["work_proposed"] == "now"
        chosen = notices.set_preferences(ctx, me, {"work_proposed": "digest"}, 18)
    assert chosen["ways"]["work_proposed"] == "digest" and chosen["digest_hour"] == 18
    with ctx.db.reading() as s:
        assert s.exec(select(Notification).where(Notification.user_id == user.id)).all() == []


def test_the_admin_reads_webhook_posts_given_up_beside_the_outbox_and_nobody_else_does(app, api, client) -> None:  # noqa: ANN001
    hook = api.ok("post", "/webhooks", COORDINATOR, json={"url": "https://chat.example.org/hooks/coordination"})
    with app.extensions["makernet"].db.transaction() as tx:
        tx.session.add(WebhookDelivery(webhook_id=hook["id"], event_key="request_submitted:request:1:x",
                                       kind="request_submitted", body="{}", status="failed", attempts=8,
                                       response_status=500, last_error="HTTP 500"))
    pages = Pages(client)
    pages.sign_in(ADMIN)
    page = text_of(pages.get("/admin/outbox"))
    assert "Webhooks abandonnés" in page and "chat.example.org/hooks/coordination" in page and "HTTP 500" in page
    assert "Nouvelle demande à examiner" in page
    assert api.ok("get", "/webhooks", OPERATOR) == []   # another organisation sees none of it


def test_a_webhook_address_that_is_no_usable_url_is_refused_and_nothing_is_made(app, api) -> None:  # noqa: ANN001
    for url in ("ftp://chat.example.org", "http://[::1", "http://chat.example.org:port", "https://moi:secret@chat.org",
                "chat.example.org", "https://chat.example.org/a b", "", "https://" + "x" * 500):
        answer = api.call("post", "/webhooks", COORDINATOR, {"url": url})
        assert answer.status_code == 422, (url, answer.get_json())
    assert api.ok("get", "/webhooks", COORDINATOR) == []
    assert api.call("delete", "/webhooks/999", COORDINATOR).status_code == 404


def test_a_refused_delivery_tells_the_place_and_the_coordination_why(app, api) -> None:  # noqa: ANN001
    from tests.support.api import SEWING_OPERATOR as WORKSHOP
    made = made_masks(api, 30)
    delivery = ship(api, made, 30)
    api.ok("post", f"/deliveries/{delivery['id']}/refuse", REQUESTER, json={"reason": "Élastiques trop courts"})
    run_tell_tasks(app)
    [place] = [n for n in received(app, WORKSHOP) if n.kind == "delivery_refused"]
    assert place.subject == f"Livraison n° {delivery['id']} refusée par Mairie de Rochefort"
    assert "Élastiques trop courts" in place.body and "à livrer de nouveau" in place.body
    assert place.link == f"/places/{made['place']['id']}/deliveries"
    [coordination] = [n for n in received(app, COORDINATOR) if n.kind == "delivery_refused"]
    assert coordination.link == f"/requests/{made['request']['id']}"
    assert "delivery_refused" not in kinds(app, OPERATOR) + kinds(app, REQUESTER)   # another place; the requester
