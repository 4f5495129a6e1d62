"""The pages load nothing from the internet: scripts and styles are vendored and served by the app."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_pages_load_nothing_from_the_internet() -> None:
    offenders = []
    for path in list((ROOT / "templates").rglob("*.html")) + list((ROOT / "makernet" / "static").rglob("*.[cj]s*")):
        if "vendor" in path.parts:
            continue
        if re.search(r"""(src|href)=["']?(https?:)?//""", path.read_text()) or "@import url(http" in path.read_text():
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders
    for vendored in ("vendor/htmx/htmx.min.js", "vendor/htmx/LICENSE", "vendor/chartjs/chart.umd.min.js",
                     "vendor/chartjs/LICENSE.md", "vendor/leaflet/leaflet.js", "vendor/leaflet/LICENSE", "geo/75/communes.geojson",
                     "geo/75/README.md"):
        assert (ROOT / "makernet" / "static" / vendored).is_file(), vendored


def test_the_static_assets_are_served_by_the_app(client) -> None:  # noqa: ANN001
    for asset in ("vendor/htmx/htmx.min.js", "vendor/chartjs/chart.umd.min.js", "css/makernet.css",
                  "vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css", "geo/75/departements.geojson"):
        answer = client.get(f"/static/{asset}")
        assert answer.status_code == 200 and len(answer.data) > 1000
        answer.close()
