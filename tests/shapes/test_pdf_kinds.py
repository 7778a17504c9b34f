"""PAdES signatures are named by kind too (the chain comes from pyHanko)."""

from __future__ import annotations

from io import BytesIO

from reportlab.pdfgen.canvas import Canvas

from signing.pades import validate_pdf
from signing.pades_seal import PdfSealer
from signing.result import Indication


def _pdf() -> bytes:
    buffer = BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(100, 700, "Pismo testowe")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_pades_by_qualified_certificate_is_named_qualified(polish):
    signed = PdfSealer.from_issued(polish.qualified).seal(_pdf())
    sig = validate_pdf(signed, polish.policy()).primary
    assert sig.indication is Indication.TOTAL_PASSED
    assert sig.kind == "qualified"
    assert sig.chain[0] == polish.qualified.certificate


def test_pades_by_eid_card_is_named_personal(polish):
    signed = PdfSealer.from_issued(polish.personal).seal(_pdf())
    sig = validate_pdf(signed, polish.policy()).primary
    assert sig.indication is Indication.TOTAL_PASSED
    assert sig.kind == "personal"
