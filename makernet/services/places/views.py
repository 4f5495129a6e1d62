"""Places and machines as plain data; a printer's key is never shown."""
from __future__ import annotations

from sqlmodel import select

from makernet.models import Machine, Place


def place_view(s: object, place: Place) -> dict:
    """A place, its conditions and machines, as plain data."""
    machines = s.exec(select(Machine).where(Machine.place_id == place.id).order_by(Machine.id)).all()  # type: ignore[attr-defined]
    return {"id": place.id, "organisation_id": place.organisation_id, "name": place.name,
            "commune": place.commune, "departement": place.departement,
            "latitude": place.latitude, "longitude": place.longitude,
            "staff_available": place.staff_available, "opening_hours": place.opening_hours,
            "batch_limit": place.batch_limit, "hourly_value_cents": place.hourly_value_cents,
            "accepted_item_ids": place.accepted_item_ids, "auto_accept": place.auto_accept,
            "offline_policy": place.offline_policy, "site_worker": place.site_worker,
            "active": place.active, "machines": [machine_view(m) | {"active": m.active} for m in machines]}


def machine_view(machine: Machine) -> dict:
    """A machine as plain data; the API key is never shown."""
    return {"id": machine.id, "place_id": machine.place_id, "name": machine.name, "kind": machine.kind,
            "driver": machine.driver, "octoprint_url": machine.octoprint_url,
            "printer_profile": machine.printer_profile, "clears_itself": machine.clears_itself,
            "bed_clear": machine.bed_clear, "state": machine.state, "state_detail": machine.state_detail,
            "active": machine.active, "key_status": machine.key_status}
