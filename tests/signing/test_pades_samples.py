"""PAdES files of real producers (../shared/clients/samples/pades), per MANIFEST.

Trust: the samples' root as anchor, their intermediate offered for paths.
"""

from __future__ import annotations

import csv
from dataclasses import replace

import pytest

from signing.pades import validate_pdf
from signing.padescheck import NOT_PADES
from signing.result import Indication, SubIndication
from signing.revocation import RevocationData, RevocationPolicy
from tests.signing.conftest import shared_path

PASSED = (Indication.TOTAL_PASSED, None)
EXPECTED = {
    "valid": PASSED,
    "digest-mismatch": (Indication.TOTAL_FAILED, SubIndication.HASH_FAILURE),
    "not-whole-document": (Indication.TOTAL_FAILED, SubIndication.FORMAT_FAILURE),
    "cert-expired": (Indication.INDETERMINATE, SubIndication.OUT_OF_BOUNDS_NO_POE),
    # Our decision (signing/padescheck.py): a CMS labelled ETSI.CAdES.detached
    # without the signing-certificate attribute fails format checking.
    "valid-but-not-PAdES": (Indication.TOTAL_FAILED, SubIndication.FORMAT_FAILURE),
}


def _manifest() -> dict[str, str]:
    path = shared_path("clients", "samples", "MANIFEST.tsv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return {
            r["file"]: r["expected"] for r in rows if r["file"].startswith("pades/")
        }


def _validate(name: str, policy):
    return validate_pdf(shared_path("clients", "samples", name).read_bytes(), policy)


MANIFEST = _manifest()
JUDGED = sorted(n for n, e in MANIFEST.items() if e in EXPECTED)


def test_manifest_lists_the_thirteen_pades_samples():
    assert len(MANIFEST) == 13
    assert set(MANIFEST) - set(JUDGED) == {"pades/itext5-cades-revoked.pdf"}
    assert MANIFEST["pades/itext5-cades-revoked.pdf"] == "cert-revoked"


@pytest.mark.parametrize("name", JUDGED)
def test_sample_gives_manifest_verdict(name, samples_policy):
    result = _validate(name, samples_policy)

    assert (result.indication, result.subindication) == EXPECTED[MANIFEST[name]]


def test_revoked_signer_sample_is_revoked_no_poe_with_the_samples_crl(
    samples_policy,
):
    # B-B, signer revoked (keyCompromise) before signing, no proof of
    # existence: EN 319 102-1's INDETERMINATE / REVOKED_NO_POE.
    policy = replace(samples_policy, revocation=RevocationPolicy(supplied=_crls()))
    result = _validate("pades/itext5-cades-revoked.pdf", policy)

    assert (result.indication, result.subindication) == (
        Indication.INDETERMINATE,
        SubIndication.REVOKED_NO_POE,
    )


def test_good_sample_with_the_samples_crl_has_revocation_checked(samples_policy):
    rules = RevocationPolicy(soft_fail=False, supplied=_crls())
    result = _validate(
        "pades/itext5-cades-citizen.pdf", replace(samples_policy, revocation=rules)
    )

    assert result.indication is Indication.TOTAL_PASSED
    [revocation] = [c for c in result.primary.checks if c.name == "revocation"]
    assert revocation.passed


def test_strict_policy_without_any_revocation_data_is_try_later(samples_policy):
    rules = RevocationPolicy(soft_fail=False)
    result = _validate(
        "pades/itext5-cades-citizen.pdf", replace(samples_policy, revocation=rules)
    )

    assert (result.indication, result.subindication) == (
        Indication.INDETERMINATE,
        SubIndication.TRY_LATER,
    )


def _crls() -> RevocationData:
    pki_dir = shared_path("clients", "samples", "pki")
    names = ("inter.crl.der", "root.crl.der")
    return RevocationData(crls=tuple((pki_dir / n).read_bytes() for n in names))


def test_libreoffice_sample_passes_despite_m_date_quirk(samples_policy):
    sig = _validate("pades/libreoffice-pdfsign-citizen.pdf", samples_policy).primary

    assert sig.indication is Indication.TOTAL_PASSED
    assert sig.signing_time is not None
    assert sig.signing_time.isoformat() == "2026-12-04T15:32:10+00:00"


def test_signpdf_etsi_without_signing_certificate_is_named_not_pades(
    samples_policy,
):
    sig = _validate("pades/signpdf-plain-etsi-nosigcert.pdf", samples_policy).primary

    assert sig.form == NOT_PADES
    failed = [c.name for c in sig.checks if not c.passed]
    assert failed == ["pades-profile"]


def test_doctimestamp_sample_reports_signature_and_time_stamp(samples_policy):
    result = _validate("pades/endesive-citizen-t-doctimestamp.pdf", samples_policy)

    assert [s.form for s in result.signatures] == [
        "CMS (adbe.pkcs7.detached)",
        "PDF-TS",
    ]
    assert all(s.indication is Indication.TOTAL_PASSED for s in result.signatures)


def test_incremental_tamper_sample_names_the_modification(samples_policy):
    sig = _validate(
        "pades/itext5-cades-citizen.tampered-incremental.pdf", samples_policy
    ).primary

    failed = {c.name for c in sig.checks if not c.passed}
    assert failed == {"modifications"}


def test_signer_identity_read_from_certificate(samples_policy):
    sig = _validate("pades/itext5-cades-citizen.pdf", samples_policy).primary

    assert sig.signer is not None
    assert sig.signer.identifier is not None
    assert sig.signer.identifier.startswith("PNOPL-")
