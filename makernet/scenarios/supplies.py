"""How material reaches the simulated places: local industry's deliveries, arranged ahead through supply requests.

A site's opening stock is on its shelves on day 0. Every later delivery (the scenario's
receipts) is arranged `ANNOUNCED` days before it comes, as the coordination does it: the
place posts a supply request for that material, quantity and day, the coordination assigns
the local supplier; on the day the place records it arriving against the request. The
optimising planner counts what is promised (services/plans/inputs.py), for the work due
from a few days after it comes; the baseline, the 2020 way, only what is on the shelf. The
bounds read the receipts as they came.
"""
from __future__ import annotations

from datetime import date, timedelta

from makernet.scenarios.loading import Loaded
from makernet.scenarios.na_visors import Scenario
from makernet.services import supply
from makernet.services.context import Context
from makernet.services.stock import record_receipt

ANNOUNCED = 6              # days: the next two of local industry's deliveries, every three days
SUPPLIER = "Industrie locale"


class Suppliers:
    """The scenario's deliveries of material, promised ahead and received on their day."""

    def __init__(self, ctx: Context, scenario: Scenario, loaded: Loaded, start: date) -> None:
        self.ctx, self.scenario, self.loaded, self.start = ctx, scenario, loaded, start
        self.promised: dict[tuple[int, str, int], int] = {}     # (site, material code, day) -> supply request

    def day(self, day: int) -> None:
        """The morning: what comes today arrives; the deliveries of the days ahead not yet arranged are."""
        for site, plan in self.scenario.receipts.items():
            operator = self.loaded.operators[site]
            for code, days in plan.items():
                if days[day] > 0:
                    self._arrive(site, code, day, days[day])
                for ahead in range(day + 1, min(len(days), day + ANNOUNCED + 1)):
                    if days[ahead] > 0 and (site, code, ahead) not in self.promised:
                        self._promise(site, code, ahead, days[ahead], operator, day)

    def _arrive(self, site: int, code: str, day: int, quantity: int) -> None:
        """Material arriving: against its supply request where it was arranged, as it comes otherwise."""
        place_id, material_id = self.loaded.places[site], self.loaded.materials[code]
        promise = self.promised.get((site, code, day))
        if promise is None:
            with self.ctx.db.transaction() as tx:
                record_receipt(tx.session, place_id, material_id, quantity, "livraison simulée")
        else:
            supply.receive_supply(self.ctx, self.loaded.operators[site], promise, quantity)

    def _promise(self, site: int, code: str, day: int, quantity: int, operator, today: int) -> None:  # noqa: ANN001
        """The place asks today for the delivery of `day`, the coordination assigns the supplier."""
        asked = supply.post_supply_request(self.ctx, operator, place_id=self.loaded.places[site], kind="material",
                                           material_id=self.loaded.materials[code], quantity=quantity,
                                           needed_by=self.start + timedelta(days=day),
                                           today=self.start + timedelta(days=today))
        supply.assign_supplier(self.ctx, self.loaded.coordinator, asked["id"], SUPPLIER)
        self.promised[site, code, day] = asked["id"]
