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
from dataclasses import dataclass, replace
from datetime import datetime

from pyhanko.pdf_utils import misc
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko_certvalidator import ValidationContext

from signing.errors import NotPDFError, NotSignedError
from signing.kinds import name_kind
from signing.padescheck import check_doc_timestamp, check_pdf_signature
from signing.pdfcontext import shared_context
from signing.pdfpoe import archive_time, revocation_time, signature_time
from signing.pdfquirks import LenientSignature, open_pdf, signature_fields
from signing.pdfrevocation import context_for, dss_of, revocation_of
from signing.pdftrees import check_trees
from signing.policy import ValidationPolicy
from signing.result import (
    Check,
    Indication,
    SignatureResult,
    SubIndication,
    ValidationResult,
    summarise,
)
from signing.revocation import RevocationCheck, RevocationData
from signing.revocationoutcome import MISSING_DATA, noted, settle_missing

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
    dss = dss_of(reader)
    job = _Job(data, reader, context, policy, moment, dss, found)
    results = _long_term_forms(asyncio.run(_validate_all(found, job, deadline)), dss)
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

        check_trees(reader)
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


@dataclass(frozen=True)
class _Job:
    """What every signature of one PDF is validated with."""

    data: bytes
    reader: PdfFileReader
    context: ValidationContext
    policy: ValidationPolicy
    moment: datetime
    dss: tuple[RevocationData, list[bytes]]
    found: list[_Found]
    proven_at: datetime | None = None
    """The proof of existence algorithms are judged at (``None``: none)."""


async def _validate_all(
    found: list[_Found], job: _Job, deadline: float
) -> tuple[SignatureResult, ...]:
    results = []
    for item in found:
        if time.monotonic() > deadline:
            results.append(_unfinished(item))
        else:
            results.append(await _validate_one(item, job))

    return tuple(results)


async def _validate_one(item: _Found, job: _Job) -> SignatureResult:
    if not isinstance(item, LenientSignature):
        return _broken(item[0], "the signature's /Contents is not a CMS structure")

    data, reader, policy = job.data, job.reader, job.policy
    try:
        if str(item.sig_object_type) == "/DocTimeStamp":
            return await check_doc_timestamp(item, data, reader, job.context, policy)

        result = await _validate_signature(item, job)
        poe = await _algorithm_proof(item, job, result)
        if poe is not None:
            result = await _judged_at_proof(item, replace(job, proven_at=poe), result)

        return name_kind(result, policy.kinds)
    except (*_READ_ERRORS, RecursionError) as exc:
        log.info("PDF signature cannot be processed: %s", type(exc).__name__)
        return _broken(str(item.field_name), "the signature cannot be processed")


async def _validate_signature(item: LenientSignature, job: _Job) -> SignatureResult:
    """Validate a ``/Sig`` with or without the revocation data it carries."""
    check = await revocation_of(item, *job.dss, job.policy, job.moment)
    if check is not None:
        return await _with_revocation(item, job, check)

    plain = await check_pdf_signature(
        item, job.data, job.reader, job.context, job.policy, job.proven_at
    )
    return noted(plain, False, "not checked: no revocation data was given")


async def _algorithm_proof(
    item: LenientSignature, job: _Job, result: SignatureResult
) -> datetime | None:
    """The proof of existence to judge refused algorithms at: the signature
    time-stamp or a later document time-stamp, whichever is earlier; ``None``
    when the algorithms passed or nothing proves the time."""
    refused = any(c.name == "algorithms" and not c.passed for c in result.checks)
    if not refused:
        return None

    archived = await archive_time(item, job.found, job.context)
    known = [t for t in (result.timestamp_time, archived) if t is not None]
    return min(known) if known else None


async def _judged_at_proof(
    item: LenientSignature, job: _Job, before: SignatureResult
) -> SignatureResult:
    """Validate again with algorithms judged at ``job.proven_at`` (EN 319
    102-1, 5.6.2.5); kept only when that clears the algorithm refusal."""
    again = await _validate_signature(item, job)
    if any(c.name == "algorithms" and not c.passed for c in again.checks):
        return before

    when = job.proven_at.isoformat() if job.proven_at else ""
    detail = f"acceptable for a signature proven to exist at {when}"
    return replace(again, checks=(*again.checks, Check("algorithms", True, detail)))


async def _with_revocation(
    item: LenientSignature, job: _Job, check: RevocationCheck
) -> SignatureResult:
    """Validate with the signature's revocation data: strictly, then (under
    a soft-fail policy, when data is missing) tolerantly."""
    certs = job.dss[1]
    strict = context_for(check, certs, job.policy, job.moment, strict=True)
    result = await check_pdf_signature(
        item, job.data, job.reader, strict, job.policy, job.proven_at
    )

    async def tolerant_run(data: RevocationCheck) -> SignatureResult:
        loose = context_for(data, certs, job.policy, job.moment, strict=False)
        return await check_pdf_signature(
            item, job.data, job.reader, loose, job.policy, job.proven_at
        )

    if result.subindication in MISSING_DATA:
        result = await settle_missing(result, check, tolerant_run)
        if result.subindication is not SubIndication.REVOKED_NO_POE:
            return result

    if result.subindication is SubIndication.REVOKED_NO_POE:
        return await _cured_by_timestamp(item, job, check) or result

    done = result.indication is Indication.TOTAL_PASSED
    return noted(result, done, "revocation status checked: not revoked")


async def _cured_by_timestamp(
    item: LenientSignature, job: _Job, check: RevocationCheck
) -> SignatureResult | None:
    """Judge again at the signature time-stamp's time when it is before the
    revocation (EN 319 102-1, 5.5.4); ``None`` when that does not hold."""
    # Both helpers run their own event loops: off this one, in a thread.
    stamped = await asyncio.to_thread(signature_time, item, job.policy, job.moment)
    archived = await archive_time(item, job.found, job.context)
    if archived is not None and (stamped is None or archived < stamped):
        stamped = archived

    certs = job.dss[1]
    revoked = await asyncio.to_thread(
        revocation_time, item, certs, check, job.policy, job.moment
    )
    if stamped is None or revoked is None or stamped >= revoked:
        return None

    plain = RevocationCheck(check.policy, RevocationData())
    then = context_for(plain, certs, job.policy, stamped, strict=False)
    again = await check_pdf_signature(
        item, job.data, job.reader, then, job.policy, job.proven_at
    )
    if again.indication is not Indication.TOTAL_PASSED:
        return None

    detail = (
        f"revoked at {revoked.isoformat()}, after a time-stamp "
        f"at {stamped.isoformat()}, the signature's proof of existence"
    )
    return noted(again, True, detail)


def _long_term_forms(
    results: tuple[SignatureResult, ...], dss: tuple[RevocationData, list[bytes]]
) -> tuple[SignatureResult, ...]:
    """Name B-LT (a B-T with a DSS holding revocation data) and B-LTA (and a
    document time-stamp after it that validates)."""
    if not dss[0]:
        return results

    named = []
    for number, result in enumerate(results):
        if result.form == "PAdES-B-T":
            later = results[number + 1 :]
            archived = any(
                r.form == "PDF-TS" and r.indication is Indication.TOTAL_PASSED
                for r in later
            )
            result = replace(result, form="PAdES-B-LTA" if archived else "PAdES-B-LT")

        named.append(result)

    return tuple(named)


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
