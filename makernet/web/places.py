"""Places: an operator's own place (conditions, machines, settings); a coordinator's territory."""
from __future__ import annotations

from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from makernet.errors import MakerNetError, NotFound
from makernet.services import broker, catalogue, fleet, places, plans, production, stock
from makernet.services.context import current_context as ctx
from makernet.web.feedback import attach, flash_error, page_blueprint
from makernet.web.forms import ActionForm, cents, options
from makernet.web.forms_places import ConditionsForm, DisruptionForm, MachineForm, RenameForm, WithdrawForm
from makernet.web.hours import DAYS, opening_rows, spans_text
from makernet.web.session import actor, roles

bp = page_blueprint("places", __name__)
SETTINGS = {"conditions": ConditionsForm, "machine": MachineForm, "withdraw": WithdrawForm,
            "disruption": DisruptionForm}
FIELDS = {"hourly_value_cents": "hourly_value", **{f"opening_hours.{key}": f"hours_{key}" for key, _n in DAYS}}


@bp.get("/places")
@roles("operator", "coordinator")
def list_places() -> object:
    """My place (operators go straight to it when they have one) or the territory's places."""
    found = places.list_places(ctx(), actor())
    own = [p for p in found if p["organisation_id"] == current_user.data["organisation_id"]]
    if current_user.role == "operator" and len(own) == 1:
        return redirect(url_for("places.place", place_id=own[0]["id"]))
    return render_template("places/list.html", places=found)


def _operates(place: dict) -> bool:
    """Whether the signed-in user works at this place (or is an admin)."""
    return current_user.role == "admin" or (current_user.role == "operator"
                                            and place["organisation_id"] == current_user.data["organisation_id"])


@bp.get("/places/<int:place_id>")
@roles("operator", "coordinator")
def place(place_id: int) -> str:
    """One place: conditions, machines and stock levels."""
    found = places.get_place(ctx(), actor(), place_id)
    items = {i["id"]: i["name"] for i in catalogue.list_items(ctx())}
    try:   # machines with a plate on them: their bed is busy, not waiting to be cleared
        busy = {m["id"] for m in production.place_queue(ctx(), actor(), place_id)["machines"] if m["running"]}
    except NotFound:   # someone who sees the place but not its production
        busy = set()
    return render_template("places/detail.html", place=found, levels=stock.levels(ctx(), actor(), place_id),
                           items=items, hours=opening_rows(found["opening_hours"]), operates=_operates(found),
                           profiles=fleet.printer_profiles(ctx()), hosts=fleet.printer_hosts(), busy=busy)


def _conditions_data(place: dict) -> dict:
    """The conditions form filled with what the place states today."""
    data = {name: place[name] for name in ("staff_available", "batch_limit", "accepted_item_ids", "auto_accept",
                                           "offline_policy", "site_worker")}
    data["hourly_value"] = place["hourly_value_cents"] / 100
    data.update({name: place[name] for name in ("runners", "runs_per_day", "vehicle", "run_load")})
    data.update({name: None if place[name] is None else Decimal(f"{place[name]:g}")   # 3 h, not 3,0 h
                 for name in ("run_hours", "delivery_radius_km")})
    data.update({f"hours_{key}": spans_text(place["opening_hours"].get(key, [])) for key, _n in DAYS})
    return data


def _settings_page(place_id: int, kept: tuple[str, FlaskForm] | None = None) -> tuple[str, int]:
    """The place's settings: conditions, work centres (each with a rename form), stopping and resuming."""
    found = places.get_place(ctx(), actor(), place_id)
    if not _operates(found):
        raise NotFound("place.not_found", id=place_id)
    forms = {name: kind(prefix=name, formdata=None) for name, kind in SETTINGS.items() if name != "conditions"}
    forms["conditions"] = ConditionsForm(prefix="conditions", formdata=None, data=_conditions_data(found))
    renames = {m["id"]: RenameForm(prefix=f"rename{m['id']}", formdata=None, data={"name": m["name"]})
               for m in found["machines"]}
    if kept is not None and kept[0].startswith("rename"):
        renames[int(kept[0].removeprefix("rename"))] = kept[1]
    elif kept is not None:
        forms[kept[0]] = kept[1]
    forms["conditions"].accepted_item_ids.choices = options((i["id"], i["name"]) for i in catalogue.list_items(ctx()))
    return render_template("places/settings.html", place=found, forms=forms, renames=renames, action=ActionForm(),
                           manual=places.MANUAL_KINDS), 422 if kept else 200


@bp.get("/places/<int:place_id>/settings")
@roles("operator")
def settings(place_id: int) -> tuple[str, int]:
    """Settings of the operator's own place."""
    return _settings_page(place_id)


def _change(place_id: int, name: str, form: FlaskForm, done: str, call: object, back: str = "places.settings") -> object:
    """Validate a settings form, make the change, come back (the form kept as typed on refusal)."""
    if form.validate_on_submit():
        try:
            call(form)  # type: ignore[operator]
        except MakerNetError as error:
            attach(form, error, FIELDS)
        else:
            flash(done, "success")
            return redirect(url_for(back, place_id=place_id))
    return _settings_page(place_id, (name, form))


@bp.post("/places/<int:place_id>/settings")
@roles("operator")
def save_conditions(place_id: int) -> object:
    """Save the place's conditions."""
    form = ConditionsForm(prefix="conditions")
    form.accepted_item_ids.choices = options((i["id"], i["name"]) for i in catalogue.list_items(ctx()))
    return _change(place_id, "conditions", form, _("Conditions enregistrées : les prochaines propositions en tiendront compte."),
                   lambda f: _keys_to_ask_again(places.update_conditions(
                       ctx(), actor(), place_id, staff_available=f.staff_available.data,
                       opening_hours={key: f[f"hours_{key}"].spans for key, _n in DAYS},
                       batch_limit=f.batch_limit.data, hourly_value_cents=cents(f.hourly_value.data),
                       accepted_item_ids=f.accepted_item_ids.data or [], auto_accept=f.auto_accept.data,
                       offline_policy=f.offline_policy.data, site_worker=f.site_worker.data, delivery=_delivery(f))))


def _delivery(form: ConditionsForm) -> dict:
    """The place's delivery means as the form gives them (their bounds are checked by the use case)."""
    radius = form.delivery_radius_km.data
    return {"runners": form.runners.data, "runs_per_day": form.runs_per_day.data,
            "run_hours": float(form.run_hours.data), "vehicle": form.vehicle.data,
            "delivery_radius_km": None if radius is None else float(radius), "run_load": form.run_load.data}


def _keys_to_ask_again(saved: dict) -> dict:
    """Say so when the printers moved to a worker that does not hold their keys."""
    if "site_worker" in saved["changed"] and any(m["key_status"] == "missing" for m in saved["machines"]):
        flash(_("Les imprimantes sont désormais pilotées par un autre worker, qui n'a pas leurs clés : "
                "redemandez la clé de chaque imprimante OctoPrint sur la page du lieu."), "error")
    return saved


@bp.post("/places/<int:place_id>/machines")
@roles("operator")
def add_machine(place_id: int) -> object:
    """Add a sewing station, laser cutter or assembly bench."""
    return _change(place_id, "machine", MachineForm(prefix="machine"), _("Poste ajouté."),
                   lambda f: places.add_machine(ctx(), actor(), place_id, name=f.name.data, kind=f.kind.data))


@bp.post("/machines/<int:machine_id>/rename")
@roles("operator")
def rename_machine(machine_id: int) -> object:
    """Rename a work centre."""
    place_id = production.get_machine(ctx(), actor(), machine_id)["place_id"]
    return _change(place_id, f"rename{machine_id}", RenameForm(prefix=f"rename{machine_id}"), _("Poste renommé."),
                   lambda f: places.rename_machine(ctx(), actor(), machine_id, f.name.data))


@bp.post("/machines/<int:machine_id>/active")
@roles("operator")
def machine_active(machine_id: int) -> Response:
    """Set a work centre aside, or put it back in service."""
    place_id = production.get_machine(ctx(), actor(), machine_id)["place_id"]
    if ActionForm().validate_on_submit():
        try:
            done = places.set_machine_active(ctx(), actor(), machine_id, request.form.get("active") == "1")
        except MakerNetError as error:
            flash_error(error)
        else:
            flash(_("%(name)s remis en service.", name=done["name"]) if done["active"]
                  else _("%(name)s mis de côté.", name=done["name"]), "success")
    return redirect(url_for("places.settings", place_id=place_id))


@bp.post("/places/<int:place_id>/withdraw")
@roles("operator")
def withdraw(place_id: int) -> object:
    """The place stops taking work; its open work is planned elsewhere."""
    return _change(place_id, "withdraw", WithdrawForm(prefix="withdraw"),
                   _("Le lieu ne reçoit plus de travail ; ses travaux non commencés sont proposés ailleurs."),
                   lambda f: plans.withdraw_place(ctx(), actor(), place_id, f.reason.data))


@bp.post("/places/<int:place_id>/resume")
@roles("operator")
def resume(place_id: int) -> Response:
    """The place takes work again."""
    if ActionForm().validate_on_submit():
        try:
            places.resume_work(ctx(), actor(), place_id)
            flash(_("Le lieu peut de nouveau recevoir du travail."), "success")
        except MakerNetError as error:
            flash_error(error)
    return redirect(url_for("places.settings", place_id=place_id))


@bp.post("/places/<int:place_id>/replan")
@roles("operator")
def disruption(place_id: int) -> object:
    """A machine down or a material missing: the place's proposals not yet accepted, and the plates it would no
    longer make in time, are planned again."""
    return _change(place_id, "disruption", DisruptionForm(prefix="disruption"),
                   _("Signalement enregistré : les propositions en attente, et les plateaux que le lieu ne ferait plus à "
                     "temps, sont replanifiés."),
                   lambda f: plans.request_replan(ctx(), actor(), place_id, f.trigger.data, f.reason.data))


@bp.get("/admin/refused-reports")
@roles("admin")
def refused_reports() -> str:
    """Reports from places' own workers that were not applied: who sent them, about what, and why."""
    return render_template("places/refused_reports.html", reports=broker.refused_reports(ctx(), actor()))
