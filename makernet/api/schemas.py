"""Input schemas of the JSON API: they validate bodies and feed the OpenAPI document."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from makernet.services.access import ROLES
from makernet.services.accounts import TOKEN_DAYS, TOKEN_MOST_DAYS
from makernet.services.demand import MAX_LINES, MAX_QUANTITY
from makernet.services.fields import MAX_ID
from makernet.services.places import BOUNDS, CHOICES


def trimmed(most: int, least: int = 0) -> Any:
    """Text bounded as it is sent, so the document's `maxLength` holds for what a client sends, then stripped of the
    blanks around it; what is left must still be `least` long (a reason of blanks alone is no reason)."""
    def strip(value: str) -> str:
        value = value.strip()
        if len(value) < least:
            raise PydanticCustomError("string_too_short", "at least {min_length} characters", {"min_length": least})
        return value
    return Annotated[str, StringConstraints(min_length=least or None, max_length=most), AfterValidator(strip)]


Text = trimmed(1000)
Name = trimmed(200, 1)
Reason = trimmed(1000, 1)   # why: a refusal, a change, a disruption
Address = trimmed(500, 1)   # where to post: a webhook's URL
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# the bounds are documented here and checked by the use case, which words the refusal for the line or order it is in
Quantity = Annotated[int, Field(description=f"1 to {MAX_QUANTITY:,} units",
                                json_schema_extra={"minimum": 1, "maximum": MAX_QUANTITY})]
Amount = Annotated[int, Field(ge=1, le=100_000_000, description="in the material's unit")]
Cents = Annotated[int, Field(ge=0, le=2_000_000_000, description="euro cents, up to 20 million euros")]


class Body(BaseModel):
    """Every body: unknown fields and loose types are refused."""

    model_config = ConfigDict(extra="forbid", strict=True)


class TokenIn(Body):
    """Exchange a user's e-mail and password for an API token."""

    email: Annotated[str, StringConstraints(min_length=3, max_length=254)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    name: Name = "api"
    expires_in_days: Annotated[int, Field(ge=1, le=TOKEN_MOST_DAYS, description=(
        f"how many days the token works (1 to {TOKEN_MOST_DAYS}); a token without an expiry is made by an "
        "administrator on the server (makernet token create --days 0)"))] = TOKEN_DAYS


class TokenOut(BaseModel):
    """A new API token: shown only in this answer; its hash alone is kept."""

    token: Annotated[str, Field(description="the token, to send as `Authorization: Bearer <token>`")]
    user_id: Annotated[int, Field(description="the user it acts for")]
    role: Annotated[Literal[ROLES], Field(description="the user's role")]  # type: ignore[valid-type]
    name: Annotated[str, Field(description="the token's name, as the user's token list shows it",
                               examples=["api"])]
    expires_at: Annotated[datetime | None, Field(description="when it stops working (ISO 8601, UTC); null: never")]


class RequestLineIn(Body):
    """An item of the catalogue and how many."""

    item_id: Id
    quantity: Quantity


class RequestIn(Body):
    """A requester's new request."""

    needed_by: Annotated[date, Field(description="tomorrow at the earliest")]
    delivery_point: trimmed(300, 1)
    lines: Annotated[list[RequestLineIn], Field(min_length=1, max_length=MAX_LINES, description="each item once")]
    priority: Literal["care_staff", "emergency_services", "vulnerable", "normal"] = "normal"
    beneficiary: trimmed(300) = ""
    urgency_reason: Text = ""
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None


class RequestChangeIn(Body):
    """A requester's change to a request not yet in production: only the fields given change; `lines`, when
    given, replace every line. An approved request goes back to triage and its work orders are cancelled."""

    needed_by: Annotated[date, Field(description="tomorrow at the earliest")] | None = None
    delivery_point: trimmed(300, 1) | None = None
    lines: Annotated[list[RequestLineIn], Field(min_length=1, max_length=MAX_LINES,
                                                description="each item once")] | None = None
    priority: Literal["care_staff", "emergency_services", "vulnerable", "normal"] | None = None
    beneficiary: trimmed(300) | None = None
    urgency_reason: Text | None = None


class ReasonIn(Body):
    """Why: for a rejection or a decline."""

    reason: Reason


class WorkOrderIn(Body):
    """A coordinator's allocation of part of a request line to a place."""

    request_line_id: Id
    place_id: Id
    quantity: Quantity
    design_version_id: Id | None = None
    reason: Text = ""


class AcceptIn(Body):
    """Accept all (no quantity) or part of a proposed work order."""

    quantity: Quantity | None = None


class WorkOrderChangeIn(Body):
    """A coordinator brings a work order down to fewer units, saying why; the units taken back are planned again."""

    quantity: Annotated[int, Field(ge=0, le=MAX_QUANTITY, description="the new total, at least what is begun")]
    reason: Reason


class BatchReportIn(Body):
    """Counts of a finished manual batch."""

    units_made: Annotated[int, Field(ge=0, le=MAX_QUANTITY)]
    units_rejected: Annotated[int, Field(ge=0, le=MAX_QUANTITY)] = 0


class DeliveryLineIn(Body):
    """Units of one request line in a delivery."""

    request_line_id: Id
    quantity: Quantity


class DeliveryIn(Body):
    """A delivery prepared by a place."""

    place_id: Id
    request_id: Id
    lines: Annotated[list[DeliveryLineIn], Field(min_length=1, max_length=MAX_LINES)]
    mode: Literal["direct", "collection_point", "runner"] = "direct"
    destination: trimmed(300) = ""


class ConnectPrinterIn(Body):
    """A printer to connect through its host: OctoPrint (the default) is asked for an application key; Moonraker
    and PrusaLink have no approval flow, so their key is given as api_key (none for a Moonraker trusting MakerNet)."""

    name: Name
    driver: Annotated[str | None, Field(max_length=20, description=(
        "the printer's host: octoprint (default), moonraker (Klipper) or prusalink"))] = None
    url: trimmed(300, 8)
    printer_profile: trimmed(60, 1)
    user: trimmed(100) | None = None
    clears_itself: bool = False
    # a key created on the host (OctoPrint's when it hands out none, Moonraker's, PrusaLink's): sealed, never shown again
    api_key: trimmed(200) | None = None


class KeyRequestIn(Body):
    """Ask again for a printer key, optionally naming the OctoPrint user who will approve it."""

    user: trimmed(100) | None = None


class MissingIn(Body):
    """Units of one line of the delivery that came damaged or did not come."""

    request_line_id: Id
    quantity: Annotated[int, Field(description="0 up to the line's units",
                                   json_schema_extra={"minimum": 0, "maximum": MAX_QUANTITY})]


class ReceiptIn(Body):
    """The requester's confirmation that a delivery arrived, with the units that came damaged or did not come."""

    receiver_name: Name
    missing: Annotated[list[MissingIn], Field(max_length=MAX_LINES, description=(
        "per line, units damaged or missing: not received, the place makes them again"))] = []


class PreferencesIn(Body):
    """How to be told each kind of one's role, and the hour of one's daily e-mails; kinds not named keep their way."""

    ways: dict[Annotated[str, Field(max_length=40)], Literal["now", "digest", "app", "never"]] = {}
    digest_hour: Annotated[int, Field(ge=0, le=23)] | None = None


class WebhookIn(Body):
    """Where to post one's organisation's notices: an http or https address."""

    url: Address


def left_out(extra: dict | None = None) -> Any:
    """A property's documentation for a field one may leave out (it keeps its value): `extra` added, and no default
    shown (null would not be a value of its type)."""
    def document(schema: dict) -> None:
        schema.pop("default", None)
        schema.update(extra or {})
    return document


def condition(name: str, description: str, kind: type = int) -> Any:
    """A place's condition as the API documents it: its bounds or choices are the use case's, which words the
    refusal of a value outside them (places.* codes)."""
    if name in CHOICES:
        extra: dict = {"enum": list(CHOICES[name])}
    else:
        least, most = BOUNDS[name]
        extra = {"exclusiveMinimum" if name == "delivery_radius_km" else "minimum": least, "maximum": most}
    return Annotated[kind, Field(description=description, json_schema_extra=left_out(extra))]


Clock = Annotated[str, StringConstraints(max_length=5)]


class ConditionsIn(Body):
    """A place's conditions, set by its own operators: the fields given change, those left out keep their value;
    nothing changes unless every one is valid."""

    staff_available: condition("staff_available", "how many people work there") = None
    opening_hours: Annotated[dict[Annotated[str, StringConstraints(max_length=3)],
                                  Annotated[list[Annotated[list[Clock], Field(max_length=2)]], Field(max_length=24)]],
                             Field(description="when it works, by day: {\"mon\": [[\"09:00\", \"18:00\"]]}; "
                                               "a day left out is closed", json_schema_extra=left_out())] = None
    batch_limit: condition("batch_limit", "most units it accepts in one work order; null: no limit") | None = None
    hourly_value_cents: condition("hourly_value_cents", "the value of its time per hour, in cents") = None
    accepted_item_ids: Annotated[list[Id], Field(max_length=1000, description="the items it makes; empty: all",
                                                 json_schema_extra=left_out())] = None
    auto_accept: Annotated[bool, Field(description="it accepts the work proposed to it at once",
                                       json_schema_extra=left_out())] = None
    offline_policy: condition("offline_policy", "the plates of a printer gone offline: held for it (hold) or moved "
                                                "to the place's other printers (move)", str) = None
    site_worker: Annotated[bool, Field(description="it runs its own worker beside its printers",
                                       json_schema_extra=left_out())] = None
    runners: condition("runners", "its volunteer runners: what is finished for a requester within their reach is "
                                  "delivered the same day; beyond, it is collected the next day within the "
                                  "département, or waits for the regional shuttle to another") = None
    runs_per_day: condition("runs_per_day", "runs each runner makes a day") = None
    run_hours: condition("run_hours", "hours a run may last", float) = None
    vehicle: condition("vehicle", "what the runners ride: bike (a cargo bike, about 10 km) or car (about 40 km)",
                       str) = None
    delivery_radius_km: condition("delivery_radius_km", "how far from the place the runners deliver, in km; null: "
                                                        "the vehicle's reach", float) | None = None
    run_load: condition("run_load", "units one run carries; null: the vehicle's load") | None = None
