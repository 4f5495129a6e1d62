"""Data files: CSV exports of what the user may see, and the CSV import of places, machines or opening stock."""
from __future__ import annotations

from flask import Response, flash, render_template, request
from flask_babel import ngettext
from flask_login import current_user

from makernet.errors import MakerNetError, NotFound
from makernet.messages import with_reasons
from makernet.services import exchange
from makernet.services.context import current_context as ctx
from makernet.web.feedback import attach, page_blueprint
from makernet.web.forms import options
from makernet.web.forms_exchange import ImportForm, import_choices
from makernet.web.session import actor, roles

bp = page_blueprint("exchange", __name__)


@bp.get("/exports/<kind>.csv")
@roles("requester", "operator", "coordinator")
def export(kind: str) -> Response:
    """Requests, production, stock or deliveries as a spreadsheet opens them (what the user may see)."""
    if kind not in exchange.KINDS:
        raise NotFound("exchange.export_not_found", name=kind)
    return Response(exchange.export_csv(ctx(), actor(), kind), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="makernet-{kind}.csv"'})


@bp.route("/imports", methods=["GET", "POST"])
@roles("operator", "coordinator")
def import_csv() -> object:
    """Onboard places, machines or opening stock from a CSV file: check it first, then import all or nothing."""
    form = ImportForm()
    form.kind.choices = options(import_choices(current_user.role))
    report = None
    if form.validate_on_submit():
        dry_run = request.form.get("action") != "import"
        try:
            report = exchange.import_csv(ctx(), actor(), form.kind.data, form.file.data.read(), dry_run)
        except MakerNetError as error:
            attach(form, error)
        else:
            report["errors"] = with_reasons(report["errors"])
            if report["imported"]:
                flash(ngettext("%(num)s ligne importée.", "%(num)s lignes importées.", report["imported"]), "success")
    status = 422 if form.errors or (report and report["errors"]) else 200
    return render_template("exchange/imports.html", form=form, report=report), status
