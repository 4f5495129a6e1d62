"""Places: fab-labs and workshops, their conditions and their machines.

The area's front door: the use cases entry points (pages, API, CLI, tasks) call.
"""
from makernet.services.places.commands import (MANUAL_KINDS, add_machine, rename_machine, resume_work,
                                               set_machine_active, update_conditions)
from makernet.services.places.queries import get_place, list_places, transfer_targets

__all__ = ["MANUAL_KINDS", "add_machine", "get_place", "list_places", "rename_machine", "resume_work",
           "set_machine_active", "transfer_targets", "update_conditions"]
