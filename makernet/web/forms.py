"""Form helpers every area shares: choices, the bare action form, numbers and euro amounts as people type them."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation

REQUIRED = _l("Ce champ est obligatoire.")
WHOLE = _l("Indiquez un nombre entier.")
_SPACES = str.maketrans("", "", " \u00a0\u202f")   # 1 200, as French writes thousands


def options(pairs: object) -> list[SelectChoice]:
    """Choices of a select field from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]  # type: ignore[attr-defined]


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token travels."""


class WholeNumberField(IntegerField):
    """A whole number as people type it (1 200 too). Anything else ("2,5", "deux") gets one error that says so and
    no other: a range checked on a number that is not there would say something false."""

    def process_formdata(self, valuelist: list[str]) -> None:
        """Parse the typed number; blank is None, left to the field's requirement."""
        self.data = None
        text = str(valuelist[0]).translate(_SPACES) if valuelist else ""
        if text == "":
            return
        try:
            self.data = int(text)
        except ValueError:
            raise ValueError(WHOLE) from None

    def pre_validate(self, form: object) -> None:
        """A value that is not a whole number stops here, with the one error it got."""
        if self.process_errors:
            raise StopValidation()


class DecimalTextField(StringField):
    """A number as people type it (12,5 or 12.5 or 1 200), kept as Decimal; blank is None."""

    refusal = _l("Indiquez un nombre, par exemple 12,5.")
    decimals = 4
    maximum = Decimal(1_000_000_000)   # beyond any real amount, and within the database's integers

    def process_formdata(self, valuelist: list[str]) -> None:
        """Parse the typed number; a refusal says so in French."""
        self.raw_text = valuelist[0] if valuelist else ""
        raw = self.raw_text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("€", "")
        self.data = None
        if raw == "":
            return
        try:
            value = Decimal(raw.replace(",", "."))
        except InvalidOperation:
            raise ValueError(self.refusal) from None
        if not value.is_finite() or value < 0 or value.as_tuple().exponent < -self.decimals:  # type: ignore[operator]
            raise ValueError(self.refusal)
        if value > self.maximum:
            raise ValueError(_l("Ce nombre est trop grand."))
        self.data = value

    def _value(self) -> str:
        """What the input shows: what was typed, or the number with a decimal comma."""
        if getattr(self, "raw_text", None) is not None:
            return self.raw_text
        return "" if self.data is None else self.shown(self.data)

    def shown(self, value: object) -> str:
        """A stored value as the input shows it."""
        return str(value).replace(".", ",")


class EurosField(DecimalTextField):
    """An amount in euros (12,50), to the cent."""

    refusal = _l("Indiquez un montant en euros, par exemple 12,50.")
    decimals = 2

    def shown(self, value: object) -> str:
        """Two decimals, with a comma."""
        return f"{Decimal(str(value)):.2f}".replace(".", ",")


def cents(amount: Decimal | None) -> int | None:
    """Euros as whole cents."""
    return None if amount is None else int(amount * 100)
