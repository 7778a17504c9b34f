"""CAdES revocation against a generated PKI: CRLs embedded in the CMS, from
the operator's folder, OCSP fetched from the loopback responder, and soft
fail on and off (the same steps as PAdES, see test_pades_revocation.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from signing.cades import validate_cms
from signing.result import Indication, SubIndication
from signing.revocation import load_revocation_files
from tests.shapes.cmsmaker import counter_sign, sign_cms, with_revocation_info
from tests.signing.revocationpki import (
    RevocationPKI,
    crl_of,
    make_revocation_pki,
    policy_of,
    revocation_checks,
    serve,
    signature_stamped,
    verdict,
)

Ind, S = Indication, SubIndication
NOW = datetime.now(UTC)
LETTER = b"Wniosek testowy o wydanie zaswiadczenia\n"


@pytest.fixture(autouse=True)
def _fresh(rpki: RevocationPKI) -> Iterator[None]:
    rpki.services.down = False
    rpki.services.requests.clear()
    yield
    rpki.services.revoked.clear()


def _with_crl(p7s: bytes, crl_der: bytes) -> bytes:
    """Put a CRL into SignedData's ``crls`` (outside what is signed)."""
    return with_revocation_info(p7s, crls=(crl_der,))


def test_good_signer_with_an_embedded_crl_is_checked(rpki: RevocationPKI) -> None:
    citizen = rpki.citizen("44051401458")
    p7s = _with_crl(sign_cms(citizen, LETTER), crl_of(rpki.inter, {}))
    result = validate_cms(p7s, policy_of(rpki, soft_fail=False), LETTER)
    assert result.indication is Ind.TOTAL_PASSED
    assert revocation_checks(result) == [
        (True, "revocation status checked: not revoked")
    ]
    assert rpki.services.requests == []


def test_revoked_signer_in_an_embedded_crl_is_revoked_no_poe(
    rpki: RevocationPKI,
) -> None:
    citizen = rpki.citizen("02070803628")
    revoked = {citizen.certificate.serial_number: NOW - timedelta(days=2)}
    p7s = _with_crl(sign_cms(citizen, LETTER), crl_of(rpki.inter, revoked))
    result = validate_cms(p7s, policy_of(rpki), LETTER)
    assert verdict(result) == (Ind.INDETERMINATE, S.REVOKED_NO_POE)


def test_revoked_signer_in_the_operators_crl_folder(
    rpki: RevocationPKI, tmp_path: Path
) -> None:
    citizen = rpki.citizen("90090515836")
    revoked = {citizen.certificate.serial_number: NOW - timedelta(days=2)}
    (tmp_path / "inter.crl").write_bytes(crl_of(rpki.inter, revoked))
    supplied = load_revocation_files(tmp_path)
    p7s = sign_cms(citizen, LETTER)
    result = validate_cms(p7s, policy_of(rpki, supplied=supplied), LETTER)
    assert verdict(result) == (Ind.INDETERMINATE, S.REVOKED_NO_POE)
    clean = validate_cms(p7s, policy_of(rpki), LETTER)
    assert clean.indication is Ind.TOTAL_PASSED


def test_good_signer_in_the_operators_crl_folder(
    rpki: RevocationPKI, tmp_path: Path
) -> None:
    citizen = rpki.citizen("85010112345")
    (tmp_path / "inter.crl").write_bytes(crl_of(rpki.inter, {}))
    supplied = load_revocation_files(tmp_path)
    policy = policy_of(rpki, supplied=supplied, soft_fail=False)
    result = validate_cms(sign_cms(citizen, LETTER), policy, LETTER)
    assert result.indication is Ind.TOTAL_PASSED
    assert revocation_checks(result)[0][0] is True


def test_time_stamp_before_the_revocation_keeps_the_signature(
    rpki: RevocationPKI,
) -> None:
    citizen = rpki.citizen("71032109876")
    revoked = {citizen.certificate.serial_number: NOW - timedelta(days=2)}
    signed = sign_cms(citizen, LETTER)
    before = signature_stamped(signed, rpki, NOW - timedelta(days=10))
    result = validate_cms(
        _with_crl(before, crl_of(rpki.inter, revoked)), policy_of(rpki), LETTER
    )
    assert result.indication is Ind.TOTAL_PASSED
    passed, detail = revocation_checks(result)[0]
    assert passed and "after a time-stamp" in detail

    after = signature_stamped(signed, rpki, NOW - timedelta(days=1))
    late = validate_cms(
        _with_crl(after, crl_of(rpki.inter, revoked)), policy_of(rpki), LETTER
    )
    assert verdict(late) == (Ind.INDETERMINATE, S.REVOKED_NO_POE)


def test_fetched_ocsp_finds_a_revoked_signer(rpki: RevocationPKI) -> None:
    citizen = rpki.citizen("61122334455", crl=False)
    rpki.services.revoked[citizen.certificate.serial_number] = NOW - timedelta(days=2)
    p7s = sign_cms(citizen, LETTER)
    result = validate_cms(p7s, policy_of(rpki, fetch=True), LETTER)
    assert verdict(result) == (Ind.INDETERMINATE, S.REVOKED_NO_POE)
    assert rpki.services.requests


def test_unavailable_revocation_soft_fail_on_passes_noted(rpki: RevocationPKI) -> None:
    citizen = rpki.citizen("53040512345")
    rpki.services.down = True
    p7s = sign_cms(citizen, LETTER)
    result = validate_cms(p7s, policy_of(rpki, fetch=True, soft_fail=True), LETTER)
    assert result.indication is Ind.TOTAL_PASSED
    passed, detail = revocation_checks(result)[0]
    assert not passed and detail.startswith("not checked")


def test_unavailable_revocation_soft_fail_off_is_try_later(rpki: RevocationPKI) -> None:
    citizen = rpki.citizen("53040554321")
    rpki.services.down = True
    p7s = sign_cms(citizen, LETTER)
    result = validate_cms(p7s, policy_of(rpki, fetch=True, soft_fail=False), LETTER)
    assert verdict(result) == (Ind.INDETERMINATE, S.TRY_LATER)
    assert rpki.services.requests


def test_no_data_soft_fail_on_without_fetching_is_noted(rpki: RevocationPKI) -> None:
    citizen = rpki.citizen("80010112399")
    result = validate_cms(sign_cms(citizen, LETTER), policy_of(rpki), LETTER)
    assert result.indication is Ind.TOTAL_PASSED
    assert revocation_checks(result) == [
        (False, "not checked: no revocation data was given")
    ]
    assert rpki.services.requests == []


def test_counter_signer_in_an_embedded_crl_is_checked(rpki: RevocationPKI) -> None:
    signer = rpki.citizen("64021512348")
    counter = rpki.citizen("75111009871")
    revoked = {counter.certificate.serial_number: NOW - timedelta(days=2)}
    signed = counter_sign(sign_cms(signer, LETTER), counter)
    p7s = _with_crl(signed, crl_of(rpki.inter, revoked))
    result = validate_cms(p7s, policy_of(rpki), LETTER)
    main, countered = result.signatures
    assert main.indication is Ind.TOTAL_PASSED
    assert countered.counter_signature_of == "signer-1"
    assert (countered.indication, countered.subindication) == (
        Ind.INDETERMINATE,
        S.REVOKED_NO_POE,
    )

    good = _with_crl(signed, crl_of(rpki.inter, {}))
    clean = validate_cms(good, policy_of(rpki, soft_fail=False), LETTER)
    assert [s.indication for s in clean.signatures] == [Ind.TOTAL_PASSED] * 2
    checks = [c for c in clean.signatures[1].checks if c.name == "revocation"]
    assert [c.passed for c in checks] == [True]


@pytest.mark.parametrize("soft_fail", [True, False])
def test_revoked_signer_is_revoked_no_poe_while_its_ca_status_is_unknown(
    soft_fail: bool,
) -> None:
    # The CA names the root's CRL, which nobody gives: its status is unknown,
    # but the signer's revocation is known, and that takes precedence.
    with serve() as services:
        rpki = make_revocation_pki(services, ca_crl=True)
        citizen = rpki.citizen("52081207391")
        revoked = {citizen.certificate.serial_number: NOW - timedelta(days=2)}
        p7s = _with_crl(sign_cms(citizen, LETTER), crl_of(rpki.inter, revoked))
        result = validate_cms(p7s, policy_of(rpki, soft_fail=soft_fail), LETTER)

    assert verdict(result) == (Ind.INDETERMINATE, S.REVOKED_NO_POE)


def test_revoked_after_its_time_stamp_while_its_ca_status_is_unknown() -> None:
    # Soft fail tolerates the CA's unknown status; a strict policy cannot
    # date the revocation without it, so the time-stamp cures nothing there.
    with serve() as services:
        rpki = make_revocation_pki(services, ca_crl=True)
        citizen = rpki.citizen("63022811154")
        revoked = {citizen.certificate.serial_number: NOW - timedelta(days=2)}
        before = signature_stamped(
            sign_cms(citizen, LETTER), rpki, NOW - timedelta(days=10)
        )
        p7s = _with_crl(before, crl_of(rpki.inter, revoked))
        tolerant = validate_cms(p7s, policy_of(rpki), LETTER)
        strict = validate_cms(p7s, policy_of(rpki, soft_fail=False), LETTER)

    assert tolerant.indication is Ind.TOTAL_PASSED
    passed, detail = revocation_checks(tolerant)[0]
    assert passed and "after a time-stamp" in detail
    assert verdict(strict) == (Ind.INDETERMINATE, S.REVOKED_NO_POE)
