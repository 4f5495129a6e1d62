"""Places: fab-labs and workshops, their conditions and their machines.

The area's front door: the use cases entry points (pages, API, CLI, tasks) call.
"""
from makernet.services.places.commands import (BOUNDS, CHOICES, MANUAL_KINDS, add_machine, rename_machine, resume_work,
                                               set_conditions, set_machine_active, update_conditions)
from makernet.services.places.queries import get_place, list_places, transfer_targets
from makernet.services.places.views import MachineView, PlaceChanged, PlaceView

__all__ = ["add_machine", "BOUNDS", "CHOICES", "get_place", "list_places", "MachineView", "MANUAL_KINDS",
           "PlaceChanged", "PlaceView", "rename_machine", "resume_work", "set_conditions", "set_machine_active",
           "transfer_targets", "update_conditions"]
