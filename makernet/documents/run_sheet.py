"""The run sheet (feuille de tournée) a volunteer runner takes along: the stops in order, what to hand over at each,
and the QR code the requester scans there to confirm receipt (the delivery note's own receipt page)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from makernet.documents.delivery_note import qr_code
from makernet.documents.french import long_date, number
from makernet.documents.layout import INK, RULE, WIDTH, SignatureBoxes, key_values, para, render, rich, table, value

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
VEHICLES = {"bike": "Vélo cargo", "car": "Voiture"}
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
    """125 -> "2 h 05"; 40 -> "40 min"."""
    return f"{minutes // 60} h {minutes % 60:02d}" if minutes >= 60 else f"{minutes} min"


def _stop(stop: SheetStop) -> KeepTogether:
    """A stop's block: address and requester beside the receipt QR code, then what to hand over."""
    facts = [("Adresse", stop.destination), ("Demandeur", stop.requester + (
        f"\nPour : {stop.beneficiary}" if stop.beneficiary else "")),
             ("Demande", f"n° {stop.request_id}" + (f", attendue le {long_date(stop.needed_by)}"
                                                     if stop.needed_by else ""))]
    if stop.delivery_id is not None:
        facts.append(("Livraison", f"n° {stop.delivery_id}"))
    left = key_values(facts, widths=(24 * mm, WIDTH - QR_SIZE - 32 * mm))
    if stop.receipt_url:
        qr = Table([[qr_code(stop.receipt_url, QR_SIZE)], [para("Réception : scanner ici", "small")]],
                   colWidths=[QR_SIZE + 4 * mm])
    else:
        qr = Table([[para("QR code de réception imprimé une fois la tournée partie", "small")]],
                   colWidths=[QR_SIZE + 4 * mm])
    qr.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    top = Table([[left, qr]], colWidths=[WIDTH - QR_SIZE - 6 * mm, QR_SIZE + 6 * mm])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                             ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK)]))
    rows = [[item, number(units)] for item, units in stop.lines]
    rows.append(["Total à remettre", number(sum(units for _item, units in stop.lines))])
    goods = table(["Article", "Quantité"], rows, [WIDTH - 30 * mm, 30 * mm], numeric=(1,), total=True)
    handed = Table([[para("Remis à ____ h ____    Reçu par : ______________________", "body")]], colWidths=[WIDTH])
    handed.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE)]))
    return KeepTogether([rich(f"Arrêt {stop.position}", "heading"), top, goods, Spacer(1, 2 * mm), handed])


def build_run_sheet(sheet: RunSheet) -> bytes:
    """The PDF of a run sheet: the run, each stop in order with its goods and receipt QR code, signatures."""
    leg = "1re" if sheet.leg == 1 else f"{sheet.leg}e"
    stops = f"{len(sheet.stops)} arrêt{'s' if len(sheet.stops) > 1 else ''}"
    summary = key_values([
        ("Départ et retour", f"{sheet.place_name}\n{sheet.place_address}"),
        ("Coursier", f"Coursier {sheet.runner}, {leg} tournée du jour"),
        ("Véhicule", VEHICLES.get(sheet.vehicle, sheet.vehicle)),
        ("Distance", f"{number(sheet.km, 1)} km aller et retour (estimée, par la route)"),
        ("Durée prévue", f"{duration(sheet.minutes)}, dont {stops}"),
        ("Unités", f"{number(sheet.units)} à remettre en {stops}"),
    ])
    story = [
        rich(f"Feuille de tournée <font color='#2e7d6b'>n° {value(sheet.run_id)}</font>", "title"),
        para(f"Tournée du {DAYS[sheet.day.weekday()]} {long_date(sheet.day)}", "subtitle"),
        *([] if any(stop.receipt_url for stop in sheet.stops) else [
            para("Aperçu : la tournée n'est pas encore partie. Imprimez la feuille après « Partir » : elle porte "
                 "alors le QR code de réception de chaque arrêt.", "body")]),
        summary,
        *[_stop(stop) for stop in sheet.stops],
        KeepTogether([   # the signatures never on a page of their own
            rich("Consignes", "heading"),
            para("À chaque arrêt, faites vérifier le nombre d'unités puis scanner le QR code par le demandeur, qui "
                 "confirme ainsi la réception en ligne. En cas de refus, rapportez les unités au lieu et notez le "
                 "motif. Si des restrictions de déplacement s'appliquent, gardez sur vous votre attestation.", "body"),
            Spacer(1, 4 * mm),
            SignatureBoxes(["Remis au coursier par (lieu)", "Coursier", "Retour au lieu"])]),
    ]
    return render(story, f"Feuille de tournée n° {sheet.run_id}",
                  f"{sheet.place_name} – tournée du {long_date(sheet.day)}")
