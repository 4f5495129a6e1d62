"""API of accounts (/api/v1): an API token for an e-mail and password, valid 90 days unless asked otherwise."""
from __future__ import annotations

from flask import Blueprint, request

from makernet.api.endpoints import endpoint
from makernet.api.schemas import TokenIn, TokenOut
from makernet.services import accounts
from makernet.services.context import current_context as ctx

bp = Blueprint("accounts_api", __name__, url_prefix="/api/v1")


@endpoint(bp, "post", "/auth/tokens", "Get an API token for an e-mail and password", body=TokenIn,
          success=201, public=True, returns=TokenOut, refused=(
              ("401", "Wrong e-mail or password, or an account switched off (`accounts.sign_in_refused`); "
                      "every attempt is kept"),
              ("429", "Too many failed attempts for this e-mail or from this address: wait a few minutes "
                      "(`accounts.throttled`)")))
def create_token(body: TokenIn) -> dict:
    made = accounts.issue_token(ctx(), body.email, body.password, body.name, request.remote_addr or "",
                                days=body.expires_in_days)
    return TokenOut(**made).model_dump(mode="json")
