"""Refuse the office's own receipts sent back as incoming letters.

A receipt (UPO) is sealed by the office; registering it again would show
in the registry a letter "signed by" the office itself, and anyone could
re-register every receipt they hold. A document is refused with
``own-receipt`` when it is one of this system's receipts (its signed
content is in the receipt namespace) or when every signature made by a
signer (time-stamps aside) is the office seal.
"""

from __future__ import annotations

import logging

from lxml import etree

from app.errors import ErrorCode, RequestError
from signing.result import ValidationResult

log = logging.getLogger(__name__)

RECEIPT_NS = "urn:kancelaria:receipt:1"
PDF_TS = "PDF-TS"


def refuse_own_receipt(
    validation: ValidationResult, seal_fingerprint: str, digest: str
) -> None:
    """Raise ``own-receipt`` (422) for a receipt or what only the office sealed."""
    if _is_receipt(validation) or _only_sealed_by(validation, seal_fingerprint):
        code = ErrorCode.OWN_RECEIPT
        log.warning("refused", extra={"sha256": digest, "reason": code.value})
        raise RequestError(code, 422)


def _is_receipt(validation: ValidationResult) -> bool:
    return any(
        covered.element is not None
        and etree.QName(covered.element).namespace == RECEIPT_NS
        for signature in validation.signatures
        for covered in signature.covered
    )


def _only_sealed_by(validation: ValidationResult, seal_fingerprint: str) -> bool:
    signers = [
        s.signer.certificate_sha256
        for s in validation.signatures
        if s.counter_signature_of is None and s.form != PDF_TS and s.signer is not None
    ]
    return bool(signers) and all(found == seal_fingerprint for found in signers)
