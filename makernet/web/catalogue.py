"""The catalogue (admins): items, their design versions, bills of materials and plates with G-code; materials."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from makernet.errors import MakerNetError
from makernet.services import catalogue
from makernet.services.context import current_context as ctx
from makernet.web.feedback import attach, flash_error, page_blueprint
from makernet.web.formatting import label
from makernet.web.forms import ActionForm, options
from makernet.web.forms_catalogue import BomForm, DesignForm, ItemForm, MaterialForm, PlateForm
from makernet.web.session import actor, roles

bp = page_blueprint("catalogue", __name__)


@bp.get("/admin/catalogue")
@roles("admin")
def index() -> str:
    """Items, their design versions, bills of materials and plates; materials."""
    return _catalogue_page()


def _catalogue_page(status: int = 200, **forms: object) -> object:
    data = catalogue.admin_catalogue(ctx(), actor())
    materials = options((m["id"], f"{m['name']} ({label(m['unit'])})") for m in data["materials"])
    bom = forms.pop("bom", None) or BomForm(formdata=None)
    bom.material_id.choices = materials
    blank_bom = BomForm(formdata=None)   # the other designs' forms: a refused one shows only where it was sent
    blank_bom.material_id.choices = materials
    return render_template("catalogue/index.html", c=data, action=ActionForm(), bom=bom, blank_bom=blank_bom,
                           item_form=forms.pop("item_form", None) or ItemForm(formdata=None),
                           material_form=forms.pop("material_form", None) or MaterialForm(formdata=None),
                           design=forms.pop("design", None) or DesignForm(formdata=None),
                           blank_design=DesignForm(formdata=None),
                           plate=forms.pop("plate", None) or PlateForm(formdata=None), blank_plate=PlateForm(formdata=None),
                           materials=materials, **forms), status


def _save(form: object, call: object, done: str, name: str, **context: object) -> object:
    """Validate a catalogue form, run the change, then come back to the catalogue (kept as typed on error, the
    page saying so at its top: the form may be far down a long page, on a phone)."""
    if form.validate_on_submit():  # type: ignore[attr-defined]
        try:
            call()  # type: ignore[operator]
        except MakerNetError as error:
            attach(form, error)  # type: ignore[arg-type]
        else:
            flash(done, "success")
            return redirect(url_for("catalogue.index"))
    flash(_("Rien n'a été enregistré : corrigez le formulaire ouvert plus bas."), "error")
    return _catalogue_page(422, **{name: form}, **context)


@bp.post("/admin/catalogue/items")
@roles("admin")
def create_item() -> object:
    """Add an item."""
    form = ItemForm()
    return _save(form, lambda: catalogue.create_item(ctx(), actor(), code=form.code.data, name=form.name.data,
                                                     kind=form.kind.data), _("Article ajouté."), "item_form")


@bp.post("/admin/catalogue/items/<int:item_id>/active")
@roles("admin")
def item_active(item_id: int) -> Response:
    """Offer or withdraw an item."""
    if ActionForm().validate_on_submit():
        try:
            catalogue.set_item_active(ctx(), actor(), item_id, request.form.get("active") == "1")
        except MakerNetError as error:
            flash_error(error)
    return redirect(url_for("catalogue.index"))


@bp.post("/admin/catalogue/materials")
@roles("admin")
def create_material() -> object:
    """Add a material."""
    form = MaterialForm()
    return _save(form, lambda: catalogue.create_material(
        ctx(), actor(), code=form.code.data, name=form.name.data, unit=form.unit.data,
        low_stock_threshold=form.low_stock_threshold.data), _("Matière ajoutée."), "material_form")


@bp.post("/admin/catalogue/items/<int:item_id>/designs")
@roles("admin")
def add_design(item_id: int) -> object:
    """Add a design version to an item."""
    form = DesignForm()
    return _save(form, lambda: catalogue.add_design_version(
        ctx(), actor(), item_id, label=form.label.data, validated=form.validated.data,
        validated_for=form.validated_for.data, notes=form.notes.data or ""),
        _("Version ajoutée."), "design", design_for=item_id)


@bp.post("/admin/catalogue/designs/<int:design_id>/validated")
@roles("admin")
def design_validated(design_id: int) -> Response:
    """Validate a design version, or withdraw its validation."""
    if ActionForm().validate_on_submit():
        try:
            catalogue.set_design_validated(ctx(), actor(), design_id, request.form.get("validated") == "1")
        except MakerNetError as error:
            flash_error(error)
    return redirect(url_for("catalogue.index"))


@bp.post("/admin/catalogue/designs/<int:design_id>/bom")
@roles("admin")
def set_bom(design_id: int) -> object:
    """Set one line of a design's bill of materials."""
    form = BomForm()
    materials = catalogue.admin_catalogue(ctx(), actor())["materials"]
    form.material_id.choices = options((m["id"], m["name"]) for m in materials)
    return _save(form, lambda: catalogue.set_bom_line(ctx(), actor(), design_id, form.material_id.data,
                                                      form.quantity.data, form.good_units_only.data),
                 _("Nomenclature mise à jour."), "bom", bom_for=design_id)


@bp.post("/admin/catalogue/designs/<int:design_id>/plates")
@roles("admin")
def set_plate(design_id: int) -> object:
    """Store a plate and its G-code for one printer profile."""
    form = PlateForm()
    return _save(form, lambda: catalogue.set_plate_layout(
        ctx(), actor(), design_id, printer_profile=form.printer_profile.data,
        units_per_plate=form.units_per_plate.data, print_minutes=form.print_minutes.data,
        gcode=form.gcode.data.read()), _("Plateau enregistré."), "plate", plate_for=design_id)
