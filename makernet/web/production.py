"""The print queue per machine with live progress, bed clear and manual counts."""
from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from werkzeug.wrappers import Response

from makernet.errors import MakerNetError
from makernet.services import production
from makernet.services.context import current_context as ctx
from makernet.services.listing import Window
from makernet.web.feedback import attach, flash_error, page_blueprint
from makernet.web.forms import ActionForm
from makernet.web.forms_production import ReportForm
from makernet.web.session import actor, roles

bp = page_blueprint("production", __name__)
LIVE_SECONDS = 5
PAGE_ROWS = 50   # finished plates and batches of a page


@bp.get("/places/<int:place_id>/queue")
@roles("operator", "coordinator")
def place_queue(place_id: int) -> str:
    """The queue of every machine of a place, whole; htmx refreshes the machines every few seconds. Below, the
    plates and batches finished there, a page of them."""
    view = production.place_queue(ctx(), actor(), place_id)
    if request.headers.get("HX-Request"):
        return render_template("production/_machines.html", q=view, action=ActionForm(),
                               report=ReportForm(formdata=None), live_seconds=LIVE_SECONDS)
    history = production.place_history(ctx(), actor(), place_id, Window.of(request.args.get("page"), None, PAGE_ROWS))
    return render_template("production/queue.html", q=view, history=history, action=ActionForm(),
                           report=ReportForm(formdata=None), live_seconds=LIVE_SECONDS)


@bp.post("/machines/<int:machine_id>/bed-clear")
@roles("operator")
def bed_clear(machine_id: int) -> Response:
    """The operator took the plate off: the printer may get its next one."""
    machine = production.get_machine(ctx(), actor(), machine_id)
    if ActionForm().validate_on_submit():
        try:
            done = production.confirm_bed_clear(ctx(), actor(), machine_id)
        except MakerNetError as error:
            flash_error(error)
        else:
            sent = "" if not done.get("dispatched_job_id") else " " + (
                _("Plateau n° %(id)s envoyé : il attendait derrière %(other)s, occupée.", id=done["dispatched_job_id"],
                  other=done["taken_from"]) if done.get("taken_from") else _("Plateau suivant envoyé."))
            flash(_("Plateau libre sur %(name)s.", name=machine["name"]) + sent, "success")
    return redirect(url_for("production.place_queue", place_id=machine["place_id"]))


@bp.post("/jobs/<int:job_id>/stop")
@roles("operator")
def stop_plate(job_id: int) -> Response:
    """Stop a printing plate: its printer cancels it, the plate then fails (retry or scrap it)."""
    return _decide(job_id, production.stop_plate,
                   _("Arrêt demandé : l'imprimante annule le plateau n° %(id)s, qui passe en échec."))


@bp.post("/jobs/<int:job_id>/retry")
@roles("operator")
def retry(job_id: int) -> Response:
    """A failed plate goes back to its machine's queue, to be printed again."""
    return _decide(job_id, production.retry_job, _("Plateau n° %(id)s remis dans la file : il sera imprimé à nouveau."))


@bp.post("/jobs/<int:job_id>/scrap")
@roles("operator")
def scrap(job_id: int) -> Response:
    """A failed plate is given up: its material counts as used, its units go back to the queue to be made again."""
    return _decide(job_id, production.scrap_job,
                   _("Plateau n° %(id)s mis au rebut : ses unités sont remises dans la file, à refaire."))


def again(units: int) -> str:
    """What a report of fewer good units than the plate held adds: they are made again."""
    return " " + ngettext("%(num)s unité à refaire est remise dans la file.",
                          "%(num)s unités à refaire sont remises dans la file.", units) if units > 0 else ""


def _decide(job_id: int, decision: Callable[..., object], done: str) -> Response:
    place_id = request.args.get("place_id", type=int)
    if ActionForm().validate_on_submit():
        try:
            decision(ctx(), actor(), job_id)
        except MakerNetError as error:
            flash_error(error)
        else:
            flash(done % {"id": job_id}, "success")
    return redirect(url_for("production.place_queue", place_id=place_id) if place_id
                    else url_for("planning.work_orders"))


@bp.post("/jobs/<int:job_id>/report")
@roles("operator")
def report(job_id: int) -> object:
    """Counts of a manual batch: units good and rejected."""
    form = ReportForm()
    place_id = request.args.get("place_id", type=int)
    if form.validate_on_submit():
        try:
            job = production.report_batch(ctx(), actor(), job_id, form.units_made.data, form.units_rejected.data)
        except MakerNetError as error:
            attach(form, error)
        else:
            recorded = ngettext("Plateau n° %(id)s enregistré : %(num)s unité bonne.",
                                "Plateau n° %(id)s enregistré : %(num)s unités bonnes.", job["units_made"], id=job_id) \
                if job["plate"] else ngettext("Lot n° %(id)s enregistré : %(num)s unité bonne.",
                                              "Lot n° %(id)s enregistré : %(num)s unités bonnes.", job["units_made"],
                                              id=job_id)
            flash(recorded + again(job["units"] - job["units_made"]), "success")
            return redirect(url_for("production.place_queue", place_id=place_id) if place_id
                            else url_for("planning.work_orders"))
    if place_id is None:
        return redirect(url_for("planning.work_orders"))
    view = production.place_queue(ctx(), actor(), place_id)
    return render_template("production/queue.html", q=view, history=production.place_history(
        ctx(), actor(), place_id, Window.of(None, None, PAGE_ROWS)), action=ActionForm(), report=form,
        report_for=job_id, live_seconds=LIVE_SECONDS), 422
