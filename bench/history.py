"""Eight weeks of a region's busy season, in a database of its own, for bench.reads (which writes it when missing).

Scale `region`: 100 places (fab-labs, sewing workshops) of 50 machines, 2,000 requesting organisations (town halls,
care homes, hospitals, nurses), 200,000 requests (1.15 lines each) sent over the 8 weeks up to now, a work order per
line once allocated, their plates and batches (a million jobs: most done, some printing, queued or failed), the stock
ledger (5 million entries: each finished job's consumption, the receipts that kept places supplied) and the
deliveries of what left (about 110,000, most received). Scale `small` is a hundredth of it. Places and organisations
are in real communes of Nouvelle-Aquitaine; the demo coordinator's territory covers the region's 12 départements.

The schema is made as the app makes it (`makernet db upgrade`, then `makernet demo`: items, materials, users), taken
back to BASE, the schema the history is written for, filled by set-based SQL (INSERT ... SELECT, the same statements
on PostgreSQL and SQLite), and upgraded again: later revisions build what they derive from the history, as on a region
that upgrades. A marker row keeps the scale and a fingerprint of this file and of the migrations: when one changes,
or with --regenerate, the history is written again (a few minutes at region scale).
"""
from __future__ import annotations

import hashlib
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, MetaData, create_engine, func, select, text

from makernet import schema
from makernet.db import Database
from makernet.scenarios.geography import towns

BIN = Path(sys.executable).parent
POSTGRES = "postgresql://postgres@127.0.0.1:5432/"
SQLITE_DIR = Path.home() / ".cache" / "makernet-bench"
BASE = ("0003_stock", "0006_planning_more", "0012_heartbeats", "0013_metrics", "0014_printer_removal",
        "0016_notice_preferences")   # the heads the history is written for
SCALES = {"region": {"places": 100, "machines": 50, "organisations": 2000, "requests": 200_000, "stock": 5_000_000},
          "small": {"places": 12, "machines": 4, "organisations": 100, "requests": 2000, "stock": 50_000}}
DEPARTEMENTS = ["16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"]
REQUESTERS = [("municipality", "Mairie de"), ("care_facility", "EHPAD de"), ("municipality", "CCAS de"),
              ("hospital", "Centre hospitalier de"), ("other", "Cabinet infirmier de"), ("other", "Pharmacie de"),
              ("care_facility", "Résidence autonomie de"), ("care_facility", "SSIAD de")]


def database_url(scale: str, sqlite: bool) -> str:
    """Where the history of this scale lives (one database or file per scale)."""
    if sqlite:
        return f"sqlite:///{SQLITE_DIR / f'reads-{scale}.sqlite3'}"
    return POSTGRES + ("makernet_reads" if scale == "region" else f"makernet_reads_{scale}")


def fingerprint() -> str:
    """This generator and the app's migrations, by content."""
    paths = [Path(__file__), *sorted((Path(schema.MIGRATIONS) / "versions").glob("*.py"))]
    return hashlib.sha1(b"".join(p.name.encode() + p.read_bytes() for p in paths)).hexdigest()[:16]


@contextmanager
def connected(url: str, **options: object) -> Iterator[Connection]:
    engine = create_engine(url, **options)
    with engine.connect() as conn:
        yield conn
    engine.dispose()


def ensure(url: str, scale: str, env: dict, regenerate: bool = False) -> str:
    """The history at this scale in this database, written only if missing or made otherwise; says what was done."""
    started, marker = time.monotonic(), None
    try:
        with connected(url) as conn:
            marker = conn.execute(text("SELECT * FROM bench_history")).first()
    except Exception:  # noqa: BLE001 - no database, or no history yet
        pass
    if marker and not regenerate and (marker.scale, marker.fingerprint) == (scale, fingerprint()):
        return f"history kept ({scale}, {marker.requests:,} requests, written in {marker.seconds:.0f} s)"
    counts = generate(url, scale, {**env, "MAKERNET_DATABASE_URL": url})
    _finish(url, scale, counts["request"], time.monotonic() - started)
    return f"history written in {time.monotonic() - started:.0f} s: " + ", ".join(
        f"{n:,} {t}" for t, n in counts.items())


def generate(url: str, scale: str, env: dict) -> dict[str, int]:
    """A fresh database: the app's schema and demo, back to BASE, the history, then every later revision."""
    def cli(*args: str) -> None:
        subprocess.run([str(BIN / "makernet"), *args], env=env, check=True, capture_output=True)
    if url.startswith("sqlite"):
        SQLITE_DIR.mkdir(parents=True, exist_ok=True)
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        with connected(POSTGRES + "postgres", isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{url.rsplit("/", 1)[1]}"'))
    cli("db", "upgrade")
    cli("demo", "--yes-load-demo-users")
    database = Database(url)
    for revision in BASE:
        schema.downgrade(database, revision)
    database.dispose()
    with connected(url) as conn:
        values = _small_tables(conn, SCALES[scale])
        for step in (_functions(conn) + HISTORY).split("\n-- ")[1:]:
            (name, statement), started = step.split("\n", 1), time.monotonic()
            rows = conn.execute(text(statement.format(**values))).rowcount
            conn.commit()
            print(f"  {name:<18} {f'{rows:,} rows' if rows >= 0 else '':>16} {time.monotonic() - started:6.1f} s")
    cli("db", "upgrade")
    with connected(url) as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in
                ("request", "requestline", "workorder", "job", "stockentry", "delivery", "deliveryline")}


def _finish(url: str, scale: str, requests: int, seconds: float) -> None:
    """Id sequences past the largest id (the app inserts after the bench), statistics and visibility, the marker."""
    with connected(url, isolation_level="AUTOCOMMIT") as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("DROP FUNCTION IF EXISTS bench_ago, bench_day, bench_pick, bench_rnd"))
            for table, column in conn.execute(text(
                    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
                    "AND column_default LIKE 'nextval%'")).all():
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
                                  f"(SELECT coalesce(max({column}), 0) + 1 FROM \"{table}\"), false)"))
        conn.execute(text("VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE"))
        conn.execute(text("DROP TABLE IF EXISTS bench_history"))
        conn.execute(text(f"CREATE TABLE bench_history AS SELECT '{scale}' AS scale, '{fingerprint()}' AS fingerprint, "
                          f"{requests} AS requests, {seconds:.1f} AS seconds"))


def _small_tables(conn: Connection, scale: dict) -> dict:
    """Organisations and places in real communes, ids chosen here (their users and machines follow in SQL); the
    values the statements below are written with."""
    meta = MetaData()
    meta.reflect(conn, only=["organisation", "user", "place", "machine", "item", "request"])
    t, now, all_towns, fab = meta.tables, datetime.now(UTC), towns(), round(scale["places"] * 0.7)
    o0, u0, p0, m0, r0 = ((conn.execute(select(func.max(t[name].c.id))).scalar() or 0) + 1
                      for name in ("organisation", "user", "place", "machine", "request"))
    conn.execute(t["organisation"].update().where(t["organisation"].c.kind == "coordination"),
                 {"territory": DEPARTEMENTS})   # the demo coordinator's territory: the whole region
    names, items = set(conn.execute(select(t["organisation"].c.name)).scalars()), dict(
        conn.execute(select(t["item"].c.code, t["item"].c.id)).all())
    orgs = [(REQUESTERS[k // len(all_towns) % len(REQUESTERS)], all_towns[k % len(all_towns)])
            for k in range(scale["organisations"])]
    for j in range(scale["places"]):   # round the départements, largest communes first
        local = [town for town in all_towns if town.departement == DEPARTEMENTS[j % 12]]
        orgs.append((("fab_lab", "FabLab") if j < fab else ("sewing_workshop", "Atelier couture de"),
                     local[j // 12 % len(local)]))
    rows = []
    for k, ((kind, label), town) in enumerate(orgs):
        name = f"{label[:-2]}d'{town.name}" if label.endswith(" de") and town.name[0] in "AEIOUHÉÎ" \
            else f"{label} {town.name}"
        name = next(n for n in (name, f"{name} ({town.departement})", f"{name} n° {k}") if n not in names)
        names.add(name)
        rows.append({"id": o0 + k, "name": name, "kind": kind, "commune": town.name, "departement": town.departement,
                     "latitude": town.latitude, "longitude": town.longitude, "territory": [], "created_at": now})
    conn.execute(t["organisation"].insert(), rows)
    conn.execute(t["place"].insert(), [
        {**{c: org[c] for c in ("name", "commune", "departement", "latitude", "longitude", "created_at")},
         "id": p0 + j, "organisation_id": org["id"], "staff_available": 4 + j % 12, "batch_limit": 500,
         "opening_hours": {day: [["09:00", "19:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat")},
         "hourly_value_cents": 1500, "auto_accept": False, "active": True, "accepted_item_ids":
         [items["visiere"]] if j < fab else [items["masque-tissu"], items["visiere-assemblee"]]}
        for j, org in enumerate(rows[scale["organisations"]:])])
    return {**scale, "r0": r0, "o0": o0, "u0": u0, "p0": p0, "m0": m0, "fab": fab, "p_shops": p0 + fab, "shops":
            scale["places"] - fab, "o_end": o0 + scale["organisations"], "numbers": max(scale["requests"], 20_000)}


def _functions(conn: Connection) -> str:
    """bench_ago(s), bench_day(s): the time and date s seconds before now; bench_pick(n): a random integer in [0, n);
    bench_rnd(): a random number in [0, 1). Python functions on SQLite; on PostgreSQL, the statements making them."""
    now = datetime.now(UTC).replace(microsecond=0)
    if conn.dialect.name == "postgresql":
        return "".join(f"\n-- functions\nCREATE FUNCTION {name} RETURNS {kind} LANGUAGE sql AS $$ SELECT {body} $$" for
                       name, kind, body in (
                           ("bench_ago(s float8)", "timestamptz", f"TIMESTAMPTZ '{now}' - s * INTERVAL '1 second'"),
                           ("bench_day(s float8)", "date", "CAST(timezone('UTC', bench_ago(s)) AS date)"),
                           ("bench_pick(n float8)", "integer", "CAST(floor(random() * n) AS INTEGER)"),
                           ("bench_rnd()", "float8", "random()")))
    raw = conn.connection.driver_connection
    raw.create_function("bench_ago", 1, lambda s: f"{now - timedelta(seconds=s):%Y-%m-%d %H:%M:%S.%f}")
    raw.create_function("bench_day", 1, lambda s: (now - timedelta(seconds=s)).date().isoformat())
    raw.create_function("bench_pick", 1, lambda n: random.randrange(int(n)))
    raw.create_function("bench_rnd", 0, random.random)
    return ""


# The history, statement by statement. Per request (in seconds before now): `age` since it was sent, `lead` to the
# date needed, `roll` its fate (0-2 rejected, 3-4 cancelled, 5-7 made late). Its work orders come 0.8 day after it,
# production starts a day after it and lasts `prod`; job k of n finishes at start + prod * k / n; the parcel leaves
# (`ship`) two days before the date needed, or half a day after the last job, arrives half a day later and is received
# a day later. Receipts cover what each place used with 0 to 29 % to spare (none for one material and place in 30).
HISTORY = """
-- catalogue
CREATE TEMP TABLE bench_item AS SELECT c.idx, i.id AS item_id, d.id AS dv, (SELECT min(p.id) FROM platelayout p
WHERE p.design_version_id = d.id) AS layout, c.unit, c.workshop FROM (SELECT 0 AS idx, 'visiere' AS code, 10 AS unit,
0 AS workshop UNION ALL SELECT 1, 'masque-tissu', 20, 1 UNION ALL SELECT 2, 'visiere-assemblee', 10, 1) c
JOIN item i ON i.code = c.code JOIN designversion d ON d.id = (SELECT max(id) FROM designversion WHERE item_id = i.id)
-- numbers
CREATE TEMP TABLE bench_n (i INTEGER PRIMARY KEY)
-- numbers
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < {numbers}) INSERT INTO bench_n SELECT i FROM c
-- users
INSERT INTO "user" (id, email, name, role, organisation_id, password_hash, locale, active, created_at, digest_hour,
session_epoch) SELECT {u0} + o.id - {o0}, 'contact.' || o.id || '@bench.makernet.fr', 'Contact ' || o.name,
CASE WHEN o.id < {o_end} THEN 'requester' ELSE 'operator' END, o.id, '', 'fr', TRUE, o.created_at, 7, 0
FROM organisation o WHERE o.id >= {o0}
-- machines
INSERT INTO machine (id, place_id, name, kind, driver, printer_profile, clears_itself, bed_clear, state, state_detail,
active, created_at) SELECT {m0} + (p.id - {p0}) * {machines} + g.i - 1, p.id, CASE WHEN p.id < {p_shops} THEN 'Prusa '
WHEN g.i = 1 THEN 'Établi ' ELSE 'Poste couture ' END || g.i, CASE WHEN p.id < {p_shops} THEN 'fdm_printer'
WHEN g.i = 1 THEN 'assembly_bench' ELSE 'sewing_station' END, 'manual', CASE WHEN p.id < {p_shops} THEN 'prusa-mk3'
END, FALSE, TRUE, 'unknown', '', TRUE, p.created_at FROM place p JOIN bench_n g ON g.i <= {machines} WHERE p.id >= {p0}
-- fates
CREATE TEMP TABLE bench_r AS SELECT i, {o0} + bench_pick({organisations}) AS org, bench_rnd() * 56 * 86400 AS age,
(bench_pick(43) + 7) * 86400 AS lead, bench_pick(100) AS roll FROM bench_n WHERE i <= {requests}
-- fates
CREATE TEMP TABLE bench_req AS SELECT i, {r0} + i AS id, org, age, lead, roll, prod, age - CASE WHEN lead - 2 * 86400
> 1.5 * 86400 + prod THEN lead - 2 * 86400 ELSE 1.5 * 86400 + prod END AS ship FROM (SELECT *, CASE WHEN roll
BETWEEN 5 AND 7 THEN lead + 86400 WHEN lead < 13 * 86400 THEN lead - 3 * 86400 ELSE 10 * 86400 END AS prod
FROM bench_r) r
-- requests
INSERT INTO request (id, organisation_id, created_by, status, needed_by, delivery_point, latitude, longitude, priority,
beneficiary, urgency_reason, status_reason, created_at) SELECT b.id, b.org, {u0} + b.org - {o0}, CASE WHEN b.roll < 3
THEN 'rejected' WHEN b.roll < 5 THEN 'cancelled' WHEN b.age < 86400 / 4 THEN 'submitted' WHEN b.age < 86400
THEN 'approved' ELSE 'allocated' END, bench_day(b.age - b.lead), 'Accueil, ' || o.commune, o.latitude, o.longitude,
CASE o.kind WHEN 'hospital' THEN 'care_staff' WHEN 'care_facility' THEN 'vulnerable' ELSE CASE WHEN b.i % 20 = 0
THEN 'emergency_services' ELSE 'normal' END END, '', '', CASE WHEN b.roll < 3
THEN 'Hors du périmètre de la coordination' ELSE '' END, bench_ago(b.age) FROM bench_req b
JOIN organisation o ON o.id = b.org
-- request lines
INSERT INTO requestline (request_id, item_id, quantity, units_made, units_delivered, units_received)
SELECT b.id, bi.item_id, bi.unit * (1 + bench_pick(9)), 0, 0, 0 FROM bench_req b JOIN bench_n g ON g.i <= CASE
WHEN b.i % 100 < 15 THEN 2 ELSE 1 END JOIN bench_item bi ON bi.idx = (CASE WHEN b.i * 7 % 10 < 6 THEN 0
WHEN b.i * 7 % 10 < 9 THEN 1 ELSE 2 END + g.i - 1) % 3
-- work orders
INSERT INTO workorder (request_line_id, place_id, design_version_id, quantity, accepted_quantity, units_made,
units_rejected, status, reason, created_by, created_at, decided_at, explanation, ready_by) SELECT l.id, CASE
WHEN bi.workshop = 0 THEN {p0} + bench_pick({fab}) ELSE {p_shops} + bench_pick({shops}) END, bi.dv, l.quantity,
l.quantity, 0, 0, 'accepted', '', (SELECT id FROM "user" WHERE email = 'coordination@demo.makernet.fr'),
bench_ago(b.age - 0.8 * 86400), bench_ago(b.age - 0.85 * 86400), '', bench_day(b.age - 86400 - b.prod)
FROM requestline l JOIN bench_req b ON b.id = l.request_id JOIN bench_item bi ON bi.item_id = l.item_id
WHERE b.roll >= 5 AND b.age >= 86400
-- jobs
INSERT INTO job (work_order_id, machine_id, plate_layout_id, sequence, units, units_made, units_rejected, status,
dispatch_attempts, progress, dispatched_at, started_at, finished_at, outcome, created_at) SELECT wo, machine, layout, k,
unit, CASE WHEN status = 'done' THEN unit ELSE 0 END, 0, status, CASE WHEN status = 'queued' THEN 0 ELSE 1 END,
CASE status WHEN 'done' THEN 100.0 WHEN 'printing' THEN 50.0 END, started, started, CASE WHEN status = 'done'
THEN bench_ago(fin) END, CASE WHEN status = 'failed' THEN 'impression perdue' ELSE '' END, created_at
FROM (SELECT *, CASE WHEN fin > 0 THEN bench_ago(fin + 6 * 3600) WHEN status <> 'queued' THEN bench_ago(3 * 3600)
END AS started FROM (SELECT *, CASE WHEN fin > 0 THEN 'done' WHEN fin + win > 0 AND wo % 8 = 0 THEN 'printing'
WHEN fin + win > 0 AND wo % 50 = 1 THEN 'failed' ELSE 'queued' END AS status FROM (SELECT w.id AS wo, g.i AS k,
{m0} + (w.place_id - {p0}) * {machines} + CASE WHEN bi.idx = 2 THEN 0 WHEN bi.workshop = 1 THEN 1 + (w.id + g.i)
% ({machines} - 1) ELSE (w.id + g.i) % {machines} END AS machine, CASE WHEN bi.idx = 0 THEN bi.layout END AS layout,
bi.unit, (b.age - 86400) - 1.0 * b.prod * g.i * bi.unit / w.quantity AS fin, 1.0 * b.prod * bi.unit / w.quantity
AS win, w.created_at FROM workorder w JOIN requestline l ON l.id = w.request_line_id JOIN bench_req b
ON b.id = l.request_id JOIN bench_item bi ON bi.item_id = l.item_id JOIN bench_n g ON g.i <= w.quantity / bi.unit)
j1) j2) j3
-- work orders made
UPDATE workorder SET units_made = t.made, status = CASE WHEN t.open = 0 THEN 'done' ELSE 'accepted' END
FROM (SELECT work_order_id AS wid, SUM(units_made) AS made, SUM(CASE WHEN status <> 'done' THEN 1 ELSE 0 END) AS open
FROM job GROUP BY work_order_id) t WHERE workorder.id = t.wid
-- deliveries
INSERT INTO delivery (place_id, request_id, status, mode, destination, receiver_name, refused_reason, created_by,
created_at, received_at, carrier_name, picked_up_at, delivered_at) SELECT d.place_id, b.id, CASE WHEN b.ship > 86400
THEN 'received' WHEN b.ship > 86400 / 2 THEN 'delivered' ELSE 'picked_up' END, CASE WHEN b.i % 5 = 0 THEN 'runner'
ELSE 'direct' END, r.delivery_point, CASE WHEN b.ship > 86400 THEN 'Accueil' ELSE '' END, '', {u0} + {organisations}
+ d.place_id - {p0}, bench_ago(b.ship + 86400 / 4), CASE WHEN b.ship > 86400 THEN bench_ago(b.ship - 86400) END,
CASE WHEN b.i % 5 = 0 THEN 'Bénévole ' || (b.i % 97) ELSE '' END, bench_ago(b.ship), CASE WHEN b.ship > 86400 / 2
THEN bench_ago(b.ship - 86400 / 2) END FROM (SELECT DISTINCT l.request_id, w.place_id FROM workorder w
JOIN requestline l ON l.id = w.request_line_id) d JOIN bench_req b ON b.id = d.request_id JOIN request r ON r.id = b.id
WHERE b.ship > 0
-- delivery lines
INSERT INTO deliveryline (delivery_id, request_line_id, quantity) SELECT d.id, l.id, w.units_made FROM delivery d
JOIN requestline l ON l.request_id = d.request_id JOIN workorder w ON w.request_line_id = l.id
AND w.place_id = d.place_id WHERE d.place_id >= {p0}
-- lines' counts
UPDATE requestline SET units_made = t.made, units_delivered = coalesce(s.shipped, 0), units_received = coalesce(s.got,
0) FROM (SELECT request_line_id AS lid, SUM(units_made) AS made FROM workorder GROUP BY request_line_id) t LEFT JOIN
(SELECT dl.request_line_id AS lid, SUM(dl.quantity) AS shipped, SUM(CASE WHEN d.status = 'received' THEN dl.quantity
ELSE 0 END) AS got FROM deliveryline dl JOIN delivery d ON d.id = dl.delivery_id GROUP BY dl.request_line_id) s
ON s.lid = t.lid WHERE requestline.id = t.lid
-- requests' states
UPDATE request SET status = CASE WHEN t.got = t.asked THEN 'closed' WHEN t.shipped = t.asked THEN 'shipped'
WHEN t.made > 0 THEN 'in_production' ELSE 'allocated' END FROM (SELECT request_id AS rid, SUM(quantity) AS asked,
SUM(units_made) AS made, SUM(units_delivered) AS shipped, SUM(units_received) AS got FROM requestline
GROUP BY request_id) t WHERE request.id = t.rid AND request.status = 'allocated'
-- stock consumed
INSERT INTO stockentry (place_id, material_id, quantity, kind, reason, job_id, idempotency_key, created_at)
SELECT w.place_id, bl.material_id, -(j.units_made * bl.quantity), 'consumption', CASE WHEN j.plate_layout_id IS NULL
THEN 'lot n° ' ELSE 'plateau n° ' END || j.id, j.id, 'job:' || j.id || ':material:' || bl.material_id, j.finished_at
FROM job j JOIN workorder w ON w.id = j.work_order_id JOIN bomline bl ON bl.design_version_id = w.design_version_id
WHERE j.status = 'done'
-- stock received
INSERT INTO stockentry (place_id, material_id, quantity, kind, reason, created_at) SELECT p.place_id, p.material_id,
CAST(p.used * (1 + (p.place_id * 7 + p.material_id * 3) % 30 / 100.0) / p.k AS INTEGER), 'receipt', CASE
WHEN g.i % 3 = 0 THEN 'livraison fournisseur' ELSE 'don de matière' END, bench_ago(56 * 86400 * (p.k - g.i + 0.5)
/ p.k) FROM (SELECT place_id, material_id, -SUM(quantity) AS used, CAST(COUNT(*) * ({stock} - (SELECT COUNT(*)
FROM stockentry)) / (SELECT 1.0 * COUNT(*) FROM stockentry WHERE kind = 'consumption') AS INTEGER) + 1 AS k
FROM stockentry WHERE kind = 'consumption' GROUP BY place_id, material_id) p JOIN bench_n g ON g.i <= p.k
"""
