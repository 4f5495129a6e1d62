"""Requests: post one, follow it, change or cancel it, confirm receipt; coordinators triage (approve, reject, split,
merge)."""
from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from makernet.errors import MakerNetError
from makernet.services import catalogue, deliveries, demand
from makernet.services.context import current_context as ctx
from makernet.services.listing import Filters, Window
from makernet.web.feedback import attach, flash_error, page_blueprint
from makernet.web.forms import ActionForm, options
from makernet.web.forms_deliveries import receipt_form
from makernet.web.forms_demand import AskForm, MergeForm, ReasonForm, RequestForm, request_data, split_form
from makernet.web.session import actor, roles

PAGE_ROWS = 50   # rows of a list page

bp = page_blueprint("demand", __name__)
LINE_FIELDS = {"needed_by": "needed_by", "delivery_point": "delivery_point", "priority": "priority",
               "lines": "lines"}


@bp.get("/requests")
@roles("requester", "coordinator", "operator")
def my_requests() -> str:
    """The requests I may see, newest first, with where each stands: a page of them, filtered by state."""
    filters = Filters(status=request.args.get("status") or None)
    rows = demand.list_requests(ctx(), actor(), filters, Window.of(request.args.get("page"), None, PAGE_ROWS))
    return render_template("demand/list.html", requests=rows, status=filters.status, statuses=demand.STATUSES)


@bp.route("/requests/new", methods=["GET", "POST"])
@roles("requester")
def new_request() -> object:
    """Post a request: lines, needed-by date, delivery point, who it is for, why it is urgent."""
    form = RequestForm()
    if _ready(form):
        try:
            created = demand.submit_request(
                ctx(), actor(), needed_by=form.needed_by.data, delivery_point=form.delivery_point.data,
                lines=form.filled_lines(), priority=form.priority.data, beneficiary=form.beneficiary.data or "",
                urgency_reason=form.urgency_reason.data or "")
        except MakerNetError as error:
            attach(form, error, LINE_FIELDS)
        else:
            flash(_("Demande n° %(id)s envoyée : la coordination va l'examiner.", id=created["id"]), "success")
            return redirect(url_for("demand.request_page", request_id=created["id"]))
    return render_template("demand/new.html", form=form), 422 if form.errors else 200


def _ready(form: RequestForm) -> bool:
    """Offer the catalogue on every line, one more line when asked (no script needed); whether to save."""
    if "add_line" in request.form:
        form.lines.append_entry()
    form.set_items(catalogue.list_items(ctx()))
    return "add_line" not in request.form and form.validate_on_submit()


@bp.route("/requests/<int:request_id>/edit", methods=["GET", "POST"])
@roles("requester")
def change_request(request_id: int) -> object:
    """Change a request before production starts: what was approved goes back to triage."""
    page = demand.request_page(ctx(), actor(), request_id)
    if not page["changeable"]:
        flash(_("La production a commencé ou la demande est close : elle ne peut plus être modifiée ici."), "error")
        return redirect(url_for("demand.request_page", request_id=request_id))
    form = RequestForm(data=request_data(page))
    if _ready(form):
        try:
            demand.change_request(
                ctx(), actor(), request_id, needed_by=form.needed_by.data, delivery_point=form.delivery_point.data,
                lines=form.filled_lines(), priority=form.priority.data, beneficiary=form.beneficiary.data or "",
                urgency_reason=form.urgency_reason.data or "")
        except MakerNetError as error:
            attach(form, error, LINE_FIELDS)
        else:
            flash(_("Demande n° %(id)s modifiée.", id=request_id) + (" " + _(
                "Elle retourne à l'examen de la coordination ; les lieux qui devaient la fabriquer sont prévenus "
                "que ce travail est annulé.") if page["status"] != "submitted" else ""), "success")
            return redirect(url_for("demand.request_page", request_id=request_id))
    return render_template("demand/new.html", form=form, r=page), 422 if form.errors else 200


@bp.post("/requests/<int:request_id>/cancel")
@roles("requester", "coordinator")
def cancel(request_id: int) -> Response:
    """Call off a request before production starts."""
    return _action(lambda: demand.cancel_request(ctx(), actor(), request_id),
                   _("Demande n° %(id)s annulée.", id=request_id), url_for("demand.request_page", request_id=request_id))


def _action(use_case: Callable[[], object], done: str, then: str) -> Response:
    """A button of a request's page or of triage: do it and say so, or say why not; then go to `then`."""
    if ActionForm().validate_on_submit():
        try:
            use_case()
            flash(done, "success")
        except MakerNetError as error:
            flash_error(error)
    return redirect(then)


@bp.post("/requests/<int:request_id>/ask")
@roles("requester")
def ask(request_id: int) -> object:
    """Ask the coordination for a change the requester can no longer make (production started)."""
    form = AskForm()
    return _page_form(request_id, lambda: demand.ask_for_change(ctx(), actor(), request_id, form.message.data),
                      _("Votre demande de modification est transmise à la coordination."),
                      url_for("demand.request_page", request_id=request_id), ask=form)


def _page_form(request_id: int, use_case: Callable[[], object], done: str, then: str, **forms: FlaskForm) -> object:
    """Post one of a request's page forms (`forms`, by name): on success say `done` and go to `then`; else the
    page again, with the refusal beside its field."""
    form = next(iter(forms.values()))
    if form.validate_on_submit():
        try:
            use_case()
        except MakerNetError as error:
            attach(form, error)
        else:
            flash(done, "success")
            return redirect(then)
    return _detail_page(demand.request_page(ctx(), actor(), request_id), status=422, **forms)


@bp.get("/requests/<int:request_id>")
@roles("requester", "coordinator", "operator")
def request_page(request_id: int) -> tuple[str, int]:
    """One request: its lines and what they still await, its timeline and its deliveries (with the receipt form)."""
    return _detail_page(demand.request_page(ctx(), actor(), request_id))


def _detail_page(page: dict, reject: ReasonForm | None = None, ask: AskForm | None = None,
                 status: int = 200) -> tuple[str, int]:
    """A request's page, with one receipt form per delivery, what each line still awaits, and its forms."""
    waiting = {ln["request_line_id"]: ln for ln in deliveries.awaiting(ctx(), actor(), page["id"])["lines"]}
    for line in page["lines"]:
        line["awaiting"] = waiting.get(line["id"], {})
    names = {line["id"]: line["item_name"] for line in page["lines"]}
    receipts = {d["id"]: receipt_form([ln | {"item_name": names.get(ln["request_line_id"], "?")} for ln in d["lines"]])(
        prefix=f"delivery{d['id']}", formdata=None) for d in page["deliveries"]}
    return render_template("demand/detail.html", r=page, receipts=receipts, action=ActionForm(),
                           reject=reject or ReasonForm(formdata=None), ask=ask or AskForm(formdata=None)), status


@bp.get("/triage")
@roles("coordinator")
def triage() -> str:
    """The coordinator's inbox: requests waiting for a decision, most urgent first."""
    waiting = demand.triage_queue(ctx(), actor(), Window.of(request.args.get("page"), None, PAGE_ROWS))
    merge = MergeForm()
    merge.into.choices = options((r["id"], f"n° {r['id']}") for r in waiting)
    return render_template("demand/triage.html", requests=waiting, merge=merge, action=ActionForm(),
                           reject=ReasonForm(), asks=demand.change_asks(ctx(), actor()))


@bp.post("/requests/<int:request_id>/approve")
@roles("coordinator")
def approve(request_id: int) -> Response:
    """Approve a submitted request."""
    return _action(lambda: demand.approve_request(ctx(), actor(), request_id),
                   _("Demande n° %(id)s approuvée.", id=request_id), request.referrer or url_for("demand.triage"))


@bp.post("/requests/<int:request_id>/reject")
@roles("coordinator")
def reject(request_id: int) -> object:
    """Reject a request, saying why."""
    form = ReasonForm()
    return _page_form(request_id, lambda: demand.reject_request(ctx(), actor(), request_id, form.reason.data),
                      _("Demande n° %(id)s refusée.", id=request_id), url_for("demand.triage"), reject=form)


@bp.route("/requests/<int:request_id>/split", methods=["GET", "POST"])
@roles("coordinator")
def split(request_id: int) -> object:
    """Move part of a request into a new one (say, what can wait)."""
    page = demand.request_page(ctx(), actor(), request_id)
    form = split_form(page["lines"])()
    if form.validate_on_submit():
        moved = {line["id"]: form[f"line_{line['id']}"].data for line in page["lines"]}
        try:
            twin = demand.split_request(ctx(), actor(), request_id, moved, form.needed_by.data)
        except MakerNetError as error:
            attach(form, error)
        else:
            flash(_("Demande scindée : la nouvelle demande porte le n° %(id)s.", id=twin["id"]), "success")
            return redirect(url_for("demand.triage"))
    return render_template("demand/split.html", r=page, form=form), 422 if form.errors else 200


@bp.post("/triage/merge")
@roles("coordinator")
def merge() -> object:
    """Fold duplicate requests of one organisation into one."""
    form = MergeForm()
    if form.validate_on_submit():
        try:
            kept = demand.merge_requests(ctx(), actor(), form.into.data, form.others.data)
        except MakerNetError as error:
            flash_error(error)
        else:
            flash(_("Demandes fusionnées dans la demande n° %(id)s.", id=kept["id"]), "success")
    else:
        for errors in form.errors.values():
            for text in errors:
                flash(str(text), "error")
    return redirect(url_for("demand.triage"))
