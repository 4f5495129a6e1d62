"""The cost estimate (devis) of a small batch, from the place's own conditions."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from makernet.documents.formats import euros, long_date, number
from makernet.documents.layout import WIDTH, SignatureBoxes, key_values, para, render, rich, table, value


@dataclass(frozen=True)
class EstimateLine:
    """One priced line: time or a material."""

    label: str
    quantity: str           # already formatted with its unit: "12 h", "2 500 g"
    unit_price: str         # already formatted: "15,00 € / h"
    amount_cents: int


@dataclass(frozen=True)
class CostEstimate:
    """Everything printed on a cost estimate."""

    reference: str
    issued_on: date
    valid_until: date
    place_name: str
    place_address: str
    customer: str
    item: str
    design_version: str
    quantity: int
    time_lines: list[EstimateLine]
    material_lines: list[EstimateLine]
    lead_time: str = ""
    vat_note: str = ""   # none given: France's franchise of VAT (article 293 B), in the reader's language

    @property
    def total_cents(self) -> int:
        """Time plus material."""
        return sum(line.amount_cents for line in self.time_lines + self.material_lines)

    @property
    def unit_cents(self) -> float:
        """What one unit costs."""
        return self.total_cents / self.quantity if self.quantity else 0.0


def _rows(lines: list[EstimateLine]) -> list[list[str]]:
    return [[ln.label, ln.quantity, ln.unit_price, euros(ln.amount_cents)] for ln in lines]


def build_cost_estimate(estimate: CostEstimate) -> bytes:
    """The PDF of a cost estimate: who, what, time and material, totals, validity, signatures."""
    widths = [WIDTH - 105 * mm, 35 * mm, 35 * mm, 35 * mm]
    header = [_("Désignation"), _("Quantité"), _("Prix unitaire"), _("Montant")]
    time_total = sum(ln.amount_cents for ln in estimate.time_lines)
    material_total = sum(ln.amount_cents for ln in estimate.material_lines)
    story = [
        rich(_("Devis %(reference)s", reference=f"<font color='#2e7d6b'>{value(estimate.reference)}</font>"), "title"),
        para(_("Établi le %(issued)s, valable jusqu'au %(until)s", issued=long_date(estimate.issued_on),
               until=long_date(estimate.valid_until)), "subtitle"),
        key_values([(_("Prestataire"), f"{estimate.place_name}\n{estimate.place_address}"),
                    (_("Client"), estimate.customer),
                    (_("Objet"), _("%(units)s × %(item)s (modèle %(design)s)", units=number(estimate.quantity),
                                   item=estimate.item, design=estimate.design_version)),
                    *([(_("Délai indicatif"), estimate.lead_time)] if estimate.lead_time else [])]),
        rich(_("Temps de fabrication"), "heading"),
        table(header, _rows(estimate.time_lines) + [[_("Sous-total temps"), "", "", euros(time_total)]], widths,
              numeric=(1, 2, 3), total=True),
        rich(_("Matière"), "heading"),
        table(header, _rows(estimate.material_lines) + [[_("Sous-total matière"), "", "", euros(material_total)]],
              widths, numeric=(1, 2, 3), total=True),
        Spacer(1, 5 * mm),
        table([_("Total"), _("Montant")], [[_("Total du devis"), euros(estimate.total_cents)],
                                           [_("Soit, par unité"), euros(round(estimate.unit_cents, 2))]],
              [WIDTH - 50 * mm, 50 * mm], numeric=(1,)),
        Spacer(1, 3 * mm),
        para(estimate.vat_note or _("TVA non applicable, article 293 B du Code général des impôts."), "small"),
        para(_("Le temps est valorisé au taux horaire déclaré par le lieu dans ses conditions ; la matière au coût "
               "de ses derniers achats enregistrés. Ce devis n'engage le lieu qu'après son acceptation écrite."),
             "small"),
        Spacer(1, 8 * mm),
        SignatureBoxes([_("Pour le lieu de fabrication"), _("Bon pour accord (client)")]),
    ]
    return render(story, _("Devis %(reference)s", reference=estimate.reference),
                  _("%(place)s – devis %(reference)s", place=estimate.place_name, reference=estimate.reference))
