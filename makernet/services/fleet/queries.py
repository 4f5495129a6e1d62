"""Printers as they are read from their hosts: a connection test, the printers central workers follow."""
from __future__ import annotations

from sqlmodel import select

from makernet.models import Machine, Place
from makernet.services.access import Actor, own_machine
from makernet.services.context import Context
from makernet.services.printer_io import check_connection
from makernet.services.secrets import reveal
from printers.base import MachineConnection


def test_connection(ctx: Context, actor: Actor, machine_id: int) -> dict:
    """Ask the printer's host directly what it is and what it is doing."""
    with ctx.db.reading() as s:
        machine = own_machine(s, actor, machine_id)
        if machine.driver != "octoprint":
            return {"reachable": True, "version": None, "detail": "manual work centre: nothing to connect to",
                    "status": None}
        if s.get(Place, machine.place_id).site_worker:
            return {"reachable": machine.state not in ("offline", "error"), "version": None, "status": None,
                    "detail": f"read by the place's own worker: {machine.state} ({machine.state_detail}), "
                              f"last at {machine.state_checked_at}"}
        conn = MachineConnection("octoprint", machine.octoprint_url, reveal(ctx, machine.api_key),
                                 ctx.settings.printer_timeout)
    return check_connection(conn)


def central_printers(ctx: Context) -> dict[int, MachineConnection]:
    """Active OctoPrint printers that central workers reach directly (not behind a place's worker)."""
    with ctx.db.reading() as s:
        rows = s.exec(select(Machine).join(Place, Place.id == Machine.place_id).where(
            Machine.active == True, Machine.driver == "octoprint", Place.site_worker == False)).all()  # noqa: E712
        return {m.id: MachineConnection("octoprint", m.octoprint_url, reveal(ctx, m.api_key),
                                        ctx.settings.printer_timeout) for m in rows}
