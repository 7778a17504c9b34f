"""The kind of each signature, as Polish offices must name it.

* ``qualified`` — a qualified electronic signature or seal, as a configured
  EU trusted list (``KindRules.trusted_lists``, TS 119 615) confirms it for a
  certificate whose path to a configured anchor validated.
* ``qc-unconfirmed`` — no trusted list is configured, and the certificate's
  own QCStatements (EN 319 412-5) declare QcCompliance and a key on a QSCD:
  what its issuer declares, which nothing here confirms, so no legal claim
  of a qualified signature is made.
* ``trusted-profile`` — podpis zaufany: the national platform's seal over
  the document with the signer's identity data (``ppZP:PodpisZP``) inside a
  part of the signature that the seal itself covers.  The signer shown is
  the person named there; the platform is ``sealed_by``.  Only certificates
  the operator configured as platform seals (``trusted_profile_seals``,
  SHA-256 fingerprints) make such a signature; identity data under any
  other certificate is ignored and said so.
* ``personal`` — podpis osobisty: made with the certificate of an e-ID card,
  issued by a CA the operator configured (``personal_issuers``, SHA-256
  fingerprints of the issuing CA certificates); advanced, not qualified.
* ``advanced`` — any other signature with a signing certificate.

The kind describes the certificate and its trust; the indication still says
whether the signature holds.  A signature whose path did not validate is
never named qualified, trusted-profile or personal.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from signing.qualification import QcFacts, Qualification, qc_facts
from signing.result import Check, SignatureResult, SignedObject, Signer

QUALIFIED = "qualified"
QC_UNCONFIRMED = "qc-unconfirmed"
TRUSTED_PROFILE = "trusted-profile"
PERSONAL = "personal"
ADVANCED = "advanced"

MAX_CACHED = 4096
_MISSING = object()
PPZP_NS = "http://crd.gov.pl/xml/schematy/ppzp/"
"""Namespace of the trusted-profile identity data (``PodpisZP``)."""


class QualifyingList(Protocol):
    """What a trusted list offers here (``signing.tl.TrustedList``)."""

    def qualification(
        self, cert_chain: Sequence[x509.Certificate], at: datetime
    ) -> Qualification: ...


@dataclass(frozen=True)
class KindRules:
    """What the operator configured to recognise the Polish kinds."""

    trusted_profile_seals: frozenset[str] = frozenset()
    """SHA-256 (hex) of the platform certificates that seal trusted profiles."""
    personal_issuers: frozenset[str] = frozenset()
    """SHA-256 (hex) of the CA certificates that issue e-ID card certificates."""
    trusted_lists: tuple[QualifyingList, ...] = ()
    """Trusted lists deciding qualification; none: nothing is ``qualified``
    (QCStatements alone give ``qc-unconfirmed``)."""
    facts: dict[tuple[int, str], tuple[x509.Certificate, object]] = field(
        default_factory=dict, compare=False, repr=False, hash=False
    )
    """By (``id`` of a certificate object, fact): the certificate (kept alive
    here, so the id is not reused) and its SHA-256 or QCStatements; a bounded
    cache of pure functions, owned by the policy's rules."""

    def fingerprint(self, cert: x509.Certificate) -> str:
        """The certificate's SHA-256 (hex), cached."""
        found = self._cached(cert, "sha256")
        if found is _MISSING:
            found = self._remember(cert, "sha256", _sha256(cert))
        return str(found)

    def qc(self, cert: x509.Certificate) -> QcFacts | None:
        """The certificate's QCStatements, cached; ``None`` if unreadable."""
        found = self._cached(cert, "qc")
        if found is _MISSING:
            found = self._remember(cert, "qc", _qc_or_none(cert))
        return found if isinstance(found, QcFacts) else None

    def _cached(self, cert: x509.Certificate, fact: str) -> object:
        entry = self.facts.get((id(cert), fact))
        return entry[1] if entry is not None and entry[0] is cert else _MISSING

    def _remember(self, cert: x509.Certificate, fact: str, value: object) -> object:
        if len(self.facts) >= MAX_CACHED:
            self.facts.clear()
        self.facts[(id(cert), fact)] = (cert, value)
        return value


@dataclass(frozen=True)
class KindDecision:
    """The kind of one signature and who is shown as its signer."""

    kind: str | None
    detail: str
    signer: Signer | None
    sealed_by: Signer | None = None


def name_kind(result: SignatureResult, rules: KindRules) -> SignatureResult:
    """Return ``result`` with its kind (and, for podpis zaufany, its person)."""
    decision = decide_kind(
        result.signer,
        result.chain,
        result.checks,
        result.covered,
        result.timestamp_time or result.signing_time,
        rules,
    )
    return replace(
        result,
        kind=decision.kind,
        kind_detail=decision.detail,
        signer=decision.signer,
        sealed_by=decision.sealed_by,
    )


def decide_kind(
    signer: Signer | None,
    chain: tuple[x509.Certificate, ...],
    checks: Sequence[Check],
    covered: Sequence[SignedObject],
    at: datetime | None,
    rules: KindRules,
) -> KindDecision:
    """Decide a signature's kind from its signer, chain, checks and coverage.

    ``at`` is the best signing time known (time-stamp, else claimed)."""
    if signer is None or not chain:
        return KindDecision(None, "", signer)

    trusted = any(c.name == "certificate-path" and c.passed for c in checks)
    person = _trusted_profile_person(covered)
    platform = rules.fingerprint(chain[0]) in rules.trusted_profile_seals
    if person is not None and trusted and platform:
        detail = "the trusted-profile platform's seal carries the person's data"
        shown = _person_signer(person, signer)
        return KindDecision(TRUSTED_PROFILE, detail, shown, signer)

    ignored = " (trusted-profile data ignored: not a platform seal)" if person else ""
    kind, detail = _certificate_kind(chain, at, rules, trusted)
    return KindDecision(kind, detail + ignored, signer)


def _certificate_kind(
    chain: tuple[x509.Certificate, ...],
    at: datetime | None,
    rules: KindRules,
    trusted: bool,
) -> tuple[str, str]:
    """Qualified, personal or advanced, from the certificate and its path."""
    if not trusted:
        return ADVANCED, "the certificate path did not validate"

    kind, why = _qualification(chain, at, rules)
    if kind is not None:
        return kind, why

    if len(chain) > 1 and rules.fingerprint(chain[1]) in rules.personal_issuers:
        return PERSONAL, "certificate of an e-ID card (podpis osobisty)"

    return ADVANCED, why


def _qualification(
    chain: tuple[x509.Certificate, ...], at: datetime | None, rules: KindRules
) -> tuple[str | None, str]:
    """Qualified only by a configured trusted list; without one, the
    certificate's QCStatements are reported as unconfirmed."""
    if rules.trusted_lists:
        moment = at or chain[0].not_valid_before_utc
        for tl in rules.trusted_lists:
            decision = tl.qualification(chain, moment)
            if decision.qualified and decision.qscd:
                return QUALIFIED, "qualified under a configured trusted list"

        return None, "not qualified under the configured trusted lists"

    facts = rules.qc(chain[0])
    if facts is None:
        return None, "the certificate's extensions cannot be read"

    if facts.compliance and facts.sscd:
        return QC_UNCONFIRMED, (
            "QC statements present, not confirmed by a trusted list "
            "(QcCompliance, key declared on a QSCD)"
        )

    if facts.compliance:
        return None, (
            "QC statements present, not confirmed by a trusted list; "
            "the key is not declared on a QSCD"
        )

    return None, "the certificate is not a qualified certificate"


def _trusted_profile_person(covered: Sequence[SignedObject]) -> dict[str, str] | None:
    """Read the person's data from a signed ``PodpisZP``, if there is one."""
    for item in covered:
        element = item.element
        if element is None or item.kind not in ("element", "object"):
            continue

        for candidate in (element, *element.iterchildren()):
            if candidate.tag == f"{{{PPZP_NS}}}PodpisZP":
                return _person_fields(candidate)

    return None


def _person_fields(podpis: etree._Element) -> dict[str, str]:
    wanted = ("Imie", "Nazwisko", "NumerPESEL", "IdKontaUzytkownikaEpuap")
    found: dict[str, str] = {}
    for element in podpis.iter(*(f"{{{PPZP_NS}}}{name}" for name in wanted)):
        name = element.tag.rpartition("}")[2]
        found.setdefault(name, (element.text or "").strip())

    return found


def _person_signer(person: dict[str, str], platform: Signer) -> Signer:
    """The person named in the trusted profile, trusted through the platform."""
    name = " ".join(p for p in (person.get("Imie"), person.get("Nazwisko")) if p)
    pesel = person.get("NumerPESEL")
    account = person.get("IdKontaUzytkownikaEpuap")
    identifier = (
        f"PNOPL-{pesel}" if pesel else (f"ePUAP-{account}" if account else None)
    )
    return replace(
        platform,
        name=name or "(no name in the trusted profile)",
        identifier=identifier,
        organization=None,
    )


def _qc_or_none(cert: x509.Certificate) -> QcFacts | None:
    """Read QCStatements once per certificate; odd extensions (cryptography
    warns of some, refuses others) mean we cannot say it is qualified."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return qc_facts(cert)
        except ValueError:
            return None


def _sha256(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()
