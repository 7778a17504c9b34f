"""CAdES validation data kept in a signer's unsigned attributes.

A CAdES-X-L signature (ETSI TS 101 733, clauses 6.3.3 and 6.3.4), and a
CAdES baseline B-LT one (EN 319 122-1, clause 5.5), may carry the data
needed to validate it later as two unsigned attributes:

- ``certificate-values`` (id-aa-ets-certValues, 1.2.840.113549.1.9.16.2.23):
  certificates of the path, which are candidates for path building and
  never trust anchors;
- ``revocation-values`` (id-aa-ets-revocationValues, 1.2.840.113549.1.9.16.2.24):
  CRLs and OCSP answers, the latter as bare ``BasicOCSPResponse`` values,
  wrapped here into full ``OCSPResponse`` structures as pyHanko takes them.

Unsigned attributes are not covered by the signature, so what they hold is
only evidence that pyHanko checks like any other; an attribute that cannot
be read counts as absent.
"""

from __future__ import annotations

import logging
from typing import ClassVar

from asn1crypto import cms, core, crl, ocsp
from asn1crypto import x509 as asn1_x509

from signing.revocation import RevocationData

log = logging.getLogger(__name__)

CERTIFICATE_VALUES = "1.2.840.113549.1.9.16.2.23"
REVOCATION_VALUES = "1.2.840.113549.1.9.16.2.24"


class _CRLs(core.SequenceOf):  # type: ignore[misc]
    _child_spec = crl.CertificateList


class _BasicResponses(core.SequenceOf):  # type: ignore[misc]
    _child_spec = ocsp.BasicOCSPResponse


class RevocationValues(core.Sequence):  # type: ignore[misc]
    """``RevocationValues`` of the CAdES explicitly tagged ASN.1 module."""

    _fields: ClassVar[list[tuple[str, type, dict[str, object]]]] = [
        ("crl_vals", _CRLs, {"explicit": 0, "optional": True}),
        ("ocsp_vals", _BasicResponses, {"explicit": 1, "optional": True}),
        ("other_rev_vals", core.Any, {"explicit": 2, "optional": True}),
    ]


class CertificateValues(core.SequenceOf):  # type: ignore[misc]
    """``CertificateValues``: a sequence of certificates."""

    _child_spec = asn1_x509.Certificate


def revocation_values(info: cms.SignerInfo) -> RevocationData:
    """Return the CRLs and OCSP responses of the signer's revocation-values."""
    crls: list[bytes] = []
    ocsps: list[bytes] = []
    for value in _values(info, REVOCATION_VALUES, RevocationValues):
        crls += [c.dump() for c in value["crl_vals"] or ()]
        ocsps += [_full_response(b) for b in value["ocsp_vals"] or ()]

    data = RevocationData(tuple(crls), tuple(ocsps), ("embedded",))
    return data if data else RevocationData()


def certificate_values(info: cms.SignerInfo) -> list[asn1_x509.Certificate]:
    """Return the certificates of the signer's certificate-values."""
    found: list[asn1_x509.Certificate] = []
    for value in _values(info, CERTIFICATE_VALUES, CertificateValues):
        found += list(value)

    return found


def _values(
    info: cms.SignerInfo, oid: str, spec: type[core.Asn1Value]
) -> list[core.Asn1Value]:
    """The values of the unsigned attributes of type ``oid``, fully parsed."""
    attrs = info["unsigned_attrs"]
    if not isinstance(attrs, cms.CMSAttributes):
        return []

    found = []
    for attr in attrs:
        if attr["type"].dotted != oid:
            continue

        for raw in attr["values"]:
            try:
                value = spec.load(raw.dump())
                value.native  # noqa: B018  (parse it all now, not in pyHanko)
            except (ValueError, TypeError) as exc:
                log.info("unreadable %s attribute: %s", oid, type(exc).__name__)
                continue

            found.append(value)

    return found


def _full_response(basic: ocsp.BasicOCSPResponse) -> bytes:
    """Wrap a BasicOCSPResponse into a successful OCSPResponse (RFC 6960)."""
    response = ocsp.OCSPResponse(
        {
            "response_status": "successful",
            "response_bytes": {
                "response_type": "basic_ocsp_response",
                "response": basic,
            },
        }
    )
    return bytes(response.dump())
