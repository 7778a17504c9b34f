"""Validate the XML signatures of a document (ETSI EN 319 102-1, clause 5.3).

``validate_xml`` parses the bytes once (safely) and validates every
ds:Signature in document order, counter-signatures included.  Each signature
goes through the building blocks of EN 319 102-1 in order — format checking,
identification of the signing certificate (ISC), cryptographic verification
(CV), X.509 certificate validation (XCV) and signature acceptance (SAV) — and
its indication is the first stage's failure (within a stage TOTAL_FAILED
before INDETERMINATE).  Every check made is listed with its outcome.

What a signature covers — the rule callers must follow
------------------------------------------------------
``SignatureResult.covered`` lists one ``SignedObject`` per ds:Reference, in
order, and its ``element`` is the covered element exactly as it was digested:
for ``URI=""`` the document element with the cut-out subtrees (an enveloped
ds:Signature, what an XPath filter drops) removed, on a copy; for an
enveloping ds:Object the element inside it; for ``#id`` that element.  The
signed form is taken ONLY from the covered objects whose ``kind`` is
``document``, ``element`` or ``object`` (never ``signed-properties`` or
``manifest``), and only from a signature that passed: anything else in the
document is unsigned and must be ignored, which is what defeats signature
wrapping.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

from lxml import etree

from signing.errors import ForbiddenXMLError, NotSignedError
from signing.kinds import decide_kind
from signing.policy import ValidationPolicy
from signing.result import SignatureResult, ValidationResult, summarise
from signing.safexml import parse_xml
from signing.sigchecks import Report, check_signature
from signing.xmldsig import Document, index_ids, signatures_of

log = logging.getLogger(__name__)

_DS = "http://www.w3.org/2000/09/xmldsig#"

FORM_ELEMENT_KINDS = frozenset({"document", "element", "object"})
"""The kinds of covered object a form may be taken from."""


def validate_xml(
    data: bytes,
    policy: ValidationPolicy,
    *,
    detached: Mapping[str, bytes] | None = None,
    proven_at: datetime | None = None,
) -> ValidationResult:
    """Validate every XML signature in ``data`` under ``policy``; ``proven_at``
    is a proof of existence of these very bytes from outside them (an ASiC
    container's time-stamp over the signature file), if there is one."""
    tree = parse_xml(data)
    signatures = signatures_of(tree)
    if not signatures:
        raise NotSignedError("the document carries no ds:Signature")

    if len(signatures) > policy.max_signatures:
        raise ForbiddenXMLError("the document carries too many signatures")

    # Each reference may digest the whole document: cap them before any work.
    if _count_references(signatures) > policy.max_references:
        raise ForbiddenXMLError("the document carries too many references")

    doc = Document(tree, index_ids(tree), dict(detached or {}), parse_xml)
    moment = policy.effective_time()
    results = tuple(
        _validate_one(sig, doc, policy, moment, proven_at) for sig in signatures
    )
    indication, subindication = summarise(results)
    log.debug("validated %d signature(s): %s", len(results), indication.value)
    return ValidationResult(indication, subindication, results, moment, tree)


def _count_references(signatures: list[etree._Element]) -> int:
    return sum(1 for sig in signatures for _ in sig.iter(f"{{{_DS}}}Reference"))


def form_elements(result: SignatureResult) -> list[etree._Element]:
    """Return the covered elements a form may be taken from (see the rule)."""
    return [
        c.element
        for c in result.covered
        if c.kind in FORM_ELEMENT_KINDS and c.element is not None
    ]


def _validate_one(
    sig: etree._Element,
    doc: Document,
    policy: ValidationPolicy,
    moment: datetime,
    proven_at: datetime | None,
) -> SignatureResult:
    """Validate one ds:Signature."""
    report = Report()
    outcome = check_signature(sig, doc, policy, moment, report, proven_at)
    indication, subindication = report.verdict()
    checks = tuple(report.checks)
    at = outcome.timestamp_time or outcome.signing_time
    kind = decide_kind(
        outcome.signer, outcome.chain, checks, outcome.covered, at, policy.kinds
    )
    return SignatureResult(
        signature_id=outcome.signature_id,
        indication=indication,
        subindication=subindication,
        form=outcome.form,
        signer=kind.signer,
        signing_time=outcome.signing_time,
        covered=outcome.covered,
        checks=checks,
        counter_signature_of=outcome.counter_signature_of,
        timestamp_time=outcome.timestamp_time,
        policy=outcome.policy,
        chain=outcome.chain,
        kind=kind.kind,
        kind_detail=kind.detail,
        sealed_by=kind.sealed_by,
    )
