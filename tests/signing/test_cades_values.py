"""CAdES-X-L / B-LT validation data in a signer's unsigned attributes:
revocation-values (CRLs, OCSP answers as bare BasicOCSPResponse) and
certificate-values, made by the test PKI and judged from the .p7s alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from asn1crypto import cms, core
from cryptography.hazmat.primitives import serialization

from signing.cades import validate_cms
from signing.cadesvalues import REVOCATION_VALUES
from signing.display import baseline_level
from signing.policy import ValidationPolicy
from signing.result import Indication, SubIndication
from signing.revocation import RevocationPolicy
from signing.trust import TrustStore
from tests.shapes.cmsmaker import _raw_attribute, sign_cms, with_ltv_values
from tests.signing.revocationpki import (
    RevocationPKI,
    crl_of,
    ocsp_about,
    policy_of,
    revocation_checks,
    signature_stamped,
    verdict,
)

Ind, S = Indication, SubIndication
NOW = datetime.now(UTC)
LETTER = b"Wniosek testowy o wydanie zaswiadczenia (X-L)\n"
CHECKED = (True, "revocation status checked: not revoked")


# Whatever a test does, it fetches nothing: the data is in the .p7s.
pytestmark = pytest.mark.usefixtures("nothing_fetched")


def _der(issued) -> bytes:  # type: ignore[no-untyped-def]
    return issued.certificate.public_bytes(serialization.Encoding.DER)


def test_good_ocsp_and_crl_in_revocation_values_pass_strict_as_lt(
    rpki: RevocationPKI,
) -> None:
    citizen = rpki.citizen("44051401458")
    stamped = signature_stamped(
        sign_cms(citizen, LETTER), rpki, NOW - timedelta(hours=1)
    )
    strict = policy_of(rpki, soft_fail=False)
    # Without the values the strict policy cannot settle the status ...
    bare = validate_cms(stamped, strict, LETTER)
    assert verdict(bare) == (Ind.INDETERMINATE, S.TRY_LATER)
    assert bare.primary.form == "CAdES-T"

    # ... with them, in the unsigned attributes, it can.
    answer = ocsp_about(rpki.inter, citizen.certificate)
    p7s = with_ltv_values(stamped, ocsps=(answer,), crls=(crl_of(rpki.inter, {}),))
    result = validate_cms(p7s, strict, LETTER)
    assert result.indication is Ind.TOTAL_PASSED
    assert revocation_checks(result) == [CHECKED]
    assert result.primary.form == "CAdES-LT"
    assert baseline_level(result.primary.form) == "B-LT"


@pytest.mark.parametrize("kind", ["ocsp", "crl"])
def test_good_status_from_one_kind_of_revocation_value_is_enough(
    rpki: RevocationPKI, kind: str
) -> None:
    citizen = rpki.citizen("02070803628")
    signed = sign_cms(citizen, LETTER)
    if kind == "ocsp":
        p7s = with_ltv_values(
            signed, ocsps=(ocsp_about(rpki.inter, citizen.certificate),)
        )
    else:
        p7s = with_ltv_values(signed, crls=(crl_of(rpki.inter, {}),))

    result = validate_cms(p7s, policy_of(rpki, soft_fail=False), LETTER)
    assert result.indication is Ind.TOTAL_PASSED
    assert revocation_checks(result) == [CHECKED]
    # Not time-stamped: revocation values alone do not make it B-LT.
    assert result.primary.form == "CAdES-BES"


@pytest.mark.parametrize("kind", ["ocsp", "crl"])
def test_signer_revoked_in_revocation_values_is_revoked_no_poe(
    rpki: RevocationPKI, kind: str
) -> None:
    citizen = rpki.citizen("71032109876")
    when = NOW - timedelta(days=2)
    if kind == "ocsp":
        values = {
            "ocsps": (ocsp_about(rpki.inter, citizen.certificate, revoked_at=when),)
        }
    else:
        serial = citizen.certificate.serial_number
        values = {"crls": (crl_of(rpki.inter, {serial: when}),)}

    # Time-stamped after the revocation: no proof it was signed before.
    late = signature_stamped(sign_cms(citizen, LETTER), rpki, NOW - timedelta(days=1))
    result = validate_cms(with_ltv_values(late, **values), policy_of(rpki), LETTER)
    assert verdict(result) == (Ind.INDETERMINATE, S.REVOKED_NO_POE)

    # Time-stamped before it: the signature stands (EN 319 102-1, 5.5.4).
    early = signature_stamped(sign_cms(citizen, LETTER), rpki, NOW - timedelta(days=10))
    result = validate_cms(with_ltv_values(early, **values), policy_of(rpki), LETTER)
    assert result.indication is Ind.TOTAL_PASSED
    passed, detail = revocation_checks(result)[0]
    assert passed and "after a time-stamp" in detail


def test_intermediate_in_certificate_values_completes_the_path(
    rpki: RevocationPKI,
) -> None:
    citizen = rpki.citizen("85010112345")
    answer = ocsp_about(rpki.inter, citizen.certificate)
    # The policy knows only the root; the CMS carries only the signer.
    policy = ValidationPolicy(
        TrustStore.from_certificates([rpki.root.certificate]),
        revocation=RevocationPolicy(soft_fail=False),
    )
    signed = sign_cms(citizen, LETTER)
    alone = with_ltv_values(signed, ocsps=(answer,), only_signer_certificate=True)
    assert validate_cms(alone, policy, LETTER).indication is not Ind.TOTAL_PASSED

    p7s = with_ltv_values(
        signed,
        ocsps=(answer,),
        certs=(_der(rpki.inter),),
        only_signer_certificate=True,
    )
    result = validate_cms(p7s, policy, LETTER)
    assert result.indication is Ind.TOTAL_PASSED
    assert revocation_checks(result) == [CHECKED]


def test_unreadable_revocation_values_count_as_none(rpki: RevocationPKI) -> None:
    citizen = rpki.citizen("90090515836")
    info = cms.ContentInfo.load(sign_cms(citizen, LETTER))
    broken = _raw_attribute(REVOCATION_VALUES, core.OctetString(b"not a sequence"))
    info["content"]["signer_infos"][0]["unsigned_attrs"] = cms.CMSAttributes([broken])
    result = validate_cms(info.dump(), policy_of(rpki, soft_fail=False), LETTER)
    assert verdict(result) == (Ind.INDETERMINATE, S.TRY_LATER)
