"""What every MakerNet document shares: page frame, styles, tables and signature boxes."""
from __future__ import annotations

import io
from collections.abc import Sequence

from flask_babel import gettext as _
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle
from xml.sax.saxutils import escape

from makernet.documents.formats import english, printable

INK = colors.HexColor("#1f2a44")
ACCENT = colors.HexColor("#2e7d6b")
RULE = colors.HexColor("#c9d1d9")
SHADE = colors.HexColor("#eef2f5")
MARGIN = 18 * mm
PADDING = 6                      # the page frame's own inner padding, in points
WIDTH = A4[0] - 2 * MARGIN - 2 * PADDING

_base = getSampleStyleSheet()
STYLES = {
    "title": ParagraphStyle("title", parent=_base["Title"], fontName="Helvetica-Bold", fontSize=18, leading=22,
                            textColor=INK, alignment=0, spaceAfter=2 * mm),
    "subtitle": ParagraphStyle("subtitle", parent=_base["Normal"], fontSize=10.5, leading=14, textColor=ACCENT,
                               spaceAfter=4 * mm),
    "heading": ParagraphStyle("heading", parent=_base["Heading2"], fontName="Helvetica-Bold", fontSize=12,
                              leading=15, textColor=INK, spaceBefore=5 * mm, spaceAfter=2 * mm),
    "body": ParagraphStyle("body", parent=_base["Normal"], fontName="Helvetica", fontSize=9.5, leading=12.5),
    "small": ParagraphStyle("small", parent=_base["Normal"], fontName="Helvetica", fontSize=8, leading=10,
                            textColor=colors.HexColor("#555555")),
    "cell": ParagraphStyle("cell", parent=_base["Normal"], fontName="Helvetica", fontSize=9, leading=11),
    "number": ParagraphStyle("number", parent=_base["Normal"], fontName="Helvetica", fontSize=9, leading=11,
                             alignment=TA_RIGHT),
}

rl_config.shapeChecking = 0   # shapes are built by this code, not typed by people: skip checking each attribute set


def para(text: str, style: str = "body") -> Paragraph:
    """A paragraph of plain text (escaped: user input never becomes markup)."""
    return Paragraph(escape(printable(text)).replace("\n", "<br/>"), STYLES[style])


def rich(markup: str, style: str = "body") -> Paragraph:
    """A paragraph whose markup we wrote ourselves (bold labels); values must be escaped by the caller."""
    return Paragraph(printable(markup), STYLES[style])


def value(text: object) -> str:
    """A value escaped for use inside `rich` markup."""
    return escape(printable(str(text)))


def table(header: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[float],
          numeric: Sequence[int] = (), total: bool = False) -> Table:
    """A ruled table with a shaded header; `numeric` columns are right-aligned; `total` bolds the last row."""
    def cell(text: object, column: int) -> Paragraph:
        return para(str(text), "number" if column in numeric else "cell")
    data = [[rich(f"<b>{value(h)}</b>", "number" if i in numeric else "cell") for i, h in enumerate(header)]]
    data += [[cell(v, i) for i, v in enumerate(row)] for row in rows]
    grid = Table(data, colWidths=list(widths), repeatRows=1)
    style = [("BACKGROUND", (0, 0), (-1, 0), SHADE), ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
             ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]
    if total and rows:
        style += [("LINEABOVE", (0, -1), (-1, -1), 0.8, INK), ("BACKGROUND", (0, -1), (-1, -1), SHADE)]
    grid.setStyle(TableStyle(style))
    return grid


def key_values(pairs: Sequence[tuple[str, str]], widths: tuple[float, float] = (42 * mm, WIDTH - 42 * mm)) -> Table:
    """Label / value lines without rules (addresses, references)."""
    grid = Table([[rich(f"<b>{value(k)}</b>", "cell"), para(v, "cell")] for k, v in pairs], colWidths=list(widths))
    grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
    return grid


class SignatureBoxes(Flowable):
    """Empty framed boxes, side by side, each with its caption, to sign by hand."""

    def __init__(self, captions: Sequence[str], height: float = 32 * mm) -> None:
        super().__init__()
        self.captions, self.height, self.width = list(captions), height, WIDTH

    def draw(self) -> None:
        """Draw each box with its caption and the lines to fill in."""
        gap = 5 * mm
        box = (self.width - gap * (len(self.captions) - 1)) / len(self.captions)
        canvas = self.canv
        for index, caption in enumerate(self.captions):
            x = index * (box + gap)
            canvas.setStrokeColor(INK)
            canvas.setLineWidth(0.8)
            canvas.rect(x, 0, box, self.height)
            canvas.setFont("Helvetica-Bold", 8.5)
            canvas.setFillColor(INK)
            canvas.drawString(x + 2 * mm, self.height - 4.5 * mm, printable(caption))
            canvas.setFont("Helvetica", 7.5)
            canvas.setFillColor(colors.HexColor("#666666"))
            for line, label in enumerate((_("Nom :"), _("Date :"), _("Signature :"))):
                canvas.drawString(x + 2 * mm, self.height - (10 + 6 * line) * mm, label)


def render(story: list, title: str, footer: str) -> bytes:
    """Lay the story out on A4 pages with a header rule and a numbered footer; return the PDF."""
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=22 * mm,
                            bottomMargin=20 * mm, title=printable(title), author="MakerNet",
                            lang="en" if english() else "fr-FR")

    def decorate(canvas: Canvas, document: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFillColor(ACCENT)
        left, right = MARGIN + PADDING, A4[0] - MARGIN - PADDING
        canvas.rect(left, A4[1] - 14 * mm, WIDTH, 1.2 * mm, stroke=0, fill=1)
        canvas.setFont("Helvetica-Bold", 9)
        canvas.setFillColor(INK)
        canvas.drawString(left, A4[1] - 11 * mm, "MakerNet")
        canvas.setFont("Helvetica", 8)
        canvas.drawRightString(right, A4[1] - 11 * mm, printable(title))
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(left, 11 * mm, printable(footer))
        canvas.restoreState()

    doc.build(story, onFirstPage=decorate, onLaterPages=decorate, canvasmaker=_Numbered)
    return out.getvalue()


class _Numbered(Canvas):
    """A canvas that holds its pages until the end, to number each "Page 2 sur 3" in the footer."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._held: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for state in self._held:
            self.__dict__.update(state)
            self.saveState()
            self.setFont("Helvetica", 8)
            self.setFillColor(colors.HexColor("#666666"))
            self.drawRightString(A4[0] - MARGIN - PADDING, 11 * mm,
                                 _("Page %(page)s sur %(pages)s", page=self._pageNumber, pages=len(self._held)))
            self.restoreState()
            super().showPage()
        super().save()
