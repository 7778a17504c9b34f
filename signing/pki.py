"""A throw-away PKI shaped like the Polish qualified-certificate world.

For tests and for the demo instance only: a root CA, an optional "qualified"
intermediate CA, citizens' certificates and an office seal. End-entity
certificates carry what real Polish qualified certificates carry: keyUsage
critical nonRepudiation only, the ETSI EN 319 411-2 policy (QCP-n-qscd for
natural persons, QCP-l-qscd for legal persons) and the QCStatements of
ETSI EN 319 412-5 (QcCompliance, QcSSCD, QcType, semantics identifier).

No certificate names a CRL or OCSP address unless one is passed in, so a
validator never goes to the network for them by accident.
"""

from __future__ import annotations

import fcntl
import logging
import os
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import (
    AuthorityInformationAccessOID,
    ExtendedKeyUsageOID,
    NameOID,
    ObjectIdentifier,
)

logger = logging.getLogger(__name__)

SigningKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
"""The private keys this library signs with."""

QCP_N_QSCD = "0.4.0.194112.1.2"
"""Policy for qualified certificates of natural persons on a QSCD."""
QCP_L_QSCD = "0.4.0.194112.1.3"
"""Policy for qualified certificates of legal persons (seals) on a QSCD."""
QCT_ESIGN = "0.4.0.1862.1.6.1"
QCT_ESEAL = "0.4.0.1862.1.6.2"
SEMANTICS_NATURAL = "0.4.0.194121.1.1"
SEMANTICS_LEGAL = "0.4.0.194121.1.2"

_QC_STATEMENTS = ObjectIdentifier("1.3.6.1.5.5.7.1.3")
_QC_COMPLIANCE = "0.4.0.1862.1.1"
_QC_SSCD = "0.4.0.1862.1.4"
_QC_TYPE = "0.4.0.1862.1.6"
_PKIX_QC_SYNTAX_V2 = "1.3.6.1.5.5.7.11.2"
_ANY_POLICY = "2.5.29.32.0"

_KEY_USAGE_BITS = (
    "digitalSignature",
    "nonRepudiation",
    "keyEncipherment",
    "dataEncipherment",
    "keyAgreement",
    "keyCertSign",
    "cRLSign",
)

DEMO_GIVEN_NAME = "Jan"
DEMO_SURNAME = "Testowy"
DEMO_PESEL = "44051401458"
"""A made-up PESEL with a valid check digit; belongs to nobody."""
DEMO_NIP = "1234563218"
"""A made-up NIP with a valid check digit."""


class PKIError(Exception):
    """A certificate or key store cannot be made or read as asked."""


@dataclass(frozen=True)
class Issued:
    """A private key with its certificate and the issuers above it."""

    key: SigningKey
    """The subject's private key."""
    certificate: x509.Certificate
    """The subject's certificate."""
    chain: tuple[x509.Certificate, ...]
    """Issuing CA certificates, nearest first, up to but excluding the root."""


def make_root(
    common_name: str,
    *,
    key_type: str = "rsa",
    now: datetime | None = None,
    years: int = 20,
    key: SigningKey | None = None,
) -> Issued:
    """Make a self-signed root CA (keyCertSign and cRLSign)."""
    key = key or generate_key(key_type)
    start = (now or _now()) - timedelta(days=1)
    name = _name(
        (NameOID.COUNTRY_NAME, "PL"),
        (NameOID.ORGANIZATION_NAME, "Kancelaria Test PKI"),
        (NameOID.COMMON_NAME, common_name),
    )
    builder = _builder(name, name, key, start, start + timedelta(days=365 * years))
    builder = builder.add_extension(
        x509.BasicConstraints(ca=True, path_length=None), critical=True
    )
    builder = _add_key_usage(builder, "keyCertSign,cRLSign")
    certificate = builder.sign(key, hashes.SHA256())
    return Issued(key=key, certificate=certificate, chain=())


def make_intermediate(
    issuer: Issued,
    common_name: str,
    *,
    key_type: str = "rsa",
    now: datetime | None = None,
    years: int = 10,
    organization_identifier: str | None = "VATPL-9876543210",
    key: SigningKey | None = None,
) -> Issued:
    """Make a "qualified" CA under ``issuer`` (path length 0)."""
    key = key or generate_key(key_type)
    start = (now or _now()) - timedelta(days=1)
    attributes = [
        (NameOID.COUNTRY_NAME, "PL"),
        (NameOID.ORGANIZATION_NAME, "Kancelaria Test PKI"),
    ]
    if organization_identifier:
        attributes.append((NameOID.ORGANIZATION_IDENTIFIER, organization_identifier))
    attributes.append((NameOID.COMMON_NAME, common_name))

    end = _cap(start + timedelta(days=365 * years), issuer)
    builder = _issued_builder(issuer, _name(*attributes), key, start, end)
    builder = builder.add_extension(
        x509.BasicConstraints(ca=True, path_length=0), critical=True
    )
    builder = _add_key_usage(builder, "keyCertSign,cRLSign")
    builder = _add_policy(builder, _ANY_POLICY)
    return _sign(builder, issuer, key)


def make_citizen(
    issuer: Issued,
    *,
    given_name: str,
    surname: str,
    pesel: str,
    key_type: str = "rsa",
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    key_usage: str = "nonRepudiation",
    crl_url: str | None = None,
    ocsp_url: str | None = None,
    key: SigningKey | None = None,
) -> Issued:
    """Make a QES-like certificate of a natural person identified by PESEL.

    ``key_usage`` is a comma-separated list of keyUsage bit names, so tests can
    make certificates that a validator must refuse (e.g. ``keyEncipherment``).
    """
    key = key or generate_key(key_type)
    name = _name(
        (NameOID.COUNTRY_NAME, "PL"),
        (NameOID.SERIAL_NUMBER, f"PNOPL-{pesel}"),
        (NameOID.SURNAME, surname),
        (NameOID.GIVEN_NAME, given_name),
        (NameOID.COMMON_NAME, f"{given_name} {surname}"),
    )
    start, end = _validity(issuer, not_before, not_after)
    builder = _end_entity(issuer, name, key, start, end, key_usage)
    builder = _add_policy(builder, QCP_N_QSCD)
    builder = _add_qc_statements(builder, QCT_ESIGN, SEMANTICS_NATURAL)
    builder = _add_revocation_urls(builder, crl_url, ocsp_url)
    return _sign(builder, issuer, key)


def make_seal(
    issuer: Issued,
    *,
    office_name: str,
    nip: str,
    locality: str | None = None,
    key_type: str = "rsa",
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    crl_url: str | None = None,
    ocsp_url: str | None = None,
    key: SigningKey | None = None,
) -> Issued:
    """Make a QSeal-like certificate of an office identified by NIP."""
    key = key or generate_key(key_type)
    attributes = [(NameOID.COUNTRY_NAME, "PL")]
    if locality:
        attributes.append((NameOID.LOCALITY_NAME, locality))
    attributes += [
        (NameOID.ORGANIZATION_NAME, office_name),
        (NameOID.ORGANIZATION_IDENTIFIER, f"VATPL-{nip}"),
        (NameOID.COMMON_NAME, office_name),
    ]
    start, end = _validity(issuer, not_before, not_after)
    builder = _end_entity(issuer, _name(*attributes), key, start, end, "nonRepudiation")
    builder = _add_policy(builder, QCP_L_QSCD)
    builder = _add_qc_statements(builder, QCT_ESEAL, SEMANTICS_LEGAL)
    builder = _add_revocation_urls(builder, crl_url, ocsp_url)
    return _sign(builder, issuer, key)


def make_tsa(
    issuer: Issued,
    *,
    common_name: str = "Kancelaria Demo TSA",
    key_type: str = "rsa",
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    key_usage: str = "digitalSignature",
    key: SigningKey | None = None,
) -> Issued:
    """Make a time-stamping unit's certificate (RFC 3161 section 2.3).

    It carries keyUsage digitalSignature and the one extended key usage
    id-kp-timeStamping, critical, as RFC 3161 requires. ``key_usage`` lets
    tests make certificates that a verifier must refuse.
    """
    key = key or generate_key(key_type)
    name = _name(
        (NameOID.COUNTRY_NAME, "PL"),
        (NameOID.ORGANIZATION_NAME, "Kancelaria Test PKI"),
        (NameOID.COMMON_NAME, common_name),
    )
    start, end = _validity(issuer, not_before, not_after)
    builder = _end_entity(issuer, name, key, start, end, key_usage)
    builder = builder.add_extension(
        x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
    )
    return _sign(builder, issuer, key)


def make_crl(
    issuer: Issued,
    revoked: Sequence[x509.Certificate] = (),
    *,
    revoked_at: datetime | None = None,
    now: datetime | None = None,
    days: int = 30,
) -> x509.CertificateRevocationList:
    """Make a CRL of ``issuer`` listing ``revoked`` (reason keyCompromise)."""
    this_update = now or _now()
    when = revoked_at or this_update - timedelta(hours=1)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(this_update)
        .next_update(this_update + timedelta(days=days))
    )
    for certificate in revoked:
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(certificate.serial_number)
            .revocation_date(when)
            .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), False)
            .build()
        )
        builder = builder.add_revoked_certificate(entry)

    return builder.sign(issuer.key, hashes.SHA256())


def generate_key(key_type: str = "rsa") -> SigningKey:
    """Generate a key: ``rsa`` (2048), ``rsa3072``, ``rsa4096``, ``ec`` (P-256)
    or ``ec384``."""
    if key_type in ("rsa", "rsa2048", "rsa3072", "rsa4096"):
        bits = int(key_type[3:] or 2048)
        return rsa.generate_private_key(public_exponent=65537, key_size=bits)

    curves: dict[str, ec.EllipticCurve] = {
        "ec": ec.SECP256R1(),
        "ec256": ec.SECP256R1(),
        "ec384": ec.SECP384R1(),
    }
    if key_type not in curves:
        raise PKIError(f"unknown key type {key_type!r}")

    return ec.generate_private_key(curves[key_type])


def write_p12(issued: Issued, path: Path, password: bytes, friendly_name: str) -> None:
    """Write key, certificate and chain as a PKCS#12 file readable only by us.

    Encryption is AES-256-CBC with PBKDF2 and an HMAC-SHA256 MAC, the
    OpenSSL 3 default, which current signing tools read.
    """
    data = pkcs12.serialize_key_and_certificates(
        friendly_name.encode("utf-8"),
        issued.key,
        issued.certificate,
        list(issued.chain) or None,
        serialization.BestAvailableEncryption(password),
    )
    _write_private(path, data)


def load_p12(path: Path, password: bytes | None) -> Issued:
    """Read a PKCS#12 file; self-signed certificates in it are left out of
    the chain, the others are ordered from the signer upwards."""
    try:
        key, certificate, extra = pkcs12.load_key_and_certificates(
            path.read_bytes(), password
        )
    except ValueError as exc:
        raise PKIError(f"cannot read PKCS#12 file {path.name}: {exc}") from exc

    if certificate is None or key is None:
        raise PKIError(f"PKCS#12 file {path.name} has no key with a certificate")
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise PKIError(f"PKCS#12 file {path.name} holds a {type(key).__name__}")

    return Issued(
        key=key, certificate=certificate, chain=order_chain(certificate, extra)
    )


def order_chain(
    leaf: x509.Certificate, candidates: Sequence[x509.Certificate]
) -> tuple[x509.Certificate, ...]:
    """Order the issuers of ``leaf`` found in ``candidates``, nearest first,
    stopping before a self-signed certificate."""
    pool = [c for c in candidates if not _self_signed(c) and c != leaf]
    chain: list[x509.Certificate] = []
    current = leaf
    while True:
        parent = next((c for c in pool if c.subject == current.issuer), None)
        if parent is None or parent in chain:
            return tuple(chain)

        chain.append(parent)
        current = parent


# --- the demo PKI of a fresh instance -----------------------------------


@dataclass(frozen=True)
class DemoPKI:
    """The demo PKI of an instance: a root, a citizen and the office seal.

    For the demo only: the PKCS#12 password sits in a file next to the keys.
    """

    folder: Path
    """Where the files are."""
    root: x509.Certificate
    """The trust anchor to configure."""
    citizen: Issued
    """Jan Testowy, PESEL 44051401458 (made up), issued by the demo CA."""
    seal: Issued
    """The office seal."""
    root_pem: Path
    """The root certificate, PEM."""
    citizen_p12: Path
    """The citizen's key and certificates, PKCS#12."""
    citizen_key_pem: Path
    """The citizen's key, unencrypted PKCS#8 PEM (mode 0600), for tools."""
    citizen_cert_pem: Path
    """The citizen's certificate, PEM."""
    seal_p12: Path
    """The seal's key and certificates, PKCS#12."""
    password: bytes
    """The password of the PKCS#12 files."""
    tsa: Issued
    """The local time-stamping authority's key and certificate."""
    tsa_p12: Path
    """The TSA's key and certificates, PKCS#12."""
    tsa_root: x509.Certificate
    """The root the TSA chains to: ``root``, except in demo folders made
    before the TSA existed, whose CA keys were not kept."""

    @property
    def anchors(self) -> tuple[x509.Certificate, ...]:
        """Every root to trust for the demo: the root and the TSA's root."""
        if self.tsa_root == self.root:
            return (self.root,)

        return (self.root, self.tsa_root)


_DEMO_FILES = {
    "root_pem": "root.pem",
    "intermediate_pem": "intermediate.pem",
    "citizen_p12": "citizen.p12",
    "citizen_key_pem": "citizen-key.pem",
    "citizen_cert_pem": "citizen.pem",
    "seal_p12": "seal.p12",
    "seal_cert_pem": "seal.pem",
    "password": "p12-password.txt",
}

# Added later than the files above; a folder without them gets them.
_DEMO_TSA_FILES = {
    "tsa_p12": "tsa.p12",
    "tsa_cert_pem": "tsa.pem",
}
_DEMO_TSA_ROOT = "tsa-root.pem"

_DEMO_README = """\
Demo PKI of a Kancelaria instance: NOT for production.

root.pem           trust anchor (configure it as the only trusted root)
intermediate.pem   the demo "qualified" CA that issued the two below
citizen.p12        Jan Testowy (made-up PESEL 44051401458), key + chain
citizen-key.pem    the same key, unencrypted PEM, for signing tools
citizen.pem        the citizen's certificate
seal.p12           the office seal, key + chain
seal.pem           the seal's certificate
tsa.p12            the local time-stamping authority, key + chain
tsa.pem            the TSA's certificate (issued by the root)
p12-password.txt   password of the .p12 files (kept here for the demo only)
"""


def ensure_demo_pki(folder: Path, office_name: str) -> DemoPKI:
    """Load the demo PKI from ``folder``, creating it on the first call.

    A folder holding only some of the files is an error: keys are never
    silently replaced.
    """
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _locked(folder / ".lock"):
        paths = {k: folder / v for k, v in _DEMO_FILES.items()}
        tsa_paths = {k: folder / v for k, v in _DEMO_TSA_FILES.items()}
        present = [p.name for p in paths.values() if p.exists()]
        if not present:
            _create_demo_pki({**paths, **tsa_paths}, office_name)
            (folder / "README.txt").write_text(_DEMO_README, encoding="utf-8")
            logger.info("demo PKI created", extra={"folder": str(folder)})
        elif len(present) != len(paths):
            missing = sorted({p.name for p in paths.values()} - set(present))
            raise PKIError(f"demo PKI in {folder} is incomplete: {missing} missing")

        _ensure_demo_tsa(folder, tsa_paths, paths["password"])
        demo = _load_demo_pki(folder, {**paths, **tsa_paths})

    _warn_if_renamed(demo, office_name)
    return demo


def _warn_if_renamed(demo: DemoPKI, office_name: str) -> None:
    names = demo.seal.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if not names or names[0].value != office_name:
        logger.warning(
            "demo seal names another office; delete the demo PKI folder to renew it",
            extra={"folder": str(demo.folder)},
        )


def _create_demo_pki(paths: dict[str, Path], office_name: str) -> None:
    root = make_root("Kancelaria Demo Root CA")
    inter = make_intermediate(root, "Kancelaria Demo Qualified CA")
    citizen = make_citizen(
        inter, given_name=DEMO_GIVEN_NAME, surname=DEMO_SURNAME, pesel=DEMO_PESEL
    )
    seal = make_seal(inter, office_name=office_name, nip=DEMO_NIP)
    tsa = make_tsa(root)
    password = secrets.token_urlsafe(18).encode("ascii")

    _write_private(paths["password"], password + b"\n")
    _write_public(paths["root_pem"], _pem(root.certificate))
    _write_public(paths["intermediate_pem"], _pem(inter.certificate))
    _write_public(paths["citizen_cert_pem"], _pem(citizen.certificate))
    _write_public(paths["seal_cert_pem"], _pem(seal.certificate))
    _write_private(paths["citizen_key_pem"], _key_pem(citizen.key))
    write_p12(citizen, paths["citizen_p12"], password, "citizen")
    write_p12(seal, paths["seal_p12"], password, "seal")
    _write_public(paths["tsa_cert_pem"], _pem(tsa.certificate))
    write_p12(tsa, paths["tsa_p12"], password, "tsa")


def _ensure_demo_tsa(
    folder: Path, tsa_paths: dict[str, Path], password_path: Path
) -> None:
    # A demo folder made before the TSA existed keeps no CA key, so its TSA
    # gets a root of its own (tsa-root.pem), to be trusted beside root.pem.
    present = [p.name for p in tsa_paths.values() if p.exists()]
    if len(present) == len(tsa_paths):
        return

    if present:
        raise PKIError(f"demo PKI in {folder} is incomplete: only {present} of TSA")

    tsa_root = make_root("Kancelaria Demo TSA Root")
    tsa = make_tsa(tsa_root)
    password = password_path.read_bytes().strip()
    _write_public(folder / _DEMO_TSA_ROOT, _pem(tsa_root.certificate))
    _write_public(tsa_paths["tsa_cert_pem"], _pem(tsa.certificate))
    write_p12(tsa, tsa_paths["tsa_p12"], password, "tsa")
    logger.info("demo TSA added under its own root", extra={"folder": str(folder)})


def _load_demo_pki(folder: Path, paths: dict[str, Path]) -> DemoPKI:
    password = paths["password"].read_bytes().strip()
    root = x509.load_pem_x509_certificate(paths["root_pem"].read_bytes())
    tsa_root_path = folder / _DEMO_TSA_ROOT
    tsa_root = root
    if tsa_root_path.exists():
        tsa_root = x509.load_pem_x509_certificate(tsa_root_path.read_bytes())

    return DemoPKI(
        folder=folder,
        root=root,
        citizen=load_p12(paths["citizen_p12"], password),
        seal=load_p12(paths["seal_p12"], password),
        root_pem=paths["root_pem"],
        citizen_p12=paths["citizen_p12"],
        citizen_key_pem=paths["citizen_key_pem"],
        citizen_cert_pem=paths["citizen_cert_pem"],
        seal_p12=paths["seal_p12"],
        password=password,
        tsa=load_p12(paths["tsa_p12"], password),
        tsa_p12=paths["tsa_p12"],
        tsa_root=tsa_root,
    )


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    # Several gunicorn workers may start at once; only one creates the PKI.
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- certificate building blocks ----------------------------------------


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _name(*attributes: tuple[ObjectIdentifier, str]) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in attributes])


def _self_signed(certificate: x509.Certificate) -> bool:
    return certificate.issuer == certificate.subject


def _cap(end: datetime, issuer: Issued) -> datetime:
    # An end entity never outlives its issuer; chain-model validators refuse it.
    return min(end, issuer.certificate.not_valid_after_utc)


def _validity(
    issuer: Issued, not_before: datetime | None, not_after: datetime | None
) -> tuple[datetime, datetime]:
    start = not_before or _now() - timedelta(days=1)
    end = not_after or _cap(start + timedelta(days=3 * 365), issuer)
    return start, end


def _builder(
    subject: x509.Name,
    issuer_name: x509.Name,
    key: SigningKey,
    start: datetime,
    end: datetime,
) -> x509.CertificateBuilder:
    public_key = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False
        )
    )


def _issued_builder(
    issuer: Issued,
    subject: x509.Name,
    key: SigningKey,
    start: datetime,
    end: datetime,
) -> x509.CertificateBuilder:
    builder = _builder(subject, issuer.certificate.subject, key, start, end)
    aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key())
    return builder.add_extension(aki, critical=False)


def _end_entity(
    issuer: Issued,
    subject: x509.Name,
    key: SigningKey,
    start: datetime,
    end: datetime,
    key_usage: str,
) -> x509.CertificateBuilder:
    builder = _issued_builder(issuer, subject, key, start, end)
    builder = builder.add_extension(
        x509.BasicConstraints(ca=False, path_length=None), critical=True
    )
    return _add_key_usage(builder, key_usage)


def _sign(builder: x509.CertificateBuilder, issuer: Issued, key: SigningKey) -> Issued:
    certificate = builder.sign(issuer.key, hashes.SHA256())
    chain = issuer.chain
    if not _self_signed(issuer.certificate):
        chain = (issuer.certificate, *issuer.chain)

    return Issued(key=key, certificate=certificate, chain=chain)


def _add_key_usage(
    builder: x509.CertificateBuilder, names: str
) -> x509.CertificateBuilder:
    wanted = {n.strip() for n in names.split(",") if n.strip()}
    unknown = wanted - set(_KEY_USAGE_BITS)
    if unknown or not wanted:
        raise PKIError(f"unknown keyUsage bits: {sorted(unknown) or names!r}")

    flags = {
        "digital_signature": "digitalSignature" in wanted,
        "content_commitment": "nonRepudiation" in wanted,
        "key_encipherment": "keyEncipherment" in wanted,
        "data_encipherment": "dataEncipherment" in wanted,
        "key_agreement": "keyAgreement" in wanted,
        "key_cert_sign": "keyCertSign" in wanted,
        "crl_sign": "cRLSign" in wanted,
    }
    usage = x509.KeyUsage(**flags, encipher_only=False, decipher_only=False)
    return builder.add_extension(usage, critical=True)


def _add_policy(
    builder: x509.CertificateBuilder, policy: str
) -> x509.CertificateBuilder:
    info = x509.PolicyInformation(ObjectIdentifier(policy), None)
    return builder.add_extension(x509.CertificatePolicies([info]), critical=False)


def _add_qc_statements(
    builder: x509.CertificateBuilder, qc_type: str, semantics: str
) -> x509.CertificateBuilder:
    der = _der_seq(
        _der_seq(_der_oid(_QC_COMPLIANCE)),
        _der_seq(_der_oid(_QC_SSCD)),
        _der_seq(_der_oid(_QC_TYPE), _der_seq(_der_oid(qc_type))),
        _der_seq(_der_oid(_PKIX_QC_SYNTAX_V2), _der_seq(_der_oid(semantics))),
    )
    extension = x509.UnrecognizedExtension(_QC_STATEMENTS, der)
    return builder.add_extension(extension, critical=False)


def _add_revocation_urls(
    builder: x509.CertificateBuilder, crl_url: str | None, ocsp_url: str | None
) -> x509.CertificateBuilder:
    if crl_url:
        point = x509.DistributionPoint(
            [x509.UniformResourceIdentifier(crl_url)], None, None, None
        )
        builder = builder.add_extension(
            x509.CRLDistributionPoints([point]), critical=False
        )
    if ocsp_url:
        access = x509.AccessDescription(
            AuthorityInformationAccessOID.OCSP,
            x509.UniformResourceIdentifier(ocsp_url),
        )
        builder = builder.add_extension(
            x509.AuthorityInformationAccess([access]), critical=False
        )
    return builder


# --- small DER encoder for the QCStatements extension -------------------


def _der_length(size: int) -> bytes:
    if size < 0x80:
        return bytes([size])

    body = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def _der_seq(*parts: bytes) -> bytes:
    body = b"".join(parts)
    return b"\x30" + _der_length(len(body)) + body


def _der_oid(dotted: str) -> bytes:
    arcs = [int(a) for a in dotted.split(".")]
    body = bytearray(_base128(40 * arcs[0] + arcs[1]))
    for arc in arcs[2:]:
        body += _base128(arc)
    return b"\x06" + _der_length(len(body)) + bytes(body)


def _base128(value: int) -> bytes:
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


# --- files ---------------------------------------------------------------


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: SigningKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _write_private(path: Path, data: bytes) -> None:
    _write(path, data, 0o600)


def _write_public(path: Path, data: bytes) -> None:
    _write(path, data, 0o644)


def _write(path: Path, data: bytes, mode: int) -> None:
    # Write beside, then rename: a reader never sees half a key store.
    temp = path.with_name(f".{path.name}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(temp, mode)
    os.replace(temp, path)
