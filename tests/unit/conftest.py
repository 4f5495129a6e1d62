"""Fixtures of the fast tests: a scripted printer at the driver boundary."""
from __future__ import annotations

from functools import partial

import pytest
from flask import Flask
from sqlalchemy import update

from makernet import demo
from makernet.models import Machine
from makernet.services.secrets import seal
from tests.support.fakes import PRINTERS, FakePrinter


@pytest.fixture
def printer(app: Flask):  # noqa: ANN201
    """A scripted printer attached to the demo fab-lab of La Rochelle, as its only active printer."""
    ctx = app.extensions["makernet"]
    PRINTERS["fake://p1"] = FakePrinter()
    demo.load(ctx.db, octoprint_url="fake://p1", api_key="key", seal=partial(seal, ctx))
    with ctx.db.transaction() as tx:
        tx.session.execute(update(Machine).where(Machine.host == "fake://p1").values(driver="fake"))
    yield PRINTERS["fake://p1"]
    del PRINTERS["fake://p1"]
