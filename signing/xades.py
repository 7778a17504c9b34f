"""XAdES qualifying properties (ETSI EN 319 132-1; XAdES 1.1.1 to 1.4.1).

Reads the QualifyingProperties of a signature — the one in a ds:Object of that
signature whose Target names it — its SignedProperties, SigningTime,
SigningCertificate (v1: CertDigest + IssuerSerial) or SigningCertificateV2,
the certificates in CertificateValues and the counter-signatures.  The
signing certificate is matched BY DIGEST of its DER; an IssuerSerial, when
present, is compared as a parsed name and an integer serial.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from asn1crypto import tsp as asn1_tsp
from lxml import etree

from signing import algorithms as alg
from signing.certs import CertCache, CertFacts

log = logging.getLogger(__name__)

XADES_111 = "http://uri.etsi.org/01903/v1.1.1#"
XADES_122 = "http://uri.etsi.org/01903/v1.2.2#"
XADES_132 = "http://uri.etsi.org/01903/v1.3.2#"
XADES_141 = "http://uri.etsi.org/01903/v1.4.1#"
XADES_NAMESPACES = (XADES_132, XADES_141, XADES_122, XADES_111)

DS = alg.DSIG

_TAGS = {
    name: tuple(f"{{{ns}}}{name}" for ns in XADES_NAMESPACES)
    for name in (
        "QualifyingProperties",
        "SigningTime",
        "SigningCertificate",
        "SigningCertificateV2",
        "SignaturePolicyIdentifier",
        "EncapsulatedX509Certificate",
        "CounterSignature",
    )
}
"""An element name in every XAdES namespace, for ``iter``/``iterchildren``."""


class XadesFormatError(Exception):
    """Qualifying properties whose structure does not allow validation."""


@dataclass(frozen=True)
class CertRef:
    """One xades:Cert of SigningCertificate(V2)."""

    digest_name: str | None
    """The hashlib name of CertDigest's method; ``None`` if unreadable."""
    digest: bytes | None
    issuer_name: str | None = None
    serial_text: str | None = None
    issuer_serial_v2: bytes | None = None


@dataclass(frozen=True)
class Qualifying:
    """What the QualifyingProperties of one signature say."""

    namespace: str
    signed_properties: etree._Element | None
    target_detail: str
    signing_time_text: str | None
    cert_refs: tuple[CertRef, ...] | None
    """``None`` when there is no SigningCertificate(V2) at all."""
    has_policy: bool
    extra_certificates: tuple[CertFacts, ...]


def read_qualifying(sig: etree._Element, certs: CertCache) -> Qualifying | None:
    """Return the signature's qualifying properties, or ``None`` (XMLDSig)."""
    found = [
        qp
        for obj in sig.iterchildren(f"{{{DS}}}Object")
        for qp in obj.iterchildren(*_TAGS["QualifyingProperties"])
    ]
    if not found:
        return None

    if len(found) > 1:
        raise XadesFormatError("more than one QualifyingProperties")

    qp = found[0]
    ns = _namespace(qp.tag) or XADES_132
    detail = _check_target(qp, sig)
    signed = _single(qp, ns, "SignedProperties")
    return Qualifying(
        namespace=ns,
        signed_properties=signed,
        target_detail=detail,
        signing_time_text=_signing_time_text(signed),
        cert_refs=_cert_refs(signed),
        has_policy=_has(signed, "SignaturePolicyIdentifier"),
        extra_certificates=_certificate_values(qp, certs),
    )


def _check_target(qp: etree._Element, sig: etree._Element) -> str:
    """Check that Target names this signature; return a detail sentence."""
    target = (qp.get("Target") or "").strip()
    sig_id = sig.get("Id")
    if not sig_id:
        raise XadesFormatError("ds:Signature without Id cannot be a Target")

    if target == f"#{sig_id}":
        return "QualifyingProperties target this signature"

    if target == sig_id:
        return "QualifyingProperties target this signature (Target lacks '#')"

    raise XadesFormatError("QualifyingProperties Target is another signature")


def _single(parent: etree._Element, ns: str, name: str) -> etree._Element | None:
    """Return the only child of that name, ``None`` if absent."""
    found = list(parent.iterchildren(f"{{{ns}}}{name}"))
    if len(found) > 1:
        raise XadesFormatError(f"more than one {name}")

    return found[0] if found else None


def _descendants(element: etree._Element | None, name: str) -> list[etree._Element]:
    """Return descendants with that local name in any XAdES namespace."""
    if element is None:
        return []

    return list(element.iter(*_TAGS[name]))


def _has(element: etree._Element | None, name: str) -> bool:
    """Tell whether a XAdES element of that name occurs inside."""
    return bool(_descendants(element, name))


def _signing_time_text(signed: etree._Element | None) -> str | None:
    """Return the SigningTime text, if present."""
    times = _descendants(signed, "SigningTime")
    if len(times) > 1:
        raise XadesFormatError("more than one SigningTime")

    return (times[0].text or "").strip() if times else None


def _cert_refs(signed: etree._Element | None) -> tuple[CertRef, ...] | None:
    """Read SigningCertificate or SigningCertificateV2."""
    holders = _descendants(signed, "SigningCertificate")
    holders += _descendants(signed, "SigningCertificateV2")
    if not holders:
        return None

    if len(holders) > 1:
        raise XadesFormatError("more than one SigningCertificate")

    certs = [c for c in holders[0] if _localname(c.tag) == "Cert"]
    return tuple(_cert_ref(c) for c in certs)


def _cert_ref(cert: etree._Element) -> CertRef:
    """Read one xades:Cert (XAdES 1.1.1 puts DigestMethod in its own ns)."""
    method = _local(cert, "CertDigest", "DigestMethod")
    value = _local(cert, "CertDigest", "DigestValue")
    name = None if method is None else alg.DIGESTS.get(method.get("Algorithm", ""))
    issuer = _local(cert, "IssuerSerial", "X509IssuerName")
    serial = _local(cert, "IssuerSerial", "X509SerialNumber")
    v2 = [c for c in cert if _localname(c.tag) == "IssuerSerialV2"]
    return CertRef(
        digest_name=name,
        digest=_b64(value.text if value is not None else None),
        issuer_name=None if issuer is None else (issuer.text or ""),
        serial_text=None if serial is None else (serial.text or "").strip(),
        issuer_serial_v2=_b64(v2[0].text) if v2 else None,
    )


def _local(cert: etree._Element, outer: str, inner: str) -> etree._Element | None:
    """Return the grandchild ``outer/inner`` by local names, if present."""
    for child in cert:
        if _localname(child.tag) == outer:
            for grandchild in child:
                if _localname(grandchild.tag) == inner:
                    return grandchild

    return None


def _localname(tag: object) -> str | None:
    """Return the local name of an element tag (``None`` for non-elements)."""
    if not isinstance(tag, str):
        return None

    return tag.rpartition("}")[2]


def _namespace(tag: object) -> str | None:
    """Return the namespace of an element tag, if it has one."""
    if not isinstance(tag, str) or not tag.startswith("{"):
        return None

    return tag[1:].partition("}")[0]


def _b64(text: str | None) -> bytes | None:
    """Decode base64 text, ``None`` if absent or invalid."""
    if text is None:
        return None

    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (ValueError, binascii.Error):
        return None


def _certificate_values(qp: etree._Element, certs: CertCache) -> tuple[CertFacts, ...]:
    """Return the certificates of CertificateValues (for path building)."""
    texts = [e.text or "" for e in _descendants(qp, "EncapsulatedX509Certificate")]
    loaded = (certs.from_base64(t) for t in texts)
    return tuple(c for c in loaded if c is not None)


def digest_matches(ref: CertRef, cert: CertFacts) -> bool:
    """Tell whether a Cert's digest is the digest of this certificate's DER."""
    if ref.digest_name is None or ref.digest is None:
        return False

    return hmac.compare_digest(cert.digest(ref.digest_name), ref.digest)


def issuer_serial_matches(
    ref: CertRef, cert: CertFacts, certs: CertCache
) -> bool | None:
    """Compare IssuerSerial(V2) with the certificate; ``None`` if absent."""
    if ref.issuer_serial_v2 is not None:
        return _issuer_serial_v2_matches(ref.issuer_serial_v2, cert)

    if ref.issuer_name is None and ref.serial_text is None:
        return None

    if not re.fullmatch(r"-?\d+", ref.serial_text or ""):
        return False

    if int(ref.serial_text or "0") != cert.serial:
        return False

    parsed = certs.name_key(ref.issuer_name or "")
    return parsed is not None and parsed == cert.issuer_key


def _issuer_serial_v2_matches(data: bytes, cert: CertFacts) -> bool:
    """Compare a DER IssuerSerial with the certificate."""
    try:
        parsed = asn1_tsp.IssuerSerial.load(data)
        names = [n.chosen for n in parsed["issuer"] if n.name == "directory_name"]
        serial = parsed["serial_number"].native
    except (ValueError, TypeError, KeyError):
        return False

    issuer = cert.asn1_issuer
    return serial == cert.serial and any(n == issuer for n in names)


_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
    r"(Z|[+-]\d{2}:\d{2})?"
)


def parse_signing_time(text: str) -> datetime | None:
    """Parse xs:dateTime leniently (Z, offsets, fractions, no zone = UTC)."""
    match = _TIME.fullmatch(text.strip())
    if match is None:
        return None

    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    micro = int((match.group(7) or "0")[:6].ljust(6, "0"))
    try:
        moment = datetime(year, month, day, hour, minute, second, micro)
    except ValueError:
        return None

    return moment.replace(tzinfo=_zone(match.group(8))).astimezone(UTC)


def _zone(text: str | None) -> timezone:
    """Return the time zone of an xs:dateTime suffix."""
    if text in (None, "Z"):
        return UTC

    sign = -1 if text[0] == "-" else 1
    hours, minutes = int(text[1:3]), int(text[4:6])
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def counter_signatures(sig: etree._Element) -> list[etree._Element]:
    """Return the ds:Signature elements inside this signature's
    CounterSignature properties."""
    found = []
    for ns in XADES_NAMESPACES:
        path = f".//{{{ns}}}CounterSignature/{{{DS}}}Signature"
        found.extend(sig.findall(path))

    return found
