"""Reading PDFs that pyHanko's strict parser refuses but that are genuine.

Two quirks of real producers are tolerated, each without touching a byte of
the file (the signed bytes are hashed exactly as received):

- a signing date in ``/M`` with a trailing apostrophe after the zone
  (LibreOffice writes ``D:20261204153210Z'``): only the date *string* is
  cleaned before it is parsed, and only when it ends in that form; the
  signing time is informative (EN 319 142-1, clause 5.4: the claimed time),
  never part of the cryptographic check;
- a trailer with ``/Encrypt null``: ISO 32000-1, clause 7.3.7 says a null
  value is the same as an absent key, so the file is not encrypted.

The reader is pyHanko's non-strict one (``strict=False``), which accepts
what poppler's ``pdfsig`` and pdf-lib write (no line break between a
``%%EOF`` and the next update, and the like).  Anything it cannot parse is
refused as :class:`signing.errors.NotPDFError`, never as a stack trace.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import datetime
from io import BytesIO

from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

from signing.errors import NotPDFError

log = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
"""What a PDF starts with (ISO 32000-1, clause 7.5.2)."""

HEADER_WINDOW = 1024
"""How far into the file the header may start (as readers commonly allow)."""

_APOSTROPHE_AFTER_ZONE = re.compile(r"^(D:\d{4,14}(?:Z|[+-]\d{2}'?\d{2}))'$")


def looks_like_pdf(data: bytes) -> bool:
    """Tell whether the bytes carry a PDF header near their start."""
    return PDF_MAGIC in data[:HEADER_WINDOW]


def open_pdf(data: bytes) -> PdfFileReader:
    """Open the PDF leniently; raise :class:`NotPDFError` if it cannot be read."""
    if not looks_like_pdf(data):
        raise NotPDFError("the input is not a PDF document")

    try:
        return _LenientReader(BytesIO(data), strict=False)
    except (misc.PdfError, ValueError, KeyError, TypeError, IndexError) as exc:
        log.info("PDF refused by the parser: %s", type(exc).__name__)
        raise NotPDFError("the PDF cannot be parsed") from exc
    except RecursionError as exc:
        raise NotPDFError("the PDF's structure is nested too deeply") from exc


class _LenientReader(PdfFileReader):
    """pyHanko's reader that treats ``/Encrypt null`` as no encryption."""

    @property
    def encrypt_dict(self) -> generic.DictionaryObject | None:
        """The encryption dictionary, ``None`` when absent or null."""
        try:
            value = self.trailer.raw_get("/Encrypt")
        except KeyError:
            return None

        if isinstance(value, generic.NullObject):
            return None

        found: generic.DictionaryObject | None = super().encrypt_dict
        return found


class LenientSignature(EmbeddedPdfSignature):
    """An embedded signature whose ``/M`` is read with the LibreOffice quirk."""

    @property
    def self_reported_timestamp(self) -> datetime | None:
        """The signing time claimed in the CMS or in ``/M``."""
        try:
            found: datetime | None = super().self_reported_timestamp
            return found
        except misc.PdfReadError:
            return parse_claimed_time(self.sig_object.get("/M"))


def parse_claimed_time(value: object) -> datetime | None:
    """Parse a ``/M`` date, tolerating one apostrophe after the zone."""
    if not isinstance(value, str):
        return None

    match = _APOSTROPHE_AFTER_ZONE.match(value)
    text = match.group(1) if match else value
    try:
        return generic.parse_pdf_date(text, strict=False)
    except (misc.PdfReadError, ValueError):
        log.info("unreadable /M date in a signature dictionary")
        return None


def signature_fields(reader: PdfFileReader) -> Iterator[tuple[str, object, object]]:
    """Yield (name, signature value, field) of every filled signature field."""
    yield from enumerate_sig_fields(reader, filled_status=True)
