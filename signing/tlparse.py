"""Read the content of an ETSI TS 119 612 trusted list into frozen data.

Only the parts a validator needs are read: the scheme information (version,
sequence number, type, territory, issue time, NextUpdate), the pointers to
other lists (TSLLocation, the certificates that sign the pointed list, its
territory, type and MIME type; clause 5.3.13), and for every trust service
provider its services (clause 5.5): type, name, digital identities, current
status and start time, the status history (clause 5.6) and the extensions
Qualifications (clause 5.5.9.2) and additionalServiceInformation (5.5.9.4).

The element given here must be the content the list's signature covers
(see ``signing.tl``); nothing in this module checks a signature.  Malformed
content raises :class:`TrustedListFormatError`.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509
from lxml import etree

from signing.certs import unique

log = logging.getLogger(__name__)

TSL_NS = "http://uri.etsi.org/02231/v2#"
ADD_NS = "http://uri.etsi.org/02231/v2/additionaltypes#"
ECC_NS = "http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/#"
XADES_NS = "http://uri.etsi.org/01903/v1.3.2#"

_NS = {"t": TSL_NS, "a": ADD_NS, "e": ECC_NS, "x": XADES_NS}


class TrustedListFormatError(ValueError):
    """The list's content does not have the shape TS 119 612 prescribes."""


@dataclass(frozen=True)
class Criteria:
    """A CriteriaList of a QualificationElement (TS 119 612, 5.5.9.2.2)."""

    assertion: str
    """``all``, ``atLeastOne`` or ``none``."""
    policy_sets: tuple[frozenset[str], ...] = ()
    """Each PolicySet: certificate policy OIDs that must all be present."""
    key_usage: tuple[tuple[tuple[str, bool], ...], ...] = ()
    """Each KeyUsage: (bit name, required value) pairs that must all hold."""
    nested: tuple[Criteria, ...] = ()
    """Nested CriteriaList elements."""
    unsupported: int = 0
    """How many criteria of kinds we do not evaluate (they never match)."""


@dataclass(frozen=True)
class QualificationRule:
    """One QualificationElement: qualifiers applied when the criteria match."""

    qualifiers: frozenset[str]
    """Qualifier URIs, e.g. ``.../SvcInfoExt/QCWithQSCD``."""
    criteria: Criteria
    """When the qualifiers apply."""


@dataclass(frozen=True)
class ServicePeriod:
    """A span of a service's life with one type and status (clause 5.6)."""

    service_type: str
    """ServiceTypeIdentifier URI."""
    status: str
    """ServiceStatus URI."""
    start: datetime
    """StatusStartingTime (UTC)."""
    end: datetime | None
    """The start of the next period; ``None`` for the current one."""
    qualifications: tuple[QualificationRule, ...] = ()
    """The Qualifications extension in force during the period."""
    additional_info: frozenset[str] = frozenset()
    """additionalServiceInformation URIs (ForeSignatures, ForeSeals, ...)."""

    def covers(self, moment: datetime) -> bool:
        """Tell whether ``moment`` falls within this period."""
        return self.start <= moment and (self.end is None or moment < self.end)


@dataclass(frozen=True)
class DigitalIdentity:
    """A service's digital identities (clause 5.5.3)."""

    certificates: tuple[x509.Certificate, ...] = ()
    """X509Certificate values."""
    subject_names: tuple[str, ...] = ()
    """X509SubjectName values, as written."""
    key_identifiers: frozenset[bytes] = frozenset()
    """X509SKI values (decoded)."""


@dataclass(frozen=True)
class TrustService:
    """One TSPService with its history, oldest period first."""

    provider: str
    """The TSP's name (first TSPName/Name)."""
    name: str
    """The service's name (first ServiceName/Name)."""
    identity: DigitalIdentity
    """Identities of the current entry and of every history instance."""
    periods: tuple[ServicePeriod, ...]
    """The current entry and the history instances, oldest first."""

    @property
    def current(self) -> ServicePeriod:
        """The period in force now (the latest one)."""
        return self.periods[-1]

    def period_at(self, moment: datetime) -> ServicePeriod | None:
        """Return the period covering ``moment``, or ``None`` before the first."""
        for period in self.periods:
            if period.covers(moment):
                return period

        return None


@dataclass(frozen=True)
class ListPointer:
    """An OtherTSLPointer: where another list is and who signs it."""

    location: str
    """TSLLocation URI."""
    territory: str | None
    """SchemeTerritory of the pointed list."""
    tsl_type: str | None
    """TSLType of the pointed list."""
    mime_type: str | None
    """The pointed list's MIME type (XML or PDF)."""
    certificates: tuple[x509.Certificate, ...]
    """The certificates allowed to sign the pointed list."""

    @property
    def is_xml(self) -> bool:
        """Tell whether the pointer names the XML form of a list."""
        return self.mime_type in (None, "application/vnd.etsi.tsl+xml")


@dataclass(frozen=True)
class ListContent:
    """The parsed content of a trusted list."""

    version: int
    """TSLVersionIdentifier."""
    sequence_number: int
    """TSLSequenceNumber."""
    tsl_type: str
    """TSLType URI."""
    territory: str
    """SchemeTerritory (e.g. ``DK``, ``EU`` for the LOTL)."""
    operator: str
    """The scheme operator's name (first Name)."""
    issued: datetime
    """ListIssueDateTime (UTC)."""
    next_update: datetime | None
    """NextUpdate; ``None`` for a closed list."""
    pointers: tuple[ListPointer, ...]
    """PointersToOtherTSL."""
    services: tuple[TrustService, ...]
    """Every TSPService of every provider, in document order."""


def parse_list(root: etree._Element) -> ListContent:
    """Read a TrustServiceStatusList element."""
    if root.tag != f"{{{TSL_NS}}}TrustServiceStatusList":
        raise TrustedListFormatError("not a TrustServiceStatusList")

    info = _one(root, "t:SchemeInformation")
    next_update = _one(info, "t:NextUpdate")
    when = next_update.find("t:dateTime", _NS)
    return ListContent(
        version=_int(_text(info, "t:TSLVersionIdentifier")),
        sequence_number=_int(_text(info, "t:TSLSequenceNumber")),
        tsl_type=_text(info, "t:TSLType"),
        territory=_text(info, "t:SchemeTerritory"),
        operator=_first_name(info, "t:SchemeOperatorName"),
        issued=_time(_text(info, "t:ListIssueDateTime")),
        next_update=None if when is None else _time(when.text),
        pointers=tuple(_pointers(info)),
        services=tuple(_services(root)),
    )


# --- pointers ------------------------------------------------------------


def _pointers(info: etree._Element) -> Iterator[ListPointer]:
    for pointer in info.iterfind("t:PointersToOtherTSL/t:OtherTSLPointer", _NS):
        extra = pointer.find("t:AdditionalInformation", _NS)
        yield ListPointer(
            location=_text(pointer, "t:TSLLocation"),
            territory=_other_info(extra, "t:SchemeTerritory"),
            tsl_type=_other_info(extra, "t:TSLType"),
            mime_type=_other_info(extra, "a:MimeType"),
            certificates=tuple(_certificates(pointer, ".//t:ServiceDigitalIdentity")),
        )


def _other_info(extra: etree._Element | None, path: str) -> str | None:
    if extra is None:
        return None

    found = extra.find(f"t:OtherInformation/{path}", _NS)
    return None if found is None or found.text is None else found.text.strip()


# --- services ------------------------------------------------------------


def _services(root: etree._Element) -> Iterator[TrustService]:
    for tsp in root.iterfind("t:TrustServiceProviderList/t:TrustServiceProvider", _NS):
        provider = _first_name(tsp, "t:TSPInformation/t:TSPName")
        for service in tsp.iterfind("t:TSPServices/t:TSPService", _NS):
            yield _service(provider, service)


def _service(provider: str, service: etree._Element) -> TrustService:
    info = _one(service, "t:ServiceInformation")
    history = service.findall("t:ServiceHistory/t:ServiceHistoryInstance", _NS)
    # On equal start times the current entry (listed last) must win.
    entries = [*reversed(history), info]
    timed = [(_time(_text(e, "t:StatusStartingTime")), e) for e in entries]
    starts = sorted(timed, key=lambda pair: pair[0])
    periods = [
        _period(entry, start, starts[i + 1][0] if i + 1 < len(starts) else None)
        for i, (start, entry) in enumerate(starts)
    ]
    return TrustService(
        provider=provider,
        name=_first_name(info, "t:ServiceName"),
        identity=_identity(entries),
        periods=tuple(periods),
    )


def _period(
    entry: etree._Element, start: datetime, end: datetime | None
) -> ServicePeriod:
    extensions = entry.find("t:ServiceInformationExtensions", _NS)
    return ServicePeriod(
        service_type=_text(entry, "t:ServiceTypeIdentifier"),
        status=_text(entry, "t:ServiceStatus"),
        start=start,
        end=end,
        qualifications=tuple(_qualifications(extensions)),
        additional_info=frozenset(_additional_info(extensions)),
    )


def _identity(entries: list[etree._Element]) -> DigitalIdentity:
    certs: list[x509.Certificate] = []
    names: list[str] = []
    skis: set[bytes] = set()
    for entry in entries:
        certs.extend(_certificates(entry, "t:ServiceDigitalIdentity"))
        for digital_id in entry.iterfind("t:ServiceDigitalIdentity/t:DigitalId", _NS):
            names.extend(_texts(digital_id, "t:X509SubjectName"))
            skis.update(_b64(t) for t in _texts(digital_id, "t:X509SKI"))

    return DigitalIdentity(tuple(unique(certs)), tuple(names), frozenset(skis))


def _additional_info(extensions: etree._Element | None) -> Iterator[str]:
    if extensions is None:
        return

    path = "t:Extension/t:AdditionalServiceInformation/t:URI"
    for uri in extensions.iterfind(path, _NS):
        if uri.text:
            yield uri.text.strip()


# --- Qualifications extension ---------------------------------------------


def _qualifications(extensions: etree._Element | None) -> Iterator[QualificationRule]:
    if extensions is None:
        return

    path = "t:Extension/e:Qualifications/e:QualificationElement"
    for element in extensions.iterfind(path, _NS):
        qualifiers = {
            q.get("uri", "").strip()
            for q in element.iterfind("e:Qualifiers/e:Qualifier", _NS)
        }
        criteria = element.find("e:CriteriaList", _NS)
        if criteria is None:
            raise TrustedListFormatError("a QualificationElement has no CriteriaList")

        yield QualificationRule(frozenset(qualifiers - {""}), _criteria(criteria))


def _criteria(element: etree._Element) -> Criteria:
    assertion = element.get("assert", "all")
    if assertion not in ("all", "atLeastOne", "none"):
        raise TrustedListFormatError(f"unknown CriteriaList assert {assertion!r}")

    policy_sets: list[frozenset[str]] = []
    key_usage: list[tuple[tuple[str, bool], ...]] = []
    nested: list[Criteria] = []
    unsupported = 0
    for child in element:
        if not isinstance(child.tag, str):
            continue

        name = etree.QName(child).localname
        if name == "PolicySet":
            policy_sets.append(_policy_set(child))
        elif name == "KeyUsage":
            key_usage.append(_key_usage(child))
        elif name == "CriteriaList":
            nested.append(_criteria(child))
        elif name != "Description":
            unsupported += 1

    return Criteria(
        assertion, tuple(policy_sets), tuple(key_usage), tuple(nested), unsupported
    )


def _policy_set(element: etree._Element) -> frozenset[str]:
    identifiers = element.iterfind("e:PolicyIdentifier/x:Identifier", _NS)
    return frozenset(_oid(i.text or "") for i in identifiers)


def _key_usage(element: etree._Element) -> tuple[tuple[str, bool], ...]:
    bits = element.iterfind("e:KeyUsageBit", _NS)
    return tuple((b.get("name", ""), (b.text or "").strip() == "true") for b in bits)


def _oid(text: str) -> str:
    """Return the dotted OID of an ``urn:oid:`` or plain identifier."""
    value = text.strip()
    return value[len("urn:oid:") :] if value.lower().startswith("urn:oid:") else value


# --- small readers -------------------------------------------------------


def _certificates(parent: etree._Element, path: str) -> Iterator[x509.Certificate]:
    for element in parent.iterfind(f"{path}/t:DigitalId/t:X509Certificate", _NS):
        try:
            yield x509.load_der_x509_certificate(_b64(element.text or ""))
        except ValueError:
            raise TrustedListFormatError("an X509Certificate cannot be read") from None


def _one(parent: etree._Element, path: str) -> etree._Element:
    found = parent.find(path, _NS)
    if found is None:
        raise TrustedListFormatError(f"missing {path.removeprefix('t:')}")

    return found


def _text(parent: etree._Element, path: str) -> str:
    text = _one(parent, path).text
    if text is None or not text.strip():
        raise TrustedListFormatError(f"empty {path.removeprefix('t:')}")

    return text.strip()


def _texts(parent: etree._Element, path: str) -> list[str]:
    return [e.text.strip() for e in parent.iterfind(path, _NS) if e.text]


def _first_name(parent: etree._Element, path: str) -> str:
    names = _texts(parent, f"{path}/t:Name")
    return names[0] if names else ""


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise TrustedListFormatError(f"not an integer: {text[:20]!r}") from None


def _time(text: str | None) -> datetime:
    """Parse an xsd:dateTime; a time without zone is taken as UTC."""
    try:
        moment = datetime.fromisoformat((text or "").strip())
    except ValueError:
        raise TrustedListFormatError("a date-time cannot be read") from None

    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)

    return moment.astimezone(UTC)


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise TrustedListFormatError("a base64 value cannot be read") from None
