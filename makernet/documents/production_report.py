"""The production report of a territory over a period: volumes, demand against delivered, charts."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from makernet.documents.formats import day_and_month, long_date, number, percent, printable
from makernet.documents.layout import ACCENT, INK, WIDTH, para, render, rich, table, value
from makernet.documents.territory_map import TerritoryMap, map_drawing

ASKED, DELIVERED = colors.HexColor("#9fb3c8"), ACCENT


@dataclass(frozen=True)
class ItemVolume:
    """One catalogue item over the period."""

    name: str
    asked: int
    made: int
    rejected: int
    shipped: int
    received: int


@dataclass(frozen=True)
class PlaceVolume:
    """What one place made over the period."""

    name: str
    departement: str
    made: int
    rejected: int


@dataclass(frozen=True)
class DepartementVolume:
    """One département of the territory: demand from it, production in it."""

    code: str
    asked: int
    made: int
    received: int


@dataclass(frozen=True)
class ProductionReport:
    """Everything printed in a production report."""

    territory: str
    start: date
    end: date
    generated_on: date
    items: list[ItemVolume]
    places: list[PlaceVolume]
    departements: list[DepartementVolume]
    daily_made: list[tuple[date, int]]
    territory_map: TerritoryMap | None = None
    coverage: list[tuple[str, int, int]] = field(default_factory=list)   # (communes, covered, asking) urban, rural
    near_km: int = 20


def _bars(labels: list[str], series: list[list[int]], fills: list, height: float) -> VerticalBarChart:
    """A vertical bar chart with French-formatted value axis."""
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 16 * mm, 12 * mm, WIDTH - 22 * mm, height
    chart.data = series or [[0]]
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = "Helvetica"
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 45 if len(labels) > 12 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(labels) > 12 else "n"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = "Helvetica"
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = lambda v: number(v)
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#dddddd")
    chart.barSpacing, chart.groupSpacing = 1, 4
    for index, fill in enumerate(fills):
        chart.bars[index].fillColor = fill
        chart.bars[index].strokeColor = None
    return chart


def daily_chart(report: ProductionReport) -> Drawing:
    """Units made per day over the period."""
    drawing = Drawing(WIDTH, 62 * mm)
    labels = [day_and_month(day) for day, _made in report.daily_made]
    step = max(1, len(labels) // 20)   # keep the axis readable over long periods
    labels = [label if i % step == 0 else "" for i, label in enumerate(labels)]
    drawing.add(_bars(labels, [[made for _day, made in report.daily_made]], [ACCENT], 44 * mm))
    drawing.add(String(0, 58 * mm, _("Unités fabriquées par jour"), fontName="Helvetica-Bold", fontSize=9,
                       fillColor=INK))
    return drawing


def demand_chart(report: ProductionReport) -> Drawing:
    """Units asked against units received, item by item."""
    drawing = Drawing(WIDTH, 62 * mm)
    labels = [printable(item.name[:28]) for item in report.items]
    chart = _bars(labels, [[i.asked for i in report.items], [i.received for i in report.items]],
                  [ASKED, DELIVERED], 40 * mm)
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = WIDTH - 75 * mm, 60 * mm
    legend.fontName, legend.fontSize, legend.alignment = "Helvetica", 8, "right"
    legend.columnMaximum, legend.dx, legend.dy = 1, 8, 8
    legend.colorNamePairs = [(ASKED, _("Demandé")), (DELIVERED, _("Livré et reçu"))]
    drawing.add(legend)
    drawing.add(String(0, 58 * mm, _("Demande et livraisons par article"), fontName="Helvetica-Bold", fontSize=9,
                       fillColor=INK))
    return drawing


def _summary(report: ProductionReport) -> list:
    """The four figures a coordinator quotes first."""
    asked = sum(i.asked for i in report.items)
    made = sum(i.made for i in report.items)
    shipped = sum(i.shipped for i in report.items)
    received = sum(i.received for i in report.items)
    rows = [[_("Unités demandées"), number(asked)], [_("Unités fabriquées"), number(made)],
            [_("Unités expédiées"), number(shipped)], [_("Unités reçues"), number(received)],
            [_("Part de la demande reçue"), percent(received, asked)]]
    return [table([_("Indicateur"), _("Valeur")], rows, [WIDTH - 50 * mm, 50 * mm], numeric=(1,))]


def _where(report: ProductionReport) -> list:
    """The map of the territory and its coverage: requesting communes within reach of an active place."""
    if report.territory_map is None:
        return []
    rows = [[kind, number(asking), number(covered), percent(covered, asking)] for kind, covered, asking in report.coverage]
    return [KeepTogether([
        rich(_("Le territoire et sa couverture"), "heading"),
        map_drawing(report.territory_map, WIDTH, 95 * mm, _("Communes qui demandent et lieux actifs")),
        Spacer(1, 2 * mm),
        table([_("Communes qui demandent"), _("Nombre"), _("À moins de %(km)s km d'un lieu actif", km=report.near_km),
               _("Part")], rows,
              [WIDTH - 110 * mm, 25 * mm, 55 * mm, 30 * mm], numeric=(1, 2, 3))])]


def build_production_report(report: ProductionReport) -> bytes:
    """The PDF of a production report."""
    period = _("du %(start)s au %(end)s", start=long_date(report.start), end=long_date(report.end))
    item_rows = [[i.name, number(i.asked), number(i.made), number(i.rejected), number(i.shipped), number(i.received),
                  percent(i.received, i.asked)] for i in report.items]
    place_rows = [[p.name, p.departement, number(p.made), number(p.rejected)] for p in report.places]
    dep_rows = [[d.code, number(d.asked), number(d.made), number(d.received), percent(d.received, d.asked)]
                for d in report.departements]
    col = (WIDTH - 50 * mm) / 6
    story = [
        rich(_("Rapport de production"), "title"),
        rich(f"{value(report.territory)} – {value(period)}", "subtitle"),
        *_summary(report),
        *_where(report),
        KeepTogether([rich(_("Volumes par article"), "heading"),
                      table([_("Article"), _("Demandé"), _("Fabriqué"), _("Rebuts"), _("Expédié"), _("Reçu"),
                             _("% reçu")], item_rows,
                            [50 * mm] + [col] * 6, numeric=(1, 2, 3, 4, 5, 6))]),
        Spacer(1, 3 * mm),
        *([KeepTogether([demand_chart(report)]), KeepTogether([daily_chart(report)])] if report.items else
          [para(_("Aucune demande ni production dans ce territoire sur la période."), "body")]),
        KeepTogether([rich(_("Production par lieu"), "heading"),
                      table([_("Lieu"), _("Département"), _("Fabriqué"), _("Rebuts")], place_rows,
                            [WIDTH - 90 * mm, 30 * mm, 30 * mm, 30 * mm], numeric=(2, 3))]),
        KeepTogether([rich(_("Par département"), "heading"),
                      table([_("Département"), _("Demandé"), _("Fabriqué"), _("Reçu"), _("% reçu")], dep_rows,
                            [WIDTH - 120 * mm] + [30 * mm] * 4, numeric=(1, 2, 3, 4))]),
        Spacer(1, 4 * mm),
        para(_("Demandé : unités des demandes déposées sur la période (hors demandes rejetées ou annulées). "
               "Fabriqué : unités bonnes des plateaux et lots terminés sur la période, par les lieux du territoire. "
               "Expédié et reçu : unités des livraisons parties et confirmées sur la période. "
               "Département : celui du demandeur pour la demande, celui du lieu pour la fabrication."), "small"),
    ]
    return render(story, _("Rapport de production"), _("%(territory)s – %(period)s – édité le %(day)s",
                  territory=report.territory, period=period, day=long_date(report.generated_on)))
