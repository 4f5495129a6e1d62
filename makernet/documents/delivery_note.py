"""The delivery note (bon de livraison) that travels with a parcel."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _, lazy_gettext as _l
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from makernet.documents.formats import long_date, number
from makernet.documents.layout import WIDTH, SignatureBoxes, key_values, para, render, rich, table, value

MODES = {"direct": _l("Livraison directe"), "collection_point": _l("Point de collecte (retrait sur place)"),
         "runner": _l("Coursier bénévole")}
QR_SIZE = 34 * mm


@dataclass(frozen=True)
class NoteLine:
    """Units of one item in the parcel, with their lot: design version and producing place."""

    item: str
    design_version: str
    lot: str
    producing_place: str
    quantity: int


@dataclass(frozen=True)
class DeliveryNote:
    """Everything printed on a delivery note."""

    delivery_id: int
    request_id: int
    prepared_on: date
    place_name: str
    place_address: str
    requester: str
    destination: str
    mode: str
    receipt_url: str
    lines: list[NoteLine]
    beneficiary: str = ""
    needed_by: date | None = None
    carrier: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def number(self) -> str:
        """The note's reference, as people quote it on the phone."""
        return f"BL-{self.prepared_on:%Y}-{self.delivery_id:05d}"


def lot_code(design_version: str, place_id: int) -> str:
    """The lot a hospital can trace: which design, made where."""
    return f"{design_version.upper()}-L{place_id:03d}"


def qr_code(url: str, size: float = QR_SIZE) -> Drawing:
    """A QR code of `url`, `size` wide."""
    widget = QrCodeWidget(url, barBorder=0)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def build_delivery_note(note: DeliveryNote) -> bytes:
    """The PDF of a delivery note: addresses, lines with their lot, a QR code to confirm receipt, signatures."""
    addresses = key_values([
        (_("Expéditeur"), f"{note.place_name}\n{note.place_address}"),
        (_("Destinataire"), note.requester + ("\n" + _("Pour : %(who)s", who=note.beneficiary)
                                              if note.beneficiary else "")),
        (_("Lieu de livraison"), note.destination),
        (_("Mode"), str(MODES.get(note.mode, note.mode)) + (f" – {note.carrier}" if note.carrier else "")),
        (_("Demande"), _("n° %(id)s", id=note.request_id) + (
            _(", attendue le %(day)s", day=long_date(note.needed_by)) if note.needed_by else "")),
    ], widths=(34 * mm, WIDTH - QR_SIZE - 40 * mm))
    receipt = Table([[qr_code(note.receipt_url)], [para(_("Scanner pour confirmer la réception"), "small")]],
                    colWidths=[QR_SIZE + 4 * mm])
    receipt.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    top = Table([[addresses, receipt]], colWidths=[WIDTH - QR_SIZE - 6 * mm, QR_SIZE + 6 * mm])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    total = sum(line.quantity for line in note.lines)
    rows = [[ln.item, ln.design_version, ln.lot, ln.producing_place, number(ln.quantity)] for ln in note.lines]
    rows.append([_("Total"), "", "", "", number(total)])
    story = [
        rich(_("Bon de livraison %(number)s", number=f"<font color='#2e7d6b'>{value(note.number)}</font>"), "title"),
        para(_("Préparé le %(day)s", day=long_date(note.prepared_on)), "subtitle"),
        top,
        rich(_("Contenu du colis"), "heading"),
        table([_("Article"), _("Version"), _("Lot"), _("Lieu de production"), _("Quantité")], rows,
              [52 * mm, 20 * mm, 28 * mm, 50 * mm, WIDTH - 150 * mm], numeric=(4,), total=True),
        Spacer(1, 3 * mm),
        para(_("Le lot identifie la version validée du modèle et le lieu qui l'a fabriquée, pour la traçabilité "
               "demandée par les établissements de santé."), "small"),
        *[para(text, "small") for text in note.notes],
        rich(_("Remise et réception"), "heading"),
        para(_("À la réception, vérifiez le nombre d'unités, puis confirmez en ligne (QR code ci-dessus) ou à "
               "l'adresse %(url)s. En cas de refus, indiquez-en le motif.", url=note.receipt_url), "body"),
        Spacer(1, 4 * mm),
        SignatureBoxes([_("Remis par (lieu de production)"), _("Transporté par"), _("Reçu par (destinataire)")]),
    ]
    return render(story, _("Bon de livraison %(number)s", number=note.number),
                  _("%(place)s – demande n° %(id)s", place=note.place_name, id=note.request_id))
