"""A small client of the JSON API for tests: sign in as a demo user, call, read errors.

It asks for English (Accept-Language: en), so tests read the API's refusals as the services' English sentences;
a test that wants the French default passes its own Accept-Language header.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from makernet.demo import DEMO_PASSWORD

REQUESTER = "mairie.rochefort@demo.makernet.fr"
OTHER_REQUESTER = "mairie.surgeres@demo.makernet.fr"
CARE_HOME = "ehpad.tilleuls@demo.makernet.fr"
OPERATOR = "fablab.larochelle@demo.makernet.fr"
OTHER_OPERATOR = "fablab.aunis@demo.makernet.fr"
SEWING_OPERATOR = "couture.saintes@demo.makernet.fr"
COORDINATOR = "coordination@demo.makernet.fr"
ADMIN = "admin@demo.makernet.fr"


class ApiClient:
    """Calls /api/v1 through any client with Flask-test-client or httpx-like methods."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self._tokens: dict[str, str] = {}

    def token(self, email: str) -> str:
        """A token for a demo user, asked once."""
        if email not in self._tokens:
            answer = self.client.post("/api/v1/auth/tokens", json={"email": email, "password": DEMO_PASSWORD})
            assert answer.status_code == 201, _body(answer)
            self._tokens[email] = _body(answer)["token"]
        return self._tokens[email]

    def call(self, method: str, path: str, as_user: str, json: Any = None, **kwargs: Any) -> Any:
        """One call as a user; returns the raw response."""
        headers = {"Authorization": f"Bearer {self.token(as_user)}", "Accept-Language": "en",
                   **kwargs.pop("headers", {})}
        if json is not None:
            kwargs["json"] = json
        return self.client.request(method.upper(), "/api/v1" + path, headers=headers, **kwargs) \
            if hasattr(self.client, "build_request") else \
            self.client.open("/api/v1" + path, method=method.upper(), headers=headers, **kwargs)

    def ok(self, method: str, path: str, as_user: str, json: Any = None, status: int | None = None) -> Any:
        """One call that must succeed; returns its JSON."""
        answer = self.call(method, path, as_user, json)
        expected = status or (201 if method.lower() == "post" and answer.status_code == 201 else 200)
        assert answer.status_code == expected, f"{method} {path}: {answer.status_code} {_body(answer)}"
        return _body(answer)


def _body(answer: Any) -> Any:
    """The JSON of a Flask or httpx response."""
    return answer.get_json() if hasattr(answer, "get_json") else answer.json()


def proposed_visors(api: ApiClient, place_id: int, plates: int = 1) -> dict:
    """A request of `plates` plates of ten visors (the demo's prusa-mk3 layout), approved and proposed to the place:
    its work order."""
    visor = next(i for i in api.ok("get", "/items", REQUESTER) if i["code"] == "visiere")
    request = api.ok("post", "/requests", REQUESTER, json={
        "needed_by": (date.today() + timedelta(days=7)).isoformat(), "delivery_point": "Mairie",
        "lines": [{"item_id": visor["id"], "quantity": 10 * plates}]})
    api.ok("post", f"/requests/{request['id']}/approve", COORDINATOR)
    return api.ok("post", "/work-orders", COORDINATOR, json={
        "request_line_id": request["lines"][0]["id"], "place_id": place_id, "quantity": 10 * plates})


def accepted_visors(api: ApiClient, place_id: int, operator: str, plates: int = 1) -> tuple[dict, list[dict]]:
    """The same, accepted by the place's operator: the work order and its plates."""
    order = proposed_visors(api, place_id, plates)
    api.ok("post", f"/work-orders/{order['id']}/accept", operator, json={})
    return order, api.ok("get", f"/jobs?work_order_id={order['id']}", operator)


def accepted_plate(api: ApiClient, place_id: int, operator: str) -> dict:
    """One plate of ten visors requested, approved, allocated to the place and accepted by its operator."""
    (plate,) = accepted_visors(api, place_id, operator)[1]
    return plate
