"""XAdES B-LT and B-LTA: embedded values, archive time-stamps, no network.

The loopback services run but are switched off (or never asked): the
embedded CertificateValues and RevocationValues must be enough, and the
request log proves nothing was fetched.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.x509 import ocsp

from signing.pki import make_tsa
from signing.policy import ValidationPolicy
from signing.result import Indication, SubIndication
from signing.revocation import RevocationPolicy
from signing.seal import XadesSigner
from signing.trust import TrustStore
from signing.tsa import LocalTimestamper
from signing.validate import validate_xml
from tests.signing.ltvmaker import add_archive_timestamp, add_lt_values
from tests.signing.maker import FORM
from tests.signing.revocationpki import (
    RevocationPKI,
    crl_of,
    ocsp_answer,
)

Ind, S = Indication, SubIndication
NOW = datetime.now(UTC)


@pytest.fixture(autouse=True)
def _offline(rpki: RevocationPKI) -> Iterator[None]:
    rpki.services.down = True
    rpki.services.requests.clear()
    yield
    assert rpki.services.requests == [], "validation fetched something"


def policy_of(rpki: RevocationPKI, soft_fail: bool = False) -> ValidationPolicy:
    return ValidationPolicy(
        TrustStore.from_certificates([rpki.root.certificate]),
        revocation=RevocationPolicy(soft_fail=soft_fail),
    )


def ocsp_of(rpki: RevocationPKI, serial: int, revoked: dict[int, datetime]) -> bytes:
    citizen_cert = next(c for c in _issued if c.serial_number == serial)
    request = (
        ocsp.OCSPRequestBuilder()
        .add_certificate(citizen_cert, rpki.inter.certificate, _sha1())
        .build()
    )
    return ocsp_answer(rpki.inter, request, {serial}, revoked)


def _sha1():
    from cryptography.hazmat.primitives import hashes

    return hashes.SHA1()  # noqa: S303 - OCSP CertID hash, as responders use


_issued: list = []


def b_lt(
    rpki: RevocationPKI,
    pesel: str,
    stamped_at: datetime,
    *,
    revoked_at: datetime | None = None,
    use_crl: bool = False,
    crl_issued: datetime | None = None,
    tsa: LocalTimestamper | None = None,
) -> bytes:
    citizen = rpki.citizen(pesel)
    _issued.append(citizen.certificate)
    serial = citizen.certificate.serial_number
    revoked = {serial: revoked_at} if revoked_at else {}
    signer = XadesSigner.from_issued(citizen)
    signed = signer.sign_enveloped(FORM)
    signed = signer.add_signature_timestamp(signed, tsa or rpki.timestamper(stamped_at))
    certs = [citizen.certificate, rpki.inter.certificate, rpki.tsa.certificate]
    if use_crl:
        crl = crl_of(rpki.inter, revoked, crl_issued or stamped_at, days=10)
        return add_lt_values(signed, certs, crls=[crl])

    return add_lt_values(signed, certs, ocsps=[ocsp_of(rpki, serial, revoked)])


def check(result, name: str):
    return [c for c in result.primary.checks if c.name == name]


def test_b_lt_with_embedded_ocsp_passes_without_network(rpki):
    signed = b_lt(rpki, "44051401470", NOW - timedelta(hours=1))
    result = validate_xml(signed, policy_of(rpki))

    assert (result.indication, result.subindication) == (Ind.TOTAL_PASSED, None)
    assert result.primary.form == "XAdES-LT"
    [revocation] = check(result, "revocation")
    assert revocation.passed


def test_b_lt_with_embedded_crl_saying_revoked_is_revoked_no_poe(rpki):
    signed = b_lt(
        rpki,
        "44051401471",
        NOW - timedelta(hours=1),
        revoked_at=NOW - timedelta(hours=2),
        use_crl=True,
    )
    result = validate_xml(signed, policy_of(rpki))

    assert (result.indication, result.subindication) == (
        Ind.INDETERMINATE,
        S.REVOKED_NO_POE,
    )


def test_expired_crl_without_proof_of_existence_is_try_later(rpki):
    # The CRL was issued 40 days ago for 10 days: stale now; the only
    # time-stamp is from now, so nothing proves an earlier existence.
    signed = b_lt(
        rpki,
        "44051401472",
        NOW - timedelta(minutes=5),
        use_crl=True,
        crl_issued=NOW - timedelta(days=40),
    )
    result = validate_xml(signed, policy_of(rpki))

    assert (result.indication, result.subindication) == (Ind.INDETERMINATE, S.TRY_LATER)


def test_expired_crl_fresh_at_the_time_stamp_passes(rpki):
    stamped = NOW - timedelta(days=35)
    signed = b_lt(
        rpki,
        "44051401473",
        stamped,
        use_crl=True,
        crl_issued=NOW - timedelta(days=36),
    )
    result = validate_xml(signed, policy_of(rpki))

    assert (result.indication, result.subindication) == (Ind.TOTAL_PASSED, None)
    [path] = check(result, "certificate-path")
    assert "proof of existence" in path.detail


def test_b_lta_archive_time_stamp_verifies_and_names_the_form(rpki):
    signed = b_lt(rpki, "44051401474", NOW - timedelta(hours=1))
    archived = add_archive_timestamp(
        signed, rpki.timestamper(NOW - timedelta(minutes=1))
    )
    result = validate_xml(archived, policy_of(rpki))

    assert (result.indication, result.subindication) == (Ind.TOTAL_PASSED, None)
    assert result.primary.form == "XAdES-LTA"
    [archive] = check(result, "archive-timestamp")
    assert archive.passed


def test_b_lta_changed_after_archiving_is_not_used(rpki):
    signed = b_lt(rpki, "44051401475", NOW - timedelta(hours=1))
    archived = add_archive_timestamp(
        signed, rpki.timestamper(NOW - timedelta(minutes=1))
    )
    # Drop the intermediate from CertificateValues, which the stamp covers.
    inter_b64 = _b64(rpki.inter.certificate)
    changed = archived.replace(
        f"<xades:EncapsulatedX509Certificate>{inter_b64}"
        "</xades:EncapsulatedX509Certificate>".encode(),
        b"",
    )
    assert changed != archived
    result = validate_xml(changed, policy_of(rpki, soft_fail=True))

    [archive] = check(result, "archive-timestamp")
    assert not archive.passed and "other data" in archive.detail
    assert result.primary.form == "XAdES-LT"


def test_archive_time_stamp_proves_an_expired_tsas_time_stamp(rpki):
    # The signature time-stamp's TSA certificate expired yesterday, so that
    # stamp proves nothing now; the archive time-stamp (5 days ago, valid
    # TSA) proves it existed then, and its time (20 days ago) is before the
    # revocation (10 days ago): the signature stays valid.
    old = make_tsa(
        rpki.root,
        common_name="Fake Old TSA",
        not_before=NOW - timedelta(days=60),
        not_after=NOW - timedelta(days=1),
    )
    stamped = NOW - timedelta(days=20)
    old_tsa = LocalTimestamper(old.key, old.certificate, clock=lambda: stamped)
    signed = b_lt(
        rpki,
        "44051401476",
        stamped,
        revoked_at=NOW - timedelta(days=10),
        tsa=old_tsa,
    )
    plain = validate_xml(signed, policy_of(rpki))
    archived = add_archive_timestamp(signed, rpki.timestamper(NOW - timedelta(days=5)))
    result = validate_xml(archived, policy_of(rpki))

    assert plain.subindication is S.REVOKED_NO_POE
    assert (result.indication, result.subindication) == (Ind.TOTAL_PASSED, None)
    assert result.primary.form == "XAdES-LTA"


def _b64(cert) -> str:
    import base64

    from cryptography.hazmat.primitives import serialization

    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def test_a_flood_of_archive_time_stamps_is_not_checked_one_by_one(rpki):
    from signing.ltvchecks import MAX_ARCHIVE_STAMPS

    signed = b_lt(rpki, "44051401477", NOW - timedelta(hours=1))
    archived = add_archive_timestamp(signed, rpki.timestamper(NOW))
    start = archived.index(b"<xades141:ArchiveTimeStamp")
    end = archived.index(b"</xades141:ArchiveTimeStamp>") + len(
        b"</xades141:ArchiveTimeStamp>"
    )
    stamp = archived[start:end]
    flood = archived[:end] + stamp * MAX_ARCHIVE_STAMPS + archived[end:]
    result = validate_xml(flood, policy_of(rpki))

    [archive] = check(result, "archive-timestamp")
    assert not archive.passed and "more than" in archive.detail
    assert result.primary.form == "XAdES-LT"


def test_a_revoked_tsa_in_the_embedded_data_makes_its_time_stamp_unused(rpki):
    from tests.signing.revocationpki import _with_crl_point

    tsa = _with_crl_point(rpki.tsa, rpki.root, f"{rpki.services.base}/root.crl")
    stamped = NOW - timedelta(hours=1)
    stamper = LocalTimestamper(tsa.key, tsa.certificate, clock=lambda: stamped)
    citizen = rpki.citizen("44051401478")
    _issued.append(citizen.certificate)
    signer = XadesSigner.from_issued(citizen)
    signed = signer.add_signature_timestamp(signer.sign_enveloped(FORM), stamper)
    serial = citizen.certificate.serial_number
    certs = [citizen.certificate, rpki.inter.certificate, tsa.certificate]
    revoked_tsa = {tsa.certificate.serial_number: NOW - timedelta(days=1)}
    lt = add_lt_values(
        signed,
        certs,
        crls=[crl_of(rpki.root, revoked_tsa)],
        ocsps=[ocsp_of(rpki, serial, {})],
    )
    fine = add_lt_values(
        signed, certs, crls=[crl_of(rpki.root, {})], ocsps=[ocsp_of(rpki, serial, {})]
    )

    result = validate_xml(lt, policy_of(rpki, soft_fail=True))
    control = validate_xml(fine, policy_of(rpki, soft_fail=True))

    [stamp] = check(result, "signature-timestamp")
    assert not stamp.passed and "revoked" in stamp.detail
    assert result.primary.form == "XAdES-BES"
    [good] = check(control, "signature-timestamp")
    assert good.passed and control.primary.form == "XAdES-LT"
