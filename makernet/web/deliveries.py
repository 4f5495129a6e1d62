"""Deliveries: prepare one, follow it (picked up, delivered); the requester confirms or refuses it; collection points;
the day's delivery runs of a place: proposed, started, their run sheet."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l, ngettext
from flask_wtf import FlaskForm

from makernet.errors import Conflict, MakerNetError
from makernet.services import deliveries, production
from makernet.services.context import current_context as ctx
from makernet.services.listing import Filters, Window
from makernet.web.feedback import attach, flash_error, page_blueprint
from makernet.web.formatting import label
from makernet.web.forms import ActionForm
from makernet.web.forms_deliveries import (CollectionPointForm, PickUpForm, ReceiptForm, RefuseForm, delivery_form,
                                          receipt_form)
from makernet.web.session import actor, public_url, roles

bp = page_blueprint("deliveries", __name__)
SETTLED = ("received", "refused")   # a delivery nobody can confirm nor refuse any more
PAGE_ROWS = 50   # deliveries of a place's page
RUN_STATES = {"proposed": _l("Proposée"), "under_way": _l("En route"), "done": _l("Terminée"),
              "cancelled": _l("Remplacée")}
VEHICLES = {"bike": _l("Vélo cargo"), "car": _l("Voiture")}


@bp.route("/places/<int:place_id>/deliveries/new", methods=["GET", "POST"])
@roles("operator")
def new_delivery(place_id: int) -> object:
    """Prepare a delivery of units made here, to a request's delivery point or to a collection point."""
    ready = production.ready_to_ship(ctx(), actor(), place_id)
    request_id = request.args.get("request_id", type=int)
    chosen = next((r for r in ready["requests"] if r["id"] == request_id), None)
    if chosen is None:
        return render_template("deliveries/new.html", ready=ready, chosen=None, form=None)
    form = delivery_form(chosen["lines"], deliveries.list_collection_points(ctx()))()
    if form.validate_on_submit():
        lines = [(ln["id"], form[f"line_{ln['id']}"].data) for ln in chosen["lines"] if form[f"line_{ln['id']}"].data]
        point = form.collection_point_id.data if form.mode.data == "collection_point" else None
        try:
            made = deliveries.create_delivery(ctx(), actor(), place_id=place_id, request_id=chosen["id"], lines=lines,
                                              mode=form.mode.data, destination=form.destination.data or "",
                                              collection_point_id=point, carrier_name=form.carrier_name.data or "")
        except MakerNetError as error:
            attach(form, error)
        else:
            flash(_("Livraison n° %(id)s préparée : imprimez son bon de livraison.", id=made["id"]), "success")
            return redirect(url_for("deliveries.place_deliveries", place_id=place_id))
    return render_template("deliveries/new.html", ready=ready, chosen=chosen, form=form), 422 if form.errors else 200


def _list_page(place_id: int, kept: tuple[int, FlaskForm] | None = None) -> tuple[str, int]:
    """A page of a place's deliveries, filtered as asked, with a pick-up form for each one still at the place."""
    filters = Filters.of(request.args)
    view = deliveries.place_deliveries(ctx(), actor(), place_id, filters,
                                       Window.of(request.args.get("page"), None, PAGE_ROWS))
    pickups = {d["id"]: PickUpForm(prefix=f"pickup{d['id']}", formdata=None, carrier_name=d["carrier_name"] or None)
               for d in view["deliveries"]}   # the carrier named when it was prepared, as it was said
    if kept is not None:
        pickups[kept[0]] = kept[1]
    own = actor().role == "admin" or (actor().role == "operator"
                                      and view["place"]["organisation_id"] == actor().organisation_id)
    return render_template("deliveries/place.html", v=view, pickups=pickups, action=ActionForm(), operates=own,
                           filters=filters, statuses=deliveries.STATUSES,
                           runs=deliveries.place_runs(ctx(), actor(), place_id), run_states=RUN_STATES,
                           vehicles=VEHICLES), \
        422 if kept else 200


@bp.get("/places/<int:place_id>/deliveries")
@roles("operator", "coordinator")
def place_deliveries(place_id: int) -> tuple[str, int]:
    """The deliveries leaving a place, newest first, with where each stands: a page of them, filtered by state
    and by the days they were prepared."""
    return _list_page(place_id)


@bp.post("/places/<int:place_id>/delivery-runs")
@roles("operator", "coordinator")
def propose_runs(place_id: int) -> Response:
    """Route what waits to leave into the day's runs, in place of those still proposed."""
    if ActionForm().validate_on_submit():
        try:
            found = deliveries.propose_runs(ctx(), actor(), place_id)
        except MakerNetError as error:
            flash_error(error)
        else:
            flash(_runs_found(found), "success")
    return redirect(url_for("deliveries.place_deliveries", place_id=place_id, _anchor="tournees"))


def _runs_found(found: dict) -> str:
    """What proposing the runs found, in a sentence or three."""
    if not found["runs"] and not found["units_left"]:
        words = [_("Rien à emporter : aucune unité terminée n'attend un demandeur à portée des coursiers.")]
    elif not found["runs"]:
        words = [_("Aucune tournée de plus aujourd'hui : celles du jour sont déjà parties.")]
    else:
        words = [ngettext("%(num)s tournée proposée pour %(units)s unités.",
                          "%(num)s tournées proposées pour %(units)s unités.", len(found["runs"]),
                          units=found["units_carried"])]
    if found["units_left"]:
        words.append(ngettext("%(num)s unité attendra la prochaine tournée.",
                              "%(num)s unités attendront la prochaine tournée.", found["units_left"]))
    if found["out_of_reach"]:
        words.append(ngettext("%(num)s demande est hors de portée des coursiers (n° %(ids)s) : retrait ou navette.",
                              "%(num)s demandes sont hors de portée des coursiers (n° %(ids)s) : retrait ou navette.",
                              len(found["out_of_reach"]), ids=", ".join(map(str, found["out_of_reach"]))))
    return " ".join(words)


@bp.post("/delivery-runs/<int:run_id>/start")
@roles("operator")
def start_run(run_id: int) -> Response:
    """The runner leaves: each stop's delivery prepared and picked up at once."""
    run = deliveries.get_run(ctx(), actor(), run_id)
    if ActionForm().validate_on_submit():
        try:
            deliveries.start_run(ctx(), actor(), run_id)
            flash(_("Tournée n° %(id)s partie : ses livraisons sont enlevées par le coursier. Imprimez sa feuille de "
                    "tournée, avec les QR codes de réception.", id=run_id), "success")
        except MakerNetError as error:
            flash_error(error)
    return redirect(url_for("deliveries.place_deliveries", place_id=run["place_id"], _anchor="tournees"))


@bp.get("/delivery-runs/<int:run_id>/sheet.pdf")
@roles("operator", "coordinator")
def run_sheet(run_id: int) -> Response:
    """The run sheet (feuille de tournée) to print: the stops in order, each with its receipt QR code."""
    pdf = deliveries.run_sheet_pdf(ctx(), actor(), run_id, public_url("/"))
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="feuille-de-tournee-{run_id}.pdf"'})


@bp.post("/deliveries/<int:delivery_id>/pick-up")
@roles("operator")
def pick_up(delivery_id: int) -> object:
    """A runner or driver took the parcel."""
    delivery = deliveries.get_delivery(ctx(), actor(), delivery_id)
    form = PickUpForm(prefix=f"pickup{delivery_id}")
    if form.validate_on_submit():
        try:
            deliveries.mark_picked_up(ctx(), actor(), delivery_id, form.carrier_name.data or "")
        except MakerNetError as error:
            attach(form, error)
        else:
            flash(_("Livraison n° %(id)s enlevée.", id=delivery_id), "success")
            return redirect(url_for("deliveries.place_deliveries", place_id=delivery["place_id"]))
    return _list_page(delivery["place_id"], (delivery_id, form))


@bp.post("/deliveries/<int:delivery_id>/delivered")
@roles("operator")
def delivered(delivery_id: int) -> Response:
    """The parcel reached its destination; the requester has yet to confirm."""
    delivery = deliveries.get_delivery(ctx(), actor(), delivery_id)
    if ActionForm().validate_on_submit():
        try:
            deliveries.mark_delivered(ctx(), actor(), delivery_id)
            flash(_("Livraison n° %(id)s remise à destination.", id=delivery_id), "success")
        except MakerNetError as error:
            flash_error(error)
    return redirect(url_for("deliveries.place_deliveries", place_id=delivery["place_id"]))


def _receipt_page(delivery_id: int, receipt: ReceiptForm | None = None, refuse: RefuseForm | None = None,
                  status: int = 200) -> tuple[str, int]:
    """The page the delivery note's QR code opens: what came, and the forms to confirm or refuse it."""
    view = deliveries.delivery_page(ctx(), actor(), delivery_id)
    return render_template("deliveries/receipt.html", d=view,
                           receipt=receipt or receipt_form(view["lines"])(prefix=f"delivery{delivery_id}",
                                                                          formdata=None),
                           refuse=refuse or RefuseForm(prefix="refuse", formdata=None),
                           refusing="refuse" in request.args), status   # come to refuse it: the form is open


@bp.route("/deliveries/<int:delivery_id>/receipt", methods=["GET", "POST"])
@roles("requester")
def receipt(delivery_id: int) -> object:
    """The requester confirms a delivery arrived, naming who received it."""
    if request.method == "GET":
        return _receipt_page(delivery_id)
    delivery = deliveries.delivery_page(ctx(), actor(), delivery_id)
    if delivery["status"] in SETTLED:
        return _settled_meanwhile(delivery)
    form = receipt_form(delivery["lines"])(prefix=f"delivery{delivery_id}")
    if form.validate_on_submit():
        try:
            deliveries.confirm_receipt(ctx(), actor(), delivery_id, form.receiver_name.data, form.missing())
        except Conflict:
            return _settled_meanwhile(deliveries.get_delivery(ctx(), actor(), delivery_id))
        except MakerNetError as error:
            attach(form, error)
        else:
            flash(_("Réception confirmée. Merci !"), "success")
            return redirect(url_for("demand.request_page", request_id=delivery["request_id"]))
    return _receipt_page(delivery_id, receipt=form, status=422)


@bp.post("/deliveries/<int:delivery_id>/refuse")
@roles("requester")
def refuse(delivery_id: int) -> object:
    """The requester refuses a delivery, saying why; its units can leave again."""
    delivery = deliveries.get_delivery(ctx(), actor(), delivery_id)
    form = RefuseForm(prefix="refuse")
    if form.validate_on_submit():
        try:
            deliveries.refuse_delivery(ctx(), actor(), delivery_id, form.reason.data)
        except Conflict:
            return _settled_meanwhile(deliveries.get_delivery(ctx(), actor(), delivery_id))
        except MakerNetError as error:
            attach(form, error)
        else:
            flash(_("Livraison n° %(id)s refusée.", id=delivery_id), "success")
            return redirect(url_for("demand.request_page", request_id=delivery["request_id"]))
    return _receipt_page(delivery_id, refuse=form, status=422)


def _settled_meanwhile(delivery: dict) -> object:
    """A receipt or refusal sent for a delivery already received or refused (another tab, another person): the
    page says so at its top, rather than under a form it no longer shows, and nothing changes."""
    flash(_("La livraison n° %(id)s est déjà %(status)s : ce que vous venez d'envoyer n'a pas été enregistré.",
            id=delivery["id"], status=label(delivery["status"], of="delivery").lower()), "error")
    return redirect(url_for("deliveries.receipt", delivery_id=delivery["id"]))


@bp.route("/collection-points", methods=["GET", "POST"])
@roles("operator", "coordinator")
def collection_points() -> object:
    """Drive-throughs and pick-up points where requesters collect their units; open a new one."""
    form = CollectionPointForm()
    if form.validate_on_submit():
        try:
            point = deliveries.create_collection_point(
                ctx(), actor(), name=form.name.data, address=form.address.data, commune=form.commune.data or "",
                departement=form.departement.data or "", kind=form.kind.data,
                opening_hours=form.opening_hours.data or "")
        except MakerNetError as error:
            attach(form, error)
        else:
            flash(_("Point de retrait « %(name)s » ouvert.", name=point["name"]), "success")
            return redirect(url_for("deliveries.collection_points"))
    return render_template("deliveries/points.html", form=form, points=deliveries.list_collection_points(ctx())), \
        422 if form.errors else 200
