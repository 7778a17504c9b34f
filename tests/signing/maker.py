"""A tiny throw-away PKI and XAdES-BES signer for the validator's own tests.

Deliberately independent of signing/pki.py and signing/seal.py so that the
validator's failure-mode tests do not depend on the code they might share
mistakes with.  Names and identifiers are fake.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.x509.oid import NameOID
from lxml import etree

DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
ENVELOPED = DS + "enveloped-signature"
DIGEST_URIS = {
    "sha1": DS + "sha1",
    "sha256": "http://www.w3.org/2001/04/xmlenc#sha256",
    "sha512": "http://www.w3.org/2001/04/xmlenc#sha512",
}
NOW = datetime.now(UTC)

FORM = b"""<?xml version="1.0" encoding="UTF-8"?>
<wn:Wniosek xmlns:wn="urn:example:wniosek" Id="wniosek">
  <wn:Imie>Jan</wn:Imie>
  <wn:PESEL>44051401458</wn:PESEL>
  <wn:Kwota>17.00</wn:Kwota>
</wn:Wniosek>"""


@dataclass(frozen=True)
class Issued:
    """A key and its certificate."""

    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    cert: x509.Certificate


def make_key(
    kind: str = "rsa", bits: int = 2048
) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    """Make a private key."""
    if kind == "ec":
        return ec.generate_private_key(ec.SECP256R1())

    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def issue(
    common_name: str,
    issuer: Issued | None = None,
    *,
    ca: bool = False,
    key=None,
    usage: str = "nonRepudiation",
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    basic_constraints: bool = True,
) -> Issued:
    """Issue a certificate (self-signed when ``issuer`` is None)."""
    key = key or make_key()
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "PL"),
            x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, "VATPL-0000000000"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    signer_key = issuer.key if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.cert.subject if issuer else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or NOW - timedelta(days=1))
        .not_valid_after(not_after or NOW + timedelta(days=365))
    )
    if basic_constraints:
        builder = builder.add_extension(x509.BasicConstraints(ca, None), critical=True)

    builder = builder.add_extension(_key_usage(ca, usage), critical=True)
    return Issued(key, builder.sign(signer_key, hashes.SHA256()))


def _key_usage(ca: bool, usage: str) -> x509.KeyUsage:
    """Return the key usage extension wanted."""
    flags = dict.fromkeys(
        (
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ),
        False,
    )
    if ca:
        flags["key_cert_sign"] = flags["crl_sign"] = True
    elif usage == "nonRepudiation":
        flags["content_commitment"] = True
    elif usage == "digitalSignature":
        flags["digital_signature"] = True
    else:
        flags["key_encipherment"] = True

    return x509.KeyUsage(**flags)


@dataclass(frozen=True)
class PKI:
    """Root, intermediate and a citizen."""

    root: Issued
    inter: Issued
    citizen: Issued


def make_pki() -> PKI:
    """Make a three-level PKI like the Polish one."""
    root = issue("Fake Root CA", ca=True)
    inter = issue("Fake Qualified CA", root, ca=True)
    citizen = issue("Jan Testowy", inter)
    return PKI(root, inter, citizen)


@dataclass(frozen=True)
class Options:
    """How to sign; the defaults make a valid XAdES-BES."""

    digest: str = "sha256"
    signature_digest: str = "sha256"
    key_info_certs: tuple[x509.Certificate, ...] | None = None
    signing_cert: x509.Certificate | None = None
    issuer_name: str | None = None
    serial: str | None = None
    xades: bool = True
    signing_time: str = "2026-12-04T10:00:00Z"
    extra: dict[str, str] = field(default_factory=dict)
    content_timestamp: bytes | None = None
    """A DER time-stamp token put in AllDataObjectsTimeStamp (signed)."""


def sign_enveloped(form: bytes, signer: Issued, options: Options = Options()) -> bytes:
    """Return ``form`` with an enveloped XAdES-BES (or XMLDSig) signature."""
    root = etree.fromstring(form)
    doc_digest = _digest(
        options.digest, etree.tostring(root, method="c14n", with_comments=False)
    )
    sig = etree.SubElement(root, f"{{{DS}}}Signature", nsmap={"ds": DS}, Id="sig-1")
    signed_info = etree.SubElement(sig, f"{{{DS}}}SignedInfo")
    etree.SubElement(signed_info, f"{{{DS}}}CanonicalizationMethod", Algorithm=C14N)
    etree.SubElement(
        signed_info, f"{{{DS}}}SignatureMethod", Algorithm=_method(signer, options)
    )
    _reference(signed_info, "", options.digest, doc_digest, enveloped=True)
    value = etree.SubElement(sig, f"{{{DS}}}SignatureValue")
    _key_info(sig, options.key_info_certs or (signer.cert,))
    if options.xades:
        props = _qualifying(sig, signer, options)
        props_digest = _digest(options.digest, etree.tostring(props, method="c14n"))
        _reference(signed_info, "#props-1", options.digest, props_digest)

    octets = etree.tostring(signed_info, method="c14n")
    value.text = base64.b64encode(
        _sign(signer, octets, options.signature_digest)
    ).decode()
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _method(signer: Issued, options: Options) -> str:
    """Return the SignatureMethod URI."""
    kind = "ecdsa" if isinstance(signer.key, ec.EllipticCurvePrivateKey) else "rsa"
    if options.signature_digest == "sha1":
        return f"{DS}{kind}-sha1"

    return f"http://www.w3.org/2001/04/xmldsig-more#{kind}-{options.signature_digest}"


def _digest(name: str, data: bytes) -> str:
    """Return the base64 digest."""
    return base64.b64encode(hashlib.new(name, data).digest()).decode()


def _reference(parent, uri, digest, value, enveloped=False) -> None:
    """Append a ds:Reference."""
    ref = etree.SubElement(parent, f"{{{DS}}}Reference", URI=uri)
    if uri.startswith("#props"):
        ref.set("Type", "http://uri.etsi.org/01903#SignedProperties")

    transforms = etree.SubElement(ref, f"{{{DS}}}Transforms")
    if enveloped:
        etree.SubElement(transforms, f"{{{DS}}}Transform", Algorithm=ENVELOPED)

    etree.SubElement(transforms, f"{{{DS}}}Transform", Algorithm=C14N)
    etree.SubElement(ref, f"{{{DS}}}DigestMethod", Algorithm=DIGEST_URIS[digest])
    etree.SubElement(ref, f"{{{DS}}}DigestValue").text = value


def _key_info(sig, certs) -> None:
    """Append KeyInfo with the certificates."""
    data = etree.SubElement(
        etree.SubElement(sig, f"{{{DS}}}KeyInfo"), f"{{{DS}}}X509Data"
    )
    for cert in certs:
        der = cert.public_bytes(serialization.Encoding.DER)
        etree.SubElement(data, f"{{{DS}}}X509Certificate").text = base64.b64encode(
            der
        ).decode()


def _qualifying(sig, signer: Issued, options: Options):
    """Append the QualifyingProperties; return SignedProperties."""
    obj = etree.SubElement(sig, f"{{{DS}}}Object")
    qp = etree.SubElement(
        obj, f"{{{XADES}}}QualifyingProperties", nsmap={"xades": XADES}, Target="#sig-1"
    )
    props = etree.SubElement(qp, f"{{{XADES}}}SignedProperties", Id="props-1")
    ssp = etree.SubElement(props, f"{{{XADES}}}SignedSignatureProperties")
    etree.SubElement(ssp, f"{{{XADES}}}SigningTime").text = options.signing_time
    cert = options.signing_cert or signer.cert
    ref = etree.SubElement(
        etree.SubElement(
            etree.SubElement(ssp, f"{{{XADES}}}SigningCertificate"), f"{{{XADES}}}Cert"
        ),
        f"{{{XADES}}}CertDigest",
    )
    etree.SubElement(ref, f"{{{DS}}}DigestMethod", Algorithm=DIGEST_URIS["sha256"])
    der = cert.public_bytes(serialization.Encoding.DER)
    etree.SubElement(ref, f"{{{DS}}}DigestValue").text = _digest("sha256", der)
    serial_parent = etree.SubElement(ref.getparent(), f"{{{XADES}}}IssuerSerial")
    etree.SubElement(serial_parent, f"{{{DS}}}X509IssuerName").text = (
        options.issuer_name or cert.issuer.rfc4514_string()
    )
    etree.SubElement(serial_parent, f"{{{DS}}}X509SerialNumber").text = (
        options.serial or str(cert.serial_number)
    )
    if options.content_timestamp is not None:
        objects = etree.SubElement(props, f"{{{XADES}}}SignedDataObjectProperties")
        stamp = etree.SubElement(objects, f"{{{XADES}}}AllDataObjectsTimeStamp")
        etree.SubElement(stamp, f"{{{DS}}}CanonicalizationMethod", Algorithm=C14N)
        etree.SubElement(
            stamp, f"{{{XADES}}}EncapsulatedTimeStamp"
        ).text = base64.b64encode(options.content_timestamp).decode()
    return props


def _sign(signer: Issued, data: bytes, digest: str) -> bytes:
    """Sign, giving ECDSA in XMLDSig's r‖s form."""
    chosen = {
        "sha1": hashes.SHA1(),  # noqa: S303 - to test that SHA-1 is refused
        "sha256": hashes.SHA256(),
        "sha512": hashes.SHA512(),
    }[digest]
    if isinstance(signer.key, ec.EllipticCurvePrivateKey):
        r, s = utils.decode_dss_signature(signer.key.sign(data, ec.ECDSA(chosen)))
        size = (signer.key.curve.key_size + 7) // 8
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")

    return signer.key.sign(data, padding.PKCS1v15(), chosen)


__all__ = [
    "FORM",
    "PKI",
    "Issued",
    "Options",
    "issue",
    "make_pki",
    "replace",
    "sign_enveloped",
]
