"""Time-stamp tokens in ASiC-S and ASiC-E containers (EN 319 162-1)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from signing import pki
from signing.asic import ASIC_E, ASIC_S, validate_container
from signing.asictimestamp import ASIC_TS
from signing.errors import NotSignedError
from signing.result import Indication, SubIndication
from signing.tsa import LocalTimestamper
from tests.shapes.cmsmaker import make_zip, sign_cms
from tests.shapes.test_asic import NOTE, PDF, _manifest

STAMPED_AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def tsa(polish):
    """A TSA under the trusted test root, with a fixed clock."""
    issued = pki.make_tsa(polish.root, common_name="Testowy Znacznik Czasu")
    return LocalTimestamper(
        issued.key, issued.certificate, issued.chain, clock=lambda: STAMPED_AT
    )


def _token(tsa, data):
    return tsa.timestamp(hashlib.sha256(data).digest())


def _asic_s(polish, tsa, *, stamped=PDF, extra=()):
    return make_zip(
        [
            ("mimetype", ASIC_S.encode()),
            ("pismo.pdf", PDF),
            ("META-INF/signature.p7s", sign_cms(polish.qualified, PDF)),
            ("META-INF/timestamp.tst", _token(tsa, stamped)),
            *extra,
        ]
    )


def _stamp_of(result):
    stamps = [s for s in result.validation.signatures if s.form == ASIC_TS]
    assert len(stamps) == 1
    return stamps[0]


def test_asic_s_timestamp_over_the_data_object_is_a_proof_of_existence(polish, tsa):
    result = validate_container(_asic_s(polish, tsa), polish.policy())
    assert result.validation.indication is Indication.TOTAL_PASSED
    stamp = _stamp_of(result)
    assert stamp.signature_id == "META-INF/timestamp.tst"
    assert stamp.timestamp_time == STAMPED_AT
    assert stamp.signing_time_proof == "timestamp"
    assert stamp.signer is not None and stamp.signer.name == "Testowy Znacznik Czasu"
    assert stamp.covered[0].uri == "pismo.pdf"
    assert {c.name for c in stamp.checks if c.passed} == {
        "message-imprint",
        "timestamp-signature",
        "tsa-certificate-path",
    }
    # Signatures first: the time-stamp never stands for the signer.
    assert result.validation.primary.form.startswith("CAdES")


def test_asic_s_timestamp_over_other_bytes_fails_with_hash_failure(polish, tsa):
    data = _asic_s(polish, tsa, stamped=PDF + b"changed")
    result = validate_container(data, polish.policy())
    stamp = _stamp_of(result)
    assert (stamp.indication, stamp.subindication) == (
        Indication.TOTAL_FAILED,
        SubIndication.HASH_FAILURE,
    )
    assert stamp.timestamp_time is None
    assert result.validation.indication is Indication.TOTAL_FAILED
    assert not next(c for c in stamp.checks if c.name == "message-imprint").passed


def test_asic_s_timestamp_from_an_untrusted_tsa_is_indeterminate(polish):
    stranger_root = pki.make_root("Obce Centrum")
    stranger = LocalTimestamper.from_issued(pki.make_tsa(stranger_root))
    result = validate_container(_asic_s(polish, stranger), polish.policy())
    stamp = _stamp_of(result)
    assert (stamp.indication, stamp.subindication) == (
        Indication.INDETERMINATE,
        SubIndication.NO_CERTIFICATE_CHAIN_FOUND,
    )
    assert stamp.timestamp_time is None


def test_garbage_timestamp_file_is_a_format_failure(polish, tsa):
    data = make_zip(
        [
            ("mimetype", ASIC_S.encode()),
            ("pismo.pdf", PDF),
            ("META-INF/signature.p7s", sign_cms(polish.qualified, PDF)),
            ("META-INF/timestamp.tst", b"\x30\x03\x02\x01\x01"),
        ]
    )
    stamp = _stamp_of(validate_container(data, polish.policy()))
    assert (stamp.indication, stamp.subindication) == (
        Indication.TOTAL_FAILED,
        SubIndication.FORMAT_FAILURE,
    )


def test_container_with_only_a_timestamp_is_not_signed(polish, tsa):
    data = make_zip(
        [
            ("mimetype", ASIC_S.encode()),
            ("pismo.pdf", PDF),
            ("META-INF/timestamp.tst", _token(tsa, PDF)),
        ]
    )
    with pytest.raises(NotSignedError):
        validate_container(data, polish.policy())


def _asic_e(polish, tsa, files, stamped_files, *, on_disk=None):
    manifest = _manifest(files)
    stamp_manifest = _manifest(stamped_files, signature="META-INF/timestamp001.tst")
    return make_zip(
        [
            ("mimetype", ASIC_E.encode()),
            *(on_disk or files).items(),
            ("META-INF/ASiCManifest001.xml", manifest),
            ("META-INF/signature001.p7s", sign_cms(polish.personal, manifest)),
            ("META-INF/ASiCManifest002.xml", stamp_manifest),
            ("META-INF/timestamp001.tst", _token(tsa, stamp_manifest)),
        ]
    )


def test_asic_e_timestamp_over_a_manifest_checks_its_references(polish, tsa):
    files = {"pismo.pdf": PDF, "notatka.txt": NOTE}
    result = validate_container(_asic_e(polish, tsa, files, files), polish.policy())
    assert result.validation.indication is Indication.TOTAL_PASSED
    stamp = _stamp_of(result)
    assert stamp.signature_id == "META-INF/timestamp001.tst"
    assert stamp.timestamp_time == STAMPED_AT
    external = [c.uri for c in stamp.covered]
    assert external == ["META-INF/ASiCManifest002.xml", "pismo.pdf", "notatka.txt"]
    assert result.uncovered == ()


def test_asic_e_member_changed_after_the_timestamp_fails(polish, tsa):
    files = {"pismo.pdf": PDF}
    changed = {"pismo.pdf": PDF + b"!"}
    manifest = _manifest(changed)
    stamp_manifest = _manifest(files, signature="META-INF/timestamp001.tst")
    data = make_zip(
        [
            ("mimetype", ASIC_E.encode()),
            *changed.items(),
            ("META-INF/ASiCManifest001.xml", manifest),
            ("META-INF/signature001.p7s", sign_cms(polish.personal, manifest)),
            ("META-INF/ASiCManifest002.xml", stamp_manifest),
            ("META-INF/timestamp001.tst", _token(tsa, stamp_manifest)),
        ]
    )
    result = validate_container(data, polish.policy())
    signature, stamp = result.validation.signatures
    assert signature.indication is Indication.TOTAL_PASSED
    assert (stamp.indication, stamp.subindication) == (
        Indication.TOTAL_FAILED,
        SubIndication.HASH_FAILURE,
    )


def test_asic_e_timestamp_over_a_changed_manifest_fails(polish, tsa):
    files = {"pismo.pdf": PDF}
    manifest = _manifest(files)
    stamp_manifest = _manifest(files, signature="META-INF/timestamp001.tst")
    data = make_zip(
        [
            ("mimetype", ASIC_E.encode()),
            *files.items(),
            ("META-INF/ASiCManifest001.xml", manifest),
            ("META-INF/signature001.p7s", sign_cms(polish.personal, manifest)),
            ("META-INF/ASiCManifest002.xml", stamp_manifest),
            ("META-INF/timestamp001.tst", _token(tsa, stamp_manifest + b" ")),
        ]
    )
    stamp = _stamp_of(validate_container(data, polish.policy()))
    assert stamp.subindication is SubIndication.HASH_FAILURE


def test_a_timestamp_does_not_make_an_unsigned_file_covered(polish, tsa):
    signed = {"pismo.pdf": PDF}
    both = {"pismo.pdf": PDF, "notatka.txt": NOTE}
    data = _asic_e(polish, tsa, signed, both, on_disk=both)
    result = validate_container(data, polish.policy())
    assert result.uncovered == ("notatka.txt",)


def test_asic_e_timestamp_without_a_manifest_is_a_format_failure(polish, tsa):
    files = {"pismo.pdf": PDF, "notatka.txt": NOTE}
    manifest = _manifest(files)
    data = make_zip(
        [
            ("mimetype", ASIC_E.encode()),
            *files.items(),
            ("META-INF/ASiCManifest001.xml", manifest),
            ("META-INF/signature001.p7s", sign_cms(polish.personal, manifest)),
            ("META-INF/timestamp001.tst", _token(tsa, PDF)),
        ]
    )
    stamp = _stamp_of(validate_container(data, polish.policy()))
    assert (stamp.indication, stamp.subindication) == (
        Indication.TOTAL_FAILED,
        SubIndication.FORMAT_FAILURE,
    )
