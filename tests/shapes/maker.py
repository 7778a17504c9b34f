"""Test PKIs and signers for every signature shape (fake names and PESELs).

* ``PolishPKI``: a root with three issuing CAs shaped like the Polish ones —
  a qualified CA (QCStatements, QSCD), the e-ID card CA of podpis osobisty
  (no QCStatements) and the trusted-profile platform's seal.
* ``sign_xades``: XAdES-BES with any references — the enveloping document
  (``URI=""``), ds:Objects by Id, detached files by name — and optional
  signature policy and counter-signature.
* ``podpis_zp``: the trusted-profile identity data the platform puts in a
  ds:Object of its signature.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, utils
from cryptography.x509.oid import NameOID
from lxml import etree

from signing import pki
from signing.kinds import PPZP_NS, KindRules
from signing.policy import ValidationPolicy
from signing.trust import TrustStore

DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
ENVELOPED = DS + "enveloped-signature"
SIGNED_PROPS = "http://uri.etsi.org/01903#SignedProperties"

FAKE_PESEL = "44051401458"
FAKE_PESEL_2 = "02070803628"

FORM = b"""<?xml version="1.0" encoding="UTF-8"?>
<wn:Wniosek xmlns:wn="urn:example:wniosek"><wn:Imie>Anna</wn:Imie>\
<wn:Kwota>17.00</wn:Kwota></wn:Wniosek>"""


@dataclass(frozen=True)
class PolishPKI:
    """A root, three issuing CAs and one signer of each Polish kind."""

    root: pki.Issued
    qualified_ca: pki.Issued
    eid_ca: pki.Issued
    platform_ca: pki.Issued
    qualified: pki.Issued
    personal: pki.Issued
    platform: pki.Issued
    plain: pki.Issued

    def policy(self, **kwargs: object) -> ValidationPolicy:
        """Trust the root; name the e-ID CA and the platform seal."""
        rules = KindRules(
            trusted_profile_seals=frozenset({fingerprint(self.platform.certificate)}),
            personal_issuers=frozenset({fingerprint(self.eid_ca.certificate)}),
        )
        return ValidationPolicy(
            TrustStore.from_certificates([self.root.certificate]),
            intermediates=(
                self.qualified_ca.certificate,
                self.eid_ca.certificate,
                self.platform_ca.certificate,
            ),
            kinds=rules,
            **kwargs,  # type: ignore[arg-type]
        )


def fingerprint(cert: x509.Certificate) -> str:
    """Return the SHA-256 hex of a certificate's DER."""
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def make_polish_pki() -> PolishPKI:
    """Make the test PKI (fake names, fake PESEL numbers)."""
    root = pki.make_root("Testowe Centrum Główne")
    qualified_ca = pki.make_intermediate(root, "Testowy Kwalifikowany CA")
    eid_ca = pki.make_intermediate(root, "Testowe Centrum Podpisu Osobistego")
    platform_ca = pki.make_intermediate(root, "Testowy CA Platformy")
    qualified = pki.make_citizen(
        qualified_ca, given_name="Jan", surname="Testowy", pesel=FAKE_PESEL
    )
    platform = pki.make_seal(
        platform_ca, office_name="Testowa Platforma Profilu Zaufanego", nip="1234563218"
    )
    personal = _eid_certificate(eid_ca, "Ewa", "Przykładowa", FAKE_PESEL_2)
    plain = _eid_certificate(qualified_ca, "Piotr", "Zwykły", "00000000000")
    return PolishPKI(
        root, qualified_ca, eid_ca, platform_ca, qualified, personal, platform, plain
    )


def _eid_certificate(
    issuer: pki.Issued, given: str, surname: str, pesel: str
) -> pki.Issued:
    """An e-ID-card-like certificate: PNOPL serial, no QCStatements."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "PL"),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, f"PNOPL-{pesel}"),
            x509.NameAttribute(NameOID.SURNAME, surname),
            x509.NameAttribute(NameOID.GIVEN_NAME, given),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{given} {surname}"),
        ]
    )
    now = datetime.now(UTC)
    usage = x509.KeyUsage(
        digital_signature=False,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
        .add_extension(usage, critical=True)
        .sign(issuer.key, hashes.SHA256())  # type: ignore[arg-type]
    )
    return pki.Issued(key=key, certificate=cert, chain=(issuer.certificate,))


def podpis_zp(given: str, surname: str, pesel: str, object_id: str) -> etree._Element:
    """The platform's ds:Object with the trusted-profile identity data."""
    obj = etree.Element(f"{{{DS}}}Object", nsmap={"ds": DS}, Id=object_id)
    podpis = etree.SubElement(obj, f"{{{PPZP_NS}}}PodpisZP", nsmap={"ppZP": PPZP_NS})
    dane = etree.SubElement(podpis, f"{{{PPZP_NS}}}DaneZP")
    osoba = etree.SubElement(dane, f"{{{PPZP_NS}}}DaneZPOsobyFizycznej")
    etree.SubElement(osoba, f"{{{PPZP_NS}}}Imie").text = given
    etree.SubElement(osoba, f"{{{PPZP_NS}}}Nazwisko").text = surname
    etree.SubElement(osoba, f"{{{PPZP_NS}}}NumerPESEL").text = pesel
    etree.SubElement(dane, f"{{{PPZP_NS}}}IdKontaUzytkownikaEpuap").text = "ewa.test"
    return obj


@dataclass
class Shape:
    """What to sign."""

    enveloped_in: bytes | None = None
    """Sign this document, the ds:Signature placed inside its root."""
    files: dict[str, bytes] = field(default_factory=dict)
    """Detached files, referenced by name (URI = the name)."""
    objects: list[etree._Element] = field(default_factory=list)
    """ds:Objects (with Id) added to the signature and referenced by Id."""
    unreferenced: list[etree._Element] = field(default_factory=list)
    """ds:Objects added but NOT referenced (unsigned)."""
    policy: tuple[str, bytes] | None = None
    """(identifier, policy document) for a SignaturePolicyIdentifier."""
    sig_id: str = "sig-1"
    wrapper: str | None = None
    """Place the signature in a new root of this tag (ASiC XAdESSignatures)."""
    xades_namespace: str = XADES
    """The XAdES namespace written (1.1.1, 1.2.2, 1.3.2 or 1.4.1)."""


def sign_xades(signer: pki.Issued, shape: Shape) -> bytes:
    """Return the signed document (or the bare ds:Signature) as bytes."""
    root = None if shape.enveloped_in is None else etree.fromstring(shape.enveloped_in)
    doc_digest = None if root is None else _digest(etree.tostring(root, method="c14n"))
    if shape.wrapper is not None:
        namespace = shape.wrapper[1:].partition("}")[0]
        root = etree.Element(shape.wrapper, nsmap={"asic": namespace})
    sig = etree.Element(f"{{{DS}}}Signature", nsmap={"ds": DS}, Id=shape.sig_id)
    if root is not None:
        root.append(sig)

    signed_info = etree.SubElement(sig, f"{{{DS}}}SignedInfo")
    etree.SubElement(signed_info, f"{{{DS}}}CanonicalizationMethod", Algorithm=C14N)
    method = (
        ECDSA_SHA256
        if isinstance(signer.key, ec.EllipticCurvePrivateKey)
        else RSA_SHA256
    )
    etree.SubElement(signed_info, f"{{{DS}}}SignatureMethod", Algorithm=method)
    value = etree.SubElement(sig, f"{{{DS}}}SignatureValue")
    _key_info(sig, (signer.certificate, *signer.chain))
    if doc_digest is not None:
        _reference(signed_info, "", doc_digest, (ENVELOPED, C14N))

    for name, data in shape.files.items():
        _reference(signed_info, name, _digest(data), ())

    for obj in [*shape.objects, *shape.unreferenced]:
        sig.append(obj)

    for obj in shape.objects:
        _reference(signed_info, "#" + obj.get("Id", ""), _digest(_c14n(obj)), (C14N,))

    props = _qualifying(sig, signer, shape)
    _reference(
        signed_info,
        "#props-" + shape.sig_id,
        _digest(_c14n(props)),
        (C14N,),
        SIGNED_PROPS,
    )
    value.text = base64.b64encode(_sign(signer, _c14n(signed_info))).decode()
    top = root if root is not None else sig
    return etree.tostring(top.getroottree(), xml_declaration=True, encoding="UTF-8")


def _c14n(element: etree._Element) -> bytes:
    return etree.tostring(element, method="c14n")


def _digest(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def _reference(parent, uri, digest, transforms, ref_type=None) -> None:  # type: ignore[no-untyped-def]
    ref = etree.SubElement(parent, f"{{{DS}}}Reference", URI=uri)
    if ref_type:
        ref.set("Type", ref_type)
    if transforms:
        holder = etree.SubElement(ref, f"{{{DS}}}Transforms")
        for algorithm in transforms:
            etree.SubElement(holder, f"{{{DS}}}Transform", Algorithm=algorithm)
    etree.SubElement(ref, f"{{{DS}}}DigestMethod", Algorithm=SHA256)
    etree.SubElement(ref, f"{{{DS}}}DigestValue").text = digest


def _key_info(sig, certs) -> None:  # type: ignore[no-untyped-def]
    data = etree.SubElement(
        etree.SubElement(sig, f"{{{DS}}}KeyInfo"), f"{{{DS}}}X509Data"
    )
    for cert in certs:
        der = cert.public_bytes(serialization.Encoding.DER)
        etree.SubElement(data, f"{{{DS}}}X509Certificate").text = base64.b64encode(
            der
        ).decode()


def _qualifying(sig, signer: pki.Issued, shape: Shape):  # type: ignore[no-untyped-def]
    xades = shape.xades_namespace
    obj = etree.SubElement(sig, f"{{{DS}}}Object")
    qp = etree.SubElement(
        obj,
        f"{{{xades}}}QualifyingProperties",
        nsmap={"xades": xades},
        Target="#" + shape.sig_id,
    )
    props = etree.SubElement(
        qp, f"{{{xades}}}SignedProperties", Id="props-" + shape.sig_id
    )
    ssp = etree.SubElement(props, f"{{{xades}}}SignedSignatureProperties")
    etree.SubElement(ssp, f"{{{xades}}}SigningTime").text = datetime.now(UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    cert = etree.SubElement(
        etree.SubElement(ssp, f"{{{xades}}}SigningCertificate"), f"{{{xades}}}Cert"
    )
    digest = etree.SubElement(cert, f"{{{xades}}}CertDigest")
    etree.SubElement(digest, f"{{{DS}}}DigestMethod", Algorithm=SHA256)
    der = signer.certificate.public_bytes(serialization.Encoding.DER)
    etree.SubElement(digest, f"{{{DS}}}DigestValue").text = _digest(der)
    if shape.policy is not None:
        identifier, document = shape.policy
        spi = etree.SubElement(ssp, f"{{{xades}}}SignaturePolicyIdentifier")
        spid = etree.SubElement(spi, f"{{{xades}}}SignaturePolicyId")
        etree.SubElement(
            etree.SubElement(spid, f"{{{xades}}}SigPolicyId"), f"{{{xades}}}Identifier"
        ).text = identifier
        hash_ = etree.SubElement(spid, f"{{{xades}}}SigPolicyHash")
        etree.SubElement(hash_, f"{{{DS}}}DigestMethod", Algorithm=SHA256)
        etree.SubElement(hash_, f"{{{DS}}}DigestValue").text = _digest(document)
    return props


def _sign(signer: pki.Issued, data: bytes) -> bytes:
    key = signer.key
    if isinstance(key, ec.EllipticCurvePrivateKey):
        r, s = utils.decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
        size = (key.curve.key_size + 7) // 8
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")
    return key.sign(data, padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr,call-arg]
