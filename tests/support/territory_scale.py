"""A territory at a nation's scale, written in seconds: places with printers and stock, requesters in real communes,
open demand, and a history of requests already delivered.

`fill(engine, places=100, lines=20_000, history=70_000)` writes into a freshly migrated database (no catalogue yet):
the coordination of Nouvelle-Aquitaine and its coordinator (territory: the region's 12 départements), the
catalogue of the NA-visors-2020 scenario (a visor validated for every requester, printed 12 to a plate of 18 h; a
fabric mask; their bills of materials), `places` places (six fab-labs in seven, with FIELD.md's printer counts, the
others sewing workshops) round the départements' towns, largest first, each with two weeks of material received;
requesting organisations in real communes drawn in proportion to the people they speak for; `lines` open request
lines (sizes of median 40 and 90th percentile 500, a few institutional orders of thousands; sent in the last five
days, needed 4 to 21 days after, care staff sooner), some already allocated in part to a place (accepted work, at
most three days of that place's capacity ahead); and `history` lines of requests delivered 1 to 8 weeks ago, their
work orders done: `unconfirmed` of them still awaiting the requester's receipt (request shipped, delivery
delivered), the rest received (request closed).

Rows go in by the thousand: COPY on PostgreSQL, SQLAlchemy Core inserts of many rows at once on SQLite. Plates of
the history and of accepted work are not written (work orders carry their counts), nor the per-day demand and
output totals: the planner reads none of them.
"""
from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import JSON, Engine, func, select, text
from sqlmodel import Session, SQLModel

from makernet.models import (Delivery, DeliveryLine, DesignVersion, Machine, Organisation, Place, Request,
                             RequestLine, StockDay, StockEntry, User, WorkOrder)
from makernet.scenarios.geography import DEPARTEMENTS, Town, near, towns
from makernet.scenarios.loading import EVERY_DAY, MASK_BILL, PLATE, VISOR_BILL, load
from makernet.scenarios.na_visors import PRINTER_COUNTS, REQUESTERS, Scenario
from makernet.services import plans
from makernet.services.access import Actor
from makernet.services.context import Context

CHUNK = 5_000                  # rows per batch of Core inserts (SQLite)
STOCK_DAYS = 14                # material each place has received: two weeks of its capacity
IN_WORK = 0.2                  # open requests a place has already taken part of (accepted work)...
BACKLOG_DAYS = 3               # ...as long as it has no more than a few days of accepted work ahead
WAITING = ("waiting", "queued", "running")   # a run the service has not made yet


@dataclass(frozen=True)
class Territory:
    """What `fill` wrote, by id: the coordinator to plan as, places, open lines and history lines."""

    coordinator: Actor
    today: date
    places: range
    open_lines: range          # lines with units still to allocate
    history_lines: range       # lines of delivered requests
    items: dict[str, int]


class _Ids:
    """The next free id of each table the generator gives ids to (the rows reference each other)."""

    def __init__(self, conn: object) -> None:
        self.conn, self.next = conn, {}

    def take(self, model: type[SQLModel], count: int) -> int:
        table = model.__table__
        if table.name not in self.next:
            self.next[table.name] = (self.conn.execute(select(func.max(table.c.id))).scalar() or 0) + 1
        first = self.next[table.name]
        self.next[table.name] += count
        return first


def fill(engine: Engine, *, places: int, lines: int, history: int = 0, unconfirmed: float = 0.3, seed: int = 1,
         today: date | None = None) -> Territory:
    """Write the territory into a migrated database; returns its coordinator and the ids of what was written."""
    rng, today = random.Random(seed), today or date.today()
    with Session(engine) as s:
        loaded = load(s, Scenario(seed, [], [], [], []))    # coordination, coordinator, materials, catalogue
        designs = {item: s.execute(select(DesignVersion.id).where(DesignVersion.item_id == item_id)).scalar_one()
                   for item, item_id in loaded.items.items()}
        s.commit()
    with engine.begin() as conn:
        ids = _Ids(conn)
        made = _places(conn, ids, rng, places, loaded.items, loaded.materials, today)
        requesters = _requesters(conn, ids, rng, max(50, min(5_000, (lines + history) // 20)))
        open_lines = _open_demand(conn, ids, rng, lines, requesters, made, loaded.items, designs, today)
        history_lines = _history(conn, ids, rng, history, unconfirmed, requesters, made, loaded.items, designs, today)
        _settle(conn, ids)
    return Territory(loaded.coordinator, today, made["ids"], open_lines, history_lines, loaded.items)


def _insert(conn: object, model: type[SQLModel], rows: list[dict]) -> None:
    """The rows in one go: COPY on PostgreSQL (columns left out take their model's default), else Core inserts."""
    table = model.__table__
    if conn.dialect.name != "postgresql" or not rows:
        for start in range(0, len(rows), CHUNK):
            conn.execute(table.insert(), rows[start:start + CHUNK])
        return
    names = list(rows[0])
    defaults = {c.name: c.default.arg(None) if c.default.is_callable else c.default.arg
                for c in table.columns if c.name not in names and c.default is not None}
    columns = names + list(defaults)
    documents = [i for i, name in enumerate(columns) if isinstance(table.c[name].type, JSON)]
    listed = ", ".join(f'"{name}"' for name in columns)
    with conn.connection.driver_connection.cursor() as cursor, \
            cursor.copy(f'COPY "{table.name}" ({listed}) FROM STDIN') as copy:
        for row in rows:
            values = [row[name] for name in names] + list(defaults.values())
            for i in documents:
                values[i] = json.dumps(values[i])
            copy.write_row(values)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _places(conn: object, ids: _Ids, rng: random.Random, count: int, items: dict[str, int],
            materials: dict[str, int], today: date) -> dict:
    """Fab-labs and sewing workshops round the départements, their operators, machines and material."""
    o0, u0, p0 = ids.take(Organisation, count), ids.take(User, count), ids.take(Place, count)
    by_departement = {d: [t for t in towns() if t.departement == d] for d in sorted(DEPARTEMENTS)}
    orgs, users, rows, machines, stock, days, makes, room = [], [], [], [], [], [], {"visor": [], "mask": []}, {}
    for j in range(count):
        local = by_departement[sorted(DEPARTEMENTS)[j % 12]]
        town = local[j // 12 % len(local)]
        latitude, longitude = near(rng, town, 1.5)
        sewing = j % 7 == 6
        kind, label, item = ("sewing_workshop", "Atelier couture", "mask") if sewing else \
            ("fab_lab", "Fab-lab", "visor")
        name = f"{label} {town.name} n° {j + 1}"
        where = {"commune": town.name, "departement": town.departement, "latitude": latitude, "longitude": longitude}
        orgs.append({"id": o0 + j, "name": name, "kind": kind, "territory": [], **where})
        users.append({"id": u0 + j, "email": f"lieu{j + 1}@territoire.makernet.fr", "name": name, "role": "operator",
                      "organisation_id": o0 + j})
        printers = 0 if sewing else rng.choices(PRINTER_COUNTS, weights=(4, 4, 3, 2, 1, 0.5))[0]
        stations = rng.randint(6, 15) if sewing else 0
        staff = rng.randint(6, 15) if sewing else max(2, printers // 4 + rng.randint(0, 3))
        rows.append({"id": p0 + j, "organisation_id": o0 + j, "name": name, "staff_available": staff,
                     "opening_hours": EVERY_DAY, "batch_limit": None if rng.random() < 0.6 else rng.choice((200, 500)),
                     "accepted_item_ids": [items[item]], "auto_accept": rng.random() < 0.3, **where})
        machines += [{"place_id": p0 + j, "name": f"Imprimante {n + 1}", "kind": "fdm_printer", "driver": "manual",
                      "printer_profile": PLATE[0], "state": "ready", "clears_itself": True} for n in range(printers)]
        machines += [{"place_id": p0 + j, "name": f"Poste couture {n + 1}", "kind": "sewing_station",
                      "driver": "manual", "printer_profile": None, "state": "unknown", "clears_itself": False}
                     for n in range(stations)]
        per_day = printers * 8 if printers else stations * 30
        for code, per_unit in (MASK_BILL if sewing else VISOR_BILL).items():
            quantity = per_day * per_unit * STOCK_DAYS
            stock.append({"place_id": p0 + j, "material_id": materials[code], "quantity": quantity, "kind": "receipt",
                          "reason": "livraison de matière", "created_at": _at(today, 8)})
            days.append({"day": today, "place_id": p0 + j, "material_id": materials[code], "net": quantity, "used": 0})
        makes[item].append(p0 + j)
        room[p0 + j] = per_day * BACKLOG_DAYS
    for model, batch in ((Organisation, orgs), (User, users), (Place, rows), (Machine, machines),
                         (StockEntry, stock), (StockDay, days)):
        _insert(conn, model, batch)
    return {"ids": range(p0, p0 + count), "room": room, **makes}


def _requesters(conn: object, ids: _Ids, rng: random.Random, count: int) -> list[tuple[int, int, str, Town]]:
    """Town halls, care homes, hospitals, nurses... in real communes, as many as the people they speak for."""
    everywhere = towns()
    chosen = rng.choices(everywhere, cum_weights=list(_running([t.catchment for t in everywhere])), k=count)
    kinds = rng.choices(REQUESTERS, weights=[r[2] for r in REQUESTERS], k=count)
    o0, u0 = ids.take(Organisation, count), ids.take(User, count)
    orgs = [{"id": o0 + k, "name": f"{kind} {town.name} n° {k + 1}", "kind": kind, "commune": town.name,
             "departement": town.departement, "latitude": town.latitude, "longitude": town.longitude, "territory": []}
            for k, ((kind, _, _), town) in enumerate(zip(kinds, chosen))]
    _insert(conn, Organisation, orgs)
    _insert(conn, User, [{"id": u0 + k, "email": f"demandeur{k + 1}@territoire.makernet.fr", "name": org["name"],
                          "role": "requester", "organisation_id": org["id"]} for k, org in enumerate(orgs)])
    return [(o0 + k, u0 + k, priority, town) for k, ((_, priority, _), town) in enumerate(zip(kinds, chosen))]


def _running(values: list[int]) -> list[int]:
    total, out = 0, []
    for value in values:
        total += max(1, value)
        out.append(total)
    return out


def _size(rng: random.Random, item: str) -> int:
    """Units of a line: median about 40, 90th percentile about 500; one in a hundred an institution's thousands."""
    size = rng.choice((2000, 3000, 5000)) if rng.random() < 0.01 else max(5, min(1500, int(
        rng.lognormvariate(math.log(40), 2.0))))
    return size if item == "visor" else max(10, size // 2)


def _request(rid: int, requester: tuple[int, int, str, Town], status: str, sent: date, needed_by: date) -> dict:
    org, user, priority, town = requester
    return {"id": rid, "organisation_id": org, "created_by": user, "status": status, "needed_by": needed_by,
            "delivery_point": f"Accueil, {town.name}", "latitude": town.latitude, "longitude": town.longitude,
            "priority": priority, "created_at": _at(sent)}


def _open_demand(conn: object, ids: _Ids, rng: random.Random, count: int, requesters: list, made: dict,
                 items: dict[str, int], designs: dict[str, int], today: date) -> range:
    """Requests sent in the last days with `count` lines in all; some already allocated in part."""
    requests, lines, orders = [], [], []
    l0 = ids.take(RequestLine, count)
    r0 = ids.take(Request, count)
    while len(lines) < count:
        requester, rid = rng.choice(requesters), r0 + len(requests)
        wanted = ["visor" if rng.random() < 0.85 else "mask"]
        if rng.random() < 0.15 and len(lines) + 1 < count:
            wanted.append("mask" if wanted[0] == "visor" else "visor")
        sent = today - timedelta(days=rng.randint(0, 5))
        lead = rng.randint(4, 10) if requester[2] == "care_staff" else rng.randint(6, 21)
        requests.append(_request(rid, requester, "approved", sent, sent + timedelta(lead)))
        for item in wanted:
            quantity = _size(rng, item)
            lines.append({"id": l0 + len(lines), "request_id": rid, "item_id": items[item], "quantity": quantity,
                          "units_made": 0, "units_delivered": 0, "units_received": 0})
        place = rng.choice(made[item])
        if rng.random() < IN_WORK and 1 <= quantity // 2 <= made["room"][place]:
            made["room"][place] -= quantity // 2
            requests[-1]["status"] = "allocated"
            orders.append(_order(lines[-1]["id"], place, designs[item], quantity // 2, 0, "accepted",
                                 sent + timedelta(1), sent + timedelta(lead)))
    ids.next["request"] = r0 + len(requests)
    _insert(conn, Request, requests)
    _insert(conn, RequestLine, lines)
    _insert(conn, WorkOrder, orders)
    return range(l0, l0 + count)


def _order(line_id: int, place_id: int, design_id: int, quantity: int, made: int, status: str, decided: date,
           ready_by: date) -> dict:
    return {"request_line_id": line_id, "place_id": place_id, "design_version_id": design_id, "quantity": quantity,
            "accepted_quantity": quantity, "units_made": made, "units_rejected": 0, "status": status,
            "reason": "accepté par le lieu", "created_at": _at(decided, 9), "decided_at": _at(decided),
            "explanation": "", "ready_by": ready_by}


def _history(conn: object, ids: _Ids, rng: random.Random, count: int, unconfirmed: float, requesters: list,
             made: dict, items: dict[str, int], designs: dict[str, int], today: date) -> range:
    """Requests of one line each, made and delivered 1 to 8 weeks ago; some receipts not confirmed yet."""
    r0, l0, d0 = ids.take(Request, count), ids.take(RequestLine, count), ids.take(Delivery, count)
    requests, lines, orders, deliveries, parcels = [], [], [], [], []
    for k in range(count):
        requester, item = rng.choice(requesters), "visor" if rng.random() < 0.85 else "mask"
        shipped = today - timedelta(days=rng.randint(7, 56))
        sent = shipped - timedelta(days=rng.randint(3, 14))
        confirmed = rng.random() >= unconfirmed
        quantity, place = _size(rng, item), rng.choice(made[item])
        requests.append(_request(r0 + k, requester, "closed" if confirmed else "shipped", sent,
                                 shipped + timedelta(days=rng.randint(0, 3))))
        lines.append({"id": l0 + k, "request_id": r0 + k, "item_id": items[item], "quantity": quantity,
                      "units_made": quantity, "units_delivered": quantity,
                      "units_received": quantity if confirmed else 0})
        orders.append(_order(l0 + k, place, designs[item], quantity, quantity, "done", sent + timedelta(1), shipped))
        deliveries.append({"id": d0 + k, "place_id": place, "request_id": r0 + k, "mode": "direct",
                           "status": "received" if confirmed else "delivered",
                           "destination": f"Accueil, {requester[3].name}",
                           "receiver_name": "Accueil" if confirmed else "", "created_at": _at(shipped, 8),
                           "picked_up_at": _at(shipped, 9), "delivered_at": _at(shipped, 15),
                           "received_at": _at(shipped + timedelta(1)) if confirmed else None})
        parcels.append({"delivery_id": d0 + k, "request_line_id": l0 + k, "quantity": quantity})
    for model, rows in ((Request, requests), (RequestLine, lines), (WorkOrder, orders), (Delivery, deliveries),
                        (DeliveryLine, parcels)):
        _insert(conn, model, rows)
    return range(l0, l0 + count)


def _settle(conn: object, ids: _Ids) -> None:
    """PostgreSQL: id sequences past the ids given here (the app inserts next), and fresh statistics."""
    if conn.dialect.name != "postgresql":
        return
    for table in ids.next:
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                          f"(SELECT coalesce(max(id), 0) + 1 FROM \"{table}\"), false)"))
    conn.execute(text("ANALYZE"))


def plan_as_coordinator(ctx: Context, territory: Territory, **options: object) -> dict:
    """One planning run of the coordinator made at once in this process, its view returned; a run the service only
    queued is made here by the worker's own use case."""
    run = plans.run_plan(ctx, territory.coordinator, today=territory.today, **options)
    if run.get("status") not in WAITING:
        return run
    plans.execute_run(ctx, run["id"])
    return plans.get_plan_run(ctx, territory.coordinator, run["id"])
