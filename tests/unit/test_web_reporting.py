"""The coordinators' dashboard: figures, stock alerts and printer states, refreshed live."""
from __future__ import annotations

import pytest

from tests.support.api import COORDINATOR
from tests.support.pages import Pages, text_of


@pytest.fixture
def pages(client) -> Pages:  # noqa: ANN001
    return Pages(client)


def test_the_coordinators_dashboard_shows_figures_alerts_and_printers(pages: Pages) -> None:
    pages.sign_in(COORDINATOR)
    html = pages.get("/dashboard?days=14")
    assert 'id="dashboard-data"' in html and "chart.umd.min.js" in html
    page = text_of(html)
    assert "Par département" in page and "Alertes de stock" in page and "Prusa 1" in page
    assert 'hx-get="/dashboard/printers"' in pages.get("/dashboard/printers")
