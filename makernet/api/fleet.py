"""API of the fleet (/api/v1): connecting printers through OctoPrint, Moonraker or PrusaLink, asking for a new key, testing the connection,
taking a printer out of its place."""
from __future__ import annotations

from flask import Blueprint, request

from makernet.api.endpoints import endpoint
from makernet.api.schemas import ConnectPrinterIn, KeyRequestIn
from makernet.services import fleet
from makernet.services.access import Actor
from makernet.services.context import current_context as ctx
from makernet.services.fleet import ConnectionTest, RemovedMachine
from makernet.services.places import MachineView

bp = Blueprint("fleet_api", __name__, url_prefix="/api/v1")


@endpoint(bp, "post", "/places/{place_id}/printers", "Connect a printer through its host: OctoPrint (approve the "
          "key request in OctoPrint, or give a key created there as api_key), Moonraker or PrusaLink (give the key "
          "copied from the host; a Moonraker trusting MakerNet needs none) (operators; not at a place with its own "
          "worker, which keeps its keys)", body=ConnectPrinterIn, success=201, roles=("operator",))
def connect_printer(actor: Actor, place_id: int, body: ConnectPrinterIn) -> MachineView:
    return fleet.connect_printer(ctx(), actor, place_id, name=body.name, url=body.url, driver=body.driver,
                                 printer_profile=body.printer_profile, user=body.user,
                                 clears_itself=body.clears_itself, api_key=body.api_key,
                                 server_addresses=(request.host_url,))


@endpoint(bp, "delete", "/machines/{machine_id}", "Take a printer out of its place (its operators, or a coordinator "
          "of its territory): refused while it prints a plate; its waiting plates go to the place's other printers "
          "of the same profile, its key is deleted, its history kept", roles=("operator", "coordinator"))
def remove_machine(actor: Actor, machine_id: int) -> RemovedMachine:
    return fleet.remove_machine(ctx(), actor, machine_id)


@endpoint(bp, "post", "/machines/{machine_id}/request-key", "Ask the printer's OctoPrint for a new key (operators)",
          body=KeyRequestIn, roles=("operator",))
def request_key(actor: Actor, machine_id: int, body: KeyRequestIn) -> MachineView:
    return fleet.request_new_key(ctx(), actor, machine_id, body.user)


@endpoint(bp, "post", "/machines/{machine_id}/test-connection", "Ask the printer's host what it is and does")
def test_connection(actor: Actor, machine_id: int) -> ConnectionTest:
    return fleet.test_connection(ctx(), actor, machine_id)
