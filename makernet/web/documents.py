"""Documents: the reports page, the production report, cost estimates and delivery notes as PDF."""
from __future__ import annotations

from datetime import date

from flask import Response, render_template, request

from makernet.errors import MakerNetError
from makernet.services import catalogue, documents, exchange, places, stock
from makernet.services.context import current_context as ctx
from makernet.web.feedback import attach, page_blueprint
from makernet.web.forms import options
from makernet.web.forms_documents import ReportForm, current_month, estimate_form, unit_costs_cents
from makernet.web.session import actor, public_url, roles

bp = page_blueprint("documents", __name__)
ESTIMATE_FIELDS = {"quantity": "quantity", "customer": "customer", "item_id": "item_id", "place_id": "place_id",
                   "minutes_per_unit": "minutes_per_unit"}


def _pdf(content: bytes, name: str) -> Response:
    """A PDF the browser shows (and prints) as it is."""
    return Response(content, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})


def _report_form(formdata: object = None) -> ReportForm:
    """The report form, offering the départements of the coordinator's territory."""
    form = ReportForm(formdata=formdata)
    if formdata is None:
        form.start.data, form.end.data = current_month(date.today())
    form.departements.choices = options((d, d) for d in sorted(actor().territory))
    return form


@bp.get("/reports")
@roles("coordinator")
def reports() -> str:
    """Documents of the territory: production report, CSV exports, imports, cost estimates."""
    return render_template("documents/reports.html", form=_report_form(), kinds=exchange.KINDS)


@bp.get("/reports/production.pdf")
@roles("coordinator")
def production_report() -> object:
    """The production report of a period and territory, with its charts."""
    form = _report_form(request.args)
    if form.validate():
        try:
            pdf = documents.production_report_pdf(ctx(), actor(), form.start.data, form.end.data,
                                                  form.departements.data or None)
        except MakerNetError as error:
            attach(form, error)
        else:
            return _pdf(pdf, f"rapport-de-production-{form.start.data}-{form.end.data}.pdf")
    return render_template("documents/reports.html", form=form, kinds=exchange.KINDS), 422


@bp.route("/estimates", methods=["GET", "POST"])
@roles("operator", "coordinator")
def estimate() -> object:
    """A cost estimate (devis) for a small batch, from the place's own conditions: its time and its material."""
    materials = stock.materials(ctx())
    form = estimate_form(materials)(data={"place_id": request.args.get("place_id", type=int)})
    form.place_id.choices = options((p["id"], p["name"]) for p in places.list_places(ctx(), actor()) if p["active"])
    form.item_id.choices = options((i["id"], i["name"]) for i in catalogue.list_items(ctx()))
    if form.validate_on_submit():
        minutes = form.minutes_per_unit.data
        try:
            pdf = documents.cost_estimate_pdf(
                ctx(), actor(), place_id=form.place_id.data, item_id=form.item_id.data, quantity=form.quantity.data,
                customer=form.customer.data, unit_costs_cents=unit_costs_cents(form, materials),
                minutes_per_unit=float(minutes) if minutes is not None else None,
                finishing_minutes_per_unit=float(form.finishing_minutes_per_unit.data or 0))
        except MakerNetError as error:
            code = (error.field or "").removeprefix("unit_costs_cents.")
            attach(form, error, ESTIMATE_FIELDS | ({error.field: f"cost_{code}"} if error.field else {}))
        else:
            return _pdf(pdf, "devis.pdf")
    return render_template("documents/estimate.html", form=form, materials=materials), 422 if form.errors else 200


@bp.get("/deliveries/<int:delivery_id>/note.pdf")
@roles("operator", "coordinator", "requester")
def delivery_note(delivery_id: int) -> Response:
    """The delivery note (bon de livraison) to print; its QR code opens the receipt page."""
    return _pdf(documents.delivery_note_pdf(ctx(), actor(), delivery_id, public_url("/")),
                f"bon-de-livraison-{delivery_id}.pdf")
