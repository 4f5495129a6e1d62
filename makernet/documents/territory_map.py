"""A territory's map for PDF reports: its départements' outlines, the communes that asked (a disc by units asked)
and the active places, drawn as vector shapes in a box (longitudes scaled by the latitude's cosine)."""
from __future__ import annotations

import math
from dataclasses import dataclass

from flask_babel import gettext as _
from reportlab.graphics.shapes import Circle, Drawing, Polygon, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from makernet.documents.layout import INK

ASKING, PLACE = colors.HexColor("#0b4f6c"), colors.HexColor("#c2410c")


@dataclass(frozen=True)
class TerritoryMap:
    """What the map shows: rings of (longitude, latitude), communes as (longitude, latitude, units asked), places
    as (longitude, latitude)."""

    rings: list[list[tuple[float, float]]]
    communes: list[tuple[float, float, int]]
    places: list[tuple[float, float]]


def map_drawing(shown: TerritoryMap, width: float, height: float, title: str) -> Drawing:
    """The map fitted to `width` × `height` points, its title above."""
    drawing = Drawing(width, height)
    points = [p for ring in shown.rings for p in ring] or [(lon, lat) for lon, lat, _ in shown.communes]
    if not points:
        return drawing
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    squeeze = math.cos(math.radians((south + north) / 2))
    box_height = height - 14
    scale = min(width / max((east - west) * squeeze, 1e-6), box_height / max(north - south, 1e-6))
    left = (width - (east - west) * squeeze * scale) / 2

    def at(lon: float, lat: float) -> tuple[float, float]:
        return left + (lon - west) * squeeze * scale, (lat - south) * scale

    for ring in shown.rings:
        drawing.add(Polygon([c for p in ring for c in at(*p)], fillColor=colors.white,
                            strokeColor=colors.HexColor("#4b5563"), strokeWidth=0.5))
    most = max((units for _, _, units in shown.communes), default=1) or 1
    for lon, lat, units in sorted(shown.communes, key=lambda c: -c[2]):
        x, y = at(lon, lat)
        drawing.add(Circle(x, y, 1.5 + 9 * math.sqrt(units / most), fillColor=ASKING, fillOpacity=0.35,
                           strokeColor=ASKING, strokeWidth=0.4))
    for lon, lat in shown.places:
        x, y = at(lon, lat)
        drawing.add(Circle(x, y, 2.4, fillColor=PLACE, strokeColor=colors.white, strokeWidth=0.6))
    drawing.add(String(0, height - 9, title, fontName="Helvetica-Bold", fontSize=9, fillColor=INK))
    places = "● " + _("lieux actifs")
    drawing.add(String(width, height - 9, places, fontName="Helvetica", fontSize=7, fillColor=PLACE, textAnchor="end"))
    drawing.add(String(width - stringWidth(places, "Helvetica", 7) - 10, height - 9,
                       "● " + _("communes qui demandent (disque selon les unités)"), fontName="Helvetica",
                       fontSize=7, fillColor=ASKING, textAnchor="end"))
    return drawing
