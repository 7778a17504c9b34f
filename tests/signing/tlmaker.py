"""Make small, schema-shaped ETSI TS 119 612 trusted lists for the TL tests.

The lists follow the element order of the TS 119 612 v2 schema, with only
the mandatory parts and the ones the code under test reads; they are signed
with ``signing.seal.XadesSigner`` (enveloped XAdES-BES over the whole list),
as a scheme operator would.  Names are fake.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from lxml import etree

from signing.pki import (
    Issued,
    make_citizen,
    make_intermediate,
    make_root,
    make_seal,
)
from signing.seal import XadesSigner

TSL = "http://uri.etsi.org/02231/v2#"
ADD = "http://uri.etsi.org/02231/v2/additionaltypes#"
ECC = "http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"

SVC = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/"
EXT = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/"
CA_QC = "http://uri.etsi.org/TrstSvc/Svctype/CA/QC"
CA_PKC = "http://uri.etsi.org/TrstSvc/Svctype/CA/PKC"
GRANTED = SVC + "granted"
WITHDRAWN = SVC + "withdrawn"
LOTL_TYPE = "http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUlistofthelists"
GENERIC_TYPE = "http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric"
XML_MIME = "application/vnd.etsi.tsl+xml"


@dataclass(frozen=True)
class Rule:
    """A QualificationElement: qualifiers and a one-level CriteriaList."""

    qualifiers: tuple[str, ...]
    policies: tuple[str, ...] = ()
    assertion: str = "atLeastOne"


@dataclass(frozen=True)
class Status:
    """One status of a service, from ``start`` on."""

    status: str
    start: datetime
    service_type: str = CA_QC
    asi: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()


@dataclass(frozen=True)
class Service:
    """A TSPService: its certificates and statuses, newest LAST."""

    name: str
    certificates: tuple[x509.Certificate, ...]
    statuses: tuple[Status, ...]


@dataclass(frozen=True)
class Pointer:
    """An OtherTSLPointer."""

    location: str
    territory: str
    certificates: tuple[x509.Certificate, ...]
    tsl_type: str = GENERIC_TYPE
    mime_type: str = XML_MIME


@dataclass(frozen=True)
class ListSpec:
    """What goes into a list."""

    territory: str
    sequence: int
    issued: datetime
    next_update: datetime | None
    tsl_type: str = GENERIC_TYPE
    pointers: tuple[Pointer, ...] = ()
    services: tuple[Service, ...] = field(default=())
    version: int = 5


def signed_list(spec: ListSpec, operator: Issued, signing_time: datetime) -> bytes:
    """Build the list and sign it with the operator's key."""
    signer = XadesSigner.from_issued(operator)
    return signer.sign_enveloped(build_list(spec), signing_time=signing_time)


def build_list(spec: ListSpec) -> etree._Element:
    """Build the unsigned TrustServiceStatusList."""
    root = etree.Element(f"{{{TSL}}}TrustServiceStatusList", nsmap={None: TSL})  # type: ignore[dict-item]
    root.set("TSLTag", "http://uri.etsi.org/19612/TSLTag")
    root.set("Id", "tsl")
    _scheme_information(etree.SubElement(root, _t("SchemeInformation")), spec)
    if spec.services:
        providers = etree.SubElement(root, _t("TrustServiceProviderList"))
        _provider(providers, spec.services)

    return root


def _scheme_information(info: etree._Element, spec: ListSpec) -> None:
    _text(info, "TSLVersionIdentifier", str(spec.version))
    _text(info, "TSLSequenceNumber", str(spec.sequence))
    _text(info, "TSLType", spec.tsl_type)
    _names(info, "SchemeOperatorName", f"Test Scheme Operator {spec.territory}")
    _address(etree.SubElement(info, _t("SchemeOperatorAddress")))
    _names(info, "SchemeName", f"{spec.territory}: test trusted list")
    _uris(info, "SchemeInformationURI", "https://tl.example.test/info")
    _text(info, "StatusDeterminationApproach", "http://uri.etsi.org/test/approach")
    _uris(info, "SchemeTypeCommunityRules", "http://uri.etsi.org/test/rules")
    _text(info, "SchemeTerritory", spec.territory)
    notice = etree.SubElement(info, _t("PolicyOrLegalNotice"))
    _text(notice, "TSLLegalNotice", "Test only.", lang=True)
    _text(info, "HistoricalInformationPeriod", "65535")
    if spec.pointers:
        pointers = etree.SubElement(info, _t("PointersToOtherTSL"))
        for pointer in spec.pointers:
            _pointer(pointers, pointer)

    _text(info, "ListIssueDateTime", _xml_time(spec.issued))
    next_update = etree.SubElement(info, _t("NextUpdate"))
    if spec.next_update is not None:
        _text(next_update, "dateTime", _xml_time(spec.next_update))


def _pointer(parent: etree._Element, pointer: Pointer) -> None:
    element = etree.SubElement(parent, _t("OtherTSLPointer"))
    identities = etree.SubElement(element, _t("ServiceDigitalIdentities"))
    for cert in pointer.certificates:
        _digital_identity(identities, (cert,))

    _text(element, "TSLLocation", pointer.location)
    extra = etree.SubElement(element, _t("AdditionalInformation"))
    _text(etree.SubElement(extra, _t("OtherInformation")), "TSLType", pointer.tsl_type)
    other = etree.SubElement(extra, _t("OtherInformation"))
    _text(other, "SchemeTerritory", pointer.territory)
    mime = etree.SubElement(
        etree.SubElement(extra, _t("OtherInformation")), _a("MimeType")
    )
    mime.text = pointer.mime_type


def _provider(parent: etree._Element, services: Sequence[Service]) -> None:
    tsp = etree.SubElement(parent, _t("TrustServiceProvider"))
    info = etree.SubElement(tsp, _t("TSPInformation"))
    _names(info, "TSPName", "Testowe Centrum Certyfikacji sp. z o.o.")
    _address(etree.SubElement(info, _t("TSPAddress")))
    _uris(info, "TSPInformationURI", "https://tsp.example.test/")
    container = etree.SubElement(tsp, _t("TSPServices"))
    for service in services:
        _service(etree.SubElement(container, _t("TSPService")), service)


def _service(element: etree._Element, service: Service) -> None:
    *older, current = service.statuses
    info = etree.SubElement(element, _t("ServiceInformation"))
    _service_entry(info, service, current)
    if older:
        history = etree.SubElement(element, _t("ServiceHistory"))
        for status in reversed(older):
            instance = etree.SubElement(history, _t("ServiceHistoryInstance"))
            _service_entry(instance, service, status)


def _service_entry(entry: etree._Element, service: Service, status: Status) -> None:
    _text(entry, "ServiceTypeIdentifier", status.service_type)
    _names(entry, "ServiceName", service.name)
    identities = etree.SubElement(entry, _t("ServiceDigitalIdentity"))
    for cert in service.certificates:
        digital_id = etree.SubElement(identities, _t("DigitalId"))
        _text(digital_id, "X509Certificate", _b64(cert))

    _text(entry, "ServiceStatus", status.status)
    _text(entry, "StatusStartingTime", _xml_time(status.start))
    if status.asi or status.rules:
        _extensions(etree.SubElement(entry, _t("ServiceInformationExtensions")), status)


def _extensions(parent: etree._Element, status: Status) -> None:
    for uri in status.asi:
        extension = etree.SubElement(parent, _t("Extension"), Critical="true")
        asi = etree.SubElement(extension, _t("AdditionalServiceInformation"))
        _text(asi, "URI", uri, lang=True)

    if status.rules:
        extension = etree.SubElement(parent, _t("Extension"), Critical="true")
        rules = etree.SubElement(extension, _e("Qualifications"))
        for rule in status.rules:
            _rule(etree.SubElement(rules, _e("QualificationElement")), rule)


def _rule(element: etree._Element, rule: Rule) -> None:
    qualifiers = etree.SubElement(element, _e("Qualifiers"))
    for uri in rule.qualifiers:
        etree.SubElement(qualifiers, _e("Qualifier"), uri=uri)

    criteria = etree.SubElement(element, _e("CriteriaList"), {"assert": rule.assertion})
    for oid in rule.policies:
        policy = etree.SubElement(
            etree.SubElement(criteria, _e("PolicySet")), _e("PolicyIdentifier")
        )
        identifier = etree.SubElement(
            policy, f"{{{XADES}}}Identifier", Qualifier="OIDAsURN"
        )
        identifier.text = f"urn:oid:{oid}"


def _digital_identity(
    parent: etree._Element, certs: Sequence[x509.Certificate]
) -> None:
    identity = etree.SubElement(parent, _t("ServiceDigitalIdentity"))
    for cert in certs:
        _text(
            etree.SubElement(identity, _t("DigitalId")), "X509Certificate", _b64(cert)
        )


def _address(parent: etree._Element) -> None:
    postal = etree.SubElement(
        etree.SubElement(parent, _t("PostalAddresses")), _t("PostalAddress")
    )
    postal.set("{http://www.w3.org/XML/1998/namespace}lang", "pl")
    _text(postal, "StreetAddress", "ul. Testowa 1")
    _text(postal, "Locality", "Testowo")
    _text(postal, "CountryName", "PL")
    _uris(parent, "ElectronicAddress", "mailto:tl@example.test")


def _names(parent: etree._Element, tag: str, name: str) -> None:
    _text(etree.SubElement(parent, _t(tag)), "Name", name, lang=True)


def _uris(parent: etree._Element, tag: str, uri: str) -> None:
    _text(etree.SubElement(parent, _t(tag)), "URI", uri, lang=True)


def _text(parent: etree._Element, tag: str, text: str, lang: bool = False) -> None:
    element = etree.SubElement(parent, _t(tag))
    element.text = text
    if lang:
        element.set("{http://www.w3.org/XML/1998/namespace}lang", "en")


def _t(tag: str) -> str:
    return f"{{{TSL}}}{tag}"


def _a(tag: str) -> str:
    return f"{{{ADD}}}{tag}"


def _e(tag: str) -> str:
    return f"{{{ECC}}}{tag}"


def _b64(cert: x509.Certificate) -> str:
    return base64.b64encode(cert.public_bytes(Encoding.DER)).decode()


def _xml_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class World:
    """A LOTL operator, a national operator and a qualified CA, all fake."""

    now: datetime
    lotl_ca: Issued
    lotl_signer: Issued
    pl_ca: Issued
    pl_signer: Issued
    qtsp_root: Issued
    qtsp_ca: Issued
    citizen: Issued
    seal: Issued


def make_world() -> World:
    """Make the certificates every synthetic-list test uses."""
    now = datetime.now(UTC).replace(microsecond=0)
    lotl_ca = make_root("Test LOTL Operator CA", now=now)
    pl_ca = make_root("Test PL Scheme Operator CA", now=now)
    qtsp_root = make_root("Test QTSP Root", now=now)
    qtsp_ca = make_intermediate(qtsp_root, "Test QTSP Qualified CA", now=now)
    return World(
        now=now,
        lotl_ca=lotl_ca,
        lotl_signer=make_seal(lotl_ca, office_name="Test LOTL Signer", nip=NIP_A),
        pl_ca=pl_ca,
        pl_signer=make_seal(pl_ca, office_name="Test PL TL Signer", nip=NIP_B),
        qtsp_root=qtsp_root,
        qtsp_ca=qtsp_ca,
        citizen=make_citizen(
            qtsp_ca, given_name="Jan", surname="Testowy", pesel="44051401458"
        ),
        seal=make_seal(qtsp_ca, office_name="Urząd Testowy", nip=NIP_B),
    )


def plain_person(issuer: Issued, policies: Sequence[str] = ()) -> x509.Certificate:
    """Make a person's certificate with no QCStatements at all."""
    key = ec.generate_private_key(ec.SECP256R1())
    start = issuer.certificate.not_valid_before_utc + timedelta(hours=1)
    builder = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Anna Przykładowa")])
        )
        .issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=365))
    )
    if policies:
        infos = [
            x509.PolicyInformation(x509.ObjectIdentifier(p), None) for p in policies
        ]
        builder = builder.add_extension(x509.CertificatePolicies(infos), critical=False)

    return builder.sign(issuer.key, hashes.SHA256())


NIP_A = "1234563218"
NIP_B = "1111111111"
