"""OCSP responses embedded in a CAdES .p7s (RFC 5940 otherRevInfo,
id-ri-ocsp-response in SignedData ``crls``): real responses made by the test
PKI's responder code, judged from the signature alone, nothing fetched."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from signing.cades import validate_cms
from signing.result import Indication, SubIndication
from tests.shapes.cmsmaker import sign_cms, with_revocation_info
from tests.signing.revocationpki import (
    RevocationPKI,
    make_ocsp_responder,
    ocsp_about,
    policy_of,
    revocation_checks,
    signature_stamped,
    verdict,
)

Ind, S = Indication, SubIndication
NOW = datetime.now(UTC)
LETTER = b"Wniosek testowy o wydanie zaswiadczenia (OCSP)\n"
CHECKED = (True, "revocation status checked: not revoked")


# Whatever a test does, it fetches nothing: the data is in the .p7s.
pytestmark = pytest.mark.usefixtures("nothing_fetched")


def test_good_signer_with_an_embedded_ocsp_response_passes_checked(
    rpki: RevocationPKI,
) -> None:
    citizen = rpki.citizen("44051401458", crl=False)
    signed = sign_cms(citizen, LETTER)
    strict = policy_of(rpki, soft_fail=False)
    # Without the response the strict policy cannot settle the status ...
    bare = validate_cms(signed, strict, LETTER)
    assert verdict(bare) == (Ind.INDETERMINATE, S.TRY_LATER)

    # ... with it, embedded, it can.
    answer = ocsp_about(rpki.inter, citizen.certificate)
    p7s = with_revocation_info(signed, ocsps=(answer,))
    result = validate_cms(p7s, strict, LETTER)
    assert result.indication is Ind.TOTAL_PASSED
    assert revocation_checks(result) == [CHECKED]


def test_signer_revoked_before_signing_in_an_embedded_response_is_revoked_no_poe(
    rpki: RevocationPKI,
) -> None:
    citizen = rpki.citizen("02070803628", crl=False)
    answer = ocsp_about(
        rpki.inter, citizen.certificate, revoked_at=NOW - timedelta(days=2)
    )
    # Signed (by its claimed signing time) after the revocation; only a claim,
    # so no proof either way: EN 319 102-1 gives INDETERMINATE / REVOKED_NO_POE.
    p7s = with_revocation_info(sign_cms(citizen, LETTER), ocsps=(answer,))
    result = validate_cms(p7s, policy_of(rpki), LETTER)
    assert verdict(result) == (Ind.INDETERMINATE, S.REVOKED_NO_POE)

    late = signature_stamped(sign_cms(citizen, LETTER), rpki, NOW - timedelta(days=1))
    late = with_revocation_info(late, ocsps=(answer,))
    assert verdict(validate_cms(late, policy_of(rpki), LETTER)) == (
        Ind.INDETERMINATE,
        S.REVOKED_NO_POE,
    )


def test_time_stamp_before_an_embedded_ocsp_revocation_keeps_the_signature(
    rpki: RevocationPKI,
) -> None:
    citizen = rpki.citizen("71032109876", crl=False)
    answer = ocsp_about(
        rpki.inter, citizen.certificate, revoked_at=NOW - timedelta(days=2)
    )
    early = signature_stamped(sign_cms(citizen, LETTER), rpki, NOW - timedelta(days=10))
    result = validate_cms(
        with_revocation_info(early, ocsps=(answer,)), policy_of(rpki), LETTER
    )
    assert result.indication is Ind.TOTAL_PASSED
    passed, detail = revocation_checks(result)[0]
    assert passed and "after a time-stamp" in detail


@pytest.mark.parametrize("revoked", [False, True], ids=["good", "revoked"])
def test_ocsp_response_about_another_certificate_is_not_evidence(
    rpki: RevocationPKI, revoked: bool
) -> None:
    citizen = rpki.citizen("85010112345", crl=False)
    other = rpki.citizen("90090515836", crl=False)
    when = NOW - timedelta(days=2) if revoked else None
    answer = ocsp_about(rpki.inter, other.certificate, revoked_at=when)
    p7s = with_revocation_info(sign_cms(citizen, LETTER), ocsps=(answer,))
    _assert_not_evidence(rpki, p7s)


@pytest.mark.parametrize("revoked", [False, True], ids=["good", "revoked"])
@pytest.mark.parametrize(
    "responder", ["no-ocsp-signing-eku", "another-ca", "the-signer-itself"]
)
def test_ocsp_response_from_an_unauthorised_responder_is_not_evidence(
    rpki: RevocationPKI, responder: str, revoked: bool
) -> None:
    citizen = rpki.citizen("53040512345", crl=False)
    signer = {
        "no-ocsp-signing-eku": make_ocsp_responder(rpki.inter, ocsp_signing=False),
        "another-ca": rpki.root,
        "the-signer-itself": citizen,
    }[responder]
    when = NOW - timedelta(days=2) if revoked else None
    answer = ocsp_about(
        rpki.inter, citizen.certificate, revoked_at=when, responder=signer
    )
    p7s = with_revocation_info(sign_cms(citizen, LETTER), ocsps=(answer,))
    _assert_not_evidence(rpki, p7s)


def test_ocsp_response_from_a_delegated_responder_is_evidence(
    rpki: RevocationPKI,
) -> None:
    # The control for the test above: the same shape, authorised.
    citizen = rpki.citizen("53040554321", crl=False)
    responder = make_ocsp_responder(rpki.inter)
    answer = ocsp_about(rpki.inter, citizen.certificate, responder=responder)
    p7s = with_revocation_info(sign_cms(citizen, LETTER), ocsps=(answer,))
    result = validate_cms(p7s, policy_of(rpki, soft_fail=False), LETTER)
    assert result.indication is Ind.TOTAL_PASSED
    assert revocation_checks(result) == [CHECKED]

    revoked = ocsp_about(
        rpki.inter,
        citizen.certificate,
        revoked_at=NOW - timedelta(days=2),
        responder=responder,
    )
    p7s = with_revocation_info(sign_cms(citizen, LETTER), ocsps=(revoked,))
    result = validate_cms(p7s, policy_of(rpki), LETTER)
    assert verdict(result) == (Ind.INDETERMINATE, S.REVOKED_NO_POE)


def _assert_not_evidence(rpki: RevocationPKI, p7s: bytes) -> None:
    """Neither "good" nor "revoked": strictly TRY_LATER, softly not checked."""
    strict = validate_cms(p7s, policy_of(rpki, soft_fail=False), LETTER)
    assert verdict(strict) == (Ind.INDETERMINATE, S.TRY_LATER)
    assert [passed for passed, _ in revocation_checks(strict)] == [False]

    soft = validate_cms(p7s, policy_of(rpki), LETTER)
    assert soft.indication is Ind.TOTAL_PASSED
    ((passed, detail),) = revocation_checks(soft)
    assert not passed and detail.startswith("not checked")
