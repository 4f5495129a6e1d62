"""Documents as PDF: the delivery note, the production report and the cost estimate."""
from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _, ngettext
from sqlalchemy import func
from sqlmodel import Session, select

from makernet.documents.cost_estimate import CostEstimate, EstimateLine, build_cost_estimate
from makernet.documents.delivery_note import DeliveryNote, NoteLine, build_delivery_note, lot_code
from makernet.documents.formats import euros, number
from makernet.documents.production_report import (DepartementVolume, ItemVolume, PlaceVolume, ProductionReport,
                                                  build_production_report)
from makernet.documents.territory_map import TerritoryMap
from makernet.domain.stock import average_unit_cost
from makernet.errors import InvalidInput
from makernet.models import (BomLine, Delivery, DemandDay, DesignVersion, Item, Machine, Material, Organisation,
                             OutputDay, Place, PlateLayout, Request, RequestLine, StockEntry, WorkOrder)
from makernet.services.access import Actor, report_territory, stock_place
from makernet.services.context import Context
from makernet.services.deliveries.queries import get_delivery
from makernet.services.tallies import as_day
from makernet.services.territory.queries import report_map

MAX_REPORT_DAYS = 366


ESTIMATE_VALID_DAYS = 30


HOURS_PER_DAY = 10          # printers ran 10-12 h a day in 2020 (FIELD.md)


UNITS = {"g": (1000, "kg"), "cm": (100, "m"), "piece": (1, "pièce")}   # how a unit price is quoted


def delivery_note_pdf(ctx: Context, actor: Actor, delivery_id: int, base_url: str) -> bytes:
    """The delivery note of a delivery the actor may see; its QR code opens the receipt page."""
    view = get_delivery(ctx, actor, delivery_id)
    with ctx.db.reading() as s:
        delivery = s.get(Delivery, delivery_id)
        place, request = s.get(Place, delivery.place_id), s.get(Request, delivery.request_id)
        lines = []
        for line in view["lines"]:
            item = s.get(Item, s.get(RequestLine, line["request_line_id"]).item_id)
            labels = s.exec(select(DesignVersion.label).join(WorkOrder, WorkOrder.design_version_id == DesignVersion.id)
                            .where(WorkOrder.request_line_id == line["request_line_id"],
                                   WorkOrder.place_id == place.id).distinct()).all()
            lines.append(NoteLine(item=item.name, design_version=", ".join(sorted(labels)) or "–",
                                  lot=", ".join(lot_code(label, place.id) for label in sorted(labels)) or "–",
                                  producing_place=place.name,   # as packed, whatever came damaged or missing
                                  quantity=line["quantity"] + line["units_missing"]))
        note = DeliveryNote(
            delivery_id=delivery.id, request_id=request.id, prepared_on=delivery.created_at.date(),
            place_name=place.name, place_address=_address(place),
            requester=s.get(Organisation, request.organisation_id).name,
            destination=delivery.destination, mode=delivery.mode, carrier=delivery.carrier_name,
            receipt_url=base_url.rstrip("/") + view["receipt_path"], lines=lines, beneficiary=request.beneficiary,
            needed_by=request.needed_by)
    return build_delivery_note(note)


def _cents(amount: float) -> int:
    """Whole cents, halves rounded up as on an invoice."""
    return int(Decimal(str(amount)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _address(place: Place) -> str:
    return f"{place.commune} ({place.departement})" if place.commune else place.departement


def production_figures(ctx: Context, actor: Actor, start: date, end: date, departements: list[str] | None = None,
                       today: date | None = None) -> ProductionReport:
    """The figures of a production report over a period and territory."""
    if end < start:
        raise InvalidInput("documents.period_reversed", field="end", start=start, end=end)
    if (end - start).days >= MAX_REPORT_DAYS:
        raise InvalidInput("documents.period_too_long", field="end", most=MAX_REPORT_DAYS)
    territory = report_territory(actor, departements)
    with ctx.db.reading() as s:
        made = _made(s, territory, start, end)
        asked, shipped, received, by_dep = _demand(s, territory, start, end)
        names = {i.id: i.name for i in s.exec(select(Item)).all()}
    item_ids = sorted(set(asked) | set(made["item"]) | set(shipped) | set(received), key=lambda i: names[i])
    items = [ItemVolume(names[i], asked.get(i, 0), made["item"].get(i, (0, 0))[0], made["item"].get(i, (0, 0))[1],
                        shipped.get(i, 0), received.get(i, 0)) for i in item_ids]
    places = [PlaceVolume(name, dep, good, bad) for (name, dep), (good, bad) in sorted(made["place"].items())]
    deps = sorted(set(by_dep) | set(made["dep"]))
    departements_ = [DepartementVolume(d, by_dep.get(d, (0, 0))[0], made["dep"].get(d, 0), by_dep.get(d, (0, 0))[1])
                     for d in deps]
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    label = _("Départements %(codes)s", codes=", ".join(territory)) if territory else _("Tous les départements")
    where = report_map(ctx, actor, territory)
    coverage = [(kind, where["coverage"][key]["covered"], where["coverage"][key]["communes"])
                for key, kind in (("urban", _("Urbaines")), ("rural", _("Rurales")))]
    return ProductionReport(territory=label, start=start, end=end, generated_on=today or date.today(), items=items,
                            places=places, departements=departements_,
                            daily_made=[(day, made["day"].get(day, 0)) for day in days],
                            territory_map=TerritoryMap(where["rings"], where["communes"], where["places"]),
                            coverage=coverage, near_km=where["near_km"])


def _made(s: Session, territory: list[str] | None, start: date, end: date) -> dict:
    """Good and rejected units finished in the period, by item, place, département and day, from the running
    totals per place and day (never every finished plate)."""
    query = (select(OutputDay.day, OutputDay.item_id, Place.name, Place.departement, func.sum(OutputDay.units_made),
                    func.sum(OutputDay.units_rejected))
             .join(Place, Place.id == OutputDay.place_id).where(OutputDay.day >= start, OutputDay.day <= end)
             .group_by(OutputDay.day, OutputDay.item_id, Place.name, Place.departement))
    if territory is not None:
        query = query.where(Place.departement.in_(territory))  # type: ignore[attr-defined]
    out: dict = {"item": defaultdict(lambda: (0, 0)), "place": defaultdict(lambda: (0, 0)),
                 "dep": defaultdict(int), "day": defaultdict(int)}
    for day, item_id, place, dep, good, bad in s.exec(query).all():
        good, bad = int(good), int(bad)
        out["item"][item_id] = (out["item"][item_id][0] + good, out["item"][item_id][1] + bad)
        out["place"][(place, dep)] = (out["place"][(place, dep)][0] + good, out["place"][(place, dep)][1] + bad)
        out["dep"][dep] += good
        out["day"][as_day(day)] += good
    return out


def _demand(s: Session, territory: list[str] | None, start: date, end: date) -> tuple[dict, dict, dict, dict]:
    """Units asked (requests sent), shipped (deliveries prepared) and received in the period by item, and asked and
    received by requester's département, from their running totals per day."""
    query = (select(DemandDay.item_id, DemandDay.departement, func.sum(DemandDay.asked), func.sum(DemandDay.shipped),
                    func.sum(DemandDay.received))
             .where(DemandDay.day >= start, DemandDay.day <= end)
             .group_by(DemandDay.item_id, DemandDay.departement))
    if territory is not None:
        query = query.where(DemandDay.departement.in_(territory))  # type: ignore[attr-defined]
    asked: dict[int, int] = defaultdict(int)
    shipped: dict[int, int] = defaultdict(int)
    received: dict[int, int] = defaultdict(int)
    by_dep: dict[str, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for item_id, dep, a, sh, r in s.exec(query).all():
        asked[item_id] += int(a)
        shipped[item_id] += int(sh)
        received[item_id] += int(r)
        by_dep[dep] = (by_dep[dep][0] + int(a), by_dep[dep][1] + int(r))
    keep = lambda table: {i: q for i, q in table.items() if q}  # noqa: E731
    return keep(asked), keep(shipped), keep(received), {d: v for d, v in by_dep.items() if any(v)}


def production_report_pdf(ctx: Context, actor: Actor, start: date, end: date,
                          departements: list[str] | None = None) -> bytes:
    """The production report of a period and territory, as a PDF."""
    return build_production_report(production_figures(ctx, actor, start, end, departements))


def cost_estimate(ctx: Context, actor: Actor, *, place_id: int, item_id: int, quantity: int, customer: str,
                  unit_costs_cents: dict[str, float] | None = None, minutes_per_unit: float | None = None,
                  finishing_minutes_per_unit: float = 0, today: date | None = None) -> CostEstimate:
    """Price a small batch at a place: its time at its own hourly value, plus material at its own costs."""
    if not 0 < quantity <= 100_000:
        raise InvalidInput("documents.estimate_quantity_out_of_range", field="quantity", most=100_000)
    if not customer.strip():
        raise InvalidInput("documents.customer_required", field="customer")
    if finishing_minutes_per_unit < 0 or (minutes_per_unit is not None and minutes_per_unit <= 0):
        raise InvalidInput("documents.minutes_not_positive", field="minutes_per_unit")
    issued = today or date.today()
    with ctx.db.reading() as s:
        place = stock_place(s, actor, place_id, coordinators=True)
        item = s.get(Item, item_id)
        if item is None or not item.active:
            raise InvalidInput("documents.item_unknown", field="item_id", id=item_id)
        design = s.exec(select(DesignVersion).where(DesignVersion.item_id == item.id, DesignVersion.validated == True)  # noqa: E712
                        .order_by(DesignVersion.id.desc())).first()  # type: ignore[union-attr]
        if design is None:
            raise InvalidInput("documents.no_validated_design", field="item_id", item=item.name)
        time_lines, lead = _time_lines(s, place, design, quantity, minutes_per_unit, finishing_minutes_per_unit)
        material_lines = _material_lines(s, place, design, quantity, unit_costs_cents or {})
        return CostEstimate(
            reference=f"DEV-{issued:%Y%m%d}-{place.id:03d}-{item.id:03d}", issued_on=issued,
            valid_until=issued + timedelta(days=ESTIMATE_VALID_DAYS), place_name=place.name,
            place_address=_address(place), customer=customer.strip()[:200], item=item.name,
            design_version=design.label, quantity=quantity, time_lines=time_lines, material_lines=material_lines,
            lead_time=lead)


def _time_lines(s: Session, place: Place, design: DesignVersion, quantity: int, minutes_per_unit: float | None,
                finishing: float) -> tuple[list[EstimateLine], str]:
    """Production time (plates on the place's printers, or minutes per unit by hand) and finishing."""
    layout, printers = _plate_layout(s, place, design)
    lines, lead = [], ""
    if layout is not None and minutes_per_unit is None:
        plates = math.ceil(quantity / layout.units_per_plate)
        label = ngettext("Impression : %(num)s plateau de %(units)s unités, %(minutes)s min chacun",
                         "Impression : %(num)s plateaux de %(units)s unités, %(minutes)s min chacun", plates,
                         units=layout.units_per_plate, minutes=number(layout.print_minutes))
        lines.append(_time_line(place, label, plates * layout.print_minutes / 60))
        days = math.ceil(plates / (printers * max(1, HOURS_PER_DAY * 60 // layout.print_minutes)))
        lead = ngettext("%(num)s jour de production", "%(num)s jours de production", days) + " " + ngettext(
            "sur %(num)s imprimante", "sur %(num)s imprimantes", printers)
    elif minutes_per_unit is not None:
        label = _("Fabrication : %(units)s × %(minutes)s min", units=number(quantity),
                  minutes=number(minutes_per_unit, 1))
        lines.append(_time_line(place, label, quantity * minutes_per_unit / 60))
    else:
        raise InvalidInput("documents.no_plate_layout", field="minutes_per_unit")
    if finishing:
        label = _("Finition et assemblage : %(units)s × %(minutes)s min", units=number(quantity),
                  minutes=number(finishing, 1))
        lines.append(_time_line(place, label, quantity * finishing / 60))
    return lines, lead


def _plate_layout(s: Session, place: Place, design: DesignVersion) -> tuple[PlateLayout | None, int]:
    """The design's plate for the place's printers, and how many printers the place runs."""
    profiles = s.exec(select(Machine.printer_profile).where(
        Machine.place_id == place.id, Machine.active == True,  # noqa: E712
        Machine.printer_profile.is_not(None))).all()  # type: ignore[union-attr]
    if not profiles:
        return None, 0
    layout = s.exec(select(PlateLayout).where(PlateLayout.design_version_id == design.id,
                                              PlateLayout.printer_profile.in_(profiles))).first()  # type: ignore[attr-defined]
    return layout, len(profiles)


def _time_line(place: Place, label: str, hours: float) -> EstimateLine:
    """Hours of the place's time at the value it gives its time."""
    rate = place.hourly_value_cents
    return EstimateLine(label, _("%(hours)s h", hours=number(hours, 1)), _("%(price)s / h", price=euros(rate)),
                        _cents(hours * rate))


def _material_lines(s: Session, place: Place, design: DesignVersion, quantity: int,
                    given: dict[str, float]) -> list[EstimateLine]:
    """Each material of the bill at the price given, or else at the average of the place's priced receipts."""
    lines = []
    for bom, material in s.exec(select(BomLine, Material).join(Material, Material.id == BomLine.material_id)
                                .where(BomLine.design_version_id == design.id).order_by(Material.code)).all():
        cost = given.get(material.code)
        if cost is None:
            cost = _receipt_unit_cost(s, place.id, material.id)
        if cost is None:
            raise InvalidInput("documents.no_price", field=f"unit_costs_cents.{material.code}", material=material.name,
                               place=place.name, code=material.code)
        used = bom.quantity * quantity
        factor, unit = UNITS.get(material.unit, (1, material.unit))
        counted = ngettext("pièce", "pièces", used) if material.unit == "piece" else material.unit
        lines.append(EstimateLine(material.name, f"{number(used)} {counted}",
                                  _("%(price)s / %(unit)s", price=euros(cost * factor),
                                    unit=_("pièce") if material.unit == "piece" else unit), _cents(used * cost)))
    return lines


def _receipt_unit_cost(s: Session, place_id: int, material_id: int) -> float | None:
    """What the place paid for one unit, on average over its priced receipts."""
    paid, bought = s.exec(select(func.coalesce(func.sum(StockEntry.cost_cents), 0),
                                 func.coalesce(func.sum(StockEntry.quantity), 0))
                          .where(StockEntry.place_id == place_id, StockEntry.material_id == material_id,
                                 StockEntry.kind == "receipt",
                                 StockEntry.cost_cents.is_not(None))).one()  # type: ignore[union-attr]
    return average_unit_cost(int(paid), int(bought))


def cost_estimate_pdf(ctx: Context, actor: Actor, **request: object) -> bytes:
    """A cost estimate as a PDF."""
    return build_cost_estimate(cost_estimate(ctx, actor, **request))  # type: ignore[arg-type]
