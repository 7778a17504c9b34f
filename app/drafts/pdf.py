"""The paper copy of a filled form: its values, the draft code and a QR code.

Drawn with reportlab and DejaVu Sans (every Polish letter), like the PDF
receipts. The QR code holds the bare draft code, which is what the front
desk types or scans to find the draft.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path

from reportlab.graphics.barcode import qrencoder
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from app.drafts.code import format_code
from app.drafts.models import Draft
from app.formfill.summary import Row
from app.timeshow import office_time

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
"""Where Debian's fonts-dejavu-core puts DejaVu Sans (as for PDF receipts)."""

FONT = "KancelariaSans"
FONT_FILE = "DejaVuSans.ttf"
_WIDTH, _HEIGHT = A4
_MARGIN = 18 * mm
_QR_SIZE = 32 * mm
_LINE = 13
_INDENT = 10


class FontMissingError(RuntimeError):
    """DejaVu Sans, which the paper copy is drawn with, is not installed."""


@dataclass(frozen=True)
class PaperCopy:
    """What the printed page says besides the form's values."""

    office: str
    title: str
    form_id: str
    version: str
    code: str
    created_at: datetime


def render_draft(draft: Draft, title: str, office: str, rows: list[Row]) -> bytes:
    """The paper copy of ``draft``, its answers laid out as ``rows``."""
    copy = PaperCopy(
        office=office,
        title=title,
        form_id=draft.form_id,
        version=draft.form_version,
        code=draft.code,
        created_at=draft.created_at,
    )
    return render_paper_copy(copy, rows)


def render_paper_copy(copy: PaperCopy, rows: list[Row]) -> bytes:
    """A PDF of the filled form with its code, a QR code and a signature line.

    Every value is printed whole, its line breaks kept, over as many pages
    as it needs; each page repeats the code, the QR code and its number.
    """
    _register_font()
    total = _draw(copy, rows, BytesIO(), None)
    out = BytesIO()
    _draw(copy, rows, out, total)
    return out.getvalue()


def _draw(copy: PaperCopy, rows: list[Row], out: BytesIO, total: int | None) -> int:
    """Draw the copy into ``out``; return how many pages it took."""
    canvas = Canvas(out, pagesize=A4, invariant=True)
    canvas.setTitle(f"{copy.title} – {format_code(copy.code)}")
    pages = _Pages(canvas, copy, total)
    for row in rows:
        _draw_row(pages, row)

    pages.y -= 2 * _LINE
    pages.make_room(4)
    _draw_signature(canvas, pages.y)
    pages.finish()
    canvas.save()
    return pages.number


class _Pages:
    """The canvas and where the next line goes; a full page starts the next."""

    def __init__(self, canvas: Canvas, copy: PaperCopy, total: int | None) -> None:
        self.canvas, self.copy, self.total = canvas, copy, total
        self.number = 1
        self.y = _draw_header(canvas, copy)

    def make_room(self, lines: int = 1) -> None:
        """Start a new page unless ``lines`` more lines fit above the footer."""
        if self.y - (lines - 1) * _LINE >= _MARGIN + _LINE:
            return

        self.finish()
        self.canvas.showPage()
        self.number += 1
        self.y = _draw_header(self.canvas, self.copy)

    def finish(self) -> None:
        """Draw the footer of the current page."""
        _draw_footer(self.canvas, self.copy, self.number, self.total)


def _draw_header(canvas: Canvas, copy: PaperCopy) -> float:
    """Office, title, the code in large type and its QR code; y below them."""
    top = _HEIGHT - _MARGIN
    _draw_qr(canvas, copy.code, _WIDTH - _MARGIN - _QR_SIZE, top)
    canvas.setFont(FONT, 9)
    canvas.drawString(_MARGIN, top - 8, copy.office)
    width = _WIDTH - 3 * _MARGIN - _QR_SIZE
    y = top - 28
    for line in wrap(copy.title, 14, width):
        canvas.setFont(FONT, 14)
        canvas.drawString(_MARGIN, y, line)
        y -= 18

    canvas.setFont(FONT, 9)
    canvas.drawString(
        _MARGIN, y, f"Formularz / Form: {copy.form_id}, wersja / version {copy.version}"
    )
    y -= 22
    canvas.setFont(FONT, 9)
    canvas.drawString(_MARGIN, y, "Kod wniosku / Draft code:")
    canvas.setFont(FONT, 18)
    canvas.drawString(_MARGIN + 118, y - 2, format_code(copy.code))
    y -= 18
    canvas.setFont(FONT, 9)
    filled = office_time(copy.created_at)
    canvas.drawString(_MARGIN, y, f"Wypełniono / Filled in: {filled}")
    return float(min(y, top - _QR_SIZE - 8) - 2 * _LINE)


def _draw_row(pages: _Pages, row: Row) -> None:
    canvas = pages.canvas
    x = _MARGIN + row.depth * _INDENT
    width = _WIDTH - _MARGIN - x
    if row.value is None:
        pages.make_room(2)
        for line in wrap(row.label, 10.5, width):
            pages.make_room()
            canvas.setFont(FONT, 10.5)
            canvas.drawString(x, pages.y, line)
            pages.y -= _LINE

        pages.y -= 2
        return

    label_width = width * 0.45
    labels = wrap(row.label, 8.5, label_width - 6)
    values = wrap_paragraphs(row.value, 10, width - label_width)
    for n in range(max(len(labels), len(values))):
        pages.make_room()
        canvas.setFont(FONT, 8.5)
        if n < len(labels):
            canvas.drawString(x, pages.y, labels[n])

        canvas.setFont(FONT, 10)
        if n < len(values):
            canvas.drawString(x + label_width, pages.y, values[n])

        pages.y -= _LINE


def _draw_signature(canvas: Canvas, y: float) -> None:
    canvas.setFont(FONT, 9)
    canvas.line(_WIDTH - _MARGIN - 70 * mm, y, _WIDTH - _MARGIN, y)
    canvas.drawString(
        _WIDTH - _MARGIN - 70 * mm, y - 11, "Data i podpis / Date and signature"
    )


def _draw_footer(
    canvas: Canvas, copy: PaperCopy, number: int, total: int | None
) -> None:
    canvas.setFont(FONT, 7.5)
    canvas.drawString(
        _MARGIN,
        _MARGIN / 2,
        "Podpisz i złóż w urzędzie; kod łączy papier z wypełnionym formularzem. "
        f"/ Sign and bring to the office. {format_code(copy.code)}",
    )
    of = f" z {total} / Page {number} of {total}" if total else f" / Page {number}"
    canvas.drawRightString(_WIDTH - _MARGIN, _MARGIN / 2 - 10, f"Strona {number}{of}")


def _draw_qr(canvas: Canvas, text: str, left: float, top: float) -> None:
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(text)
    code.make()
    size = code.getModuleCount()
    modules = [[bool(code.isDark(r, c)) for c in range(size)] for r in range(size)]
    border = 2
    cell = _QR_SIZE / (len(modules) + 2 * border)
    canvas.saveState()
    canvas.translate(left, top)
    canvas.scale(cell, -cell)
    path = canvas.beginPath()
    for row, cells in enumerate(modules):
        for col, dark in enumerate(cells):
            if dark:
                path.rect(col + border, row + border, 1, 1)

    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def wrap_paragraphs(text: str, size: float, width: float) -> list[str]:
    """Break ``text`` into lines, keeping its own line breaks and empty lines."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(wrap(paragraph, size, width) if paragraph.strip() else [""])

    return lines


def wrap(text: str, size: float, width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` points."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if pdfmetrics.stringWidth(candidate, FONT, size) <= width:
            current = candidate
            continue

        if current:
            lines.append(current)

        *full, current = _split_word(word, size, width)
        lines.extend(full)

    lines.append(current)
    return lines


def _split_word(word: str, size: float, width: float) -> list[str]:
    """Cut a word wider than a line into pieces, a character at a time."""
    pieces: list[str] = []
    current, used = "", 0.0
    for char in word:
        advance = pdfmetrics.stringWidth(char, FONT, size)
        if current and used + advance > width:
            pieces.append(current)
            current, used = "", 0.0

        current += char
        used += advance

    pieces.append(current)
    return pieces


def _register_font() -> None:
    path = FONT_DIR / FONT_FILE
    if not path.is_file():
        raise FontMissingError(f"paper copies need {path}: install fonts-dejavu-core")

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(path)))
