"""PAdES validation (signing/pades.py) of our own seals and of refused input."""

from __future__ import annotations

import json

import pytest

from signing import cli_validate
from signing.errors import NotPDFError, NotSignedError
from signing.pades import validate_pdf
from signing.pades_seal import FIELD_NAME, PdfSealer
from signing.pdfquirks import parse_claimed_time
from signing.pki import Issued, make_intermediate, make_root, make_seal, make_tsa
from signing.policy import ValidationPolicy
from signing.result import Indication, SubIndication
from signing.trust import TrustStore
from signing.tsa import LocalTimestamper
from tests.pdftools import letter_pdf


@pytest.fixture(scope="module")
def root() -> Issued:
    return make_root("PAdES Test Root CA")


@pytest.fixture(scope="module")
def inter(root: Issued) -> Issued:
    return make_intermediate(root, "PAdES Test Qualified CA")


@pytest.fixture(scope="module")
def seal_policy(root: Issued, inter: Issued) -> ValidationPolicy:
    return ValidationPolicy(
        TrustStore.from_certificates([root.certificate]),
        intermediates=(inter.certificate,),
    )


@pytest.fixture(scope="module")
def plain_pdf() -> bytes:
    return letter_pdf()


@pytest.fixture(scope="module")
def sealed(inter: Issued, plain_pdf: bytes) -> bytes:
    seal = make_seal(inter, office_name="Urząd Gminy Testowo", nip="1234563218")
    return PdfSealer.from_issued(seal).seal(plain_pdf)


def test_our_pades_seal_passes_as_pades_b_b(sealed, seal_policy):
    result = validate_pdf(sealed, seal_policy)

    assert result.indication is Indication.TOTAL_PASSED
    sig = result.primary
    assert sig.form == "PAdES-B-B"
    assert sig.signature_id == FIELD_NAME
    assert sig.signer is not None and sig.signer.organization
    assert sig.signing_time is not None
    # Every check passes; revocation is listed as not checked (no data given).
    assert all(check.passed for check in sig.checks if check.name != "revocation")
    [revocation] = [c for c in sig.checks if c.name == "revocation"]
    assert "not checked" in revocation.detail
    assert [c.kind for c in sig.covered] == ["document"]


def test_our_pades_seal_covers_the_whole_file_digest(sealed, seal_policy):
    import hashlib

    start = sealed.index(b"/Contents <") + len(b"/Contents ")
    end = sealed.index(b">", start) + 1
    digest = hashlib.sha256(sealed[:start] + sealed[end:]).hexdigest()

    sig = validate_pdf(sealed, seal_policy).primary

    assert sig.covered[0].digest_sha256 == digest


def test_our_pades_seal_with_one_flipped_byte_fails_hash(sealed, seal_policy):
    position = sealed.index(b"Wniosek testowy")
    tampered = bytearray(sealed)
    tampered[position] ^= 0x01

    result = validate_pdf(bytes(tampered), seal_policy)

    assert result.indication is Indication.TOTAL_FAILED
    assert result.subindication is SubIndication.HASH_FAILURE


def test_our_pades_seal_under_empty_trust_has_no_chain(sealed):
    result = validate_pdf(sealed, ValidationPolicy(TrustStore.empty()))

    assert result.indication is Indication.INDETERMINATE
    assert result.subindication is SubIndication.NO_CERTIFICATE_CHAIN_FOUND


def test_our_pades_seal_with_timestamp_is_b_t_and_reports_gentime(
    inter, plain_pdf, seal_policy
):
    seal = make_seal(inter, office_name="Urząd Gminy Testowo", nip="1234563218")
    stamper = LocalTimestamper.from_issued(make_tsa(inter))
    sealed = PdfSealer.from_issued(seal, timestamper=stamper).seal(plain_pdf)

    sig = validate_pdf(sealed, seal_policy).primary

    assert sig.indication is Indication.TOTAL_PASSED
    assert sig.form == "PAdES-B-T"
    stamp = next(c for c in sig.checks if c.name == "signature-timestamp")
    assert stamp.passed and "time-stamped at" in stamp.detail


def test_bytes_appended_after_seal_fail_as_modification(sealed, seal_policy):
    appended = sealed + b"\n1 0 obj\n(x)\nendobj\n"

    result = validate_pdf(appended, seal_policy)

    assert result.indication is Indication.TOTAL_FAILED
    assert result.subindication is SubIndication.FORMAT_FAILURE


def test_input_that_is_not_a_pdf_is_refused_as_not_pdf(seal_policy):
    with pytest.raises(NotPDFError) as caught:
        validate_pdf(b"<?xml version='1.0'?><a/>", seal_policy)

    assert caught.value.code == "not-pdf"


def test_truncated_pdf_is_refused_as_not_pdf(sealed, seal_policy):
    with pytest.raises(NotPDFError):
        validate_pdf(sealed[:200], seal_policy)


def test_pdf_without_signature_is_refused_as_not_signed(plain_pdf, seal_policy):
    with pytest.raises(NotSignedError):
        validate_pdf(plain_pdf, seal_policy)


def test_libreoffice_m_date_with_trailing_apostrophe_is_read():
    moment = parse_claimed_time("D:20261204153210Z'")

    assert moment is not None and moment.isoformat() == "2026-12-04T15:32:10+00:00"


def test_garbage_m_date_gives_no_time_not_an_error():
    assert parse_claimed_time("D:2026XX") is None


def test_cli_validates_pdf_by_content(sealed, root, inter, tmp_path, capsys):
    pdf = tmp_path / "signed.bin"
    pdf.write_bytes(sealed)
    anchor = tmp_path / "root.pem"
    anchor.write_bytes(_pem(root))
    chain = tmp_path / "inter.pem"
    chain.write_bytes(_pem(inter))
    parser = _parser()

    options = ["--json", "--trust", str(anchor), "--untrusted", str(chain)]
    args = parser.parse_args(["validate", str(pdf), *options])
    code = args.handler(args)

    assert code == 0
    assert json.loads(capsys.readouterr().out)["indication"] == "TOTAL_PASSED"


def _pem(issued: Issued) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding

    return issued.certificate.public_bytes(Encoding.PEM)


def _parser():
    import argparse

    parser = argparse.ArgumentParser()
    cli_validate.add_parser(parser.add_subparsers())
    return parser


def test_validation_context_is_shared_within_a_policy_not_between(seal_policy):
    from datetime import UTC, datetime

    from signing.pdfcontext import shared_context

    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    other = ValidationPolicy(seal_policy.trust)

    first = shared_context(seal_policy, moment)

    assert shared_context(seal_policy, moment.replace(second=40)) is first
    assert shared_context(other, moment) is not first
    assert shared_context(seal_policy, moment.replace(minute=5)) is not first


def test_byte_range_not_starting_at_zero_fails_geometry(sealed):
    from signing.pdfgeometry import check_byte_range

    start = sealed.index(b"/Contents <") + len(b"/Contents ")
    end = sealed.index(b">", start) + 1
    contents = bytes.fromhex(sealed[start + 1 : end - 1].decode())

    good = check_byte_range(sealed, [0, start, end, len(sealed) - end], contents)
    shifted = check_byte_range(sealed, [1, start, end, len(sealed) - end], contents)
    short = check_byte_range(sealed, [0, start, end, len(sealed) - end - 3], contents)

    assert good.passed
    assert not shifted.passed and "beginning" in shifted.detail
    assert not short.passed and "%%EOF" in short.detail
