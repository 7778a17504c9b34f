"""Offline checks of a sealed receipt, its document and its journal proof.

Everything here works from files alone, with no server and no database: the
receipt's XAdES seal (:mod:`signing.sealed`), its signature time-stamp
(EN 319 132-1 clause 5.3), the SHA-256 of the document it acknowledges, and
a Merkle inclusion proof of the document's ``registered`` journal entry in a
sealed checkpoint (:mod:`signing.proofcheck`).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree

from signing.proofcheck import check_proof
from signing.result import Check
from signing.safexml import parse_xml
from signing.sealed import Sealed, check_sealed, field, pinned_seals
from signing.sigtimestamp import SignatureTimestampError, check_signature_timestamp
from signing.trust import TrustStore
from signing.tsp import TimestampResult

logger = logging.getLogger(__name__)

RECEIPT_NS = "urn:kancelaria:receipt:1"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
CLOCK_SKEW_SECONDS = 300
NO_SEAL_PINNED = (
    "The trust anchors hold no seal certificate: a root alone cannot tell the "
    "office's seal from any other certificate it issued. Add the office's seal "
    "certificate (it is in the office's published trust.pem)."
)


@dataclass(frozen=True)
class ReceiptVerification:
    """The verdict on one receipt and whatever was given with it."""

    registry_number: str | None
    """The registry number the sealed receipt names, once the seal held."""
    checks: tuple[Check, ...]
    """Every check made, in order: seal, time-stamp, document, proof."""
    timestamp: TimestampResult | None = None
    """The signature time-stamp's facts, when the receipt has one."""

    @property
    def passed(self) -> bool:
        """Whether every check made passed."""
        return bool(self.checks) and all(c.passed for c in self.checks)

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready dict of this verdict."""
        return {
            "passed": self.passed,
            "registry_number": self.registry_number,
            "checks": [
                {"name": c.name, "passed": c.passed, "detail": c.detail}
                for c in self.checks
            ],
            "timestamp": self.timestamp.to_json() if self.timestamp else None,
        }


def verify_receipt(
    receipt: bytes,
    trust: TrustStore,
    *,
    document: bytes | None = None,
    proof: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> ReceiptVerification:
    """Check a receipt and, when given, its document and its journal proof."""
    # A root alone would accept a look-alike sealed by anyone holding a
    # certificate of the same CA (a citizen's): the seal must be pinned.
    if not pinned_seals(trust):
        return ReceiptVerification(None, (Check("receipt", False, NO_SEAL_PINNED),))

    sealed, seal_check = check_sealed(receipt, trust, RECEIPT_NS, "Receipt", at)
    if sealed is None:
        return ReceiptVerification(None, (seal_check,))

    number = field(sealed.element, "RegistryNumber")
    stamp_check, stamp = _check_timestamp(receipt, sealed, trust, at)
    checks = [seal_check, stamp_check]
    if document is not None:
        checks.append(_check_document(sealed.element, document))

    if proof is not None:
        checks.extend(check_proof(sealed, proof, trust, at))

    return ReceiptVerification(number, tuple(checks), stamp)


# --- the time-stamp -----------------------------------------------------


def _check_timestamp(
    data: bytes, sealed: Sealed, trust: TrustStore, at: datetime | None
) -> tuple[Check, TimestampResult | None]:
    signatures = parse_xml(data).getroot().findall(f"{{{DS_NS}}}Signature")
    if len(signatures) != 1:
        detail = "The seal is not where a receipt keeps it (last in the receipt)."
        return Check("timestamp", False, detail), None

    try:
        result = check_signature_timestamp(signatures[0], trust, at=at)
    except SignatureTimestampError as exc:
        return Check("timestamp", False, f"The time-stamp cannot be read: {exc}."), None

    if result is None:
        detail = "The receipt has no time-stamp yet (XAdES-BES); fetch it again later."
        return Check("timestamp", False, detail), None

    if not result.passed:
        return Check("timestamp", False, " ".join(result.problems)), result

    if _claims_later(sealed.signature.signing_time, result.gen_time):
        detail = "The seal claims a signing time after its time-stamp."
        return Check("timestamp", False, detail), result

    detail = f"Time-stamped at {_when(result.gen_time)} by {result.tsa_name}."
    return Check("timestamp", True, detail), result


def _claims_later(claimed: datetime | None, gen_time: datetime | None) -> bool:
    # SigningTime is the sealer's clock: allow it a little drift.
    if claimed is None or gen_time is None:
        return False

    return (claimed - gen_time).total_seconds() > CLOCK_SKEW_SECONDS


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "?"


# --- the document ---------------------------------------------------------


def _check_document(receipt: etree._Element, document: bytes) -> Check:
    expected = (field(receipt, "Document/SHA256") or "").lower()
    actual = hashlib.sha256(document).hexdigest()
    if not hmac.compare_digest(expected, actual):
        return Check(
            "document", False, "The document is not the one the receipt names."
        )

    return Check("document", True, "The document's SHA-256 matches the receipt.")
