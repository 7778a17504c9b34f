"""Certificate helpers: loading, fingerprints, names and the signer summary.

Issuer names in XAdES ``X509IssuerName`` come in several spellings for the
same CA (forward or reverse RDN order, ``2.5.4.97=``, ``OID.2.5.4.97=``, hex
``#0C…`` values whose length byte counts characters).  They are compared as
parsed names — a multiset of (attribute OID, normalised value) — never as
strings.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import re
import warnings
from collections import Counter
from collections.abc import Iterable

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.oid import NameOID

from signing.result import Signer

log = logging.getLogger(__name__)

_SHORT_NAMES: dict[str, str] = {
    "CN": "2.5.4.3",
    "C": "2.5.4.6",
    "L": "2.5.4.7",
    "ST": "2.5.4.8",
    "S": "2.5.4.8",
    "STREET": "2.5.4.9",
    "O": "2.5.4.10",
    "OU": "2.5.4.11",
    "T": "2.5.4.12",
    "TITLE": "2.5.4.12",
    "SERIALNUMBER": "2.5.4.5",
    "SURNAME": "2.5.4.4",
    "SN": "2.5.4.4",
    "GN": "2.5.4.42",
    "G": "2.5.4.42",
    "GIVENNAME": "2.5.4.42",
    "ORGANIZATIONIDENTIFIER": "2.5.4.97",
    "E": "1.2.840.113549.1.9.1",
    "EMAIL": "1.2.840.113549.1.9.1",
    "EMAILADDRESS": "1.2.840.113549.1.9.1",
    "DC": "0.9.2342.19200300.100.1.25",
    "UID": "0.9.2342.19200300.100.1.1",
}

NameKey = Counter[tuple[str, str]]

_DER = Encoding.DER


def load_certificate(text: str) -> x509.Certificate | None:
    """Load a certificate from base64 DER text; ``None`` if it is not one."""
    try:
        der = base64.b64decode("".join(text.split()), validate=True)
    except (ValueError, binascii.Error):
        return None

    return load_der(der)


def load_der(der: bytes) -> x509.Certificate | None:
    """Load a DER certificate, tolerating (silently) what cryptography only
    warns about today, such as a non-positive serial number."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        try:
            return x509.load_der_x509_certificate(der)
        except ValueError:
            return None


def key_usage(cert: x509.Certificate) -> frozenset[str] | None:
    """Return the key usage bits by name, ``None`` without the extension.

    Falls back to asn1crypto where cryptography refuses the extension list
    for an odd encoding in another extension.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            ext = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return None
    except ValueError:
        return _asn1_key_usage(cert)

    names = {"digital_signature": ext.digital_signature}
    names["non_repudiation"] = ext.content_commitment
    return frozenset(name for name, bit in names.items() if bit)


def _asn1_key_usage(cert: x509.Certificate) -> frozenset[str] | None:
    """Read key usage with asn1crypto; an unreadable one grants nothing."""
    try:
        value = asn1_x509.Certificate.load(der_of(cert)).key_usage_value
    except (ValueError, TypeError):
        return frozenset()

    return None if value is None else frozenset(value.native)


def fingerprint(cert: x509.Certificate, algorithm: str = "sha256") -> bytes:
    """Return the digest of the certificate's DER encoding."""
    der = cert.public_bytes(_DER)
    return hashlib.new(algorithm, der).digest()


def der_of(cert: x509.Certificate) -> bytes:
    """Return the certificate's DER encoding."""
    return cert.public_bytes(_DER)


def name_key(name: x509.Name) -> NameKey:
    """Return the comparable form of a parsed certificate name."""
    return Counter(
        (attr.oid.dotted_string, _normalise(_text(attr.value))) for attr in name
    )


def parse_dn_string(text: str) -> NameKey | None:
    """Parse an issuer name string in any of the seen spellings."""
    pairs: list[tuple[str, str]] = []
    for part in _split_unescaped(text.strip(), ",;+"):
        if not part.strip():
            continue

        parsed = _parse_attribute(part.strip())
        if parsed is None:
            return None

        pairs.append(parsed)

    return Counter(pairs) if pairs else None


def same_name(text: str, name: x509.Name) -> bool:
    """Tell whether a name string denotes the same name as ``name``."""
    parsed = parse_dn_string(text)
    return parsed is not None and parsed == name_key(name)


def summarise_signer(cert: x509.Certificate) -> Signer:
    """Return who signed, as read from the signing certificate."""
    subject = cert.subject
    return Signer(
        name=_display_name(subject),
        identifier=_first(subject, NameOID.SERIAL_NUMBER)
        or _first(subject, NameOID.ORGANIZATION_IDENTIFIER),
        organization=_first(subject, NameOID.ORGANIZATION_NAME),
        issuer=cert.issuer.rfc4514_string(),
        certificate_sha256=fingerprint(cert).hex(),
        serial_number=cert.serial_number,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
    )


def unique(certs: Iterable[x509.Certificate]) -> list[x509.Certificate]:
    """Return the certificates without duplicates, order kept."""
    seen: set[bytes] = set()
    result = []
    for cert in certs:
        key = fingerprint(cert)
        if key not in seen:
            seen.add(key)
            result.append(cert)

    return result


def _display_name(subject: x509.Name) -> str:
    """Return the common name, or given name and surname."""
    common = _first(subject, NameOID.COMMON_NAME)
    if common:
        return common

    parts = [
        _first(subject, NameOID.GIVEN_NAME),
        _first(subject, NameOID.SURNAME),
    ]
    joined = " ".join(p for p in parts if p)
    return joined or subject.rfc4514_string()


def _first(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    """Return the first value of an attribute, if present."""
    values = name.get_attributes_for_oid(oid)
    return _text(values[0].value) if values else None


def _text(value: str | bytes) -> str:
    """Return an attribute value as text."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")

    return value


def _normalise(value: str) -> str:
    """Normalise a value for comparison: trimmed, spaces folded, casefolded."""
    return " ".join(value.split()).casefold()


def _split_unescaped(text: str, separators: str) -> list[str]:
    """Split on separators that are neither escaped nor quoted."""
    parts, current, quoted, escaped = [], [], False, False
    for char in text:
        if escaped:
            current.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
            current.append(char)
        elif char in separators and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)

    parts.append("".join(current))
    return parts


def _parse_attribute(part: str) -> tuple[str, str] | None:
    """Parse one ``type=value`` pair into (dotted OID, normalised value)."""
    if "=" not in part:
        return None

    kind, _, raw = part.partition("=")
    oid = _attribute_oid(kind.strip())
    if oid is None:
        return None

    value = _attribute_value(raw.strip())
    return None if value is None else (oid, _normalise(value))


def _attribute_oid(kind: str) -> str | None:
    """Map an attribute type (short name, dotted, ``OID.``-prefixed) to an OID."""
    if kind.upper().startswith("OID."):
        kind = kind[4:]

    if re.fullmatch(r"\d+(\.\d+)+", kind):
        return kind

    return _SHORT_NAMES.get(kind.upper())


def _attribute_value(raw: str) -> str | None:
    """Decode an attribute value: hex BER, quoted or backslash-escaped."""
    if raw.startswith("#"):
        return _hex_value(raw[1:])

    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        raw = raw[1:-1]

    return _unescape(raw)


def _hex_value(hexdigits: str) -> str | None:
    """Decode a ``#``-hex BER string value, tolerating a wrong length byte."""
    try:
        data = bytes.fromhex(hexdigits)
    except ValueError:
        return None

    if len(data) < 2:
        return None

    start = 2
    if data[1] & 0x80:
        start += data[1] & 0x7F

    body = data[start:]
    if data[0] == 0x1E:
        return body.decode("utf-16-be", errors="replace")

    return body.decode("utf-8", errors="replace")


def _unescape(raw: str) -> str:
    """Undo RFC 4514 backslash escapes, including ``\\XX`` hex pairs."""
    if "\\" not in raw:
        return raw

    out = bytearray()
    i = 0
    while i < len(raw):
        char = raw[i]
        pair = raw[i + 1 : i + 3]
        if char == "\\" and re.fullmatch(r"[0-9A-Fa-f]{2}", pair):
            out.append(int(pair, 16))
            i += 3
        elif char == "\\" and i + 1 < len(raw):
            out += raw[i + 1].encode()
            i += 2
        else:
            out += char.encode()
            i += 1

    return out.decode("utf-8", errors="replace")
