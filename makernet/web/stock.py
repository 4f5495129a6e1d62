"""Stock: a place's levels, alerts and ledger; receipts, adjustments, scrap and transfers; the territory's levels."""
from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from makernet.services import places, reporting, stock
from makernet.services.context import current_context as ctx
from makernet.services.listing import Window
from makernet.web.feedback import page_blueprint, submit
from makernet.web.formatting import label
from makernet.web.forms import cents, options
from makernet.web.forms_stock import AdjustmentForm, MaterialReceiptForm, ScrapForm, TransferForm
from makernet.web.session import actor, roles

bp = page_blueprint("stock", __name__)
FORMS = {"receipt": MaterialReceiptForm, "adjustment": AdjustmentForm, "scrap": ScrapForm, "transfer": TransferForm}
FIELDS = {"cost_cents": "cost"}


def operates(place: dict) -> bool:
    """Whether the signed-in user works at this place (or is an admin): they may move its stock."""
    return current_user.role == "admin" or (current_user.role == "operator"
                                            and place["organisation_id"] == current_user.data["organisation_id"])


def _forms(place_id: int, held: set[int], kept: tuple[str, FlaskForm] | None) -> dict[str, FlaskForm]:
    """One form per movement, with the material and place choices; the refused one kept as typed."""
    ordered = sorted(stock.materials(ctx()), key=lambda m: m["id"] not in held)  # what the place holds first
    materials = options((m["id"], f"{m['name']} ({label(m['unit'])})") for m in ordered)
    forms = {name: kind(prefix=name, formdata=None) for name, kind in FORMS.items()}
    if kept is not None:
        forms[kept[0]] = kept[1]
    for form in forms.values():
        form.material_id.choices = materials
    forms["transfer"].to_place_id.choices = options(
        (p["id"], f"{p['name']} ({p['commune'] or p['departement']})")
        for p in places.transfer_targets(ctx(), actor(), place_id))
    return forms


LEDGER_ROWS = 50   # ledger entries of a page


def _stock_page(place_id: int, kept: tuple[str, FlaskForm] | None = None) -> tuple[str, int]:
    """The stock page of a place, filtered as asked, with its movement forms."""
    place = places.get_place(ctx(), actor(), place_id)
    levels = stock.levels(ctx(), actor(), place_id)
    material_id = request.args.get("material_id", type=int)
    kind = request.args.get("kind") if request.args.get("kind") in stock.KINDS else None
    ledger = stock.ledger_page(ctx(), actor(), place_id, material_id, kind,
                               Window.of(request.args.get("page"), None, LEDGER_ROWS))
    return render_template("stock/place.html", place=place, levels=levels, ledger=ledger, kinds=stock.KINDS,
                           chosen={"material_id": material_id, "kind": kind},
                           pager_args={"place_id": place_id, **{k: v for k, v in (("material_id", material_id),
                                                                                  ("kind", kind)) if v}},
                           forms=_forms(place_id, {lv["material_id"] for lv in levels}, kept), operates=operates(place),
                           alerts=[lv for lv in levels if lv["alert"]]), 422 if kept else 200


@bp.get("/places/<int:place_id>/stock")
@roles("operator", "coordinator")
def place_stock(place_id: int) -> tuple[str, int]:
    """Levels (reserved, free, days left, alerts), the movement forms, and the ledger (newest first)."""
    return _stock_page(place_id)


def _record(place_id: int, name: str, done: str, call: object) -> object:
    """Check a movement form, write the movement, come back to the stock page (the form kept on refusal)."""
    return submit(FORMS[name](prefix=name), call, done, url_for("stock.place_stock", place_id=place_id),  # type: ignore[arg-type]
                  FIELDS, lambda form: _stock_page(place_id, (name, form)))


@bp.post("/places/<int:place_id>/stock/receipts")
@roles("operator")
def receipt(place_id: int) -> object:
    """Material arrived."""
    return _record(place_id, "receipt", _("Réception enregistrée."), lambda f: stock.receive(
        ctx(), actor(), place_id, f.material_id.data, f.quantity.data, f.reason.data or "", cents(f.cost.data)))


@bp.post("/places/<int:place_id>/stock/adjustments")
@roles("operator")
def adjustment(place_id: int) -> object:
    """A correction after a count."""
    return _record(place_id, "adjustment", _("Ajustement enregistré."), lambda f: stock.adjust(
        ctx(), actor(), place_id, f.material_id.data, f.quantity.data, f.reason.data))


@bp.post("/places/<int:place_id>/stock/scrap")
@roles("operator")
def scrap(place_id: int) -> object:
    """Spoilt material written off."""
    return _record(place_id, "scrap", _("Rebut enregistré."), lambda f: stock.scrap(
        ctx(), actor(), place_id, f.material_id.data, f.quantity.data, f.reason.data))


@bp.post("/places/<int:place_id>/stock/transfers")
@roles("operator", "coordinator")
def transfer(place_id: int) -> object:
    """Material sent to another place: out of this one and into the other at once."""
    return _record(place_id, "transfer", _("Transfert enregistré : sorti d'ici, entré là-bas."),
                   lambda f: stock.transfer(ctx(), actor(), place_id, f.to_place_id.data, f.material_id.data,
                                            f.quantity.data, f.reason.data or ""))


@bp.get("/stock")
@roles("coordinator")
def overview() -> str:
    """Every place's levels in the territory, alerts first."""
    return render_template("stock/overview.html", stock=reporting.stock_overview(ctx(), actor()),
                           alerts=stock.alerts(ctx(), actor()))
