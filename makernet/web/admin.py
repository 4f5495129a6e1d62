"""Admin pages: organisations, users (invitations, resets), catalogue (items, designs, BOM, plates)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from makernet.errors import MakerNetError
from makernet.services import accounts
from makernet.services import catalogue as items
from makernet.services.context import current_context as ctx
from makernet.web.feedback import attach, flash_error, page_blueprint
from makernet.web.forms import ActionForm, options
from makernet.web.forms_admin import (
    BomForm,
    DesignForm,
    InviteForm,
    ItemForm,
    MaterialForm,
    OrganisationForm,
    PlateForm,
)
from makernet.web.session import actor, roles

bp = page_blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/organisations", methods=["GET", "POST"])
@roles("admin")
def organisations() -> object:
    """Every organisation, and a form to add one."""
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            saved = accounts.save_organisation(ctx(), actor(), name=form.name.data, kind=form.kind.data,
                                            commune=form.commune.data or "", departement=form.departement.data or "",
                                            territory=form.territory_codes())
        except MakerNetError as error:
            attach(form, error)
        else:
            flash(_("Organisation « %(name)s » enregistrée.", name=saved["name"]), "success")
            return redirect(url_for("admin.organisations"))
    return render_template("admin/organisations.html", form=form,
                           organisations=accounts.list_organisations(ctx(), actor())), 422 if form.errors else 200


@bp.route("/users", methods=["GET", "POST"])
@roles("admin")
def users() -> object:
    """Every user; invite one (the page shows the one-time link to hand over)."""
    form = InviteForm()
    form.organisation_id.choices = options((o["id"], o["name"]) for o in accounts.list_organisations(ctx(), actor()))
    if form.validate_on_submit():
        try:
            invited = accounts.invite_user(ctx(), actor(), email=form.email.data, name=form.name.data,
                                        role=form.role.data, organisation_id=form.organisation_id.data)
        except MakerNetError as error:
            attach(form, error)
        else:
            return _link_page(invited, _("Compte créé."))
    return render_template("admin/users.html", form=form, action=ActionForm(),
                           users=accounts.list_users(ctx(), actor())), 422 if form.errors else 200


def _link_page(result: dict, headline: str) -> str:
    """Show the one-time link once; the admin hands it over (no e-mail leaves a LAN install)."""
    link = url_for("accounts.invitation", token=result["token"], _external=True)
    return render_template("admin/link.html", headline=headline, email=result["email"], link=link)


@bp.post("/users/<int:user_id>/reset")
@roles("admin")
def reset(user_id: int) -> object:
    """Replace a user's password by a one-time link."""
    if not ActionForm().validate_on_submit():
        return redirect(url_for("admin.users"))
    try:
        result = accounts.reset_password(ctx(), actor(), user_id)
    except MakerNetError as error:
        flash_error(error)
        return redirect(url_for("admin.users"))
    return _link_page(result, _("Mot de passe réinitialisé : l'ancien ne fonctionne plus."))


@bp.post("/users/<int:user_id>/active")
@roles("admin")
def set_active(user_id: int) -> Response:
    """Deactivate or reactivate an account."""
    if ActionForm().validate_on_submit():
        try:
            accounts.set_user_active(ctx(), actor(), user_id, request.form.get("active") == "1")
            flash(_("Compte mis à jour."), "success")
        except MakerNetError as error:
            flash_error(error)
    return redirect(url_for("admin.users"))


@bp.get("/catalogue")
@roles("admin")
def catalogue() -> str:
    """Items, their design versions, bills of materials and plates; materials."""
    return _catalogue_page()


def _catalogue_page(status: int = 200, **forms: object) -> object:
    data = items.admin_catalogue(ctx(), actor())
    materials = options((m["id"], f"{m['name']} ({m['unit']})") for m in data["materials"])
    bom = forms.pop("bom", None) or BomForm(formdata=None)
    bom.material_id.choices = materials
    return render_template("admin/catalogue.html", c=data, action=ActionForm(), bom=bom,
                           item_form=forms.pop("item_form", None) or ItemForm(formdata=None),
                           material_form=forms.pop("material_form", None) or MaterialForm(formdata=None),
                           design=forms.pop("design", None) or DesignForm(formdata=None),
                           plate=forms.pop("plate", None) or PlateForm(formdata=None),
                           materials=materials, **forms), status


def _save(form: object, call: object, done: str, name: str, **context: object) -> object:
    """Validate a catalogue form, run the change, then come back to the catalogue (kept as typed on error)."""
    if form.validate_on_submit():  # type: ignore[attr-defined]
        try:
            call()  # type: ignore[operator]
        except MakerNetError as error:
            attach(form, error)  # type: ignore[arg-type]
        else:
            flash(done, "success")
            return redirect(url_for("admin.catalogue"))
    return _catalogue_page(422, **{name: form}, **context)


@bp.post("/catalogue/items")
@roles("admin")
def create_item() -> object:
    """Add an item."""
    form = ItemForm()
    return _save(form, lambda: items.create_item(ctx(), actor(), code=form.code.data, name=form.name.data,
                                                 kind=form.kind.data), _("Article ajouté."), "item_form")


@bp.post("/catalogue/items/<int:item_id>/active")
@roles("admin")
def item_active(item_id: int) -> Response:
    """Offer or withdraw an item."""
    if ActionForm().validate_on_submit():
        try:
            items.set_item_active(ctx(), actor(), item_id, request.form.get("active") == "1")
        except MakerNetError as error:
            flash_error(error)
    return redirect(url_for("admin.catalogue"))


@bp.post("/catalogue/materials")
@roles("admin")
def create_material() -> object:
    """Add a material."""
    form = MaterialForm()
    return _save(form, lambda: items.create_material(
        ctx(), actor(), code=form.code.data, name=form.name.data, unit=form.unit.data,
        low_stock_threshold=form.low_stock_threshold.data), _("Matière ajoutée."), "material_form")


@bp.post("/catalogue/items/<int:item_id>/designs")
@roles("admin")
def add_design(item_id: int) -> object:
    """Add a design version to an item."""
    form = DesignForm()
    return _save(form, lambda: items.add_design_version(
        ctx(), actor(), item_id, label=form.label.data, validated=form.validated.data,
        validated_for=form.validated_for.data, notes=form.notes.data or ""),
        _("Version ajoutée."), "design", design_for=item_id)


@bp.post("/catalogue/designs/<int:design_id>/validated")
@roles("admin")
def design_validated(design_id: int) -> Response:
    """Validate a design version, or withdraw its validation."""
    if ActionForm().validate_on_submit():
        try:
            items.set_design_validated(ctx(), actor(), design_id, request.form.get("validated") == "1")
        except MakerNetError as error:
            flash_error(error)
    return redirect(url_for("admin.catalogue"))


@bp.post("/catalogue/designs/<int:design_id>/bom")
@roles("admin")
def set_bom(design_id: int) -> object:
    """Set one line of a design's bill of materials."""
    form = BomForm()
    form.material_id.choices = options((m["id"], m["name"]) for m in items.admin_catalogue(ctx(), actor())["materials"])
    return _save(form, lambda: items.set_bom_line(ctx(), actor(), design_id, form.material_id.data,
                                                  form.quantity.data),
                 _("Nomenclature mise à jour."), "bom", bom_for=design_id)


@bp.post("/catalogue/designs/<int:design_id>/plates")
@roles("admin")
def set_plate(design_id: int) -> object:
    """Store a plate and its G-code for one printer profile."""
    form = PlateForm()
    return _save(form, lambda: items.set_plate_layout(
        ctx(), actor(), design_id, printer_profile=form.printer_profile.data,
        units_per_plate=form.units_per_plate.data, print_minutes=form.print_minutes.data,
        gcode=form.gcode.data.read()), _("Plateau enregistré."), "plate", plate_for=design_id)
