"""Work orders: places accept, decline or accept part; coordinators allocate requests to places."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, gettext as _, ngettext

from makernet.errors import MakerNetError
from makernet.services import planning
from makernet.services.listing import Filters, Window
from makernet.services.context import current_context as ctx
from makernet.web.demand import PAGE_ROWS
from makernet.web.feedback import attach, flash_with_link, page_blueprint
from makernet.web.forms import options
from makernet.web.forms_planning import AcceptForm, AllocateForm, DeclineForm, TakeBackForm
from makernet.web.session import actor, roles

bp = page_blueprint("planning", __name__)


def _work_orders_page(refused: tuple[int, AcceptForm | DeclineForm] | None = None) -> str:
    """The work orders page: the proposals waiting for an answer (one accept and one decline form each, a refused
    one kept as typed), then a page of all orders, filtered by state and place."""
    filters = Filters.of(request.args)
    proposed = planning.work_orders_page(ctx(), actor(), Filters(status="proposed", place_id=filters.place_id))
    orders = planning.work_orders_page(ctx(), actor(), filters, Window.of(request.args.get("page"), None, PAGE_ROWS))
    accepts = {o["id"]: AcceptForm(prefix=f"accept{o['id']}", formdata=None) for o in proposed}
    declines = {o["id"]: DeclineForm(prefix=f"decline{o['id']}", formdata=None) for o in proposed}
    if refused is not None:
        (accepts if isinstance(refused[1], AcceptForm) else declines)[refused[0]] = refused[1]
    return render_template("planning/work_orders.html", proposed=proposed, accepts=accepts, declines=declines,
                           orders=orders, filters=filters, statuses=planning.STATUSES,
                           places=planning.work_order_places(ctx(), actor()))


@bp.get("/work-orders")
@roles("operator", "coordinator")
def work_orders() -> str:
    """Work proposed to my places (operators) or in my territory (coordinators), and all orders, page by page."""
    return _work_orders_page()


@bp.get("/work-orders/<int:work_order_id>")
@roles("operator", "coordinator")
def work_order(work_order_id: int) -> str:
    """One work order: what, for whom, where its plates stand; a coordinator may bring it down or call it off."""
    return _work_order_page(work_order_id, TakeBackForm(formdata=None))


def _work_order_page(work_order_id: int, form: TakeBackForm, status: int = 200) -> tuple[str, int]:
    return render_template("planning/work_order.html", o=planning.work_order_page(ctx(), actor(), work_order_id),
                           form=form), status


@bp.post("/work-orders/<int:work_order_id>/take-back")
@roles("coordinator")
def take_back(work_order_id: int) -> object:
    """Bring the order down to the quantity typed, or call off all of it not begun; the rest is planned again."""
    form = TakeBackForm()
    whole = request.form.get("action") == "cancel"
    if form.validate_on_submit():
        if not whole and form.quantity.data is None:
            form.quantity.errors = [_("Indiquez la nouvelle quantité, ou annulez ce qui n'est pas commencé.")]
            return _work_order_page(work_order_id, form, 422)
        try:
            order = planning.change_work_order(ctx(), actor(), work_order_id, reason=form.reason.data,
                                               quantity=None if whole else form.quantity.data)
        except MakerNetError as error:
            attach(form, error)
        else:
            flash(_("Ordre n° %(id)s : %(reason)s. Le lieu le lit sur l'ordre ; les unités reprises sont "
                    "replanifiées.", id=work_order_id, reason=order["reason"]), "success")
            return redirect(url_for("planning.work_order", work_order_id=work_order_id))
    return _work_order_page(work_order_id, form, 422)


@bp.post("/work-orders/<int:work_order_id>/accept")
@roles("operator")
def accept(work_order_id: int) -> object:
    """Accept all of the proposed work, or the quantity typed."""
    form = AcceptForm(prefix=f"accept{work_order_id}")
    if form.validate_on_submit():
        try:
            order = planning.accept_work_order(ctx(), actor(), work_order_id, form.quantity.data)
        except MakerNetError as error:
            attach(form, error)
        else:
            accepted = ngettext("Ordre de fabrication n° %(id)s accepté (%(n)s unité) : elle est dans la file "
                                "d'attente du lieu.", "Ordre de fabrication n° %(id)s accepté (%(n)s unités) : "
                                "elles sont dans la file d'attente du lieu.", order["accepted_quantity"],
                                id=work_order_id, n=format_decimal(order["accepted_quantity"]))
            flash_with_link(accepted, url_for("production.place_queue", place_id=order["place_id"]),
                            _("Voir la file d'attente"))
            return redirect(url_for("planning.work_orders"))
    return _work_orders_page((work_order_id, form)), 422


@bp.post("/work-orders/<int:work_order_id>/decline")
@roles("operator")
def decline(work_order_id: int) -> object:
    """Decline the proposed work, saying why."""
    form = DeclineForm(prefix=f"decline{work_order_id}")
    if form.validate_on_submit():
        try:
            planning.decline_work_order(ctx(), actor(), work_order_id, form.reason.data)
        except MakerNetError as error:
            attach(form, error)
        else:
            flash(_("Ordre de fabrication n° %(id)s décliné.", id=work_order_id), "success")
            return redirect(url_for("planning.work_orders"))
    return _work_orders_page((work_order_id, form)), 422


@bp.route("/requests/<int:request_id>/allocate", methods=["GET", "POST"])
@roles("coordinator")
def allocate(request_id: int) -> object:
    """The allocation screen: lines left to allocate, and each place's capacity, backlog and distance."""
    offer = planning.allocation_options(ctx(), actor(), request_id)
    form = AllocateForm()
    form.request_line_id.choices = options((ln["id"], f"{ln['item_name']} ({ln['left']})") for ln in offer["lines"]
                                           if ln["left"] > 0)
    form.place_id.choices = options((p["id"], p["name"]) for p in offer["places"])
    if form.validate_on_submit():
        try:
            order = planning.allocate(ctx(), actor(), request_line_id=form.request_line_id.data,
                                      place_id=form.place_id.data, quantity=form.quantity.data,
                                      reason=form.reason.data or "")
        except MakerNetError as error:
            attach(form, error)
        else:
            place = next(p["name"] for p in offer["places"] if p["id"] == order["place_id"])
            flash(ngettext("%(n)s unité proposée à %(place)s (ordre n° %(id)s).",
                           "%(n)s unités proposées à %(place)s (ordre n° %(id)s).", order["quantity"], id=order["id"],
                           n=format_decimal(order["quantity"]), place=place),
                  "success")
            return redirect(url_for("planning.allocate", request_id=request_id))
    return render_template("planning/allocate.html", r=offer, form=form), 422 if form.errors else 200

