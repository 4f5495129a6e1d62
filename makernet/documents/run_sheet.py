"""The run sheet (feuille de tournée) a volunteer runner takes along: the stops in order, what to hand over at each,
and the QR code the requester scans there to confirm receipt (the delivery note's own receipt page)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _, lazy_gettext as _l, ngettext
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from makernet.documents.delivery_note import qr_code
from makernet.documents.formats import long_date, number, weekday
from makernet.documents.layout import INK, RULE, WIDTH, SignatureBoxes, key_values, para, render, rich, table

VEHICLES = {"bike": _l("Vélo cargo"), "car": _l("Voiture")}
QR_SIZE = 28 * mm


@dataclass(frozen=True)
class SheetStop:
    """One stop: where, for whom, what, and the receipt QR code once the run has left."""

    position: int
    destination: str
    requester: str
    request_id: int
    lines: list[tuple[str, int]]          # (item, units)
    beneficiary: str = ""
    needed_by: date | None = None
    receipt_url: str = ""                 # empty while the run is only proposed
    delivery_id: int | None = None


@dataclass(frozen=True)
class RunSheet:
    """Everything printed on a run sheet."""

    run_id: int
    day: date
    place_name: str
    place_address: str
    runner: int
    leg: int
    vehicle: str
    km: float
    minutes: int
    stops: list[SheetStop] = field(default_factory=list)

    @property
    def units(self) -> int:
        """Units the run carries."""
        return sum(units for stop in self.stops for _item, units in stop.lines)


def duration(minutes: int) -> str:
    """125 -> "2 h 05"; 40 -> "40 min" ("2 h 05 min" in English)."""
    if minutes < 60:
        return _("%(minutes)s min", minutes=minutes)
    return _("%(hours)s h %(minutes)s", hours=minutes // 60, minutes=f"{minutes % 60:02d}")


def _stop(stop: SheetStop) -> KeepTogether:
    """A stop's block: address and requester beside the receipt QR code, then what to hand over."""
    facts = [(_("Adresse"), stop.destination),
             (_("Demandeur"), stop.requester + ("\n" + _("Pour : %(who)s", who=stop.beneficiary)
                                                if stop.beneficiary else "")),
             (_("Demande"), _("n° %(id)s", id=stop.request_id) + (
                 _(", attendue le %(day)s", day=long_date(stop.needed_by)) if stop.needed_by else ""))]
    if stop.delivery_id is not None:
        facts.append((_("Livraison"), _("n° %(id)s", id=stop.delivery_id)))
    left = key_values(facts, widths=(24 * mm, WIDTH - QR_SIZE - 32 * mm))
    if stop.receipt_url:
        qr = Table([[qr_code(stop.receipt_url, QR_SIZE)], [para(_("Réception : scanner ici"), "small")]],
                   colWidths=[QR_SIZE + 4 * mm])
    else:
        qr = Table([[para(_("QR code de réception imprimé une fois la tournée partie"), "small")]],
                   colWidths=[QR_SIZE + 4 * mm])
    qr.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    top = Table([[left, qr]], colWidths=[WIDTH - QR_SIZE - 6 * mm, QR_SIZE + 6 * mm])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                             ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK)]))
    rows = [[item, number(units)] for item, units in stop.lines]
    rows.append([_("Total à remettre"), number(sum(units for _item, units in stop.lines))])
    goods = table([_("Article"), _("Quantité")], rows, [WIDTH - 30 * mm, 30 * mm], numeric=(1,), total=True)
    handed = Table([[para(_("Remis à ____ h ____    Reçu par : ______________________"), "body")]],
                   colWidths=[WIDTH])
    handed.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE)]))
    return KeepTogether([rich(_("Arrêt %(n)s", n=stop.position), "heading"), top, goods, Spacer(1, 2 * mm), handed])


def build_run_sheet(sheet: RunSheet) -> bytes:
    """The PDF of a run sheet: the run, each stop in order with its goods and receipt QR code, signatures."""
    leg = _("1re") if sheet.leg == 1 else _("%(n)se", n=sheet.leg)
    stops = ngettext("%(num)s arrêt", "%(num)s arrêts", len(sheet.stops))
    summary = key_values([
        (_("Départ et retour"), f"{sheet.place_name}\n{sheet.place_address}"),
        (_("Coursier"), _("Coursier %(n)s, %(leg)s tournée du jour", n=sheet.runner, leg=leg)),
        (_("Véhicule"), str(VEHICLES.get(sheet.vehicle, sheet.vehicle))),
        (_("Distance"), _("%(km)s km aller et retour (estimée, par la route)", km=number(sheet.km, 1))),
        (_("Durée prévue"), _("%(duration)s, dont %(stops)s", duration=duration(sheet.minutes), stops=stops)),
        (_("Unités"), _("%(units)s à remettre en %(stops)s", units=number(sheet.units), stops=stops)),
    ])
    story = [
        rich(_("Feuille de tournée %(number)s", number="<font color='#2e7d6b'>" + _("n° %(id)s", id=sheet.run_id)
                                                            + "</font>"), "title"),
        para(_("Tournée du %(weekday)s %(day)s", weekday=weekday(sheet.day), day=long_date(sheet.day)), "subtitle"),
        *([] if any(stop.receipt_url for stop in sheet.stops) else [
            para(_("Aperçu : la tournée n'est pas encore partie. Imprimez la feuille après « Partir » : elle porte "
                   "alors le QR code de réception de chaque arrêt."), "body")]),
        summary,
        *[_stop(stop) for stop in sheet.stops],
        KeepTogether([   # the signatures never on a page of their own
            rich(_("Consignes"), "heading"),
            para(_("À chaque arrêt, faites vérifier le nombre d'unités puis scanner le QR code par le demandeur, qui "
                   "confirme ainsi la réception en ligne. En cas de refus, rapportez les unités au lieu et notez le "
                   "motif. Si des restrictions de déplacement s'appliquent, gardez sur vous votre attestation."),
                 "body"),
            Spacer(1, 4 * mm),
            SignatureBoxes([_("Remis au coursier par (lieu)"), _("Coursier"), _("Retour au lieu")])]),
    ]
    return render(story, _("Feuille de tournée %(number)s", number=_("n° %(id)s", id=sheet.run_id)),
                  _("%(place)s – tournée du %(day)s", place=sheet.place_name, day=long_date(sheet.day)))
