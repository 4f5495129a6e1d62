"""API of documents (/api/v1), as PDF: the delivery note, the production report, cost estimates."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from flask import Blueprint, Response, request
from pydantic import Field, StringConstraints

from makernet.api.endpoints import endpoint
from makernet.api.openapi import QueryParameter
from makernet.api.schemas import Body, Id, Name
from makernet.errors import InvalidInput
from makernet.services import documents
from makernet.services.access import Actor
from makernet.services.context import current_context as ctx

bp = Blueprint("documents_api", __name__, url_prefix="/api/v1")


class EstimateIn(Body):
    """A small batch to price at a place."""

    place_id: Id
    item_id: Id
    quantity: Annotated[int, Field(ge=1, le=100_000)]
    customer: Name
    unit_costs_cents: dict[Annotated[str, StringConstraints(max_length=40)],
                           Annotated[float, Field(ge=0, le=1_000_000)]] = {}
    minutes_per_unit: Annotated[float, Field(gt=0, le=10_000)] | None = None
    finishing_minutes_per_unit: Annotated[float, Field(ge=0, le=10_000)] = 0


def _pdf(content: bytes, name: str) -> Response:
    """A PDF the client shows as it is."""
    return Response(content, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})


def _query_date(name: str) -> date:
    """A date from the query string, as YYYY-MM-DD."""
    raw = request.args.get(name, "")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("query.not_date", field=name, name=name) from None


@endpoint(bp, "get", "/deliveries/{delivery_id}/note.pdf", "The delivery note (bon de livraison), as PDF")
def delivery_note(actor: Actor, delivery_id: int) -> Response:
    pdf = documents.delivery_note_pdf(ctx(), actor, delivery_id, request.host_url)
    return _pdf(pdf, f"bon-de-livraison-{delivery_id}.pdf")


@endpoint(bp, "get", "/reports/production.pdf", "Production report of a period and territory, as PDF (coordinators)",
          roles=("coordinator",), query=(
              QueryParameter.day("start", "the period's first day", required=True),
              QueryParameter.day("end", "its last day", required=True),
              QueryParameter("departements", "départements of the territory, comma-separated (all of the "
                             "coordinator's by default)", {"type": "string"})))
def production_report(actor: Actor) -> Response:
    chosen = [d.strip() for d in request.args.get("departements", "").split(",") if d.strip()]
    pdf = documents.production_report_pdf(ctx(), actor, _query_date("start"), _query_date("end"), chosen or None)
    return _pdf(pdf, "rapport-de-production.pdf")


@endpoint(bp, "post", "/cost-estimates", "A cost estimate (devis) of a small batch at a place, as PDF",
          body=EstimateIn, produces="application/pdf", roles=("operator", "coordinator"))
def cost_estimate(actor: Actor, body: EstimateIn) -> Response:
    pdf = documents.cost_estimate_pdf(ctx(), actor, **body.model_dump())
    return _pdf(pdf, "devis.pdf")
