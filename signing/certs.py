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
import threading
import warnings
from collections import Counter
from collections.abc import Iterable
from functools import cached_property
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes
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
    der = decode_base64(text)
    return None if der is None else load_der(der)


def decode_base64(text: str) -> bytes | None:
    """Decode base64 text (whitespace ignored); ``None`` if it is not base64."""
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (ValueError, binascii.Error):
        return None


def load_der(der: bytes) -> x509.Certificate | None:
    """Load a DER certificate; ``None`` if it is not one.

    cryptography warns (CryptographyDeprecationWarning) when it loads a
    certificate whose serial number is not positive, and again whenever
    ``serial_number`` is read; real ePUAP certificates have negative serials.
    The serial is therefore read here from the DER, and only such a
    certificate — never a conforming one — is loaded with that warning
    silenced; :class:`CertFacts` carries the serial so that nobody reads it
    from cryptography.
    """
    if serial_of_der(der) is None:
        return _load_nonconforming(der)

    try:
        return x509.load_der_x509_certificate(der)
    except ValueError:
        return None


def _load_nonconforming(der: bytes) -> x509.Certificate | None:
    """Load a certificate whose serial is not positive (or unreadable here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        try:
            return x509.load_der_x509_certificate(der)
        except ValueError:
            return None


def serial_of_der(der: bytes) -> int | None:
    """Return a certificate's serial if it is positive, else ``None``.

    Reads Certificate → TBSCertificate → [0] version (optional) → INTEGER
    with the smallest DER reader that does; anything unexpected is ``None``.
    """
    try:
        pos = _enter(der, 0, 0x30)
        pos = _enter(der, pos, 0x30)
        if der[pos] == 0xA0:
            pos = _skip(der, pos)

        if der[pos] != 0x02:
            return None

        start, end = _content(der, pos)
    except IndexError:
        return None

    body = der[start:end]
    if not body or body[0] & 0x80 or end > len(der):
        return None

    serial = int.from_bytes(body, "big")
    return serial if serial > 0 else None


def _content(der: bytes, pos: int) -> tuple[int, int]:
    """Return (start, end) of the content of the TLV at ``pos``."""
    first = der[pos + 1]
    if first < 0x80:
        return pos + 2, pos + 2 + first

    count = first & 0x7F
    if not 0 < count <= 4:
        raise IndexError("unsupported DER length")

    length = int.from_bytes(der[pos + 2 : pos + 2 + count], "big")
    return pos + 2 + count, pos + 2 + count + length


def _enter(der: bytes, pos: int, tag: int) -> int:
    """Return where the content of the constructed TLV at ``pos`` starts."""
    if der[pos] != tag:
        raise IndexError("unexpected DER tag")

    return _content(der, pos)[0]


def _skip(der: bytes, pos: int) -> int:
    """Return the position after the TLV at ``pos``."""
    return _content(der, pos)[1]


def key_usage(der: bytes) -> frozenset[str] | None:
    """Return the key usage bits by name, ``None`` without the extension.

    Read with asn1crypto from the DER: cryptography's ``extensions`` parses
    every extension and warns (CryptographyDeprecationWarning) about common
    quirks of others, such as UTF-8 in a VisibleString of the certificate
    policies.  An unreadable extension list grants nothing.
    """
    try:
        value = asn1_x509.Certificate.load(der).key_usage_value
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


class CertFacts:
    """What validation reads from one certificate, each fact computed once.

    Every fact is a pure function of the DER bytes; the derived ones are
    computed on first use (a malformed part fails where it is read, as it
    would without the cache).  Instances are shared between validations
    through :class:`CertCache` and are never changed after a fact is set.
    """

    def __init__(self, cert: x509.Certificate, der: bytes) -> None:
        self.cert = cert
        self.der = der
        self.sha256 = hashlib.sha256(der).digest()

    def digest(self, algorithm: str) -> bytes:
        """Return the digest of the DER by hashlib name."""
        if algorithm == "sha256":
            return self.sha256

        return hashlib.new(algorithm, self.der).digest()

    @cached_property
    def serial(self) -> int:
        """The serial number, read without cryptography's warning."""
        positive = serial_of_der(self.der)
        if positive is not None:
            return positive

        return int(asn1_x509.Certificate.load(self.der).serial_number)

    @cached_property
    def issuer_key(self) -> NameKey:
        """The issuer name in comparable form."""
        return name_key(self.cert.issuer)

    @cached_property
    def asn1_issuer(self) -> asn1_x509.Name:
        """The issuer name as asn1crypto parses it."""
        return asn1_x509.Certificate.load(self.der).issuer

    @cached_property
    def key_usage(self) -> frozenset[str] | None:
        """The key usage bits by name (see :func:`key_usage`)."""
        return key_usage(self.der)

    @cached_property
    def public_key(self) -> CertificatePublicKeyTypes:
        """The subject public key."""
        return self.cert.public_key()

    @cached_property
    def signer(self) -> Signer:
        """Who signed, if this is the signing certificate."""
        return summarise_signer(self.cert, self.serial, self.sha256)


class CertCache:
    """A bounded, thread-safe cache of :class:`CertFacts` by DER bytes.

    Owned by a validation policy (never module-global).  It also remembers
    parsed issuer-name strings, another pure function of its input.
    """

    def __init__(self, max_entries: int = 4096) -> None:
        self._by_der: dict[bytes, CertFacts | None] = {}
        self._by_cert: dict[x509.Certificate, CertFacts] = {}
        self._names: dict[str, NameKey | None] = {}
        self._lock = threading.Lock()
        self._max = max_entries

    def from_base64(self, text: str) -> CertFacts | None:
        """Return the facts of base64 DER text; ``None`` if not a certificate."""
        der = decode_base64(text)
        return None if der is None else self.from_der(der)

    def from_der(self, der: bytes) -> CertFacts | None:
        """Return the facts of DER bytes; ``None`` if not a certificate."""
        with self._lock:
            if der in self._by_der:
                return self._by_der[der]

        cert = load_der(der)
        facts = None if cert is None else CertFacts(cert, der)
        with self._lock:
            self._bound(self._by_der)
            return self._by_der.setdefault(der, facts)

    def of(self, cert: x509.Certificate) -> CertFacts:
        """Return the facts of a loaded certificate."""
        with self._lock:
            found = self._by_cert.get(cert)

        if found is not None:
            return found

        facts = CertFacts(cert, der_of(cert))
        with self._lock:
            self._bound(self._by_cert)
            return self._by_cert.setdefault(cert, facts)

    def name_key(self, text: str) -> NameKey | None:
        """Return :func:`parse_dn_string` of a name string, remembered."""
        with self._lock:
            if text in self._names:
                return self._names[text]

        parsed = parse_dn_string(text)
        with self._lock:
            self._bound(self._names)
            self._names[text] = parsed

        return parsed

    def _bound(self, entries: dict[Any, Any]) -> None:
        """Forget everything in ``entries`` when full (lock held)."""
        if len(entries) >= self._max:
            entries.clear()


def unique_facts(certs: Iterable[CertFacts]) -> list[CertFacts]:
    """Return the certificates without duplicates (by DER), order kept."""
    seen: set[bytes] = set()
    result = []
    for facts in certs:
        if facts.sha256 not in seen:
            seen.add(facts.sha256)
            result.append(facts)

    return result


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


def summarise_signer(cert: x509.Certificate, serial: int, sha256: bytes) -> Signer:
    """Return who signed, as read from the signing certificate (whose serial
    and DER SHA-256 the caller has read, see :class:`CertFacts`)."""
    subject = cert.subject
    return Signer(
        name=_display_name(subject),
        identifier=_first(subject, NameOID.SERIAL_NUMBER)
        or _first(subject, NameOID.ORGANIZATION_IDENTIFIER),
        organization=_first(subject, NameOID.ORGANIZATION_NAME),
        issuer=cert.issuer.rfc4514_string(),
        certificate_sha256=sha256.hex(),
        serial_number=serial,
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
