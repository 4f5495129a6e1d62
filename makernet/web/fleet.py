"""The fleet: connecting a place's printers through OctoPrint (the key request or a typed key), Moonraker or
PrusaLink (a typed key), a new key, "test connection", taking one out of the place."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _, ngettext
from werkzeug.wrappers import Response

from makernet.errors import MakerNetError
from makernet.messages import printer_detail
from makernet.services import fleet
from makernet.services.context import current_context as ctx
from makernet.web.feedback import flash_error, page_blueprint
from makernet.web.formatting import label, moment
from makernet.web.session import actor, roles

bp = page_blueprint("fleet", __name__)


def _back(place_id: int) -> Response:
    return redirect(url_for("places.place", place_id=place_id) + "#printer-onboarding")


@bp.post("/places/<int:place_id>/printers")
@roles("operator")
def connect_printer(place_id: int) -> Response:
    """Register a printer by its host and address, and ask the host for a key (OctoPrint) or keep the one typed."""
    form = request.form
    try:
        found = fleet.connect_printer(ctx(), actor(), place_id, name=form.get("name", ""), url=form.get("url", ""),
                                      driver=form.get("driver", "").strip() or None,
                                      printer_profile=form.get("printer_profile", ""),
                                      user=form.get("octoprint_user", "").strip() or None,
                                      api_key=form.get("api_key", "").strip() or None, server_addresses=(request.host_url,))
    except MakerNetError as error:
        flash_error(error)
    else:
        flash(_("Clé enregistrée : MakerNet lit l'imprimante au prochain passage.") if found["key_status"] == "stored"
              else _("Demande envoyée : ouvrez OctoPrint et acceptez « MakerNet » dans les dix minutes.")
              if found["key_status"] == "awaiting" else printer_detail(found["state_detail"]), "success")
    return _back(place_id)


@bp.post("/places/<int:place_id>/printers/<int:machine_id>/remove")
@roles("operator", "coordinator")
def remove_machine(place_id: int, machine_id: int) -> Response:
    """Take a printer out of the place: its waiting plates go to the place's other printers."""
    try:
        found = fleet.remove_machine(ctx(), actor(), machine_id)
    except MakerNetError as error:
        flash_error(error)
    else:
        said = [_("%(name)s est retirée du lieu.", name=found["name"])]
        if found["plates_moved"]:   # where its waiting plates went, so the operator knows who prints them now
            said.append(ngettext("%(num)s plateau en attente passe à %(to)s.",
                                 "%(num)s plateaux en attente passent à %(to)s.",
                                 found["plates_moved"], to=", ".join(found["moved_to"])))
        flash(" ".join(said), "success")
    return _back(place_id)


@bp.post("/places/<int:place_id>/printers/<int:machine_id>/key")
@roles("operator")
def request_new_key(place_id: int, machine_id: int) -> Response:
    """Ask the printer's OctoPrint for a new key."""
    try:
        fleet.request_new_key(ctx(), actor(), machine_id, request.form.get("octoprint_user", "").strip() or None)
    except MakerNetError as error:
        flash_error(error)
    else:
        flash(_("Nouvelle demande envoyée : acceptez « MakerNet » dans OctoPrint."), "success")
    return _back(place_id)


@bp.post("/places/<int:place_id>/printers/<int:machine_id>/test")
@roles("operator")
def test_connection(place_id: int, machine_id: int) -> Response:
    """Ask the printer's host what it is and what it does, and say it."""
    try:
        found = fleet.test_connection(ctx(), actor(), machine_id)
    except MakerNetError as error:
        flash_error(error)
        return _back(place_id)
    if found["reachable"] and found.get("version"):
        # the printer's state in the page's language, never the host's own English word ("Operational")
        state = label((found.get("status") or {}).get("state", "unknown"))
        flash(_("Connexion réussie : %(host)s %(version)s, imprimante « %(state)s ».",
                host=found.get("host") or "OctoPrint", version=found["version"], state=state), "success")
    elif "state" in found:   # a place with its own worker: its last reading, in the page's language
        said = _("Lu par le worker du lieu : imprimante « %(state)s », dernier relevé %(when)s.",
                 state=label(found["state"]), when=moment(found["read_at"]))
        flash(f"{said} {printer_detail(found['code'])}" if found.get("code") else said,
              "success" if found["reachable"] else "error")
    elif found["reachable"]:
        flash(_("Machine déclarée à la main : rien à tester."), "success")
    else:
        flash(_("Connexion impossible : %(detail)s", detail=printer_detail(found.get("code") or found["detail"])), "error")
    return _back(place_id)
