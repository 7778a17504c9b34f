"""Revocation of XAdES signers against a real PKI served on 127.0.0.1.

The OCSP responder and CRL location run in the test process (see
revocationpki.py); certificates name them, so fetching really goes over
HTTP to loopback. Every verdict is EN 319 102-1's: revoked with no proof of
existence before the revocation is INDETERMINATE / REVOKED_NO_POE; missing
data is the policy's call (soft-fail, or INDETERMINATE / TRY_LATER).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from signing.result import Indication, SubIndication
from signing.seal import XadesSigner
from signing.validate import validate_xml
from tests.signing.maker import FORM
from tests.signing.revocationpki import (
    RevocationPKI,
    make_revocation_pki,
    policy_of,
    serve,
)

Ind, S = Indication, SubIndication
NOW = datetime.now(UTC)


@pytest.fixture(autouse=True)
def _fresh(rpki: RevocationPKI) -> Iterator[None]:
    rpki.services.down = False
    rpki.services.requests.clear()
    yield
    rpki.services.revoked.clear()


def signed_by(
    rpki: RevocationPKI, pesel: str, stamped_at: datetime | None = None, **kinds: bool
) -> tuple[bytes, int]:
    citizen = rpki.citizen(pesel, **kinds)
    signer = XadesSigner.from_issued(citizen)
    signed = signer.sign_enveloped(FORM)
    if stamped_at is not None:
        signed = signer.add_signature_timestamp(signed, rpki.timestamper(stamped_at))

    return signed, citizen.certificate.serial_number


def check(result, name: str):
    return [c for c in result.primary.checks if c.name == name]


def test_good_signer_fetched_over_ocsp_passes_with_revocation_checked(rpki):
    signed, _ = signed_by(rpki, "44051401458")
    result = validate_xml(signed, policy_of(rpki, fetch=True, soft_fail=False))

    assert (result.indication, result.subindication) == (Ind.TOTAL_PASSED, None)
    [revocation] = check(result, "revocation")
    assert revocation.passed
    assert any(r.startswith("POST /ocsp") for r in rpki.services.requests)


def test_fetching_is_off_by_default_nothing_is_sent(rpki):
    signed, serial = signed_by(rpki, "44051401459")
    rpki.services.revoked[serial] = NOW - timedelta(days=2)
    result = validate_xml(signed, policy_of(rpki))

    assert rpki.services.requests == []
    assert result.indication is Ind.TOTAL_PASSED
    [revocation] = check(result, "revocation")
    assert not revocation.passed and "not checked" in revocation.detail


def test_revoked_before_signing_is_revoked_no_poe(rpki):
    signed, serial = signed_by(rpki, "44051401460")
    rpki.services.revoked[serial] = NOW - timedelta(days=2)
    result = validate_xml(signed, policy_of(rpki, fetch=True))

    assert (result.indication, result.subindication) == (
        Ind.INDETERMINATE,
        S.REVOKED_NO_POE,
    )
    [path] = check(result, "certificate-path")
    assert "revoked" in path.detail


def test_revoked_through_the_crl_when_the_certificate_has_no_ocsp(rpki):
    signed, serial = signed_by(rpki, "44051401461", ocsp=False)
    rpki.services.revoked[serial] = NOW - timedelta(days=2)
    result = validate_xml(signed, policy_of(rpki, fetch=True, soft_fail=False))

    assert result.subindication is S.REVOKED_NO_POE
    assert rpki.services.requests == ["GET /inter.crl"]


def test_revoked_after_a_time_stamp_proves_the_signature_existed_passes(rpki):
    signed, serial = signed_by(rpki, "44051401462", stamped_at=NOW - timedelta(days=10))
    rpki.services.revoked[serial] = NOW - timedelta(days=5)
    result = validate_xml(signed, policy_of(rpki, fetch=True, soft_fail=False))

    assert (result.indication, result.subindication) == (Ind.TOTAL_PASSED, None)
    assert result.primary.form == "XAdES-T"
    [path] = check(result, "certificate-path")
    assert "proof of existence" in path.detail and "revoked" in path.detail


def test_revoked_before_the_time_stamp_is_revoked_no_poe(rpki):
    signed, serial = signed_by(rpki, "44051401463", stamped_at=NOW - timedelta(days=3))
    rpki.services.revoked[serial] = NOW - timedelta(days=5)
    result = validate_xml(signed, policy_of(rpki, fetch=True))

    assert (result.indication, result.subindication) == (
        Ind.INDETERMINATE,
        S.REVOKED_NO_POE,
    )


def test_unknown_to_the_responder_is_try_later_even_when_soft_failing(rpki):
    # An answer "unknown" is a failed check, not missing data (certvalidator
    # treats it so in every mode, and so do we): soft-fail does not cover it.
    signed, serial = signed_by(rpki, "44051401464", crl=False)
    rpki.services.known.discard(serial)
    strict = validate_xml(signed, policy_of(rpki, fetch=True, soft_fail=False))
    soft = validate_xml(signed, policy_of(rpki, fetch=True))

    assert (strict.indication, strict.subindication) == (Ind.INDETERMINATE, S.TRY_LATER)
    assert (soft.indication, soft.subindication) == (Ind.INDETERMINATE, S.TRY_LATER)


@pytest.mark.parametrize(
    ("soft_fail", "expected"),
    [(False, (Ind.INDETERMINATE, S.TRY_LATER)), (True, (Ind.TOTAL_PASSED, None))],
)
def test_responder_down_is_the_policys_call(rpki, soft_fail, expected):
    signed, _ = signed_by(rpki, "44051401465")
    rpki.services.down = True
    result = validate_xml(signed, policy_of(rpki, fetch=True, soft_fail=soft_fail))

    assert (result.indication, result.subindication) == expected
    assert rpki.services.requests, "the responder was asked"
    if soft_fail:
        [revocation] = check(result, "revocation")
        assert "could not be reached" in revocation.detail


def test_a_hanging_responder_is_given_up_after_the_timeout(rpki):
    # The responder answers after 1 s; with a 0.3 s timeout it counts as
    # unreachable (the policy's call), with the default 5 s it is heard.
    signed, _ = signed_by(rpki, "44051401466", crl=False)
    rpki.services.stall = 1.0
    try:
        impatient = validate_xml(
            signed, policy_of(rpki, fetch=True, soft_fail=False, timeout=0.3)
        )
        patient = validate_xml(signed, policy_of(rpki, fetch=True, soft_fail=False))
    finally:
        rpki.services.stall = 0.0

    assert (impatient.indication, impatient.subindication) == (
        Ind.INDETERMINATE,
        S.TRY_LATER,
    )
    assert patient.indication is Ind.TOTAL_PASSED


def content_stamped(rpki, pesel: str, at: datetime) -> tuple[bytes, int]:
    """Signed by tests/signing/maker.py with an AllDataObjectsTimeStamp at ``at``
    over the form's canonical octets (what its one data reference digests)."""
    import hashlib

    from lxml import etree

    from tests.signing import maker

    citizen = rpki.citizen(pesel)
    octets = etree.tostring(etree.fromstring(FORM), method="c14n")
    token = rpki.timestamper(at).timestamp(hashlib.sha256(octets).digest())
    options = maker.Options(content_timestamp=token)
    signer = maker.Issued(citizen.key, citizen.certificate)
    return maker.sign_enveloped(
        FORM, signer, options
    ), citizen.certificate.serial_number


def test_content_time_stamp_after_the_revocation_is_total_failed_revoked(rpki):
    signed, serial = content_stamped(rpki, "44051401467", NOW - timedelta(days=1))
    rpki.services.revoked[serial] = NOW - timedelta(days=2)
    result = validate_xml(signed, policy_of(rpki, fetch=True))

    [content] = check(result, "content-timestamp")
    assert content.passed
    assert (result.indication, result.subindication) == (Ind.TOTAL_FAILED, S.REVOKED)


def test_content_time_stamp_before_the_revocation_stays_revoked_no_poe(rpki):
    signed, serial = content_stamped(rpki, "44051401468", NOW - timedelta(days=3))
    rpki.services.revoked[serial] = NOW - timedelta(days=2)
    result = validate_xml(signed, policy_of(rpki, fetch=True))

    assert (result.indication, result.subindication) == (
        Ind.INDETERMINATE,
        S.REVOKED_NO_POE,
    )


def test_content_time_stamp_over_other_data_is_not_used(rpki):
    import hashlib

    from tests.signing import maker

    citizen = rpki.citizen("44051401457")
    token = rpki.timestamper(NOW).timestamp(hashlib.sha256(b"other data").digest())
    data = maker.sign_enveloped(
        FORM,
        maker.Issued(citizen.key, citizen.certificate),
        maker.Options(content_timestamp=token),
    )
    result = validate_xml(data, policy_of(rpki))

    [content] = check(result, "content-timestamp")
    assert not content.passed and "other data" in content.detail
    assert result.indication is Ind.TOTAL_PASSED


def test_nothing_is_fetched_for_a_certificate_no_trusted_ca_issued(rpki):
    # A sender's own CA naming our responder: its URLs are never asked (no
    # request to addresses a sender chose), the path simply has no anchor.
    from signing.pki import make_citizen, make_intermediate, make_root

    rogue_root = make_root("Rogue Root")
    rogue = make_citizen(
        make_intermediate(rogue_root, "Rogue CA"),
        given_name="Ewa",
        surname="Obca",
        pesel="44051401456",
        ocsp_url=f"{rpki.services.base}/ocsp",
        crl_url=f"{rpki.services.base}/inter.crl",
    )
    signed = XadesSigner.from_issued(rogue).sign_enveloped(FORM)
    result = validate_xml(signed, policy_of(rpki, fetch=True))

    assert rpki.services.requests == []
    assert result.subindication is S.NO_CERTIFICATE_CHAIN_FOUND


def test_a_revoked_intermediate_ca_is_revoked_no_poe():
    with serve() as services:
        rpki = make_revocation_pki(services, ca_crl=True)
        signed, _ = signed_by(rpki, "44051401455")
        good = validate_xml(signed, policy_of(rpki, fetch=True, soft_fail=False))
        services.revoked_cas[rpki.inter.certificate.serial_number] = NOW - timedelta(
            days=1
        )
        revoked = validate_xml(signed, policy_of(rpki, fetch=True, soft_fail=False))

    assert good.indication is Ind.TOTAL_PASSED
    assert "GET /root.crl" in services.requests
    assert revoked.subindication is S.REVOKED_NO_POE
    [path] = check(revoked, "certificate-path")
    assert "a CA certificate" in path.detail
