"""PDF documents (payment schedules, receipts, letters) built with ReportLab.

Documents use the standard Helvetica font (WinAnsi: every French character and the euro sign), so
nothing has to be installed or downloaded. Text goes through `clean`, which maps the narrow
no-break space that Babel puts in French amounts to a plain no-break space.
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

_STYLES = getSampleStyleSheet()
BODY = ParagraphStyle(
    "body", parent=_STYLES["BodyText"], fontName="Helvetica", fontSize=10, leading=13
)
SMALL = ParagraphStyle(
    "small", parent=BODY, fontSize=8, leading=10, textColor=colors.HexColor("#4a5565")
)
SMALL_RIGHT = ParagraphStyle("small-right", parent=SMALL, alignment=2)  # numeric column heads
TITLE = ParagraphStyle(
    "title",
    parent=_STYLES["Title"],
    fontName="Helvetica-Bold",
    fontSize=16,
    leading=20,
    alignment=0,
    spaceAfter=6,
)
HEADING = ParagraphStyle(
    "heading",
    parent=_STYLES["Heading2"],
    fontName="Helvetica-Bold",
    fontSize=12,
    leading=15,
    spaceBefore=8,
    spaceAfter=4,
)


def clean(text) -> str:
    """Text safe for a ReportLab paragraph: escaped, and within the standard fonts' characters."""
    return escape(str(text).replace("\u202f", "\u00a0"))


@dataclass
class Document:
    """A simple A4 document: title, paragraphs, tables, and a footer line on every page."""

    title: str
    footer: str = ""
    flowables: list = field(default_factory=list)

    def heading(self, text) -> "Document":
        """A section heading."""
        self.flowables.append(Paragraph(clean(text), HEADING))
        return self

    def paragraph(self, text, small: bool = False, bold: bool = False) -> "Document":
        """A paragraph of plain text (escaped)."""
        body = clean(text)
        self.flowables.append(
            Paragraph(f"<b>{body}</b>" if bold else body, SMALL if small else BODY)
        )
        return self

    def lines(self, lines: Iterable, small: bool = False) -> "Document":
        """Several short lines as one block (an address)."""
        self.flowables.append(
            Paragraph("<br/>".join(clean(x) for x in lines), SMALL if small else BODY)
        )
        return self

    def space(self, height_mm: float = 4) -> "Document":
        """Vertical space."""
        self.flowables.append(Spacer(1, height_mm * mm))
        return self

    def table(
        self,
        header: list,
        rows: list[list],
        numeric_columns: Iterable[int] = (),
        total_row: bool = False,
    ) -> "Document":
        """A table with a header row; numeric columns are right-aligned."""
        numeric_columns = set(numeric_columns)
        data = [
            [
                Paragraph(f"<b>{clean(h)}</b>", SMALL_RIGHT if i in numeric_columns else SMALL)
                for i, h in enumerate(header)
            ]
        ]
        data += [[clean(cell) for cell in row] for row in rows]
        style = [
            ("FONT", (0, 0), (-1, -1), "Helvetica", 9),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#d5dbe3")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        for column in numeric_columns:
            style.append(("ALIGN", (column, 0), (column, -1), "RIGHT"))
        if total_row:
            style += [
                ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 9),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
            ]
        table = Table(data, repeatRows=1, hAlign="LEFT")
        table.setStyle(TableStyle(style))
        self.flowables.append(table)
        return self

    def render(self) -> bytes:
        """The PDF bytes."""
        buffer = io.BytesIO()
        footer = clean(self.footer)

        def on_page(canvas, doc):
            canvas.saveState()
            canvas.setFont("Helvetica", 7)
            canvas.setFillColor(colors.HexColor("#4a5565"))
            canvas.drawString(18 * mm, 10 * mm, footer.replace("&amp;", "&")[:180])
            canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, str(doc.page))
            canvas.restoreState()

        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            title=self.title,
            author="Amiable",
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=18 * mm,
            bottomMargin=20 * mm,
        )
        doc.build(
            [Paragraph(clean(self.title), TITLE), *self.flowables],
            onFirstPage=on_page,
            onLaterPages=on_page,
        )
        return buffer.getvalue()
