"""ASiC-S and ASiC-E containers with XAdES or CAdES inside, and ZIP safety."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile

import pytest

from signing.asic import ASIC_E, ASIC_NS, ASIC_S, validate_container
from signing.errors import (
    ZIP_BOMB,
    ZIP_DUPLICATE,
    ZIP_MEMBERS,
    ZIP_PATH,
    ContainerError,
    NotSignedError,
    UnsafeContainerError,
)
from signing.result import Indication, SubIndication
from tests.shapes.cmsmaker import make_zip, sign_cms
from tests.shapes.maker import Shape, sign_xades

PDF = b"%PDF-1.4\n% fake letter for the container tests\n%%EOF\n"
NOTE = "Załącznik: notatka testowa\n".encode()
WRAPPER = f"{{{ASIC_NS}}}XAdESSignatures"


def _asic_e_xades(signers, files=None, extra=()):
    files = files or {"pismo.pdf": PDF, "zalaczniki/notatka.txt": NOTE}
    members = [("mimetype", ASIC_E.encode()), *list(files.items())]
    for number, signer in enumerate(signers, start=1):
        xml = sign_xades(
            signer, Shape(files=files, wrapper=WRAPPER, sig_id=f"s{number}")
        )
        members.append((f"META-INF/signatures{number:03}.xml", xml))
    return make_zip(members + list(extra))


def test_asic_e_with_two_xades_signatures_reports_each(polish):
    data = _asic_e_xades([polish.qualified, polish.personal])
    result = validate_container(data, polish.policy())
    assert result.container == "ASiC-E"
    assert result.validation.indication is Indication.TOTAL_PASSED
    assert [s.kind for s in result.validation.signatures] == [
        "qc-unconfirmed",
        "personal",
    ]
    assert result.uncovered == ()
    names = {
        c.uri for c in result.validation.signatures[0].covered if c.kind == "external"
    }
    assert names == {"pismo.pdf", "zalaczniki/notatka.txt"}


def test_asic_e_member_changed_after_signing_fails(polish):
    files = {"pismo.pdf": PDF, "zalaczniki/notatka.txt": NOTE}
    xml = sign_xades(polish.qualified, Shape(files=files, wrapper=WRAPPER))
    data = make_zip(
        [
            ("mimetype", ASIC_E.encode()),
            ("pismo.pdf", PDF + b"x"),
            ("zalaczniki/notatka.txt", NOTE),
            ("META-INF/signatures001.xml", xml),
        ]
    )
    result = validate_container(data, polish.policy()).validation
    assert (result.indication, result.subindication) == (
        Indication.TOTAL_FAILED,
        SubIndication.HASH_FAILURE,
    )


def test_asic_e_with_an_unsigned_extra_file_says_so(polish):
    files = {"pismo.pdf": PDF}
    xml = sign_xades(polish.qualified, Shape(files=files, wrapper=WRAPPER))
    data = make_zip(
        [
            ("mimetype", ASIC_E.encode()),
            ("pismo.pdf", PDF),
            ("dopisek.txt", b"unsigned"),
            ("META-INF/signatures001.xml", xml),
        ]
    )
    result = validate_container(data, polish.policy())
    assert result.validation.indication is Indication.TOTAL_PASSED
    assert result.uncovered == ("dopisek.txt",)


def test_asic_s_with_cades_over_its_one_file(polish):
    data = make_zip(
        [
            ("mimetype", ASIC_S.encode()),
            ("pismo.pdf", PDF),
            ("META-INF/signature.p7s", sign_cms(polish.qualified, PDF)),
        ]
    )
    result = validate_container(data, polish.policy())
    assert result.container == "ASiC-S"
    assert result.validation.indication is Indication.TOTAL_PASSED
    assert result.validation.primary.covered[0].uri == "pismo.pdf"


def _manifest(files, signature="META-INF/signature001.p7s"):
    refs = "".join(
        f'<asic:DataObjectReference URI="{name}">'
        '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>'
        f"<ds:DigestValue>{base64.b64encode(hashlib.sha256(data).digest()).decode()}"
        "</ds:DigestValue></asic:DataObjectReference>"
        for name, data in files.items()
    )
    return (
        f'<asic:ASiCManifest xmlns:asic="{ASIC_NS}" '
        'xmlns:ds="http://www.w3.org/2000/09/xmldsig#">'
        f'<asic:SigReference URI="{signature}" MimeType="application/pkcs7-signature"/>'
        f"{refs}</asic:ASiCManifest>"
    ).encode()


def test_asic_e_with_cades_checks_the_manifest_digests(polish):
    files = {"pismo.pdf": PDF, "notatka.txt": NOTE}
    manifest = _manifest(files)
    members = [
        ("mimetype", ASIC_E.encode()),
        *files.items(),
        ("META-INF/ASiCManifest001.xml", manifest),
        ("META-INF/signature001.p7s", sign_cms(polish.personal, manifest)),
    ]
    result = validate_container(make_zip(members), polish.policy())
    assert result.validation.indication is Indication.TOTAL_PASSED
    assert result.uncovered == ()
    assert result.validation.primary.kind == "personal"


def test_asic_e_cades_manifest_digest_mismatch_fails(polish):
    files = {"pismo.pdf": PDF}
    manifest = _manifest(files)
    members = [
        ("mimetype", ASIC_E.encode()),
        ("pismo.pdf", PDF + b"!"),
        ("META-INF/ASiCManifest001.xml", manifest),
        ("META-INF/signature001.p7s", sign_cms(polish.personal, manifest)),
    ]
    result = validate_container(make_zip(members), polish.policy()).validation
    assert (result.indication, result.subindication) == (
        Indication.TOTAL_FAILED,
        SubIndication.HASH_FAILURE,
    )


def test_container_without_signature_is_not_signed(polish):
    with pytest.raises(NotSignedError):
        validate_container(
            make_zip([("mimetype", ASIC_E.encode()), ("a.txt", b"a")]), polish.policy()
        )


def test_broken_zip_is_bad_container(polish):
    with pytest.raises(ContainerError) as caught:
        validate_container(b"PK\x03\x04 broken", polish.policy())
    assert caught.value.code == "bad-container"


@pytest.mark.parametrize(
    "name", ["../evil.txt", "/etc/passwd", "a/../../b", "C:/x.txt", "a\\b.txt", "a/./b"]
)
def test_unsafe_member_names_are_refused(polish, name):
    data = make_zip([("mimetype", ASIC_E.encode()), (name, b"x")])
    with pytest.raises(UnsafeContainerError) as caught:
        validate_container(data, polish.policy())
    assert caught.value.code == ZIP_PATH


@pytest.mark.parametrize(
    "name", ["a\x00b.txt", "pismo\u202etxt.pdf", "zero\u200bwidth.pdf", "a\x1bb.txt"]
)
def test_member_names_with_nul_or_invisible_controls_are_refused_review_r10(
    polish, name
):
    # zipfile cuts a name at NUL when it writes: put the byte in afterwards.
    placeholder = name.replace("\x00", "#")
    data = make_zip([("mimetype", ASIC_E.encode()), (placeholder, b"x")])
    data = data.replace(placeholder.encode(), name.encode())
    with pytest.raises(UnsafeContainerError) as caught:
        validate_container(data, polish.policy())
    assert caught.value.code == ZIP_PATH


def test_duplicate_member_names_are_refused(polish):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("pismo.pdf", b"one")
        with pytest.warns(UserWarning):
            archive.writestr("pismo.pdf", b"two")
    with pytest.raises(UnsafeContainerError) as caught:
        validate_container(buffer.getvalue(), polish.policy())
    assert caught.value.code == ZIP_DUPLICATE


def test_case_colliding_member_names_are_refused(polish):
    data = make_zip([("Pismo.pdf", b"one"), ("pismo.PDF", b"two")])
    with pytest.raises(UnsafeContainerError) as caught:
        validate_container(data, polish.policy())
    assert caught.value.code == ZIP_DUPLICATE


def test_huge_member_count_is_refused(polish):
    data = make_zip([(f"f{n}.txt", b"") for n in range(1001)])
    with pytest.raises(UnsafeContainerError) as caught:
        validate_container(data, polish.policy())
    assert caught.value.code == ZIP_MEMBERS


def test_zip_bomb_is_refused_without_inflating_it(polish):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.txt", b"\0" * (80 * 1024 * 1024))
    assert len(buffer.getvalue()) < 200 * 1024
    with pytest.raises(UnsafeContainerError) as caught:
        validate_container(buffer.getvalue(), polish.policy())
    assert caught.value.code == ZIP_BOMB


def test_member_lying_about_its_size_is_refused(polish):
    data = bytearray(make_zip([("a.txt", b"x" * 5000)], stored_first=False))
    # Shrink the declared size in the central directory: inflation stops there.
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")
    local = data.find(b"PK\x03\x04")
    data[local + 22 : local + 26] = (10).to_bytes(4, "little")
    with pytest.raises(ContainerError):
        validate_container(bytes(data), polish.policy())


def test_cli_names_the_unsigned_file_of_a_container(polish, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    from cryptography.hazmat.primitives.serialization import Encoding

    files = {"pismo.pdf": PDF}
    xml = sign_xades(polish.qualified, Shape(files=files, wrapper=WRAPPER))
    container = tmp_path / "pismo.asice"
    container.write_bytes(
        make_zip(
            [
                ("mimetype", ASIC_E.encode()),
                ("pismo.pdf", PDF),
                ("dopisek.txt", b"!"),
                ("META-INF/signatures001.xml", xml),
            ]
        )
    )
    anchor = tmp_path / "root.pem"
    anchor.write_bytes(polish.root.certificate.public_bytes(Encoding.PEM))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "signing",
            "validate",
            str(container),
            "--trust",
            str(anchor),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "'dopisek.txt' in the container is not signed" in done.stderr
    assert "kind: qc-unconfirmed" in done.stdout


def test_an_unsigned_file_under_meta_inf_is_listed_as_not_covered(polish):
    """Review F6: META-INF/ may hold other files, but nobody signed them."""
    data = make_zip(
        [
            ("mimetype", ASIC_S.encode()),
            ("pismo.pdf", PDF),
            ("META-INF/signature.p7s", sign_cms(polish.qualified, PDF)),
            ("META-INF/evil.txt", b"niepodpisany dopisek"),
            ("META-INF/sub/other.xml", b"<x/>"),
        ]
    )

    result = validate_container(data, polish.policy())

    assert result.validation.indication is Indication.TOTAL_PASSED
    assert result.uncovered == ("META-INF/evil.txt", "META-INF/sub/other.xml")


def test_the_standards_own_meta_inf_files_are_not_listed(polish):
    files = {"pismo.pdf": PDF}
    xml = sign_xades(polish.qualified, Shape(files=files, wrapper=WRAPPER))
    own = [
        "META-INF/manifest.xml",
        "META-INF/ASiCManifest001.xml",
        "META-INF/ASiCArchiveManifest.xml",
        "META-INF/ASiCEvidenceRecordManifest001.xml",
        "META-INF/evidencerecord.ers",
        "META-INF/evidencerecord001.xml",
    ]
    data = make_zip(
        [
            ("mimetype", ASIC_E.encode()),
            ("pismo.pdf", PDF),
            ("META-INF/signatures001.xml", xml),
            *[(name, b"<m/>") for name in own],
        ]
    )

    result = validate_container(data, polish.policy())

    assert result.uncovered == ()


def test_a_meta_inf_file_a_signature_covers_is_not_listed(polish):
    files = {"pismo.pdf": PDF, "META-INF/notes.txt": NOTE}
    xml = sign_xades(polish.qualified, Shape(files=files, wrapper=WRAPPER))
    data = make_zip(
        [
            ("mimetype", ASIC_E.encode()),
            *files.items(),
            ("META-INF/signatures001.xml", xml),
        ]
    )

    result = validate_container(data, polish.policy())

    assert result.validation.indication is Indication.TOTAL_PASSED
    assert result.uncovered == ()
