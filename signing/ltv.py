"""Long-term validation data inside a XAdES signature (EN 319 132-1, 5.4).

A XAdES B-LT signature carries, in its UnsignedSignatureProperties, the
certificates (``xades:CertificateValues``) and revocation data
(``xades:RevocationValues``: ``EncapsulatedCRLValue`` and
``EncapsulatedOCSPValue``) needed to validate it later; XAdES 1.4.1 adds
``xades141:TimeStampValidationData`` with the same children for the
time-stamps. This module reads the revocation data (the certificates are
read with the other qualifying properties, :mod:`signing.xades`) and names
the level a signature reaches.
"""

from __future__ import annotations

import base64
import binascii

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from lxml import etree

from signing.revocation import RevocationData
from signing.xades import XADES_141, XADES_NAMESPACES

_UNSIGNED = tuple(f"{{{ns}}}UnsignedSignatureProperties" for ns in XADES_NAMESPACES)
_CRLS = tuple(f"{{{ns}}}EncapsulatedCRLValue" for ns in XADES_NAMESPACES)
_OCSPS = tuple(f"{{{ns}}}EncapsulatedOCSPValue" for ns in XADES_NAMESPACES)
_REVOCATION_VALUES = tuple(f"{{{ns}}}RevocationValues" for ns in XADES_NAMESPACES)
_CERTIFICATE_VALUES = tuple(f"{{{ns}}}CertificateValues" for ns in XADES_NAMESPACES)
ARCHIVE_TIMESTAMPS = tuple(f"{{{ns}}}ArchiveTimeStamp" for ns in XADES_NAMESPACES)
"""ArchiveTimeStamp in every XAdES namespace (1.4.1 and the older 1.3.2)."""
VALIDATION_DATA = f"{{{XADES_141}}}TimeStampValidationData"

MAX_VALUES = 64
"""The most CRL or OCSP values read from one signature."""


def unsigned_properties(sig: etree._Element) -> etree._Element | None:
    """Return the signature's own UnsignedSignatureProperties, if any."""
    for obj in sig.iterchildren("{http://www.w3.org/2000/09/xmldsig#}Object"):
        for props in obj.iter(*_UNSIGNED):
            if _owner(props) is sig:
                return props

    return None


def _owner(element: etree._Element) -> etree._Element | None:
    """Return the ds:Signature an element belongs to (the nearest one)."""
    for ancestor in element.iterancestors(
        "{http://www.w3.org/2000/09/xmldsig#}Signature"
    ):
        return ancestor

    return None


def embedded_revocation(sig: etree._Element) -> RevocationData:
    """Return the CRLs and OCSP responses the signature embeds (readable ones)."""
    props = unsigned_properties(sig)
    if props is None:
        return RevocationData()

    crls = [_der(e.text) for e in props.iter(*_CRLS)][:MAX_VALUES]
    ocsps = [_der(e.text) for e in props.iter(*_OCSPS)][:MAX_VALUES]
    data = RevocationData(
        crls=tuple(d for d in crls if d is not None and _is_crl(d)),
        ocsps=tuple(d for d in ocsps if d is not None and _is_ocsp(d)),
    )
    return RevocationData(data.crls, data.ocsps, ("embedded",)) if data else data


def has_long_term_values(sig: etree._Element) -> bool:
    """Tell whether the signature carries CertificateValues and RevocationValues."""
    props = unsigned_properties(sig)
    if props is None:
        return False

    children = {c.tag for c in props}
    return bool(children & set(_CERTIFICATE_VALUES)) and bool(
        children & set(_REVOCATION_VALUES)
    )


def _der(text: str | None) -> bytes | None:
    try:
        return base64.b64decode("".join((text or "").split()), validate=True)
    except (ValueError, binascii.Error):
        return None


def _is_crl(der: bytes) -> bool:
    try:
        asn1_crl.CertificateList.load(der).native  # noqa: B018 - parse fully
    except (ValueError, TypeError, KeyError):
        return False

    return True


def _is_ocsp(der: bytes) -> bool:
    """Tell whether ``der`` is an OCSP response whose answers can be read.

    Not parsed fully: real responders (the Belgian eID's) encode the nonce
    extension as a bare octet string, which asn1crypto's full parse refuses
    although nothing in the answer depends on it."""
    try:
        response = asn1_ocsp.OCSPResponse.load(der)
        basic = response["response_bytes"]["response"].parsed
        answers = basic["tbs_response_data"]["responses"]
        return response["response_status"].native == "successful" and bool(
            [a["cert_status"].name for a in answers]
        )
    except (ValueError, TypeError, KeyError, AttributeError):
        return False
