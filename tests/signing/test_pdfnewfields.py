"""Signature fields added after a signature (signing/pdfnewfields.py).

Review 2, finding 1: an empty signature field added after an approval
signature, whose widget paints a white box and other text over the page,
left the signature TOTAL_PASSED.  Each file here is sealed (approval, PAdES
B-B) on a PKI made here; a later revision adds a field (tests/signing/
boxmaker.py).  A box that draws and that nobody signs fails the seal; boxes
that draw nothing, or that a later signature covers, pass.
"""

from __future__ import annotations

from io import BytesIO

import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.signers.pdf_signer import PdfTimeStamper

from signing.pades import validate_pdf
from signing.pades_seal import FIELD_NAME, PdfSealer, _pyhanko_timestamper
from signing.pki import (
    Issued,
    make_citizen,
    make_intermediate,
    make_root,
    make_seal,
    make_tsa,
)
from signing.policy import ValidationPolicy
from signing.result import Indication, SubIndication
from signing.trust import TrustStore
from signing.tsa import LocalTimestamper
from tests.pdftools import letter_pdf
from tests.signing.boxmaker import add_box, sign_box

PASSED = (Indication.TOTAL_PASSED, None)
FORMAT = (Indication.TOTAL_FAILED, SubIndication.FORMAT_FAILURE)
DRAWS = "a later change added an unsigned signature box that draws on the page"


@pytest.fixture(scope="module")
def root() -> Issued:
    return make_root("Boxes Test Root CA")


@pytest.fixture(scope="module")
def inter(root: Issued) -> Issued:
    return make_intermediate(root, "Boxes Test CA")


@pytest.fixture(scope="module")
def policy(root: Issued, inter: Issued) -> ValidationPolicy:
    return ValidationPolicy(
        TrustStore.from_certificates([root.certificate]),
        intermediates=(inter.certificate,),
    )


@pytest.fixture(scope="module")
def citizen(inter: Issued) -> Issued:
    return make_citizen(inter, given_name="Jan", surname="Testowy", pesel="44051401458")


@pytest.fixture(scope="module")
def sealed(inter: Issued) -> bytes:
    seal = make_seal(inter, office_name="Urząd Gminy Testowo", nip="1234563218")
    return PdfSealer.from_issued(seal).seal(letter_pdf("zwrot kwoty 100 zl"))


def _verdict(pdf: bytes, policy: ValidationPolicy):
    result = validate_pdf(pdf, policy)
    return result.indication, result.subindication


def _seal_detail(pdf: bytes, policy: ValidationPolicy) -> str:
    seal = next(
        s for s in validate_pdf(pdf, policy).signatures if s.signature_id == FIELD_NAME
    )
    [check] = [c for c in seal.checks if c.name == "modifications"]
    return check.detail


def test_unsigned_box_painting_over_the_page_fails_the_seal_review2_1(sealed, policy):
    attacked = add_box(sealed, "Pole2")

    assert _verdict(attacked, policy) == FORMAT
    assert _seal_detail(attacked, policy) == DRAWS


@pytest.mark.parametrize("state", ["/R", "/D"])
def test_unsigned_box_drawing_only_under_the_pointer_fails(sealed, policy, state):
    assert _verdict(add_box(sealed, "Pole2", state=state), policy) == FORMAT


def test_unsigned_box_no_view_but_toggled_under_the_pointer_fails(sealed, policy):
    no_view_toggled = (1 << 5) | (1 << 8)

    assert _verdict(add_box(sealed, "Pole2", flags=no_view_toggled), policy) == FORMAT


def test_signed_visible_second_signature_passes(sealed, policy, citizen):
    signed = sign_box(sealed, "Podpis2", citizen, box=(60, 670, 560, 720))

    result = validate_pdf(signed, policy)

    assert (result.indication, result.subindication) == PASSED
    assert [s.signature_id for s in result.signatures] == [FIELD_NAME, "Podpis2"]


def test_box_drawing_then_signed_in_a_later_revision_passes(sealed, policy, citizen):
    prepared = add_box(sealed, "Podpis2")

    signed = sign_box(prepared, "Podpis2", citizen, new=False)

    assert _verdict(signed, policy) == PASSED


def test_box_drawing_then_only_document_time_stamped_fails(sealed, policy, inter):
    prepared = add_box(sealed, "Podpis2")
    stamper = LocalTimestamper.from_issued(make_tsa(inter))
    writer = IncrementalPdfFileWriter(BytesIO(prepared))
    pyhanko_stamper = _pyhanko_timestamper(stamper)
    stamped = PdfTimeStamper(pyhanko_stamper, field_name="Podpis2").timestamp_pdf(  # type: ignore[arg-type]
        writer, "sha256"
    )

    assert _verdict(stamped.getvalue(), policy) == FORMAT


def test_unsigned_invisible_empty_field_passes(sealed, policy):
    assert _verdict(add_box(sealed, "Pole2", box=None, drawing=None), policy) == PASSED


def test_unsigned_visible_field_with_pyhankos_empty_appearance_passes(sealed, policy):
    assert _verdict(add_box(sealed, "Pole2", drawing=None), policy) == PASSED


def test_unsigned_box_with_a_zero_area_rect_passes(sealed, policy):
    assert _verdict(add_box(sealed, "Pole2", box=(0, 0, 0, 0)), policy) == PASSED


@pytest.mark.parametrize("flags", [1 << 1, 1 << 5])
def test_unsigned_box_hidden_or_no_view_passes(sealed, policy, flags):
    assert _verdict(add_box(sealed, "Pole2", flags=flags), policy) == PASSED
