"""Tests of the demo/test PKI: certificate shapes, PKCS#12, the demo folder."""

from __future__ import annotations

import asyncio
import logging
import shutil
import stat
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import core
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtensionOID, NameOID
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import InvalidCertificateError

from signing import pki

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def root() -> pki.Issued:
    return pki.make_root("Test Root CA", now=NOW - timedelta(days=30))


@pytest.fixture(scope="session")
def inter(root: pki.Issued) -> pki.Issued:
    return pki.make_intermediate(
        root, "Test Qualified CA", now=NOW - timedelta(days=30)
    )


@pytest.fixture(scope="session")
def citizen(inter: pki.Issued) -> pki.Issued:
    return pki.make_citizen(
        inter,
        given_name="Jan",
        surname="Testowy",
        pesel="44051401458",
        not_before=NOW - timedelta(days=1),
    )


@pytest.fixture(scope="session")
def citizen_ec(inter: pki.Issued) -> pki.Issued:
    return pki.make_citizen(
        inter,
        given_name="Anna",
        surname="Próbna",
        pesel="44051401458",
        key_type="ec",
        not_before=NOW - timedelta(days=1),
    )


@pytest.fixture(scope="session")
def seal(inter: pki.Issued) -> pki.Issued:
    return pki.make_seal(
        inter,
        office_name="Urząd Miasta Testowo",
        nip="1234563218",
        not_before=NOW - timedelta(days=1),
    )


def _attr(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> str:
    values = cert.subject.get_attributes_for_oid(oid)
    assert len(values) == 1
    return str(values[0].value)


QC_STATEMENTS = "1.3.6.1.5.5.7.1.3"
QC_TYPE = "0.4.0.1862.1.6"
QC_SEMANTICS = "1.3.6.1.5.5.7.11.2"


class _QcStatement(core.Sequence):
    _fields = [  # noqa: RUF012
        ("id", core.ObjectIdentifier),
        ("info", core.Any, {"optional": True}),
    ]


class _QcStatements(core.SequenceOf):
    _child_spec = _QcStatement


class _QcTypes(core.SequenceOf):
    _child_spec = core.ObjectIdentifier


class _Semantics(core.Sequence):
    _fields = [  # noqa: RUF012
        ("id", core.ObjectIdentifier, {"optional": True}),
        ("authorities", core.Any, {"optional": True}),
    ]


def _qc_statements(cert: x509.Certificate) -> dict[str, list[str]]:
    # Our own ASN.1 specs: pyHanko registers its own parsers for QCStatements
    # process-wide on import, so the test must not depend on asn1crypto's registry.
    ext = cert.extensions.get_extension_for_oid(x509.ObjectIdentifier(QC_STATEMENTS))
    assert ext.critical is False
    found: dict[str, list[str]] = {}
    for statement in _QcStatements.load(ext.value.public_bytes()):
        oid = statement["id"].dotted
        info = statement["info"]
        if oid == QC_TYPE:
            found[oid] = [t.dotted for t in _QcTypes.load(info.dump())]
        elif oid == QC_SEMANTICS:
            found[oid] = [_Semantics.load(info.dump())["id"].dotted]
        else:
            found[oid] = []
    return found


def _validate(
    cert: pki.Issued, root: pki.Issued, usage: set[str]
) -> CertificateValidator:
    def load(c: x509.Certificate) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))

    context = ValidationContext(
        trust_roots=[load(root.certificate)],
        moment=NOW,
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    validator = CertificateValidator(
        load(cert.certificate),
        intermediate_certs=[load(c) for c in cert.chain],
        validation_context=context,
    )
    asyncio.run(validator.async_validate_usage(usage))  # type: ignore[no-untyped-call]
    return validator


def test_root_is_self_signed_ca_for_certificates_and_crls(root: pki.Issued) -> None:
    cert = root.certificate
    cert.verify_directly_issued_by(cert)
    assert root.chain == ()
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.key_cert_sign and usage.value.crl_sign
    assert not usage.value.digital_signature


def test_intermediate_is_issued_by_root_with_path_length_zero(
    root: pki.Issued, inter: pki.Issued
) -> None:
    inter.certificate.verify_directly_issued_by(root.certificate)
    constraints = inter.certificate.extensions.get_extension_for_class(
        x509.BasicConstraints
    ).value
    assert constraints.ca and constraints.path_length == 0
    assert inter.chain == ()
    assert _attr(inter.certificate, NameOID.ORGANIZATION_IDENTIFIER).startswith(
        "VATPL-"
    )


def test_citizen_subject_is_shaped_like_polish_qualified_certificate(
    citizen: pki.Issued,
) -> None:
    cert = citizen.certificate
    assert _attr(cert, NameOID.COUNTRY_NAME) == "PL"
    assert _attr(cert, NameOID.SERIAL_NUMBER) == "PNOPL-44051401458"
    assert _attr(cert, NameOID.SURNAME) == "Testowy"
    assert _attr(cert, NameOID.GIVEN_NAME) == "Jan"
    assert _attr(cert, NameOID.COMMON_NAME) == "Jan Testowy"


def test_citizen_key_usage_is_critical_non_repudiation_only(
    citizen: pki.Issued,
) -> None:
    ext = citizen.certificate.extensions.get_extension_for_class(x509.KeyUsage)
    assert ext.critical
    usage = ext.value
    assert usage.content_commitment
    assert not any(
        (
            usage.digital_signature,
            usage.key_encipherment,
            usage.data_encipherment,
            usage.key_agreement,
            usage.key_cert_sign,
            usage.crl_sign,
        )
    )


def test_citizen_has_qcp_n_qscd_policy_and_esign_qc_statements(
    citizen: pki.Issued,
) -> None:
    policies = citizen.certificate.extensions.get_extension_for_class(
        x509.CertificatePolicies
    ).value
    assert [p.policy_identifier.dotted_string for p in policies] == ["0.4.0.194112.1.2"]
    assert _qc_statements(citizen.certificate) == {
        "0.4.0.1862.1.1": [],
        "0.4.0.1862.1.4": [],
        "0.4.0.1862.1.6": ["0.4.0.1862.1.6.1"],
        "1.3.6.1.5.5.7.11.2": ["0.4.0.194121.1.1"],
    }


def test_citizen_chain_holds_intermediate_and_verifies(
    citizen: pki.Issued, inter: pki.Issued
) -> None:
    assert citizen.chain == (inter.certificate,)
    citizen.certificate.verify_directly_issued_by(inter.certificate)
    assert isinstance(citizen.key, rsa.RSAPrivateKey)
    assert citizen.key.key_size == 2048


def test_citizen_certificate_has_no_network_addresses_by_default(
    citizen: pki.Issued,
) -> None:
    oids = {e.oid for e in citizen.certificate.extensions}
    assert ExtensionOID.CRL_DISTRIBUTION_POINTS not in oids
    assert ExtensionOID.AUTHORITY_INFORMATION_ACCESS not in oids


def test_citizen_revocation_urls_are_written_when_given(inter: pki.Issued) -> None:
    issued = pki.make_citizen(
        inter,
        given_name="Jan",
        surname="Testowy",
        pesel="44051401458",
        crl_url="http://127.0.0.1:9780/inter.crl",
        ocsp_url="http://127.0.0.1:9780/ocsp",
        key=inter.key,
    )
    exts = issued.certificate.extensions
    crl = exts.get_extension_for_class(x509.CRLDistributionPoints).value
    aia = exts.get_extension_for_class(x509.AuthorityInformationAccess).value
    assert crl[0].full_name is not None
    assert crl[0].full_name[0].value == "http://127.0.0.1:9780/inter.crl"
    assert aia[0].access_location.value == "http://127.0.0.1:9780/ocsp"


def test_citizen_chain_validates_for_non_repudiation_in_pyhanko_certvalidator(
    citizen: pki.Issued, root: pki.Issued
) -> None:
    validator = _validate(citizen, root, {"non_repudiation"})
    assert validator is not None


def test_citizen_is_refused_for_digital_signature_in_pyhanko_certvalidator(
    citizen: pki.Issued, root: pki.Issued
) -> None:
    with pytest.raises(InvalidCertificateError):
        _validate(citizen, root, {"digital_signature"})


def test_ec_citizen_has_p256_key(citizen_ec: pki.Issued, root: pki.Issued) -> None:
    assert isinstance(citizen_ec.key, ec.EllipticCurvePrivateKey)
    assert citizen_ec.key.curve.name == "secp256r1"
    _validate(citizen_ec, root, {"non_repudiation"})


def test_key_usage_can_be_chosen_for_negative_tests(inter: pki.Issued) -> None:
    issued = pki.make_citizen(
        inter,
        given_name="Jan",
        surname="Testowy",
        pesel="44051401458",
        key_usage="keyEncipherment",
        key=inter.key,
    )
    usage = issued.certificate.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.value.key_encipherment
    assert not usage.value.content_commitment


def test_unknown_key_usage_name_is_refused(inter: pki.Issued) -> None:
    with pytest.raises(pki.PKIError, match="keyUsage"):
        pki.make_citizen(
            inter,
            given_name="Jan",
            surname="Testowy",
            pesel="44051401458",
            key_usage="signEverything",
            key=inter.key,
        )


def test_unknown_key_type_is_refused() -> None:
    with pytest.raises(pki.PKIError, match="key type"):
        pki.generate_key("dsa")


def test_expired_citizen_keeps_requested_validity(inter: pki.Issued) -> None:
    start = datetime(2020, 1, 1, tzinfo=UTC)
    end = datetime(2021, 1, 1, tzinfo=UTC)
    issued = pki.make_citizen(
        inter,
        given_name="Anna",
        surname="Przeterminowana",
        pesel="44051401458",
        not_before=start,
        not_after=end,
        key=inter.key,
    )
    assert issued.certificate.not_valid_before_utc == start
    assert issued.certificate.not_valid_after_utc == end


def test_seal_subject_and_qc_type_eseal(seal: pki.Issued) -> None:
    cert = seal.certificate
    assert _attr(cert, NameOID.COMMON_NAME) == "Urząd Miasta Testowo"
    assert _attr(cert, NameOID.ORGANIZATION_NAME) == "Urząd Miasta Testowo"
    assert _attr(cert, NameOID.ORGANIZATION_IDENTIFIER) == "VATPL-1234563218"
    assert _attr(cert, NameOID.COUNTRY_NAME) == "PL"
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.content_commitment
    assert not usage.value.digital_signature
    assert _qc_statements(cert)["0.4.0.1862.1.6"] == ["0.4.0.1862.1.6.2"]


def test_crl_lists_revoked_citizen_and_is_signed_by_issuer(
    inter: pki.Issued, citizen: pki.Issued
) -> None:
    crl = pki.make_crl(inter, [citizen.certificate], now=NOW)
    assert crl.is_signature_valid(inter.key.public_key())
    entry = crl.get_revoked_certificate_by_serial_number(
        citizen.certificate.serial_number
    )
    assert entry is not None
    assert entry.revocation_date_utc < NOW


def test_p12_round_trip_keeps_key_certificate_and_chain(
    citizen: pki.Issued, tmp_path: Path
) -> None:
    path = tmp_path / "citizen.p12"
    pki.write_p12(citizen, path, b"secret", "citizen")
    loaded = pki.load_p12(path, b"secret")
    assert loaded.certificate == citizen.certificate
    assert loaded.chain == citizen.chain
    assert loaded.key.private_numbers() == citizen.key.private_numbers()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_p12_with_wrong_password_is_refused(
    citizen: pki.Issued, tmp_path: Path
) -> None:
    path = tmp_path / "citizen.p12"
    pki.write_p12(citizen, path, b"secret", "citizen")
    with pytest.raises(pki.PKIError, match="cannot read"):
        pki.load_p12(path, b"wrong")


def test_p12_is_readable_by_openssl_cli(citizen: pki.Issued, tmp_path: Path) -> None:
    openssl = shutil.which("openssl")
    assert openssl, "the openssl command line tool is needed (apt-get install openssl)"
    path = tmp_path / "citizen.p12"
    pki.write_p12(citizen, path, b"secret", "citizen")
    out = subprocess.run(
        [openssl, "pkcs12", "-in", str(path), "-nokeys", "-passin", "pass:secret"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert out.count("BEGIN CERTIFICATE") == 2
    assert "friendlyName: citizen" in out


def test_order_chain_orders_unordered_issuers_and_drops_root(
    root: pki.Issued, inter: pki.Issued
) -> None:
    sub = pki.make_intermediate(inter, "Sub CA", key=inter.key, now=NOW)
    leaf = pki.make_seal(sub, office_name="Urząd", nip="1234563218", key=inter.key)
    assert leaf.chain == (sub.certificate, inter.certificate)
    shuffled = [root.certificate, inter.certificate, sub.certificate]
    assert pki.order_chain(leaf.certificate, shuffled) == leaf.chain


def test_demo_pki_is_created_once_then_loaded(tmp_path: Path) -> None:
    folder = tmp_path / "demo-pki"
    first = pki.ensure_demo_pki(folder, "Urząd Miasta Testowo")
    second = pki.ensure_demo_pki(folder, "Urząd Miasta Testowo")

    assert second.citizen.certificate == first.citizen.certificate
    assert second.seal.certificate == first.seal.certificate
    assert second.password == first.password
    assert _attr(first.citizen.certificate, NameOID.COMMON_NAME) == "Jan Testowy"
    assert _attr(first.seal.certificate, NameOID.COMMON_NAME) == "Urząd Miasta Testowo"
    assert first.citizen.chain[0].issuer == first.root.subject
    first.citizen.chain[0].verify_directly_issued_by(first.root)


def test_demo_pki_key_files_are_private(tmp_path: Path) -> None:
    demo = pki.ensure_demo_pki(tmp_path / "demo-pki", "Urząd Miasta Testowo")
    for path in (demo.citizen_p12, demo.citizen_key_pem, demo.seal_p12):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    password_file = demo.folder / "p12-password.txt"
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(demo.folder.stat().st_mode) == 0o700


def test_demo_pki_files_match_loaded_objects(tmp_path: Path) -> None:
    demo = pki.ensure_demo_pki(tmp_path / "demo-pki", "Urząd Miasta Testowo")
    key = serialization.load_pem_private_key(demo.citizen_key_pem.read_bytes(), None)
    cert = x509.load_pem_x509_certificate(demo.citizen_cert_pem.read_bytes())
    root = x509.load_pem_x509_certificate(demo.root_pem.read_bytes())
    assert cert == demo.citizen.certificate
    assert root == demo.root
    assert key.public_key() == demo.citizen.certificate.public_key()
    assert pki.load_p12(demo.seal_p12, demo.password).certificate == (
        demo.seal.certificate
    )


def test_incomplete_demo_pki_is_an_error_not_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "demo-pki"
    demo = pki.ensure_demo_pki(folder, "Urząd Miasta Testowo")
    before = demo.seal_p12.read_bytes()
    demo.citizen_p12.unlink()

    with pytest.raises(pki.PKIError, match="incomplete"):
        pki.ensure_demo_pki(folder, "Urząd Miasta Testowo")
    assert demo.seal_p12.read_bytes() == before


def test_demo_pki_loaded_for_renamed_office_warns_and_keeps_seal(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "demo-pki"
    first = pki.ensure_demo_pki(folder, "Urząd Miasta Testowo")
    with caplog.at_level(logging.WARNING, logger="signing.pki"):
        again = pki.ensure_demo_pki(folder, "Urząd Gminy Inne")

    assert again.seal.certificate == first.seal.certificate
    assert "another office" in caplog.text
