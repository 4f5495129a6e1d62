"""API tokens carry an expiry: 90 days from the API unless asked otherwise, never past a year, and an expired
token opens nothing; only an administrator on the server makes one that lasts until revoked."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from makernet.cli import main
from makernet.errors import InvalidInput
from makernet.models import ApiToken
from makernet.models.base import utcnow
from makernet.services import accounts
from tests.support.api import OPERATOR


def ask(client: FlaskClient, **extra: object):  # noqa: ANN201
    return client.post("/api/v1/auth/tokens", json={"email": OPERATOR, "password": "makernet-demo", **extra},
                       headers={"Accept-Language": "en"})


def tokens(app: Flask) -> int:
    with app.extensions["makernet"].db.reading() as s:
        return s.execute(select(func.count()).select_from(ApiToken)).scalar_one()


def days_from_now(moment: str) -> float:
    return (datetime.fromisoformat(moment) - utcnow()) / timedelta(days=1)


def works(client: FlaskClient, token: str) -> int:
    return client.get("/api/v1/work-orders", headers={"Authorization": f"Bearer {token}",
                                                      "Accept-Language": "en"}).status_code


def test_a_token_from_the_api_expires_in_ninety_days_unless_asked_otherwise(client: FlaskClient) -> None:
    default = ask(client)
    assert default.status_code == 201 and 89.9 < days_from_now(default.get_json()["expires_at"]) <= 90
    week = ask(client, expires_in_days=7, name="weekly report")
    assert week.status_code == 201 and 6.9 < days_from_now(week.get_json()["expires_at"]) <= 7
    assert works(client, week.get_json()["token"]) == 200


@pytest.mark.parametrize("lifetime", [0, -1, 366, 10_000, "30", 1.5, True, None])
def test_a_lifetime_outside_one_day_to_a_year_is_refused_and_makes_no_token(app: Flask, client: FlaskClient,
                                                                           lifetime: object) -> None:
    before = tokens(app)
    refused = ask(client, expires_in_days=lifetime)
    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["error"]["code"] == "body.invalid"
    assert [d["field"] for d in refused.get_json()["details"]] == ["expires_in_days"]
    assert tokens(app) == before


def test_an_expired_token_is_refused_and_says_so(app: Flask, client: FlaskClient) -> None:
    token = ask(client, expires_in_days=1).get_json()["token"]
    assert works(client, token) == 200
    with app.extensions["makernet"].db.transaction() as tx:   # a day and a second later
        tx.session.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    refused = client.get("/api/v1/work-orders", headers={"Authorization": f"Bearer {token}",
                                                         "Accept-Language": "en"})
    assert refused.status_code == 401
    assert refused.get_json()["error"] == {"code": "accounts.token_expired",
                                           "message": "This API token has expired: create a new one."}


@pytest.mark.parametrize("days", [0, 366, -5])
def test_the_service_refuses_a_lifetime_out_of_range_before_anything_is_written(app: Flask, days: int) -> None:
    before = tokens(app)
    with pytest.raises(InvalidInput) as refused:
        accounts.token_for_email(app.extensions["makernet"], OPERATOR, "report", days)
    assert refused.value.code == "accounts.token_lifetime" and refused.value.field == "expires_in_days"
    assert refused.value.params == {"least": 1, "most": 365}
    assert tokens(app) == before


def test_an_administrator_makes_a_token_without_expiry_for_a_machine(app: Flask, client: FlaskClient) -> None:
    made = accounts.token_for_email(app.extensions["makernet"], OPERATOR, "stock sync", None)
    assert made["expires_at"] is None and works(client, made["token"]) == 200


def test_the_command_line_makes_tokens_of_ninety_days_or_without_expiry_and_refuses_more_than_a_year(
        app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    cli, env = CliRunner(), {"MAKERNET_INSTANCE_DIR": str(tmp_path)}
    default = cli.invoke(main, ["token", "create", OPERATOR], env=env)
    assert default.exit_code == 0 and "expires 20" in default.stderr
    assert works(client, default.stdout.strip()) == 200
    forever = cli.invoke(main, ["token", "create", OPERATOR, "--days", "0", "--name", "stock sync"], env=env)
    assert forever.exit_code == 0 and "never expires" in forever.stderr
    assert works(client, forever.stdout.strip()) == 200
    before = tokens(app)
    too_long = cli.invoke(main, ["token", "create", OPERATOR, "--days", "400"], env=env)
    assert too_long.exit_code == 2 and too_long.stderr.startswith("makernet: ") and "400" in too_long.stderr
    assert tokens(app) == before
    with app.extensions["makernet"].db.reading() as s:
        expiries = s.execute(select(ApiToken.name, ApiToken.expires_at).order_by(ApiToken.id)).all()
    assert expiries[-1] == ("stock sync", None) and expiries[-2][1] is not None


def test_the_api_document_shows_the_lifetime_asked_and_the_expiry_given(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    lifetime = schemas["TokenIn"]["properties"]["expires_in_days"]
    assert (lifetime["minimum"], lifetime["maximum"], lifetime["default"]) == (1, 365, 90)
    assert "expires_at" in schemas["TokenOut"]["required"]
    answer = document["paths"]["/auth/tokens"]["post"]["responses"]["201"]["content"]["application/json"]
    assert answer["schema"] == {"$ref": "#/components/schemas/TokenOut"}
