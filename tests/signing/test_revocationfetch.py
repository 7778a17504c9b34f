"""With fetching on, XAdES, CAdES and PAdES ask the loopback responder only when
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
from signing.revocation import RevocationData
from signing.seal import XadesSigner
from signing.validate import validate_xml
from tests.pdftools import letter_pdf
from tests.shapes.cmsmaker import sign_cms, with_ltv_values, with_revocation_info
from tests.signing.ltvmaker import add_lt_values, add_timestamp_validation_data
from tests.signing.maker import FORM
from tests.signing.revocationpki import (
    RevocationPKI,
    crl_of,
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


def _xades(rpki: RevocationPKI, citizen: Issued, where: str, answer: bytes) -> bytes:
    """An enveloped XAdES of FORM with ``answer`` (an OCSP response or a
    CRL, by ``where``) in RevocationValues or TimeStampValidationData;
    ``where`` naming the operator leaves the signature bare."""
    signed = XadesSigner.from_issued(citizen).sign_enveloped(FORM)
    certs = [citizen.certificate, rpki.inter.certificate]
    if where == "ocsp-revocation-values":
        return add_lt_values(signed, certs, ocsps=[answer])
    if where == "crl-revocation-values":
        return add_lt_values(signed, certs, crls=[answer])
    if where == "ocsp-timestamp-validation-data":
        return add_timestamp_validation_data(signed, ocsps=[answer])

    return signed


def _xades_answer(
    rpki: RevocationPKI,
    citizen: Issued,
    where: str,
    *,
    at: datetime | None = None,
    revoked_at: datetime | None = None,
) -> bytes:
    """What the signer's CA says about ``citizen`` ``at`` a time, as the
    OCSP response or the CRL ``where`` calls for (a CRL lasts a day)."""
    cert = citizen.certificate
    if where.startswith("ocsp"):
        return ocsp_about(rpki.inter, cert, revoked_at=revoked_at, at=at)

    revoked = {} if revoked_at is None else {cert.serial_number: revoked_at}
    return crl_of(rpki.inter, revoked, at, days=1)


XADES_WHERE = [
    "ocsp-revocation-values",
    "crl-revocation-values",
    "ocsp-timestamp-validation-data",
    "crl-operator-supplied",
]


def _xades_case(
    rpki: RevocationPKI, pesel: str, where: str, **answer: datetime | None
) -> tuple[bytes, RevocationData]:
    """The signed file and the operator's data (the CRL, when it is theirs)."""
    citizen = rpki.citizen(pesel)
    der = _xades_answer(rpki, citizen, where, **answer)
    supplied = RevocationData(crls=(der,), sources=("operator",))
    if where == "crl-operator-supplied":
        return _xades(rpki, citizen, where, der), supplied

    return _xades(rpki, citizen, where, der), RevocationData()


@pytest.mark.parametrize("where", XADES_WHERE)
def test_xades_fresh_data_at_hand_is_not_fetched_again(
    rpki: RevocationPKI, where: str
) -> None:
    xml, supplied = _xades_case(rpki, "83112208731", where)
    policy = policy_of(rpki, fetch=True, soft_fail=False, supplied=supplied)
    result = validate_xml(xml, policy)
    assert verdict(result) == (Ind.TOTAL_PASSED, None)
    [(passed, detail)] = revocation_checks(result)
    assert passed and "fetched" not in detail
    assert rpki.services.requests == []


@pytest.mark.parametrize("where", XADES_WHERE)
def test_xades_fresh_revocation_is_not_fetched_again(
    rpki: RevocationPKI, where: str
) -> None:
    when = NOW - timedelta(days=2)
    xml, supplied = _xades_case(rpki, "64100512349", where, revoked_at=when)
    # The responder was not told: had it been asked, its "good" would count.
    result = validate_xml(xml, policy_of(rpki, fetch=True, supplied=supplied))
    assert verdict(result) == (Ind.INDETERMINATE, S.REVOKED_NO_POE)
    assert rpki.services.requests == []


@pytest.mark.parametrize("where", XADES_WHERE)
def test_xades_stale_data_at_hand_is_fetched_afresh(
    rpki: RevocationPKI, where: str
) -> None:
    xml, supplied = _xades_case(rpki, "59021707462", where, at=STALE)
    # Alone, the stale data settles nothing ...
    alone = validate_xml(xml, policy_of(rpki, soft_fail=False, supplied=supplied))
    assert verdict(alone) == (Ind.INDETERMINATE, S.TRY_LATER)

    # ... so with fetching on the responder is asked, and its answer counts.
    policy = policy_of(rpki, fetch=True, soft_fail=False, supplied=supplied)
    result = validate_xml(xml, policy)
    assert verdict(result) == (Ind.TOTAL_PASSED, None)
    [(passed, detail)] = revocation_checks(result)
    assert passed and "fetched" in detail
    assert rpki.services.requests != []
