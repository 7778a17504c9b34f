"""What changed in a PDF after a signature, and whether the signer allowed it.

pyHanko's difference analysis classifies every incremental update after the
signed revision (``ModificationLevel``: none, LTV updates, form filling,
annotations, other) and honours DocMDP and FieldMDP locks.  We are stricter
than DSS, which only warns about changes it cannot explain (the "shadow"
attacks hide, replace and hide-and-replace of Mainka, Mladenov and
Rohlmann, 2021, show why a warning is not enough for a public office):

- a certification signature (DocMDP) allows what its ``/P`` allows:
  1 only LTV updates (DSS dictionary, document time-stamps), 2 also form
  filling and signing, 3 also annotations; FieldMDP locks always hold;
- an approval signature allows only LTV updates and further signatures:
  the only form fields that may change are signature fields; changing any
  other field's value (the "replace" attack) or anything else fails;
- an update pyHanko cannot parse or explain fails (the "hide" attacks);
  so does one whose objects nest too deeply for the analysis to walk
  (a chain of thousands of objects, each referring to the next).

One tolerance is added to pyHanko's default policy
(:mod:`signing.pdfdiffrules`): a page rewritten to bind a new signature's
widget may point an entry at a fresh copy whose content is identical.  One
check is added after it (:mod:`signing.pdfnewfields`): a signature field
added later must be signed by a signature covering it, or draw nothing.

A failed analysis makes the signature TOTAL_FAILED with FORMAT_FAILURE
(EN 319 102-1, clause 5.2.3: the document no longer is what was signed).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from pyhanko.pdf_utils import misc
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import (
    DiffResult,
    ModificationLevel,
    SuspiciousModification,
)
from pyhanko.sign.fields import MDPPerm, enumerate_sig_fields
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel

from signing.pdfdiffrules import DIFF_POLICY
from signing.pdfnewfields import unsigned_boxes

log = logging.getLogger(__name__)

TOO_DEEP = (
    "the changes after signing cannot be analysed: their objects are nested too deeply"
)
"""The detail of a ``modifications`` check that could not be carried out."""

_ALLOWED_BY_DOCMDP = {
    MDPPerm.NO_CHANGES: ModificationLevel.LTA_UPDATES,
    MDPPerm.FILL_FORMS: ModificationLevel.FORM_FILLING,
    MDPPerm.ANNOTATE: ModificationLevel.ANNOTATIONS,
}


@dataclass(frozen=True)
class Modifications:
    """The outcome of the modification analysis for one signature."""

    passed: bool
    """Whether every change after signing was allowed."""
    detail: str
    """A plain sentence about the outcome."""


def analyse(sig: EmbeddedPdfSignature, reader: PdfFileReader) -> Modifications:
    """Compute the signature's coverage and judge the changes made after it."""
    try:
        sig.compute_integrity_info(  # type: ignore[no-untyped-call]
            diff_policy=DIFF_POLICY
        )
    except (misc.PdfError, ValueError, KeyError, TypeError, RecursionError) as exc:
        return _not_analysed(exc)

    if sig.coverage is None or sig.coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        return Modifications(False, "the signature does not cover a whole revision")

    result = sig.diff_result
    if isinstance(result, SuspiciousModification) or result is None:
        return Modifications(False, "the document was changed after signing")

    judged = _judge(result, sig, reader)
    if judged.passed and result.modification_level != ModificationLevel.NONE:
        return _boxes_checked(sig, reader, judged)

    return judged


def _boxes_checked(
    sig: EmbeddedPdfSignature, reader: PdfFileReader, judged: Modifications
) -> Modifications:
    """Fail when a later revision added a box that draws and nobody signed."""
    try:
        boxes = unsigned_boxes(reader, sig.signed_revision)
    except (misc.PdfError, ValueError, KeyError, TypeError) as exc:
        log.info("new signature fields cannot be read: %s", type(exc).__name__)
        return Modifications(False, "a later revision cannot be parsed")

    if boxes:
        log.info("unsigned signature boxes added later: %d", len(boxes))
        return Modifications(
            False,
            "a later change added an unsigned signature box that draws on the page",
        )

    return judged


def _not_analysed(exc: BaseException) -> Modifications:
    """Say why the later revisions could not be analysed."""
    if not _nested_too_deeply(exc):
        log.info("modification analysis failed: %s", type(exc).__name__)
        return Modifications(False, "a later revision cannot be parsed")

    # A chain of thousands of new objects, each pointing at the next, or
    # arrays within arrays, outruns pyHanko's recursive walk and parser.
    log.info("modification analysis failed: nested too deeply")
    return Modifications(False, TOO_DEEP)


def _nested_too_deeply(exc: BaseException | None) -> bool:
    """Tell whether ``exc`` is, or was raised from, a RecursionError
    (pyHanko's parser wraps some in a ``PdfReadError``)."""
    seen = 0
    while exc is not None and seen < 16:
        if isinstance(exc, RecursionError):
            return True

        exc, seen = exc.__cause__ or exc.__context__, seen + 1

    return False


def _judge(
    result: DiffResult, sig: EmbeddedPdfSignature, reader: PdfFileReader
) -> Modifications:
    level = result.modification_level
    if level == ModificationLevel.NONE:
        return Modifications(True, "no change after signing")

    docmdp = sig.docmdp_level
    if docmdp is not None:
        allowed = _ALLOWED_BY_DOCMDP.get(docmdp, ModificationLevel.LTA_UPDATES)
        if level <= allowed:
            return Modifications(True, f"changes allowed by DocMDP P={docmdp.value}")

        return Modifications(False, "changes beyond what the certifier allowed")

    if level == ModificationLevel.LTA_UPDATES:
        return Modifications(True, "only validation data and time-stamps added")

    if level == ModificationLevel.FORM_FILLING:
        return _only_signature_fields(result, reader)

    return Modifications(False, "the document was changed after signing")


def _only_signature_fields(result: DiffResult, reader: PdfFileReader) -> Modifications:
    """Accept form changes only when every changed field is a signature."""
    signature_names = {name for name, _, _ in enumerate_sig_fields(reader)}
    others = set(result.changed_form_fields) - signature_names
    if others:
        return Modifications(
            False, f"{len(others)} form field value(s) changed after signing"
        )

    return Modifications(True, "only signatures and time-stamps added")
