"""API of data files (/api/v1): CSV imports (checked first, then all or nothing) and CSV exports."""
from __future__ import annotations

from flask import Blueprint, Response, request

from makernet.api.endpoints import FLAGS, BodyError, endpoint, query_flag
from makernet.api.openapi import QueryParameter
from makernet.messages import with_reasons
from makernet.services import exchange
from makernet.services.access import Actor
from makernet.services.context import current_context as ctx
from makernet.services.exchange import ImportReport

bp = Blueprint("exchange_api", __name__, url_prefix="/api/v1")


DRY_RUN = QueryParameter("dry_run", "check only, write nothing (the default); false imports a file with no bad row",
                         {"type": "string", "enum": list(FLAGS), "default": "true"})


def _import(actor: Actor, kind: str) -> ImportReport:
    """Check (dry_run, the default) or import an uploaded CSV; a real import with bad rows writes nothing."""
    upload = request.files.get("file")
    if upload is None and request.mimetype not in ("text/csv", "text/plain", "application/octet-stream"):
        raise BodyError("body.not_csv_content", 415, [])
    data = upload.read() if upload is not None else request.get_data()
    dry_run = query_flag("dry_run", True)
    report = exchange.import_csv(ctx(), actor, kind, data, dry_run)
    report["errors"] = with_reasons(report["errors"])
    # a file not read at all (its header, its encoding) is refused even on a dry run: there is nothing to check
    if report["errors"] and (not dry_run or any(e["line"] == 1 for e in report["errors"])):
        raise BodyError("body.import_refused", 422, report["errors"], n=len(report["errors"]))
    return report


def _export(actor: Actor, kind: str) -> Response:
    """A CSV file to download."""
    return Response(exchange.export_csv(ctx(), actor, kind), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="makernet-{kind}.csv"'})


@endpoint(bp, "post", "/imports/places", "Import places from CSV (dry_run=true by default; coordinators)",
          roles=("coordinator",), query=(DRY_RUN,), csv_body=True)
def import_places(actor: Actor) -> ImportReport:
    return _import(actor, "places")


@endpoint(bp, "post", "/imports/machines", "Import machines from CSV (dry_run=true by default)",
          roles=("coordinator", "operator"), query=(DRY_RUN,), csv_body=True)
def import_machines(actor: Actor) -> ImportReport:
    return _import(actor, "machines")


@endpoint(bp, "post", "/imports/stock", "Import opening stock from CSV (dry_run=true by default)",
          roles=("coordinator", "operator"), query=(DRY_RUN,), csv_body=True)
def import_stock(actor: Actor) -> ImportReport:
    return _import(actor, "stock")


@endpoint(bp, "get", "/exports/requests.csv", "Requests, one row per line, as CSV")
def export_requests(actor: Actor) -> Response:
    return _export(actor, "requests")


@endpoint(bp, "get", "/exports/production.csv", "Finished jobs (plates, batches) as CSV",
          roles=("operator", "coordinator"))
def export_production(actor: Actor) -> Response:
    return _export(actor, "production")


@endpoint(bp, "get", "/exports/stock.csv", "Stock levels, reservations and alerts as CSV",
          roles=("operator", "coordinator"))
def export_stock(actor: Actor) -> Response:
    return _export(actor, "stock")


@endpoint(bp, "get", "/exports/deliveries.csv", "Deliveries, one row per line, as CSV")
def export_deliveries(actor: Actor) -> Response:
    return _export(actor, "deliveries")
