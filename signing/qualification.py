"""Is a signing certificate qualified? A small subset of ETSI TS 119 615.

What is implemented, for one trusted list and one certificate chain
(signer first, each certificate issued by the next):

1. Service selection: the TL services whose digital identity names a CA of
   the chain (same certificate, same subject and public key, or an X509SKI
   equal to the CA's subjectKeyIdentifier), nearest CA first; the chain's
   links up to that CA are verified (signature and issuer name).
2. Only services of type CA/QC count.  The service must have a "granted"
   status (granted, or before eIDAS undersupervision, supervisionincessation,
   accredited) both at the certificate's issuance (notBefore) and at ``at``
   (the signing time: the simple rule of the status at the time of
   signature).  Withdrawn at either time means not qualified.
3. The certificate's QCStatements (ETSI EN 319 412-5): QcCompliance says
   qualified, QcType says for e-signatures, e-seals or web authentication,
   QcSSCD says the key is on a QSCD.
4. The Qualifications extension of the service's period at issuance
   overrides those facts for certificates its criteria match (PolicySet,
   KeyUsage, nested CriteriaList with all / atLeastOne / none):
   QCStatement / NotQualified, QCForESig / QCForESeal / QCForWSA,
   QCWithSSCD / QCWithQSCD / QCNoSSCD / QCNoQSCD.  Contradicting qualifiers
   make the certificate not qualified.
5. additionalServiceInformation ForeSignatures / ForeSeals /
   ForWebSiteAuthentication, when present, must list the certificate's type.
6. With no QcType and no type qualifier, the type is e-signature if the
   service allows it (pre-eIDAS certificates were for signatures only).
7. Several matching services that disagree give "not qualified".

Not implemented: the "best signing time" from time-stamps (the caller
passes ``at``), QCQSCDStatusAsInCert / QCQSCDManagedOnBehalf /
QCForLegalPerson (recorded, no effect), otherCriteriaList
(CertSubjectDNAttribute, ExtendedKeyUsage: such a criterion never
matches), the expiredCertsRevocationInfo extension, TL
versions older than 5, and any check of revocation or of the chain's
validity periods (path validation is the validator's job).
"""

from __future__ import annotations

import enum
import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from asn1crypto import core
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from signing.tlparse import Criteria, ServicePeriod, TrustService

log = logging.getLogger(__name__)

_SVC = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/"
_EXT = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/"

CA_QC = "http://uri.etsi.org/TrstSvc/Svctype/CA/QC"
"""Service type of a CA issuing qualified certificates."""

GRANTED_STATUSES = frozenset(
    _SVC + s
    for s in ("granted", "undersupervision", "supervisionincessation", "accredited")
)
"""Statuses that count as granted (eIDAS and, before it, Directive 1999/93)."""

FOR_ESIG = _EXT + "ForeSignatures"
FOR_ESEAL = _EXT + "ForeSeals"
FOR_WSA = _EXT + "ForWebSiteAuthentication"

_QC_STATEMENTS = x509.ObjectIdentifier("1.3.6.1.5.5.7.1.3")
_QC_COMPLIANCE = "0.4.0.1862.1.1"
_QC_SSCD = "0.4.0.1862.1.4"
_QC_TYPE = "0.4.0.1862.1.6"


class CertificateType(enum.StrEnum):
    """What a qualified certificate is for (EN 319 412-5, QcType)."""

    ESIG = "esig"
    ESEAL = "eseal"
    WEB = "web"


_QC_TYPES = {
    "0.4.0.1862.1.6.1": CertificateType.ESIG,
    "0.4.0.1862.1.6.2": CertificateType.ESEAL,
    "0.4.0.1862.1.6.3": CertificateType.WEB,
}
_ASI_TYPES = {
    FOR_ESIG: CertificateType.ESIG,
    FOR_ESEAL: CertificateType.ESEAL,
    FOR_WSA: CertificateType.WEB,
}
_TYPE_QUALIFIERS = {
    _EXT + "QCForESig": CertificateType.ESIG,
    _EXT + "QCForESeal": CertificateType.ESEAL,
    _EXT + "QCForWSA": CertificateType.WEB,
}
_QSCD_QUALIFIERS = {
    _EXT + "QCWithSSCD": True,
    _EXT + "QCWithQSCD": True,
    _EXT + "QCNoSSCD": False,
    _EXT + "QCNoQSCD": False,
}
_QUALIFIED = _EXT + "QCStatement"
_NOT_QUALIFIED = _EXT + "NotQualified"


@dataclass(frozen=True)
class Qualification:
    """Whether a certificate is qualified under a trusted list, and why."""

    qualified: bool
    """Whether the certificate is a qualified certificate (of ``kind``)."""
    kind: CertificateType | None
    """What it is qualified for; ``None`` when not qualified."""
    qscd: bool
    """Whether its key is declared to be on a (Q)SCD."""
    service: TrustService | None
    """The CA/QC service the decision rests on, if one matched."""
    reasons: tuple[str, ...]
    """Plain sentences explaining the decision, in the order made."""

    @property
    def for_esig(self) -> bool:
        """Whether this is a qualified certificate for electronic signatures."""
        return self.qualified and self.kind is CertificateType.ESIG

    @property
    def for_eseal(self) -> bool:
        """Whether this is a qualified certificate for electronic seals."""
        return self.qualified and self.kind is CertificateType.ESEAL


@dataclass(frozen=True)
class QcFacts:
    """The QCStatements of a certificate (EN 319 412-5)."""

    compliance: bool = False
    """QcCompliance is present."""
    sscd: bool = False
    """QcSSCD is present."""
    types: frozenset[CertificateType] = frozenset()
    """The QcType values."""


def decide(
    services: Sequence[TrustService],
    chain: Sequence[x509.Certificate],
    at: datetime,
) -> Qualification:
    """Decide whether ``chain[0]`` is qualified under these services at ``at``."""
    if not chain:
        return _not("no certificate given")

    matching = _matching_services(services, chain)
    if not matching:
        return _not("no service of the list issued the certificate")

    outcomes = [_decide_one(s, chain[0], at) for s in matching]
    qualified = [o for o in outcomes if o.qualified]
    if qualified and len(qualified) < len(outcomes):
        reasons = tuple(r for o in outcomes for r in o.reasons)
        return _not("matching services disagree", *reasons)

    return outcomes[0]


def qc_facts(cert: x509.Certificate) -> QcFacts:
    """Read the QCStatements extension of a certificate."""
    try:
        ext = cert.extensions.get_extension_for_oid(_QC_STATEMENTS).value
    except x509.ExtensionNotFound:
        return QcFacts()

    if not isinstance(ext, x509.UnrecognizedExtension):
        return QcFacts()

    try:
        return _read_statements(ext.value)
    except ValueError:
        log.warning("unreadable QCStatements extension ignored")
        return QcFacts()


# --- service selection -----------------------------------------------------


def _matching_services(
    services: Sequence[TrustService], chain: Sequence[x509.Certificate]
) -> list[TrustService]:
    """Return the services of the nearest CA of the chain that a service names."""
    for depth, ca in enumerate(chain[1:], start=1):
        found = [s for s in services if _names_ca(s, ca)]
        if found and _links_hold(chain[: depth + 1]):
            return found

    return []


def _names_ca(service: TrustService, ca: x509.Certificate) -> bool:
    identity = service.identity
    key = _spki(ca)
    for cert in identity.certificates:
        if cert == ca or (cert.subject == ca.subject and _spki(cert) == key):
            return True

    ski = _ski(ca)
    return ski is not None and ski in identity.key_identifiers


def _links_hold(chain: Sequence[x509.Certificate]) -> bool:
    """Verify that each certificate is directly issued by the next."""
    for cert, issuer in itertools.pairwise(chain):
        try:
            cert.verify_directly_issued_by(issuer)
        except (ValueError, TypeError, InvalidSignature):
            return False

    return True


# --- one service -------------------------------------------------------------


def _decide_one(
    service: TrustService, cert: x509.Certificate, at: datetime
) -> Qualification:
    issued = service.period_at(cert.not_valid_before_utc)
    now = service.period_at(at)
    problem = _period_problem(issued, "issuance") or _period_problem(now, "signing")
    if problem is not None or issued is None:
        return _not(problem or "no status", service=service)

    facts = qc_facts(cert)
    applied = _applied_qualifiers(issued, cert)
    return _combine(service, issued, facts, applied)


def _period_problem(period: ServicePeriod | None, when: str) -> str | None:
    if period is None:
        return f"the service had no status at the {when} time"

    if period.service_type != CA_QC:
        return f"the service was not a CA/QC service at the {when} time"

    if period.status not in GRANTED_STATUSES:
        return f"the service was not granted at the {when} time"

    return None


def _combine(
    service: TrustService,
    period: ServicePeriod,
    facts: QcFacts,
    applied: frozenset[str],
) -> Qualification:
    """Merge the certificate's statements with the list's qualifiers."""
    if _QUALIFIED in applied and _NOT_QUALIFIED in applied:
        return _not("the list's qualifiers contradict each other", service=service)

    qualified = (facts.compliance or _QUALIFIED in applied) and (
        _NOT_QUALIFIED not in applied
    )
    if not qualified:
        why = "the list says not qualified" if _NOT_QUALIFIED in applied else None
        return _not(why or "the certificate has no QcCompliance", service=service)

    kind, why = _kind(period, facts, applied)
    if kind is None:
        return _not(why, service=service)

    return Qualification(True, kind, _qscd(facts, applied), service, (why,))


def _kind(
    period: ServicePeriod, facts: QcFacts, applied: frozenset[str]
) -> tuple[CertificateType | None, str]:
    """Decide the type: qualifiers first, then QcType, then the service."""
    listed = {_TYPE_QUALIFIERS[q] for q in applied if q in _TYPE_QUALIFIERS}
    types = listed or set(facts.types)
    allowed = {_ASI_TYPES[u] for u in period.additional_info if u in _ASI_TYPES}
    if not types:
        types = {CertificateType.ESIG}

    if len(types) > 1:
        return None, "the certificate's type is ambiguous"

    kind = types.pop()
    if allowed and kind not in allowed:
        return None, f"the service does not issue qualified {kind.value} certificates"

    return kind, f"qualified certificate for {kind.value} under a granted CA/QC"


def _qscd(facts: QcFacts, applied: frozenset[str]) -> bool:
    said = [_QSCD_QUALIFIERS[q] for q in applied if q in _QSCD_QUALIFIERS]
    if said:
        return all(said)

    return facts.sscd


# --- Qualifications criteria ----------------------------------------------------


def _applied_qualifiers(
    period: ServicePeriod, cert: x509.Certificate
) -> frozenset[str]:
    applied: set[str] = set()
    for rule in period.qualifications:
        if _matches(rule.criteria, cert):
            applied |= rule.qualifiers

    return frozenset(applied)


def _matches(criteria: Criteria, cert: x509.Certificate) -> bool:
    policies = _policies(cert)
    usage = _key_usage_bits(cert)
    results = [ps <= policies for ps in criteria.policy_sets]
    results += [all(usage.get(b) is v for b, v in ku) for ku in criteria.key_usage]
    results += [_matches(n, cert) for n in criteria.nested]
    results += [False] * criteria.unsupported
    if criteria.assertion == "all":
        return bool(results) and all(results)

    if criteria.assertion == "atLeastOne":
        return any(results)

    return not any(results)


def _policies(cert: x509.Certificate) -> frozenset[str]:
    try:
        ext = cert.extensions.get_extension_for_class(x509.CertificatePolicies)
    except x509.ExtensionNotFound:
        return frozenset()

    return frozenset(p.policy_identifier.dotted_string for p in ext.value)


_KEY_USAGE_BITS = {
    "digitalSignature": "digital_signature",
    "nonRepudiation": "content_commitment",
    "keyEncipherment": "key_encipherment",
    "dataEncipherment": "data_encipherment",
    "keyAgreement": "key_agreement",
    "keyCertSign": "key_cert_sign",
    "crlSign": "crl_sign",
}


def _key_usage_bits(cert: x509.Certificate) -> dict[str, bool]:
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return {}

    return {name: bool(getattr(usage, attr)) for name, attr in _KEY_USAGE_BITS.items()}


# --- QCStatements DER ------------------------------------------------------------


class _Statement(core.Sequence):  # type: ignore[misc]
    _fields: ClassVar[list[tuple[Any, ...]]] = [
        ("statement_id", core.ObjectIdentifier),
        ("statement_info", core.Any, {"optional": True}),
    ]


class _Statements(core.SequenceOf):  # type: ignore[misc]
    _child_spec = _Statement


class _OidList(core.SequenceOf):  # type: ignore[misc]
    _child_spec = core.ObjectIdentifier


def _read_statements(der: bytes) -> QcFacts:
    ids: set[str] = set()
    types: set[CertificateType] = set()
    for statement in _Statements.load(der):
        oid = statement["statement_id"].dotted
        ids.add(oid)
        info = statement["statement_info"]
        if oid == _QC_TYPE and info.native is not None:
            oids = _OidList.load(info.dump())
            types.update(_QC_TYPES[o.dotted] for o in oids if o.dotted in _QC_TYPES)

    return QcFacts(_QC_COMPLIANCE in ids, _QC_SSCD in ids, frozenset(types))


# --- helpers -------------------------------------------------------------------------


def _not(*reasons: str, service: TrustService | None = None) -> Qualification:
    return Qualification(False, None, False, service, reasons)


def _spki(cert: x509.Certificate) -> bytes:
    return cert.public_key().public_bytes(
        Encoding.DER, PublicFormat.SubjectPublicKeyInfo
    )


def _ski(cert: x509.Certificate) -> bytes | None:
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    except x509.ExtensionNotFound:
        return None

    return ext.value.digest
