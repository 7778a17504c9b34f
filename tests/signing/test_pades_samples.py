"""PAdES files of real producers (../shared/clients/samples/pades), per MANIFEST.

Trust: the samples' root as anchor, their intermediate offered for paths.
"""

from __future__ import annotations

import csv

import pytest

from signing.pades import validate_pdf
from signing.padescheck import NOT_PADES
from signing.result import Indication, SubIndication
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


@pytest.mark.parametrize("name", JUDGED)
def test_sample_gives_manifest_verdict(name, samples_policy):
    result = _validate(name, samples_policy)

    assert (result.indication, result.subindication) == EXPECTED[MANIFEST[name]]


@pytest.mark.xfail(
    strict=True, reason="revocation is not checked yet (CRL/OCSP come later)"
)
def test_revoked_signer_sample_fails_revoked_once_revocation_is_checked(
    samples_policy,
):
    result = _validate("pades/itext5-cades-revoked.pdf", samples_policy)

    assert result.indication is not Indication.TOTAL_PASSED


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
