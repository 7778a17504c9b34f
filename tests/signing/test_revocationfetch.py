"""With fetching on, CAdES and PAdES ask the loopback responder only when
the data the signature embeds does not settle the signer's status at the
validation time: fresh data (good or revoked) is enough, stale data is not.
The responder's request log is the measure."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from signing.cades import validate_cms
from signing.pades import validate_pdf
from signing.pki import Issued
from signing.result import Indication, SubIndication
from tests.pdftools import letter_pdf
from tests.shapes.cmsmaker import sign_cms, with_ltv_values, with_revocation_info
from tests.signing.revocationpki import (
    RevocationPKI,
    ocsp_about,
    policy_of,
    revocation_checks,
    verdict,
)
from tests.signing.test_pades_revocation import sealed_by, with_dss

Ind, S = Indication, SubIndication
NOW = datetime.now(UTC)
LETTER = b"Wniosek testowy (pobieranie statusu)\n"
CHECKED = (True, "revocation status checked: not revoked")
STALE = NOW - timedelta(days=3)
"""Data issued then is valid for a day: out of date now."""


@pytest.fixture(autouse=True)
def _fresh(rpki: RevocationPKI) -> Iterator[None]:
    rpki.services.down = False
    rpki.services.requests.clear()
    yield
    rpki.services.revoked.clear()


def _p7s(where: str, citizen: Issued, answer: bytes) -> bytes:
    """A .p7s over LETTER carrying ``answer`` in SignedData ``crls`` or in
    the signer's revocation-values."""
    signed = sign_cms(citizen, LETTER)
    if where == "signed-data":
        return with_revocation_info(signed, ocsps=(answer,))

    return with_ltv_values(signed, ocsps=(answer,))


WHERE = ["signed-data", "revocation-values"]


@pytest.mark.parametrize("where", WHERE)
def test_cades_fresh_embedded_answer_is_not_fetched_again(
    rpki: RevocationPKI, where: str
) -> None:
    citizen = rpki.citizen("44051401458")
    p7s = _p7s(where, citizen, ocsp_about(rpki.inter, citizen.certificate))
    result = validate_cms(p7s, policy_of(rpki, fetch=True, soft_fail=False), LETTER)
    assert result.indication is Ind.TOTAL_PASSED
    assert revocation_checks(result) == [CHECKED]
    assert rpki.services.requests == []


@pytest.mark.parametrize("where", WHERE)
def test_cades_stale_embedded_answer_is_fetched_afresh(
    rpki: RevocationPKI, where: str
) -> None:
    citizen = rpki.citizen("02070803628")
    answer = ocsp_about(rpki.inter, citizen.certificate, at=STALE)
    p7s = _p7s(where, citizen, answer)
    # Alone, the stale answer settles nothing ...
    alone = validate_cms(p7s, policy_of(rpki, soft_fail=False), LETTER)
    assert verdict(alone) == (Ind.INDETERMINATE, S.TRY_LATER)

    # ... so with fetching on the responder is asked.
    result = validate_cms(p7s, policy_of(rpki, fetch=True, soft_fail=False), LETTER)
    assert result.indication is Ind.TOTAL_PASSED
    assert revocation_checks(result) == [CHECKED]
    assert rpki.services.requests != []


def test_cades_fresh_embedded_revocation_is_not_fetched_again(
    rpki: RevocationPKI,
) -> None:
    citizen = rpki.citizen("71032109876")
    when = NOW - timedelta(days=2)
    answer = ocsp_about(rpki.inter, citizen.certificate, revoked_at=when)
    p7s = with_ltv_values(sign_cms(citizen, LETTER), ocsps=(answer,))
    result = validate_cms(p7s, policy_of(rpki, fetch=True), LETTER)
    assert (result.indication, result.subindication) == (
        Ind.INDETERMINATE,
        S.REVOKED_NO_POE,
    )
    assert rpki.services.requests == []


@pytest.fixture(scope="module")
def plain_pdf() -> bytes:
    return letter_pdf("Wniosek testowy (pobieranie statusu)")


def test_pades_fresh_dss_is_not_fetched_again(
    rpki: RevocationPKI, plain_pdf: bytes
) -> None:
    pdf, citizen = sealed_by(rpki, plain_pdf, "85010112345")
    pdf = with_dss(rpki, pdf, citizen, {})
    result = validate_pdf(pdf, policy_of(rpki, fetch=True, soft_fail=False))
    assert result.indication is Ind.TOTAL_PASSED
    assert revocation_checks(result) == [CHECKED]
    assert rpki.services.requests == []


def test_pades_stale_dss_is_fetched_afresh(
    rpki: RevocationPKI, plain_pdf: bytes
) -> None:
    pdf, citizen = sealed_by(rpki, plain_pdf, "90090515836")
    pdf = with_dss(rpki, pdf, citizen, {}, at=STALE, crl_days=1)
    alone = validate_pdf(pdf, policy_of(rpki, soft_fail=False))
    assert verdict(alone) == (Ind.INDETERMINATE, S.TRY_LATER)

    result = validate_pdf(pdf, policy_of(rpki, fetch=True, soft_fail=False))
    assert result.indication is Ind.TOTAL_PASSED
    assert revocation_checks(result) == [CHECKED]
    assert rpki.services.requests != []
