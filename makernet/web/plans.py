"""The coordinators' planning screen: start the planner, follow its run live, read why each proposal was made, pin,
forbid, re-run."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, gettext as _, ngettext
from werkzeug.wrappers import Response

from makernet.errors import MakerNetError
from makernet.messages import render
from makernet.services import plans
from makernet.services.context import current_context as ctx
from makernet.services.listing import Window
from makernet.web.feedback import attach, flash_error, page_blueprint
from makernet.web.forms import ActionForm, options
from makernet.web.formatting import plural_count
from makernet.web.forms_plans import RuleForm
from makernet.web.session import actor, roles

bp = page_blueprint("plans", __name__)
PAGE_ROWS = 30   # planner runs of a page of the screen's history
LIVE_SECONDS = 2  # a run's page asks how far it has gone this often, until it is done


def _line_label(line: dict) -> str:
    """How a request line is named in the rule form's list."""
    return _("Demande n° %(request)s — %(item)s (%(left)s à planifier) — %(who)s",
             request=line["request_id"], item=line["item_name"], left=line["left"], who=line["requester"])


def _screen(form: RuleForm | None = None) -> tuple[str, int]:
    """The planning screen: what is left to plan, the runs and what they changed, the rules in force."""
    screen = plans.planning_screen(ctx(), actor(), Window.of(request.args.get("page"), None, PAGE_ROWS))
    form = form or RuleForm(formdata=None)
    form.request_line_id.choices = options((ln["id"], _line_label(ln)) for ln in screen["lines"])
    form.place_id.choices = options((p["id"], f"{p['name']} ({p['departement']})") for p in screen["places"])
    return render_template("plans/index.html", s=screen, form=form, action=ActionForm()), 422 if form.errors else 200


@bp.get("/plans")
@roles("coordinator")
def index() -> tuple[str, int]:
    """Run the planner, see its history, set pins and forbids."""
    return _screen()


@bp.post("/plans")
@roles("coordinator")
def run() -> Response:
    """Start the planner over the territory's approved lines; the run's page follows it live, then says what it
    proposed and why. While a run of the territory is in progress, that run's page is shown, saying so."""
    if not ActionForm().validate_on_submit():
        return redirect(url_for("plans.index"))
    try:
        started = plans.start_plan(ctx(), actor())
    except MakerNetError as error:
        flash_error(error)
        busy = error.params.get("id") if error.code == "plans.run_in_progress" else None
        return redirect(url_for("plans.plan_run", run_id=busy) if busy else url_for("plans.index"))
    flash(_("Planificateur lancé : cette page suit le passage jusqu'à ses propositions."), "success")
    return redirect(url_for("plans.plan_run", run_id=started["id"]))


@bp.get("/plans/<int:run_id>")
@roles("coordinator")
def plan_run(run_id: int) -> str:
    """One run: how far it has gone (the page follows it live), then what changed and why, each proposal with its
    reasons, what could not be planned; or why it failed."""
    r = plans.plan_run_page(ctx(), actor(), run_id)
    failure = render(r["failure"]["code"], r["failure"]["params"]) if r["failure"] else ""
    return render_template("plans/run.html", r=r, action=ActionForm(), failure=failure, summary=_summary(r),
                           live_seconds=LIVE_SECONDS)


def _summary(run: dict) -> str:
    """What a run done proposed and left, in a sentence."""
    return _("Planification faite : %(proposed)s, %(left)s.",
             proposed=ngettext("%(n)s unité proposée", "%(n)s unités proposées", plural_count(run["proposed_units"]),
                               n=format_decimal(run["proposed_units"])),
             left=ngettext("%(n)s non planifiée", "%(n)s non planifiées", plural_count(run["unplanned_units"]),
                           n=format_decimal(run["unplanned_units"])))


@bp.post("/planning-rules")
@roles("coordinator")
def add_rule() -> object:
    """Pin or forbid: a run planning the line again is posted, and its page follows it."""
    form = RuleForm()
    if form.validate_on_submit():
        try:
            rule = plans.add_rule(ctx(), actor(), kind=form.kind.data, request_line_id=form.request_line_id.data,
                                     place_id=form.place_id.data, quantity=form.quantity.data,
                                     note=form.note.data or "")
        except MakerNetError as error:
            attach(form, error)
        else:
            flash(_("Ligne épinglée : un passage du planificateur la replanifie.") if rule["kind"] == "pin"
                  else _("Affectation interdite : un passage du planificateur replanifie la ligne."), "success")
            return redirect(url_for("plans.plan_run", run_id=rule["plan_run"]["id"]))
    return _screen(form)


@bp.post("/planning-rules/<int:rule_id>/lift")
@roles("coordinator")
def lift_rule(rule_id: int) -> Response:
    """Lift a pin or forbid; it no longer weighs on the next runs."""
    if ActionForm().validate_on_submit():
        try:
            plans.lift_rule(ctx(), actor(), rule_id)
            flash(_("Règle levée : elle ne pèsera plus sur les prochaines planifications."), "success")
        except MakerNetError as error:
            flash_error(error)
    return redirect(url_for("plans.index"))
