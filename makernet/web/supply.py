"""Supply requests: a place asks for material, transport or premises; coordinators answer and follow them."""
from __future__ import annotations

from dataclasses import replace

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from makernet.errors import MakerNetError
from makernet.services import places, stock, supply
from makernet.services.context import current_context as ctx
from makernet.services.listing import Filters, Rows, Window
from makernet.web.feedback import attach, page_blueprint, submit
from makernet.web.formatting import label
from makernet.web.forms import cents, options
from makernet.web.forms_supply import (
    AnswerForm,
    CloseSupplyForm,
    SupplierForm,
    SupplyReceiptForm,
    SupplyRequestForm,
    SurplusForm,
)
from makernet.web.session import actor, roles

bp = page_blueprint("supply", __name__)
ACTIONS = {"answer": AnswerForm, "supplier": SupplierForm, "surplus": SurplusForm, "receipt": SupplyReceiptForm,
           "close": CloseSupplyForm}
FIELDS = {"cost_cents": "cost"}
PAGE_ROWS = 50   # supply requests of a list page


def _material_choices() -> list:
    """Every material with its unit, for a select."""
    return options((m["id"], f"{m['name']} ({label(m['unit'])})") for m in stock.materials(ctx()))


def _named(requests: list[dict]) -> list[dict]:
    """Supply requests with their material's name."""
    names = {m["id"]: m["name"] for m in stock.materials(ctx())}
    return [r | {"material_name": names.get(r["material_id"], r["material_code"] or "")} for r in requests]


def _own_place_ids() -> set[int]:
    """The signed-in operator's places."""
    mine = current_user.data["organisation_id"]
    return {p["id"] for p in places.list_places(ctx(), actor()) if p["organisation_id"] == mine}


@bp.route("/places/<int:place_id>/supply", methods=["GET", "POST"])
@roles("operator", "coordinator")
def place_supply(place_id: int) -> object:
    """A place's supply requests, and (for its operators) a form to post a new one."""
    place = places.get_place(ctx(), actor(), place_id)
    form = SupplyRequestForm()
    form.material_id.choices = _material_choices()
    if form.validate_on_submit():
        try:
            posted = supply.post_supply_request(
                ctx(), actor(), place_id=place_id, kind=form.kind.data,
                material_id=form.material_id.data if form.kind.data == "material" else None,
                quantity=form.quantity.data if form.kind.data == "material" else None,
                needed_by=form.needed_by.data, description=form.description.data or "")
        except MakerNetError as error:
            attach(form, error)
        else:
            flash(_("Demande d'approvisionnement n° %(id)s envoyée à la coordination.", id=posted["id"]), "success")
            return redirect(url_for("supply.detail", supply_id=posted["id"]))
    filters = Filters.of(request.args)
    found = _page(replace(filters, place_id=place_id))
    operates = current_user.role == "admin" or place_id in _own_place_ids()
    return render_template("supply/place.html", place=place, requests=found, form=form, operates=operates,
                           filters=replace(filters, place_id=None), statuses=supply.STATUSES), \
        422 if form.errors else 200


def _page(filters: Filters) -> Rows:
    """The page of supply requests the query string asks for, narrowed by `filters`, with material names."""
    rows = supply.list_supply_requests(ctx(), actor(), filters, Window.of(request.args.get("page"), None, PAGE_ROWS))
    return Rows(_named(list(rows)), rows.total, rows.window, rows.more)


@bp.get("/supply")
@roles("coordinator")
def inbox() -> str:
    """The coordinators' inbox: the territory's supply requests, open ones with the nearest need first, a page of
    them, filtered by state, place and the days they were posted."""
    filters = Filters.of(request.args)
    return render_template("supply/inbox.html", requests=_page(filters), filters=filters, statuses=supply.STATUSES,
                           places=[(p["id"], p["name"]) for p in places.list_places(ctx(), actor())])


def _detail_page(supply_id: int, kept: tuple[str, FlaskForm] | None = None) -> tuple[str, int]:
    """One supply request with the forms the signed-in user may use on it (a refused one kept as typed)."""
    found = _named([supply.get_supply_request(ctx(), actor(), supply_id)])[0]
    forms = {name: kind(prefix=name, formdata=None) for name, kind in ACTIONS.items()}
    if kept is not None:
        forms[kept[0]] = kept[1]
    surplus: list[dict] = []
    if current_user.role in ("coordinator", "admin") and found["kind"] == "material":
        surplus = stock.surplus_places(ctx(), actor(), found["material_id"], found["place_id"])
    forms["surplus"].supplier_place_id.choices = options(
        (p["id"], _("%(name)s (%(n)s libres)", name=p["name"], n=p["available"])) for p in surplus)
    operates = current_user.role == "admin" or (current_user.role == "operator"
                                                and found["place_id"] in _own_place_ids())
    return render_template("supply/detail.html", r=found, forms=forms, operates=operates, surplus=surplus), \
        422 if kept else 200


@bp.get("/supply-requests/<int:supply_id>")
@roles("operator", "coordinator")
def detail(supply_id: int) -> tuple[str, int]:
    """Where a supply request stands, what it still awaits, the movements that answered it."""
    return _detail_page(supply_id)


def _act(supply_id: int, name: str, done: str, call: object) -> object:
    """Check an action's form, run it, come back to the request (the form kept on refusal)."""
    return submit(ACTIONS[name](prefix=name), call, done, url_for("supply.detail", supply_id=supply_id),  # type: ignore[arg-type]
                  FIELDS, lambda form: _detail_page(supply_id, (name, form)))


@bp.post("/supply-requests/<int:supply_id>/answer")
@roles("coordinator")
def answer(supply_id: int) -> object:
    """Answer in words."""
    return _act(supply_id, "answer", _("Réponse envoyée au lieu."),
                lambda f: supply.answer_supply_request(ctx(), actor(), supply_id, f.answer.data))


@bp.post("/supply-requests/<int:supply_id>/supplier")
@roles("coordinator")
def supplier(supply_id: int) -> object:
    """Assign an outside supplier."""
    return _act(supply_id, "supplier", _("Fournisseur attribué."), lambda f: supply.assign_supplier(
        ctx(), actor(), supply_id, f.supplier_name.data, f.answer.data or ""))


@bp.post("/supply-requests/<int:supply_id>/surplus")
@roles("coordinator")
def surplus(supply_id: int) -> object:
    """Send another place's surplus: a transfer written now."""
    return _act(supply_id, "surplus", _("Transfert enregistré depuis l'autre lieu."), lambda f: supply.assign_place(
        ctx(), actor(), supply_id, f.supplier_place_id.data, f.quantity.data, f.answer.data or ""))


@bp.post("/supply-requests/<int:supply_id>/receipts")
@roles("operator")
def receipt(supply_id: int) -> object:
    """Material arrived from the supplier."""
    return _act(supply_id, "receipt", _("Arrivée enregistrée dans le stock."), lambda f: supply.receive_supply(
        ctx(), actor(), supply_id, f.quantity.data, cents(f.cost.data)))


@bp.post("/supply-requests/<int:supply_id>/close")
@roles("operator", "coordinator")
def close(supply_id: int) -> object:
    """The need is met, or no longer there."""
    return _act(supply_id, "close", _("Demande d'approvisionnement close."), lambda f: supply.close_supply_request(
        ctx(), actor(), supply_id, f.outcome.data, f.note.data or ""))
