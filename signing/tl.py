"""EU trusted lists (ETSI TS 119 612): load, authenticate and use them.

:func:`load_trusted_list` accepts a list only when its one XAdES signature
passes OUR validator (``signing.validate.validate_xml``) under a policy whose
only anchors are the pinned certificates, the signer itself is one of them
(a certificate merely issued by a pinned one is refused), the list was issued
before the time of use and that time is not past NextUpdate (a grace period
is configurable).  The pinned certificates are those published for the LOTL
(e.g. in the Official Journal) or, for a national list, the ones the LOTL's
pointer names: :meth:`TrustedList.load_pointed` takes them from there.

The content is read from what the signature covers, never from the raw
bytes, so nothing outside the signed content can be slipped in.

Nothing here downloads anything: the caller passes bytes (see
``signing.cli_tl`` for the operator's fetch command).
"""

from __future__ import annotations

import enum
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from lxml import etree

from signing.certs import fingerprint
from signing.errors import SigningInputError
from signing.policy import ValidationPolicy
from signing.qualification import CA_QC, GRANTED_STATUSES, Qualification, decide
from signing.result import Indication, SignatureResult, Signer, SubIndication
from signing.tlparse import (
    TSL_NS,
    ListContent,
    ListPointer,
    TrustedListFormatError,
    TrustService,
    parse_list,
)
from signing.trust import TrustStore
from signing.validate import validate_xml

log = logging.getLogger(__name__)

LOTL_TYPE = "http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUlistofthelists"
SUPPORTED_VERSIONS = frozenset({5, 6})
_ROOT_TAG = f"{{{TSL_NS}}}TrustServiceStatusList"


class TrustedListErrorCode(enum.StrEnum):
    """Why a trusted list was refused; stable machine codes."""

    NOT_A_LIST = "tl-not-a-list"
    SIGNATURE_INVALID = "tl-signature-invalid"
    SIGNER_NOT_PINNED = "tl-signer-not-pinned"
    SIGNATURE_SCOPE = "tl-signature-scope"
    UNSUPPORTED_VERSION = "tl-unsupported-version"
    NOT_YET_ISSUED = "tl-not-yet-issued"
    EXPIRED = "tl-expired"
    NO_POINTER = "tl-no-pointer"
    TERRITORY_MISMATCH = "tl-territory-mismatch"


class TrustedListError(Exception):
    """A trusted list was refused; ``code`` says why."""

    def __init__(self, code: TrustedListErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class TrustedListPolicy:
    """How strict loading a list is."""

    next_update_grace: timedelta | None = timedelta(0)
    """How long past NextUpdate a list is still used; ``None``: forever
    (for re-validating old signatures with an archived list)."""
    clock_skew: timedelta = timedelta(minutes=5)
    """Tolerance for a ListIssueDateTime slightly in the future."""


@dataclass(frozen=True)
class TrustedList:
    """An authenticated trusted list and what it says."""

    content: ListContent
    """The parsed, signed content."""
    signer: Signer
    """Who signed the list (one of the pinned certificates)."""
    signing_time: datetime | None
    """The list signature's claimed SigningTime."""
    sha256: str
    """Hex SHA-256 of the list's bytes as loaded."""

    @property
    def territory(self) -> str:
        """The scheme territory (``EU`` for the LOTL)."""
        return self.content.territory

    @property
    def sequence_number(self) -> int:
        """TSLSequenceNumber."""
        return self.content.sequence_number

    @property
    def services(self) -> tuple[TrustService, ...]:
        """Every trust service of the list."""
        return self.content.services

    @property
    def pointers(self) -> tuple[ListPointer, ...]:
        """The pointers to other lists."""
        return self.content.pointers

    @property
    def is_lotl(self) -> bool:
        """Whether this is a list of the lists."""
        return self.content.tsl_type == LOTL_TYPE

    def trust_store(
        self, at: datetime, service_types: Sequence[str] = (CA_QC,)
    ) -> TrustStore:
        """Return the certificates of services of these types granted at ``at``."""
        certs: list[x509.Certificate] = []
        for service in self.services:
            period = service.period_at(at)
            if period is None or period.service_type not in service_types:
                continue

            if period.status in GRANTED_STATUSES:
                certs.extend(service.identity.certificates)

        return TrustStore.from_certificates(certs)

    def qualification(
        self, cert_chain: Sequence[x509.Certificate], at: datetime
    ) -> Qualification:
        """Decide whether ``cert_chain[0]`` is qualified under this list at ``at``.

        The chain goes signer first, each certificate issued by the next; see
        ``signing.qualification`` for the rules applied.
        """
        return decide(self.services, cert_chain, at)

    def pointer_to(self, territory: str) -> ListPointer:
        """Return the pointer to the XML list of ``territory``."""
        found = [p for p in self.pointers if p.territory == territory and p.is_xml]
        if not found:
            raise TrustedListError(
                TrustedListErrorCode.NO_POINTER,
                f"the list points to no XML list for {territory}",
            )

        certs = [c for p in found for c in p.certificates]
        return ListPointer(
            found[0].location,
            territory,
            found[0].tsl_type,
            found[0].mime_type,
            tuple(certs),
        )

    def load_pointed(
        self,
        data: bytes,
        territory: str,
        at: datetime | None = None,
        policy: TrustedListPolicy | None = None,
    ) -> TrustedList:
        """Load the list this one points to for ``territory``, pinned by it."""
        pointer = self.pointer_to(territory)
        loaded = load_trusted_list(data, pointer.certificates, at, policy)
        if loaded.territory != territory:
            raise TrustedListError(
                TrustedListErrorCode.TERRITORY_MISMATCH,
                f"expected the list of {territory}, got {loaded.territory}",
            )

        return loaded

    def summary(self) -> dict[str, Any]:
        """Return a JSON-ready description of the list."""
        content = self.content
        return {
            "territory": content.territory,
            "sequence_number": content.sequence_number,
            "type": content.tsl_type,
            "issued": content.issued.isoformat(),
            "next_update": content.next_update.isoformat()
            if content.next_update
            else None,
            "services": len(content.services),
            "pointers": [
                {"territory": p.territory, "location": p.location}
                for p in content.pointers
            ],
            "signer_sha256": self.signer.certificate_sha256,
            "sha256": self.sha256,
        }


def load_trusted_list(
    data: bytes,
    pinned: Sequence[x509.Certificate],
    at: datetime | None = None,
    policy: TrustedListPolicy | None = None,
) -> TrustedList:
    """Authenticate and parse a trusted list for use at ``at`` (default now)."""
    policy = policy or TrustedListPolicy()
    moment = _utc(at or datetime.now(UTC))
    signature, signer = _passing_signature(data, pinned, moment)
    content = _parse(_signed_list(signature))
    _check_freshness(content, moment, policy)
    log.info(
        "trusted list loaded: %s sequence %d",
        content.territory,
        content.sequence_number,
    )
    return TrustedList(
        content,
        signer,
        signature.signing_time,
        hashlib.sha256(data).hexdigest(),
    )


def _passing_signature(
    data: bytes, pinned: Sequence[x509.Certificate], moment: datetime
) -> tuple[SignatureResult, Signer]:
    """Validate the list's one signature against the pinned certificates."""
    trust = TrustStore.from_certificates(pinned)
    try:
        result = validate_xml(data, ValidationPolicy(trust, moment))
    except SigningInputError as exc:
        raise _refuse(TrustedListErrorCode.NOT_A_LIST, str(exc)) from None

    if len(result.signatures) != 1:
        raise _refuse(TrustedListErrorCode.SIGNATURE_SCOPE, "not exactly one signature")

    signature = result.signatures[0]
    if signature.indication is not Indication.TOTAL_PASSED:
        raise _signature_refusal(signature)

    pinned_prints = {fingerprint(c).hex() for c in pinned}
    signer = signature.signer
    if signer is None or signer.certificate_sha256 not in pinned_prints:
        raise _refuse(
            TrustedListErrorCode.SIGNER_NOT_PINNED,
            "the list is not signed by a pinned certificate",
        )

    return signature, signer


def _signature_refusal(signature: SignatureResult) -> TrustedListError:
    sub = signature.subindication
    if sub is SubIndication.NO_CERTIFICATE_CHAIN_FOUND:
        return _refuse(
            TrustedListErrorCode.SIGNER_NOT_PINNED,
            "the list is not signed by a pinned certificate",
        )

    failed = [c.name for c in signature.checks if not c.passed]
    return _refuse(
        TrustedListErrorCode.SIGNATURE_INVALID,
        f"the list's signature is {signature.indication.value}"
        f" ({sub.value if sub else '-'}; failed: {', '.join(failed) or '-'})",
    )


def _signed_list(signature: SignatureResult) -> etree._Element:
    """Return the one TrustServiceStatusList the signature covers."""
    lists = [
        c.element
        for c in signature.covered
        if c.kind in ("document", "element")
        and c.element is not None
        and c.element.tag == _ROOT_TAG
    ]
    if len(lists) != 1:
        raise _refuse(
            TrustedListErrorCode.SIGNATURE_SCOPE,
            "the signature does not cover exactly one TrustServiceStatusList",
        )

    return lists[0]


def _parse(element: etree._Element) -> ListContent:
    try:
        content = parse_list(element)
    except TrustedListFormatError as exc:
        raise _refuse(TrustedListErrorCode.NOT_A_LIST, str(exc)) from None

    if content.version not in SUPPORTED_VERSIONS:
        raise _refuse(
            TrustedListErrorCode.UNSUPPORTED_VERSION,
            f"TSLVersionIdentifier {content.version} is not supported",
        )

    return content


def _check_freshness(
    content: ListContent, moment: datetime, policy: TrustedListPolicy
) -> None:
    if content.issued > moment + policy.clock_skew:
        raise _refuse(
            TrustedListErrorCode.NOT_YET_ISSUED,
            "the list was issued after the time it is used for",
        )

    if policy.next_update_grace is None:
        return

    if content.next_update is None:
        raise _refuse(
            TrustedListErrorCode.EXPIRED, "the list is closed (no NextUpdate)"
        )

    if moment > content.next_update + policy.next_update_grace:
        raise _refuse(TrustedListErrorCode.EXPIRED, "the list is past its NextUpdate")


def _refuse(code: TrustedListErrorCode, message: str) -> TrustedListError:
    log.warning("trusted list refused: %s", code.value)
    return TrustedListError(code, message)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)

    return moment.astimezone(UTC)
