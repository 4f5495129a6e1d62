"""Forms of requests: a new or changed request with its lines, an ask for a change, triage (reject, split, merge)."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, FieldList, FormField, SelectField, SelectMultipleField, \
    StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from makernet.services.demand import ASK_MOST, MAX_LINES, MAX_QUANTITY, PRIORITIES
from makernet.web.forms import REQUIRED, WHOLE, WholeNumberField, options
from makernet.web.formatting import choice_label

QUANTITY = NumberRange(min=1, max=MAX_QUANTITY, message=_l("Entre 1 et 1 000 000."))


class LineForm(FlaskForm):
    """One line: an item and how many (a blank line is ignored)."""

    class Meta:
        csrf = False  # the request form carries the token

    item_id = SelectField(_l("Article"), coerce=int, validate_choice=False, validators=[Optional()])
    quantity = WholeNumberField(_l("Quantité"), validators=[Optional(), QUANTITY], render_kw={"inputmode": "numeric"})

    def is_blank(self) -> bool:
        """No item chosen and no quantity typed."""
        return not self.item_id.data and self.quantity.raw_data in (None, [], [""])


class RequestForm(FlaskForm):
    """A requester's new request."""

    needed_by = DateField(_l("Date de besoin"), validators=[InputRequired(REQUIRED)],
                          description=_l("La date à laquelle il vous faut les articles, au plus tard."))
    delivery_point = StringField(_l("Lieu de livraison"), validators=[DataRequired(REQUIRED), Length(max=300)],
                                 description=_l("Adresse ou point de retrait."))
    beneficiary = StringField(_l("Pour qui"), validators=[Length(max=300)],
                              description=_l("Par exemple : les aides-soignantes de l'EHPAD."))
    priority = SelectField(_l("Priorité"), choices=options((p, choice_label(p)) for p in PRIORITIES), default="normal")
    urgency_reason = TextAreaField(_l("Pourquoi c'est urgent"), validators=[Length(max=1000)])
    lines = FieldList(FormField(LineForm), min_entries=3, max_entries=MAX_LINES)

    def set_items(self, items: list[dict]) -> None:
        """Offer the active catalogue on every line."""
        for line in self.lines:
            line.item_id.choices = options([(0, _l("— choisir —"))] + [(i["id"], i["name"]) for i in items])

    def earliest(self) -> str:
        """The earliest needed-by date, for the date picker: tomorrow."""
        return (date.today() + timedelta(days=1)).isoformat()

    def validate_needed_by(self, field: DateField) -> None:
        """Tomorrow at the earliest."""
        if field.data and field.data < date.today():
            raise ValidationError(_l("La date de besoin est passée."))
        if field.data == date.today():
            raise ValidationError(_l("Choisissez une date à partir de demain : il faut au moins un jour pour "
                                     "fabriquer et livrer."))

    def validate_lines(self, field: FieldList) -> None:
        """Each line complete, each item once, and at least one line."""
        filled, seen = 0, {}
        for number, line in enumerate(field, start=1):
            if line.is_blank():
                continue
            filled += 1
            if not line.item_id.data:
                line.item_id.errors.append(_l("Choisissez un article."))
            elif line.item_id.data not in {choice.value for choice in line.item_id.choices}:
                line.item_id.errors.append(_l("Article inconnu."))
            elif line.item_id.data in seen:
                line.item_id.errors.append(_l("Article déjà demandé ligne %(n)s : indiquez la quantité totale sur "
                                              "une seule ligne.", n=seen[line.item_id.data]))
            seen.setdefault(line.item_id.data, number)
            if line.quantity.data is None and not line.quantity.errors:
                line.quantity.errors.append(_l("Indiquez une quantité."))
        if not filled:
            raise ValidationError(_l("Ajoutez au moins une ligne : un article et une quantité."))
        if any(line.item_id.errors or line.quantity.errors for line in field):
            raise ValidationError(_l("Corrigez les lignes signalées."))

    def filled_lines(self) -> list[tuple[int, int]]:
        """(item id, quantity) of the lines typed in."""
        return [(line.item_id.data, line.quantity.data) for line in self.lines if not line.is_blank()]


def request_data(request: dict) -> dict:
    """A request as its change form starts: its fields, its lines and one blank line for another item."""
    return {"needed_by": date.fromisoformat(request["needed_by"]), "delivery_point": request["delivery_point"],
            "beneficiary": request["beneficiary"], "priority": request["priority"],
            "urgency_reason": request["urgency_reason"],
            "lines": [{"item_id": line["item_id"], "quantity": line["quantity"]} for line in request["lines"]] + [{}]}


class AskForm(FlaskForm):
    """A requester's message to the coordination: a change they can no longer make themselves."""

    message = TextAreaField(_l("Ce que vous souhaitez changer"), validators=[
        DataRequired(_l("Écrivez ce que vous souhaitez changer.")), Length(max=ASK_MOST)],
        description=_l("Par exemple : livrer à la mairie annexe, ou seulement 20 visières au lieu de 40."))


class ReasonForm(FlaskForm):
    """Why something is refused."""

    reason = TextAreaField(_l("Motif"), validators=[DataRequired(_l("Indiquez le motif.")), Length(max=1000)])


class MergeForm(FlaskForm):
    """Fold several requests of one organisation into one."""

    into = SelectField(_l("Garder la demande"), coerce=int, validate_choice=False)
    others = SelectMultipleField(_l("Y fusionner les demandes"), coerce=int, validate_choice=False,
                                 widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())

    def validate_others(self, field: SelectMultipleField) -> None:
        """At least one other request than the one kept."""
        if not set(field.data or []) - {self.into.data}:
            raise ValidationError(_l("Cochez au moins une autre demande."))


def split_form(lines: list[dict]) -> type[FlaskForm]:
    """A form with one 'units to move' field per line of the request."""
    class SplitForm(FlaskForm):
        needed_by = DateField(_l("Date de besoin de la nouvelle demande"), validators=[Optional()])

    for line in lines:
        setattr(SplitForm, f"line_{line['id']}", WholeNumberField(
            f"{line['item_name']} ({line['quantity']})", default=0, validators=[
                InputRequired(WHOLE), NumberRange(0, line["quantity"], _l("Entre 0 et %(max)s."))],
            render_kw={"inputmode": "numeric"}))
    return SplitForm
