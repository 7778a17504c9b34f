"""ASiC time-stamps as proof of existence of the container's signatures.

The signer's certificate expired on 2026-01-01; the validation runs after
that.  A container time-stamp from 2025-06-01 whose ASiCArchiveManifest
covers the signature file proves the signature existed while the
certificate was valid; one that does not cover the signature's bytes
(ASiC-S: over the data object only) proves nothing about the signature.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives import serialization

from signing import pki
from signing.asic import ASIC_E, ASIC_NS, ASIC_S, validate_container
from signing.asicpoe import covering_proofs
from signing.asictimestamp import ASIC_TS
from signing.policy import ValidationPolicy
from signing.result import Indication, SubIndication
from signing.revocation import RevocationData, RevocationPolicy
from signing.trust import TrustStore
from signing.tsa import LocalTimestamper
from tests.shapes.cmsmaker import make_zip, sign_cms
from tests.shapes.maker import Shape, sign_xades
from tests.shapes.test_asic import PDF, WRAPPER, _manifest

START = datetime(2024, 1, 1, tzinfo=UTC)
EXPIRED = datetime(2026, 1, 1, tzinfo=UTC)
BEFORE_EXPIRY = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
AFTER_EXPIRY = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
ARCHIVE = "META-INF/ASiCArchiveManifest.xml"
TOKEN = "META-INF/timestamp.tst"


@pytest.fixture(scope="module")
def expired_pki():
    """A root, a CA, a citizen whose certificate expired, and a TSA."""
    root = pki.make_root("Centrum Testowe POE", now=START, years=30)
    ca = pki.make_intermediate(root, "CA Testowy POE", now=START, years=20)
    citizen = pki.make_citizen(
        ca,
        given_name="Jan",
        surname="Testowy",
        pesel="44051401458",
        not_before=START,
        not_after=EXPIRED,
    )
    tsa = pki.make_tsa(
        root, not_before=START, not_after=datetime(2050, 1, 1, tzinfo=UTC)
    )
    policy = ValidationPolicy(
        TrustStore.from_certificates([root.certificate]),
        intermediates=(ca.certificate,),
    )
    return {"citizen": citizen, "tsa": tsa, "policy": policy}


def _token(issued, when, data):
    tsa = LocalTimestamper(
        issued.key, issued.certificate, issued.chain, clock=lambda: when
    )
    return tsa.timestamp(hashlib.sha256(data).digest())


def _archive(members, *, token=TOKEN):
    """An ASiCArchiveManifest naming the token and digesting ``members``."""
    return _manifest(members, signature=token).replace(
        b"asic:ASiCManifest", b"asic:ASiCArchiveManifest"
    )


def _cades_asic_e(expired_pki, *, stamped_at=None, archived=None):
    """An ASiC-E with a CAdES signature and, if asked, an archive time-stamp
    over ``archived`` (default: the data, the manifest and the signature)."""
    files = {"pismo.pdf": PDF}
    manifest = _manifest(files)
    signature = sign_cms(expired_pki["citizen"], manifest)
    members = [
        ("mimetype", ASIC_E.encode()),
        *files.items(),
        ("META-INF/ASiCManifest001.xml", manifest),
        ("META-INF/signature001.p7s", signature),
    ]
    if stamped_at is None:
        return make_zip(members)

    if archived is None:
        archived = dict(members[1:])

    archive = _archive(archived)
    token = _token(expired_pki["tsa"], stamped_at, archive)
    return make_zip([*members, (ARCHIVE, archive), (TOKEN, token)])


def _signature(result):
    return next(s for s in result.validation.signatures if s.form != ASIC_TS)


def _stamp(result):
    return next(s for s in result.validation.signatures if s.form == ASIC_TS)


def test_expired_cades_signer_without_a_container_timestamp_is_out_of_bounds(
    expired_pki,
):
    result = validate_container(_cades_asic_e(expired_pki), expired_pki["policy"])
    signature = _signature(result)
    assert signature.indication is Indication.INDETERMINATE
    assert signature.subindication is SubIndication.OUT_OF_BOUNDS_NO_POE


def test_archive_timestamp_over_the_cades_signature_before_expiry_passes(
    expired_pki,
):
    data = _cades_asic_e(expired_pki, stamped_at=BEFORE_EXPIRY)
    result = validate_container(data, expired_pki["policy"])
    assert _stamp(result).timestamp_time == BEFORE_EXPIRY
    signature = _signature(result)
    assert signature.indication is Indication.TOTAL_PASSED
    passed = {c.name: c.detail for c in signature.checks if c.passed}
    assert TOKEN in passed["container-timestamp"]
    assert BEFORE_EXPIRY.isoformat() in passed["proof-of-existence"]
    assert result.validation.indication is Indication.TOTAL_PASSED


def test_archive_timestamp_after_expiry_changes_nothing(expired_pki):
    data = _cades_asic_e(expired_pki, stamped_at=AFTER_EXPIRY)
    result = validate_container(data, expired_pki["policy"])
    assert _stamp(result).indication is Indication.TOTAL_PASSED
    assert _signature(result).subindication is SubIndication.OUT_OF_BOUNDS_NO_POE


def test_timestamp_whose_manifest_leaves_out_the_signature_proves_nothing(
    expired_pki,
):
    only_data = {"pismo.pdf": PDF}
    data = _cades_asic_e(expired_pki, stamped_at=BEFORE_EXPIRY, archived=only_data)
    result = validate_container(data, expired_pki["policy"])
    assert _stamp(result).indication is Indication.TOTAL_PASSED
    signature = _signature(result)
    assert signature.subindication is SubIndication.OUT_OF_BOUNDS_NO_POE
    assert "container-timestamp" not in {c.name for c in signature.checks}


def test_timestamp_over_other_signature_bytes_proves_nothing(expired_pki):
    other = sign_cms(expired_pki["citizen"], b"another manifest")
    archived = {"pismo.pdf": PDF, "META-INF/signature001.p7s": other}
    data = _cades_asic_e(expired_pki, stamped_at=BEFORE_EXPIRY, archived=archived)
    result = validate_container(data, expired_pki["policy"])
    assert _stamp(result).subindication is SubIndication.HASH_FAILURE
    assert _signature(result).subindication is SubIndication.OUT_OF_BOUNDS_NO_POE


def test_asic_s_timestamp_covers_the_data_object_not_the_signature(expired_pki):
    # EN 319 162-1: the ASiC-S token's imprint is over the data object; the
    # document existed then, which says nothing of when it was signed.
    members = [
        ("mimetype", ASIC_S.encode()),
        ("pismo.pdf", PDF),
        ("META-INF/signature.p7s", sign_cms(expired_pki["citizen"], PDF)),
        (TOKEN, _token(expired_pki["tsa"], BEFORE_EXPIRY, PDF)),
    ]
    result = validate_container(make_zip(members), expired_pki["policy"])
    stamp = _stamp(result)
    assert stamp.indication is Indication.TOTAL_PASSED
    assert covering_proofs([stamp], ["META-INF/signature.p7s"]) == {}
    signature = _signature(result)
    assert signature.subindication is SubIndication.OUT_OF_BOUNDS_NO_POE


def _xades_asic_e(expired_pki, *, stamped_at=None):
    files = {"pismo.pdf": PDF}
    shape = Shape(files=files, wrapper=f"{{{ASIC_NS}}}XAdESSignatures")
    assert shape.wrapper == WRAPPER
    xml = sign_xades(expired_pki["citizen"], shape)
    members = [
        ("mimetype", ASIC_E.encode()),
        *files.items(),
        ("META-INF/signatures001.xml", xml),
    ]
    if stamped_at is None:
        return make_zip(members)

    archive = _archive(dict(members[1:]))
    token = _token(expired_pki["tsa"], stamped_at, archive)
    return make_zip([*members, (ARCHIVE, archive), (TOKEN, token)])


def test_expired_xades_signer_without_a_container_timestamp_is_out_of_bounds(
    expired_pki,
):
    result = validate_container(_xades_asic_e(expired_pki), expired_pki["policy"])
    assert _signature(result).subindication is SubIndication.OUT_OF_BOUNDS_NO_POE


def test_archive_timestamp_over_the_xades_file_before_expiry_passes(expired_pki):
    data = _xades_asic_e(expired_pki, stamped_at=BEFORE_EXPIRY)
    result = validate_container(data, expired_pki["policy"])
    signature = _signature(result)
    assert signature.indication is Indication.TOTAL_PASSED
    path = next(c for c in signature.checks if c.name == "certificate-path")
    assert "proof of existence" in path.detail
    assert "container-timestamp" in {c.name for c in signature.checks if c.passed}


def test_archive_timestamp_over_the_xades_file_after_expiry_changes_nothing(
    expired_pki,
):
    data = _xades_asic_e(expired_pki, stamped_at=AFTER_EXPIRY)
    result = validate_container(data, expired_pki["policy"])
    assert _signature(result).subindication is SubIndication.OUT_OF_BOUNDS_NO_POE


REVOKED_AT = datetime(2025, 9, 1, tzinfo=UTC)
AFTER_REVOCATION = datetime(2025, 10, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def revoked_pki():
    """A citizen (certificate valid until 2034) revoked on 2025-09-01, with
    the CA's CRL saying so supplied by the operator."""
    root = pki.make_root("Centrum Testowe CRL", now=START, years=30)
    ca = pki.make_intermediate(root, "CA Testowy CRL", now=START, years=20)
    citizen = pki.make_citizen(
        ca,
        given_name="Anna",
        surname="Testowa",
        pesel="02070803628",
        not_before=START,
        not_after=datetime(2034, 1, 1, tzinfo=UTC),
        crl_url="http://127.0.0.1:9/ca.crl",
    )
    crl = pki.make_crl(ca, [citizen.certificate], revoked_at=REVOKED_AT)
    supplied = RevocationData(crls=(crl.public_bytes(serialization.Encoding.DER),))
    tsa = pki.make_tsa(
        root, not_before=START, not_after=datetime(2050, 1, 1, tzinfo=UTC)
    )
    policy = ValidationPolicy(
        TrustStore.from_certificates([root.certificate]),
        intermediates=(ca.certificate,),
        revocation=RevocationPolicy(supplied=supplied, soft_fail=False),
    )
    return {"citizen": citizen, "tsa": tsa, "policy": policy}


def test_revoked_xades_signer_without_a_container_timestamp_is_revoked_no_poe(
    revoked_pki,
):
    result = validate_container(_xades_asic_e(revoked_pki), revoked_pki["policy"])
    assert _signature(result).subindication is SubIndication.REVOKED_NO_POE


def test_archive_timestamp_before_the_revocation_keeps_the_xades_signature(
    revoked_pki,
):
    data = _xades_asic_e(revoked_pki, stamped_at=BEFORE_EXPIRY)
    result = validate_container(data, revoked_pki["policy"])
    signature = _signature(result)
    assert signature.indication is Indication.TOTAL_PASSED
    path = next(c for c in signature.checks if c.name == "certificate-path")
    assert "revoked only later" in path.detail


def test_archive_timestamp_after_the_revocation_changes_nothing(revoked_pki):
    data = _xades_asic_e(revoked_pki, stamped_at=AFTER_REVOCATION)
    result = validate_container(data, revoked_pki["policy"])
    assert _signature(result).subindication is SubIndication.REVOKED_NO_POE
