"""Upgrade signatures made by signing.seal.XadesSigner to XAdES B-LT and B-LTA.

The archive time-stamp's imprint is computed here on its own, with lxml's
canonicalisation and the known shape of XadesSigner's signature (an
enveloped reference over the document and one over SignedProperties), so
that the validator's computation (signing/archive.py) is checked against
an independent one rather than against itself.
"""

from __future__ import annotations

import base64
import copy
import hashlib
from collections.abc import Sequence

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from lxml import etree

from signing.tsa import LocalTimestamper

DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
XADES141 = "http://uri.etsi.org/01903/v1.4.1#"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
NS = {"ds": DS, "xades": XADES}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unsigned(sig: etree._Element) -> etree._Element:
    qp = sig.find("ds:Object/xades:QualifyingProperties", NS)
    assert qp is not None
    unsigned = qp.find("xades:UnsignedProperties", NS)
    if unsigned is None:
        unsigned = etree.SubElement(qp, f"{{{XADES}}}UnsignedProperties")

    props = unsigned.find("xades:UnsignedSignatureProperties", NS)
    if props is None:
        props = etree.SubElement(unsigned, f"{{{XADES}}}UnsignedSignatureProperties")

    return props


def add_lt_values(
    signed: bytes,
    certificates: Sequence[x509.Certificate],
    crls: Sequence[bytes] = (),
    ocsps: Sequence[bytes] = (),
) -> bytes:
    """Add CertificateValues and RevocationValues (B-LT)."""
    root = etree.fromstring(signed)
    sig = root.find("ds:Signature", NS)
    assert sig is not None
    props = _unsigned(sig)
    values = etree.SubElement(props, f"{{{XADES}}}CertificateValues")
    for cert in certificates:
        der = cert.public_bytes(serialization.Encoding.DER)
        etree.SubElement(values, f"{{{XADES}}}EncapsulatedX509Certificate").text = _b64(
            der
        )

    _add_revocation_values(props, crls, ocsps)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def add_timestamp_validation_data(
    signed: bytes, crls: Sequence[bytes] = (), ocsps: Sequence[bytes] = ()
) -> bytes:
    """Add a XAdES 1.4.1 TimeStampValidationData holding RevocationValues."""
    root = etree.fromstring(signed)
    sig = root.find("ds:Signature", NS)
    assert sig is not None
    data = etree.SubElement(
        _unsigned(sig),
        f"{{{XADES141}}}TimeStampValidationData",
        nsmap={"xades141": XADES141},
    )
    _add_revocation_values(data, crls, ocsps)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _add_revocation_values(
    parent: etree._Element, crls: Sequence[bytes], ocsps: Sequence[bytes]
) -> None:
    """Append a xades:RevocationValues with the CRLs and OCSP responses."""
    revocation = etree.SubElement(parent, f"{{{XADES}}}RevocationValues")
    for values, kind, blobs in (
        ("CRLValues", "CRL", crls),
        ("OCSPValues", "OCSP", ocsps),
    ):
        if blobs:
            holder = etree.SubElement(revocation, f"{{{XADES}}}{values}")
            for der in blobs:
                value = etree.SubElement(holder, f"{{{XADES}}}Encapsulated{kind}Value")
                value.text = _b64(der)


def _c14n(element: etree._Element) -> bytes:
    return etree.tostring(element, method="c14n", exclusive=True, with_comments=False)


def _remove_keeping_tail(element: etree._Element) -> None:
    parent = element.getparent()
    assert parent is not None
    if element.tail:
        previous = element.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + element.tail
        else:
            previous.tail = (previous.tail or "") + element.tail

    parent.remove(element)


def archive_imprint_input(root: etree._Element, sig: etree._Element) -> bytes:
    """The octets a new 1.4.1 ArchiveTimeStamp of XadesSigner's signature covers."""
    document = copy.deepcopy(root)
    for inner in document.findall("ds:Signature", NS):
        _remove_keeping_tail(inner)

    signed_props = sig.find(".//xades:SignedProperties", NS)
    assert signed_props is not None
    parts = [_c14n(document), _c14n(signed_props)]
    for name in ("SignedInfo", "SignatureValue", "KeyInfo"):
        parts.append(_c14n(sig.find(f"ds:{name}", NS)))  # type: ignore[arg-type]

    parts.extend(_c14n(p) for p in _unsigned(sig))
    return b"".join(parts)


def add_archive_timestamp(signed: bytes, tsa: LocalTimestamper) -> bytes:
    """Add a XAdES 1.4.1 ArchiveTimeStamp (B-LTA) over the signature so far."""
    root = etree.fromstring(signed)
    sig = root.find("ds:Signature", NS)
    assert sig is not None
    digest = hashlib.sha256(archive_imprint_input(root, sig)).digest()
    token = tsa.timestamp(digest, "sha256")
    stamp = etree.SubElement(
        _unsigned(sig), f"{{{XADES141}}}ArchiveTimeStamp", nsmap={"xades141": XADES141}
    )
    etree.SubElement(stamp, f"{{{DS}}}CanonicalizationMethod", Algorithm=EXC_C14N)
    etree.SubElement(stamp, f"{{{XADES}}}EncapsulatedTimeStamp").text = _b64(token)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
