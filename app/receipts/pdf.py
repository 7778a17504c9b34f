"""The printable receipt: one A4 page in Polish and English, PAdES-sealed.

The page is drawn from the signed fields of the stored receipt XML, never
from request data, so the PDF says exactly what the sealed XML says. It
carries a QR code with the address of the check page for its registry
number. The page is drawn with reportlab (its canvas, not the slower
platypus layer) and DejaVu Sans, which has every Polish letter.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from reportlab.graphics.barcode import qrencoder
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from app.receipts.build import RECEIPT_NS
from app.timeshow import office_time
from app.verdicts.names import shown
from app.verdicts.wording import is_paper, reason, verdict
from signing.safexml import parse_xml

if TYPE_CHECKING:
    from signing.pades_seal import PdfSealer
    from signing.pki import Issued
    from signing.tsp import Timestamper

log = logging.getLogger(__name__)

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
"""Where Debian's fonts-dejavu-core puts DejaVu Sans."""

FONT_FILES = {"KancelariaSans": "DejaVuSans.ttf"}
WARSAW = ZoneInfo("Europe/Warsaw")

CHANNELS = {
    "portal": ("portal internetowy", "web portal"),
    "api": ("interfejs API platformy", "platform API"),
    "desk": ("biuro obsługi interesanta", "front desk"),
    "kiosk": ("kiosk w urzędzie", "kiosk in the office"),
    "office": ("inny urząd", "another office"),
}


class FontMissingError(RuntimeError):
    """The fonts the receipt is drawn with are not installed."""


@dataclass(frozen=True)
class ReceiptFacts:
    """The signed fields of one receipt, as the PDF shows them."""

    office: str
    registry_number: str
    received_at: datetime
    channel: str
    sha256: str
    size: int
    media_type: str
    # None for a document that is no XML form (a signed PDF letter).
    form_id: str | None
    form_version: str | None
    indication: str
    subindication: str | None
    schema_valid: bool | None
    signer_name: str | None
    signer_identifier: str | None
    signing_time: datetime | None
    access_code: str | None
    journal_position: int | None


@dataclass(frozen=True)
class FormTitles:
    """The form's title in both languages."""

    pl: str
    en: str


def receipt_facts(receipt_xml: bytes) -> ReceiptFacts:
    """Read the receipt's fields from its stored, sealed XML."""
    root = parse_xml(receipt_xml).getroot()
    if root.tag != f"{{{RECEIPT_NS}}}Receipt":
        raise ValueError("not a receipt of urn:kancelaria:receipt:1")

    def text(path: str) -> str | None:
        steps = "/".join(f"r:{step}" for step in path.split("/"))
        found = root.find(steps, namespaces={"r": RECEIPT_NS})
        return found.text if found is not None and found.text else None

    def required(path: str) -> str:
        value = text(path)
        if value is None:
            raise ValueError(f"the receipt has no {path}")
        return value

    schema_valid = text("Validation/SchemaValid")
    signing_time = text("Signer/SigningTime")
    position = text("JournalPosition")
    return ReceiptFacts(
        office=required("Office/Name"),
        registry_number=required("RegistryNumber"),
        received_at=_parse_time(required("ReceivedAt")),
        channel=required("Channel"),
        sha256=required("Document/SHA256"),
        size=int(required("Document/Size")),
        media_type=required("Document/MediaType"),
        form_id=text("Form/Id"),
        form_version=text("Form/Version"),
        indication=required("Validation/Indication"),
        subindication=text("Validation/SubIndication"),
        schema_valid=None if schema_valid is None else schema_valid == "true",
        signer_name=text("Signer/Name"),
        signer_identifier=text("Signer/Identifier"),
        signing_time=_parse_time(signing_time) if signing_time else None,
        access_code=text("AccessCode"),
        journal_position=int(position) if position else None,
    )


def check_url(public_url: str, registry_number: str) -> str:
    """Return the absolute address of the check page for a registry number."""
    query = urlencode({"number": registry_number}, safe="/")
    return f"{public_url.rstrip('/')}/check?{query}"


class ReceiptPdfMaker:
    """Draws receipts and seals them; built once, shared between threads."""

    def __init__(
        self,
        sealer: PdfSealer,
        public_url: str,
        *,
        fallback: PdfSealer | None = None,
        font_dir: Path = FONT_DIR,
    ) -> None:
        """Register the fonts (failing clearly if absent) and keep the sealers.

        ``fallback`` seals when ``sealer`` fails, e.g. a B-B sealer behind a
        B-T one whose time-stamp authority is down.
        """
        _register_fonts(font_dir)
        _check_public_url(public_url)
        self._sealer = sealer
        self._fallback = fallback
        self._public_url = public_url
        # reportlab keeps per-document font-subset state on the shared,
        # registered font objects; it is not documented as thread-safe.
        self._draw_lock = threading.Lock()

    def make(self, receipt_xml: bytes, titles: FormTitles) -> bytes:
        """Return the sealed PDF of a stored receipt."""
        facts = receipt_facts(receipt_xml)
        url = check_url(self._public_url, facts.registry_number)
        with self._draw_lock:
            pdf = render_receipt(facts, titles, url)

        return self._seal(pdf, facts.registry_number)

    def _seal(self, pdf: bytes, number: str) -> bytes:
        if self._fallback is None:
            return self._sealer.seal(pdf)

        try:
            return self._sealer.seal(pdf)
        except Exception:
            log.warning(
                "PDF receipt sealed without a time-stamp",
                extra={"registry_number": number},
                exc_info=True,
            )
            return self._fallback.seal(pdf)


def render_receipt(facts: ReceiptFacts, titles: FormTitles, url: str) -> bytes:
    """Draw the one-page A4 receipt (unsealed)."""
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"UPO {facts.registry_number}")
    canvas.setAuthor(facts.office)
    canvas.setSubject("Urzędowe poświadczenie odbioru / Official receipt of submission")
    page = _Page(canvas)
    _draw_heading(page, facts)
    _draw_qr(canvas, url)
    _draw_facts(page, facts, titles)
    _draw_verdict(page, facts)
    _draw_footer(canvas, url)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# --- drawing ----------------------------------------------------------------

# One embedded font keeps the page cheap: each TrueType subset costs about
# 10 ms per document in reportlab. Headings are drawn bold by stroking the
# glyph outlines as well as filling them.
FONT = "KancelariaSans"
_MARGIN = 18 * mm
_WIDTH, _HEIGHT = A4
_TEXT_WIDTH = _WIDTH - 2 * _MARGIN
_LABEL_WIDTH = 56 * mm
_QR_SIZE = 38 * mm
_QR_BORDER = 2


class _Page:
    """A cursor moving down the page, writing wrapped text."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.y = _HEIGHT - _MARGIN

    def line(
        self, text: str, size: float, *, bold: bool = False, width: float = _TEXT_WIDTH
    ) -> None:
        for part in _wrap(text, size, width):
            self.y -= size * 1.3
            _text(self.canvas, _MARGIN, self.y, part, size, bold=bold)

    def row(self, label: str, value: str, size: float = 9.5) -> None:
        x = _MARGIN + _LABEL_WIDTH
        labels = _wrap(label, 8, _LABEL_WIDTH - 3 * mm)
        values = _wrap(value, size, _WIDTH - _MARGIN - x)
        self.canvas.setFillGray(0.35)
        for i, part in enumerate(labels):
            _text(self.canvas, _MARGIN, self.y - 11 - i * 10, part, 8)

        self.canvas.setFillGray(0)
        for i, part in enumerate(values):
            _text(self.canvas, x, self.y - 11 - i * size * 1.3, part, size)

        self.y -= max(len(labels) * 10, len(values) * size * 1.3) + 5


def _text(
    canvas: Canvas, x: float, y: float, text: str, size: float, *, bold: bool = False
) -> None:
    obj = canvas.beginText(x, y)
    obj.setFont(FONT, size)
    if not bold:
        obj.textOut(text)
        canvas.drawText(obj)
        return

    # Fill and stroke the outlines, inside q/Q: the text render mode and
    # line width outlive the text object.
    obj.setTextRenderMode(2)
    obj.textOut(text)
    canvas.saveState()
    canvas.setLineWidth(size / 30)
    canvas.drawText(obj)
    canvas.restoreState()


def _draw_heading(page: _Page, facts: ReceiptFacts) -> None:
    width = _TEXT_WIDTH - _QR_SIZE - 6 * mm
    page.line(facts.office, 12, bold=True, width=width)
    page.y -= 8
    page.line("Urzędowe poświadczenie odbioru", 17, bold=True, width=width)
    page.line("Official receipt of submission", 12, width=width)
    page.y -= 6
    page.line(facts.registry_number, 20, bold=True, width=width)
    page.y = min(page.y, _HEIGHT - _MARGIN - _QR_SIZE - 12) - 10


def _draw_qr(canvas: Canvas, url: str) -> None:
    modules = qr_modules(url)
    cell = _QR_SIZE / (len(modules) + 2 * _QR_BORDER)
    canvas.saveState()
    canvas.translate(_WIDTH - _MARGIN - _QR_SIZE, _HEIGHT - _MARGIN)
    canvas.scale(cell, -cell)
    path = canvas.beginPath()
    for row, cells in enumerate(modules):
        for start, length in _dark_runs(cells):
            path.rect(start + _QR_BORDER, row + _QR_BORDER, length, 1)

    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
    x = _WIDTH - _MARGIN - _QR_SIZE / 2
    canvas.setFont(FONT, 7)
    canvas.drawCentredString(x, _HEIGHT - _MARGIN - _QR_SIZE - 8, "Sprawdź / Check")


def qr_modules(text: str) -> list[list[bool]]:
    """Encode text as a QR code (error correction M); rows of dark modules."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(text)
    code.make()
    size = code.getModuleCount()
    return [[bool(code.isDark(r, c)) for c in range(size)] for r in range(size)]


def _dark_runs(cells: list[bool]) -> list[tuple[int, int]]:
    # One rectangle per run of dark modules: fewer path operators to write.
    runs: list[tuple[int, int]] = []
    start = None
    for col, dark in enumerate([*cells, False]):
        if dark and start is None:
            start = col
        elif not dark and start is not None:
            runs.append((start, col - start))
            start = None

    return runs


def _draw_facts(page: _Page, facts: ReceiptFacts, titles: FormTitles) -> None:
    received = facts.received_at
    local = received.astimezone(WARSAW)
    channel_pl, channel_en = CHANNELS.get(facts.channel, (facts.channel,) * 2)
    page.row("Numer w rejestrze / Registry number", facts.registry_number)
    page.row(
        "Czas wpływu / Time of receipt",
        f"{local:%Y-%m-%d %H:%M:%S} czasu polskiego / Polish time ({local:%Z}); "
        f"{received.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC",
    )
    if facts.form_id is None:
        page.row("Rodzaj / Kind", "Pismo podpisane / Signed letter")
    else:
        page.row("Formularz / Form", f"{titles.pl} / {titles.en}")
        page.row(
            "Identyfikator i wersja / Form id and version",
            f"{facts.form_id}, wersja / version {facts.form_version}",
        )
    page.row("Kanał wpływu / Channel", f"{channel_pl} / {channel_en}")
    page.row("Skrót SHA-256 dokumentu / Document SHA-256", facts.sha256, 8)
    size = f"{facts.size:,}".replace(",", " ")
    page.row("Rozmiar / Size", f"{size} B ({facts.media_type})")
    page.row("Podpisujący / Signer", _signer(facts))
    if facts.access_code:
        page.row("Kod dostępu / Access code", facts.access_code)
    if facts.journal_position is not None:
        page.row(
            "Pozycja w dzienniku rejestru / Journal position",
            str(facts.journal_position),
        )


def _signer(facts: ReceiptFacts) -> str:
    if is_paper(facts.channel):
        return "dokument papierowy, bez podpisu elektronicznego / paper document"

    if not facts.signer_name:
        return "dokument bez podpisu / unsigned document"

    # Bidi and control characters from the certificate are shown as codes.
    text = shown(facts.signer_name) or ""
    if facts.signer_identifier:
        text += f" ({shown(facts.signer_identifier)})"
    if facts.signing_time:
        # The same zone as the time of receipt above, so they read together.
        text += f", {office_time(facts.signing_time)}"
    return text


def _draw_verdict(page: _Page, facts: ReceiptFacts) -> None:
    page.y -= 6
    page.line("Podpis elektroniczny / Electronic signature", 11, bold=True)
    for lang in ("pl", "en"):
        page.y -= 3
        page.line(verdict(facts.indication, lang, facts.channel), 9.5)
        because = reason(facts.subindication, lang, facts.channel)
        if because:
            page.line(because, 9.5)

    if is_paper(facts.channel):
        # Paper carries no e-signature: an ETSI indication would mislead.
        return

    if facts.schema_valid is False:
        page.y -= 3
        page.line(
            "Formularz ma braki; urząd wezwie do ich usunięcia. / The form has "
            "defects; the office will ask you to remedy them.",
            9.5,
        )

    indication = facts.indication
    if facts.subindication:
        indication += f" / {facts.subindication}"
    page.line(f"ETSI EN 319 102-1: {indication}", 7.5)


def _draw_footer(canvas: Canvas, url: str) -> None:
    lines = [
        "Dokument opatrzono pieczęcią elektroniczną urzędu (PAdES), którą "
        "sprawdza czytnik PDF. Rozstrzyga poświadczenie w formacie XML; je, albo "
        "numer w rejestrze z kodem dostępu z tego wydruku, sprawdzisz pod adresem:",
        "This document carries the office's electronic seal (PAdES), which a PDF "
        "reader checks. The XML receipt prevails; it, or the registry number with "
        "the access code printed here, can be checked at:",
        url,
    ]
    y = _MARGIN + 30
    for text in lines:
        for part in _wrap(text, 7.5, _TEXT_WIDTH):
            _text(canvas, _MARGIN, y, part, 7.5)
            y -= 10


def _wrap(text: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if not current or pdfmetrics.stringWidth(candidate, FONT, size) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word

    lines.append(current)
    return [part for chunk in lines for part in _split_long(chunk, size, width)]


def _split_long(text: str, size: float, width: float) -> list[str]:
    parts: list[str] = []
    while len(text) > 1 and pdfmetrics.stringWidth(text, FONT, size) > width:
        cut = len(text) - 1
        while cut > 1 and pdfmetrics.stringWidth(text[:cut], FONT, size) > width:
            cut -= 1
        parts.append(text[:cut])
        text = text[cut:]

    parts.append(text)
    return parts


def _register_fonts(font_dir: Path) -> None:
    missing = [name for name in FONT_FILES.values() if not (font_dir / name).is_file()]
    if missing:
        raise FontMissingError(
            f"PDF receipts need DejaVu fonts {', '.join(missing)} in {font_dir}: "
            "install Debian's fonts-dejavu-core (tools/install-system-deps.sh)"
        )

    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, file in FONT_FILES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(font_dir / file)))


def _check_public_url(public_url: str) -> None:
    parts = urlsplit(public_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(
            f"KANCELARIA_PUBLIC_URL must be an absolute http(s) address: {public_url!r}"
        )


def _parse_time(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"time without a time zone: {value}")
    return moment


def make_pdf_receipts(
    issued: Issued, public_url: str, timestamper: Timestamper | None = None
) -> ReceiptPdfMaker:
    """Build the PDF receipt maker of an office seal: PAdES B-T with a
    time-stamper (B-B when its authority fails), else B-B."""
    from signing.pades_seal import PdfSealer

    sealer = PdfSealer.from_issued(issued, timestamper=timestamper)
    fallback = PdfSealer.from_issued(issued) if timestamper is not None else None
    return ReceiptPdfMaker(sealer, public_url, fallback=fallback)
