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


def test_pades_by_qc_certificate_without_a_trusted_list_is_qc_unconfirmed(polish):
    signed = PdfSealer.from_issued(polish.qualified).seal(_pdf())
    sig = validate_pdf(signed, polish.policy()).primary
    assert sig.indication is Indication.TOTAL_PASSED
    assert sig.kind == "qc-unconfirmed"
    assert sig.chain[0] == polish.qualified.certificate


def test_pades_by_eid_card_is_named_personal(polish):
    signed = PdfSealer.from_issued(polish.personal).seal(_pdf())
    sig = validate_pdf(signed, polish.policy()).primary
    assert sig.indication is Indication.TOTAL_PASSED
    assert sig.kind == "personal"


def test_pades_b_t_proves_its_signing_time_by_the_time_stamp(polish):
    from signing.pki import make_tsa
    from signing.tsa import LocalTimestamper

    stamper = LocalTimestamper.from_issued(make_tsa(polish.qualified_ca))
    signed = PdfSealer.from_issued(polish.qualified, timestamper=stamper).seal(_pdf())
    sig = validate_pdf(signed, polish.policy()).primary
    assert sig.form == "PAdES-B-T"
    assert sig.timestamp_time is not None
    assert sig.to_json()["signing_time_proof"] == "timestamp"
