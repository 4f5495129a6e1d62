"""The territory: the coordinators' view per commune with its map, the public pages of the région, its
départements and communes, the open data files, and the map's outlines (served by the app: no tile server)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from makernet.services import reporting, territory
from makernet.services.context import current_context as ctx
from makernet.services.listing import Window
from makernet.web.feedback import page_blueprint
from makernet.web.forms import ActionForm
from makernet.web.session import actor, roles

bp = page_blueprint("territory", __name__)
SHOWN_COMMUNES = 50         # rows of a page's commune table: the most asking first (every one is in the files)
FRESH = 300                 # seconds a proxy or browser may keep a public file (published every five minutes)
ABOUT = {"communes-semaines.csv": _l("Unités demandées, fabriquées et livrées par commune et par semaine"),
         "communes-semaines.schema.json": _l("Son schéma (Table Schema)"),
         "communes.geojson": _l("Les mêmes chiffres, cumulés, en un point par commune"),
         "lieux.csv": _l("Les lieux de fabrication actifs : où, quoi, quels lots"),
         "lieux.schema.json": _l("Son schéma (Table Schema)"),
         "lieux.geojson": _l("Les lieux sur une carte"),
         "territoire.json": _l("Tout ce que montrent les pages publiques du territoire")}


@bp.get("/territory")
@roles("coordinator")
def coordinator() -> str:
    """Demand, made and delivered per commune and département, coverage, time to receipt, places against their
    capacity, stock days left, on a map."""
    departement = request.args.get("departement") or None
    view = territory.coordinator_territory(ctx(), actor(), departement)
    late = reporting.late_work(ctx(), actor(), departement=departement, window=Window(1, 5))
    return render_template("territory/coordinator.html", t=view, departement=departement, shown=SHOWN_COMMUNES,
                           action=ActionForm(), late=late)


@bp.post("/territory/publish")
@roles("coordinator")
def publish_now() -> Response:
    """Work the figures and the open data out again now, rather than in the next five minutes."""
    if ActionForm().validate_on_submit():
        territory.publish(ctx())
        flash(_("Chiffres recalculés : les pages publiques et les données ouvertes sont à jour."), "success")
    return redirect(url_for("territory.coordinator", departement=request.form.get("departement") or None))


@bp.get("/territoire")
@bp.get("/territoire/<departement>")
@bp.get("/territoire/<departement>/<commune>")
def public(departement: str | None = None, commune: str | None = None) -> str:
    """What the public may see of the région, a département or a commune: figures, chart, map, places."""
    view = territory.public_territory(ctx(), departement, commune)
    return render_template("territory/public.html", t=view, departement=departement, commune=commune,
                           shown=SHOWN_COMMUNES)


@bp.get("/donnees")
def open_data() -> str:
    """The open data files: what each holds, its schema, its size and when it was made."""
    return render_template("territory/open_data.html", files=territory.public_files(ctx()), about=ABOUT,
                           threshold=ctx().settings.open_data_threshold)


@bp.get("/donnees/<name>")
def open_data_file(name: str) -> Response:
    """One open data file at its stable address, as last published."""
    found = territory.published(ctx(), f"donnees/{name}")
    answer = Response(found.body, mimetype=found.media_type.split(";")[0],
                      content_type=found.media_type if "charset" in found.media_type else None)
    answer.last_modified = found.updated_at
    answer.cache_control.public = True
    answer.cache_control.max_age = FRESH
    return answer


@bp.get("/geo/<name>")
def outlines(name: str) -> Response:
    """The région's outlines for the maps (communes, départements, the région), from the installation's map."""
    if name not in territory.MAP_FILES:
        abort(404)
    answer = send_from_directory(territory.map_dir(ctx().settings), name, mimetype="application/geo+json",
                                 max_age=86_400)
    return answer
