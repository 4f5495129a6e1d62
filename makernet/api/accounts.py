"""API of accounts (/api/v1): an API token for an e-mail and password."""
from __future__ import annotations

from flask import Blueprint, request

from makernet.api.endpoints import endpoint
from makernet.api.schemas import TokenIn
from makernet.services import accounts
from makernet.services.context import current_context as ctx

bp = Blueprint("accounts_api", __name__, url_prefix="/api/v1")


@endpoint(bp, "post", "/auth/tokens", "Get an API token for an e-mail and password", body=TokenIn,
          success=201, public=True)
def create_token(body: TokenIn) -> dict:
    return accounts.issue_token(ctx(), body.email, body.password, body.name, request.remote_addr or "")
