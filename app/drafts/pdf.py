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
from zoneinfo import ZoneInfo

from reportlab.graphics.barcode import qrencoder
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from app.drafts.code import format_code
from app.formfill.summary import Row

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
"""Where Debian's fonts-dejavu-core puts DejaVu Sans (as for PDF receipts)."""

FONT = "KancelariaSans"
FONT_FILE = "DejaVuSans.ttf"
WARSAW = ZoneInfo("Europe/Warsaw")
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


def render_paper_copy(copy: PaperCopy, rows: list[Row]) -> bytes:
    """A PDF of the filled form with its code, a QR code and a signature line."""
    _register_font()
    out = BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=True)
    canvas.setTitle(f"{copy.title} – {format_code(copy.code)}")
    y = _draw_header(canvas, copy)
    for row in rows:
        if y < _MARGIN + 3 * _LINE:
            _draw_footer(canvas, copy)
            canvas.showPage()
            y = _draw_header(canvas, copy)

        y = _draw_row(canvas, row, y)

    y -= 2 * _LINE
    if y < _MARGIN + 4 * _LINE:
        _draw_footer(canvas, copy)
        canvas.showPage()
        y = _HEIGHT - _MARGIN

    _draw_signature(canvas, y)
    _draw_footer(canvas, copy)
    canvas.save()
    return out.getvalue()


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
    local = copy.created_at.astimezone(WARSAW).strftime("%Y-%m-%d %H:%M")
    canvas.setFont(FONT, 9)
    canvas.drawString(_MARGIN, y, f"Wypełniono / Filled in: {local}")
    return float(min(y, top - _QR_SIZE - 8) - 2 * _LINE)


def _draw_row(canvas: Canvas, row: Row, y: float) -> float:
    x = _MARGIN + row.depth * _INDENT
    width = _WIDTH - _MARGIN - x
    if row.value is None:
        canvas.setFont(FONT, 10.5)
        for line in wrap(row.label, 10.5, width):
            canvas.drawString(x, y, line)
            y -= _LINE

        return y - 2

    label_width = width * 0.45
    labels = wrap(row.label, 8.5, label_width - 6)
    values = wrap(row.value, 10, width - label_width)
    for n in range(max(len(labels), len(values))):
        canvas.setFont(FONT, 8.5)
        if n < len(labels):
            canvas.drawString(x, y, labels[n])

        canvas.setFont(FONT, 10)
        if n < len(values):
            canvas.drawString(x + label_width, y, values[n])

        y -= _LINE

    return y


def _draw_signature(canvas: Canvas, y: float) -> None:
    canvas.setFont(FONT, 9)
    canvas.line(_WIDTH - _MARGIN - 70 * mm, y, _WIDTH - _MARGIN, y)
    canvas.drawString(
        _WIDTH - _MARGIN - 70 * mm, y - 11, "Data i podpis / Date and signature"
    )


def _draw_footer(canvas: Canvas, copy: PaperCopy) -> None:
    canvas.setFont(FONT, 7.5)
    canvas.drawString(
        _MARGIN,
        _MARGIN / 2,
        "Podpisz i złóż w urzędzie; kod łączy papier z wypełnionym formularzem. "
        f"/ Sign and bring to the office. {format_code(copy.code)}",
    )


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


def wrap(text: str, size: float, width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` points."""
    lines: list[str] = []
    current = ""
    for word in " ".join(text.split()).split(" "):
        candidate = f"{current} {word}" if current else word
        if current and pdfmetrics.stringWidth(candidate, FONT, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate

        while pdfmetrics.stringWidth(current, FONT, size) > width and len(current) > 1:
            cut = len(current) - 1
            while cut > 1 and pdfmetrics.stringWidth(current[:cut], FONT, size) > width:
                cut -= 1
            lines.append(current[:cut])
            current = current[cut:]

    lines.append(current)
    return lines


def _register_font() -> None:
    path = FONT_DIR / FONT_FILE
    if not path.is_file():
        raise FontMissingError(f"paper copies need {path}: install fonts-dejavu-core")

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(path)))
