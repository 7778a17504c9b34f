"""Validate the signatures of a PDF document (PAdES, ETSI EN 319 142-1).

``validate_pdf`` opens the PDF once (leniently, see
:mod:`signing.pdfquirks`), and validates every filled signature field in the
order of the revisions they sign: ``/Sig`` signatures (PAdES B-B / B-T, or
plain CMS with ``adbe.pkcs7.detached``) and document time-stamps
(``/DocTimeStamp``, form ``PDF-TS``), each reported as a
:class:`~signing.result.SignatureResult` whose ``signature_id`` is the
field's name.  The checks are in :mod:`signing.padescheck`.

What a signature covers
-----------------------
``covered`` holds one ``SignedObject`` of kind ``document``: the revision
the signature signs (``uri`` ``revision:N``, counting from 1), with the
SHA-256 of the bytes its ``/ByteRange`` covers.  Anything appended after
that revision is judged by the ``modifications`` check; a PDF changed
beyond what the signer allowed fails (TOTAL_FAILED, FORMAT_FAILURE).

A field whose ``/Contents`` is not a CMS structure at all is reported as a
signature that is TOTAL_FAILED with FORMAT_FAILURE (DSS says "no signature
found"): the document plainly was meant to be signed, and the office must
register it and ask the sender for a remedy rather than refuse it unseen.
"""

from __future__ import annotations

import asyncio
import logging
import time

from pyhanko.pdf_utils import misc
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko_certvalidator import ValidationContext

from signing.errors import NotPDFError, NotSignedError
from signing.kinds import name_kind
from signing.padescheck import check_doc_timestamp, check_pdf_signature
from signing.pdfcontext import shared_context
from signing.pdfquirks import LenientSignature, open_pdf, signature_fields
from signing.policy import ValidationPolicy
from signing.result import (
    Check,
    Indication,
    SignatureResult,
    SubIndication,
    ValidationResult,
    summarise,
)

log = logging.getLogger(__name__)

TIME_BUDGET_SECONDS = 20.0
"""Wall time after which the remaining signatures are not validated."""

MAX_REVISIONS = 256
"""The most incremental updates a PDF may carry."""


def validate_pdf(data: bytes, policy: ValidationPolicy) -> ValidationResult:
    """Validate every signature and document time-stamp in ``data``."""
    deadline = time.monotonic() + TIME_BUDGET_SECONDS
    reader = open_pdf(data)
    found = _signatures(reader, policy)
    moment = policy.effective_time()
    context = shared_context(policy, moment)
    results = asyncio.run(_validate_all(found, data, reader, context, policy, deadline))
    indication, subindication = summarise(results)
    log.debug("validated %d PDF signature(s): %s", len(results), indication.value)
    return ValidationResult(indication, subindication, results, moment)


_Found = LenientSignature | tuple[str, Exception]
_READ_ERRORS = (misc.PdfError, ValueError, KeyError, TypeError, AssertionError)


def _signatures(reader: PdfFileReader, policy: ValidationPolicy) -> list[_Found]:
    """Return the signatures in revision order; broken fields as (name, error)."""
    try:
        if reader.xrefs.total_revisions > MAX_REVISIONS:
            raise NotPDFError("the PDF has too many incremental updates")

        fields = list(signature_fields(reader))
    except (*_READ_ERRORS, RecursionError) as exc:
        raise NotPDFError("the PDF's form fields cannot be read") from exc

    if not fields:
        raise NotSignedError("the PDF carries no signature")

    if len(fields) > policy.max_signatures:
        raise NotPDFError("the PDF carries too many signatures")

    found: list[_Found] = []
    for name, _, field in fields:
        try:
            found.append(LenientSignature(reader, field, name))  # type: ignore[arg-type]
        except _READ_ERRORS as exc:
            found.append((name, exc))

    return sorted(found, key=_revision)


def _revision(item: _Found) -> int:
    return item.signed_revision if isinstance(item, LenientSignature) else -1


async def _validate_all(
    found: list[_Found],
    data: bytes,
    reader: PdfFileReader,
    context: ValidationContext,
    policy: ValidationPolicy,
    deadline: float,
) -> tuple[SignatureResult, ...]:
    results = []
    for item in found:
        if time.monotonic() > deadline:
            results.append(_unfinished(item))
        else:
            results.append(await _validate_one(item, data, reader, context, policy))

    return tuple(results)


async def _validate_one(
    item: _Found,
    data: bytes,
    reader: PdfFileReader,
    context: ValidationContext,
    policy: ValidationPolicy,
) -> SignatureResult:
    if not isinstance(item, LenientSignature):
        return _broken(item[0], "the signature's /Contents is not a CMS structure")

    try:
        if str(item.sig_object_type) == "/DocTimeStamp":
            return await check_doc_timestamp(item, data, reader, context, policy)

        result = await check_pdf_signature(item, data, reader, context, policy)
        return name_kind(result, policy.kinds)
    except (*_READ_ERRORS, RecursionError) as exc:
        log.info("PDF signature cannot be processed: %s", type(exc).__name__)
        return _broken(str(item.field_name), "the signature cannot be processed")


def _broken(name: str, detail: str) -> SignatureResult:
    """A signature field whose content cannot be validated at all."""
    return SignatureResult(
        signature_id=name,
        indication=Indication.TOTAL_FAILED,
        subindication=SubIndication.FORMAT_FAILURE,
        form="unreadable CMS",
        signer=None,
        signing_time=None,
        covered=(),
        checks=(Check("cms-structure", False, detail),),
    )


def _unfinished(item: _Found) -> SignatureResult:
    """A signature left out because the time budget ran out."""
    name = str(item.field_name) if isinstance(item, LenientSignature) else item[0]
    return SignatureResult(
        signature_id=name,
        indication=Indication.INDETERMINATE,
        subindication=SubIndication.GENERIC,
        form="not validated",
        signer=None,
        signing_time=None,
        covered=(),
        checks=(Check("time-limit", False, "validation ran out of time"),),
    )
