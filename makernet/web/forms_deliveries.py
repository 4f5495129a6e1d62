"""Forms of deliveries: preparing one (to the delivery point or a collection point), pick-up, receipt, refusal."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, StopValidation, ValidationError

from makernet.web.formatting import label
from makernet.web.forms import REQUIRED, WHOLE, WholeNumberField, options

MODES = ("direct", "runner", "collection_point")


def delivery_form(lines: list[dict], points: list[dict]) -> type[FlaskForm]:
    """A delivery form with one quantity per line ready to ship, and where the parcel goes."""
    class DeliveryForm(FlaskForm):
        mode = SelectField(_l("Mode"), choices=options((m, label(m)) for m in MODES), default="direct")
        collection_point_id = SelectField(
            _l("Point de retrait"), coerce=int, validate_choice=False,
            choices=options([(0, _l("— aucun —"))] + [(p["id"], f"{p['name']} — {p['address']}") for p in points]),
            description=_l("Seulement pour une remise à un point de retrait (drive, accueil de mairie)."))
        destination = StringField(_l("Destination"), validators=[Length(max=300)],
                                  description=_l("Laissez vide pour le lieu de livraison de la demande."))
        carrier_name = StringField(_l("Coursier ou chauffeur"), validators=[Length(max=200)],
                                   description=_l("Facultatif ; vous pourrez l'indiquer à l'enlèvement."))

        def validate_collection_point_id(self, field: SelectField) -> None:
            """A delivery to a collection point names it."""
            if self.mode.data == "collection_point" and not field.data:
                raise ValidationError(_l("Choisissez le point de retrait."))

    for line in lines:
        setattr(DeliveryForm, f"line_{line['id']}", WholeNumberField(
            f"{line['item_name']}", default=line["available"],
            description=_l("prêtes : %(n)s", n=line["available"]),
            validators=[InputRequired(WHOLE), NumberRange(0, line["available"], _l("Entre 0 et %(max)s."))],
            render_kw={"inputmode": "numeric"}))
    return DeliveryForm


class PickUpForm(FlaskForm):
    """Who took the parcel."""

    carrier_name = StringField(_l("Enlevée par"), validators=[Length(max=200)],
                               description=_l("Le coursier bénévole ou le chauffeur."))


class RefuseForm(FlaskForm):
    """The requester refuses a delivery, saying why."""

    reason = TextAreaField(_l("Motif du refus"), validators=[DataRequired(_l("Indiquez le motif.")), Length(max=1000)],
                           description=_l("Par exemple : visières cassées, mauvais article."))


class CollectionPointForm(FlaskForm):
    """A place where requesters collect their units."""

    name = StringField(_l("Nom"), validators=[DataRequired(_l("Ce champ est obligatoire.")), Length(max=200)],
                       description=_l("Par exemple : Drive du gymnase Colbert."))
    address = StringField(_l("Adresse"), validators=[DataRequired(_l("Ce champ est obligatoire.")), Length(max=300)])
    commune = StringField(_l("Commune"), validators=[Length(max=120)])
    departement = StringField(_l("Département"), validators=[Length(max=3)], render_kw={"inputmode": "numeric"})
    kind = SelectField(_l("Type"), choices=options([("pick_up", _l("Point de retrait")), ("drive_through", _l("Drive"))]))
    opening_hours = StringField(_l("Horaires"), validators=[Length(max=300)],
                                description=_l("Tels que le point les annonce, par exemple : mardi et jeudi 14h-17h."))


class ReceiptForm(FlaskForm):
    """The requester confirms a delivery arrived."""

    receiver_name = StringField(_l("Reçu par"), validators=[DataRequired(REQUIRED), Length(max=200)])

    def missing_fields(self) -> list[WholeNumberField]:
        """The counts of units damaged or missing, one per line of the delivery."""
        return [f for name, f in self._fields.items() if name.startswith("missing_")]

    def missing(self) -> dict[int, int]:
        """Units counted damaged or missing, per request line."""
        return {int(f.short_name.removeprefix("missing_")): f.data or 0 for f in self.missing_fields()}


def _count_given(form: FlaskForm, field: WholeNumberField) -> None:
    """A count sent blank is not "none missing": one the browser could not read ("2,5") comes back blank, and must
    not pass for 0 when the form is sent again. A form sent without the count at all counts none missing."""
    if not field.raw_data:
        field.data = 0
        raise StopValidation()
    if not str(field.raw_data[0]).strip():
        raise StopValidation(_l("Indiquez un nombre entier : 0 si rien ne manque."))


def receipt_form(lines: list[dict]) -> type[ReceiptForm]:
    """The receipt form of one delivery: who received it, and per line how many units came damaged or did not come
    (0 by default)."""

    class DeliveryReceipt(ReceiptForm):
        pass

    for line in lines:
        setattr(DeliveryReceipt, f"missing_{line['request_line_id']}", WholeNumberField(
            _l("%(item)s : abîmées ou manquantes", item=line["item_name"]), default=0,
            description=_l("sur %(n)s livrées", n=line["quantity"]),
            validators=[_count_given, NumberRange(0, line["quantity"], _l("Entre 0 et %(max)s."))],
            render_kw={"inputmode": "numeric"}))
    return DeliveryReceipt
