"""Signed PDFs whose later revision re-points the pages' /Resources to a copy.

The signed revision gives page 1 an indirect resource dictionary with
references nested three deep: ``/Resources`` → ``/Font`` dictionary → font
→ encoding, and ``/XObject`` dictionary → form XObject (a stream).  A later
revision, written together with a document time-stamp (which binds its widget
to page 1, as the DE_SCI-4 writer did), points the page's ``/Resources`` at
fresh objects built by :func:`build_resources`: an identical copy, or one
with a single change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import NameObject as N
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
from reportlab.pdfgen.canvas import Canvas

from signing.pades_seal import PdfSealer, _pyhanko_timestamper
from signing.pki import Issued
from signing.tsp import Timestamper

CONTENT = b"BT /F1 12 Tf 100 700 Td (Wniosek testowy) Tj ET /X1 Do"
STAMP = b"q 1 0 0 1 100 600 cm 0 0 50 20 re S Q"


@dataclass(frozen=True)
class Resources:
    """What a resource dictionary is built from; each field one part."""

    font: str = "/Helvetica"
    differences: tuple[int | str, ...] = (39, "/quoteright")
    stamp: bytes = STAMP
    procset: tuple[str, ...] = ("/PDF", "/Text")
    extra_xobject: bool = False
    loops_back: bool = False
    """The form XObject's own /Resources point back at this dictionary."""
    padding: int = 0
    """Numbers in an array under /Properties, to make a large dictionary."""


def build_resources(
    writer: IncrementalPdfFileWriter, parts: Resources
) -> generic.IndirectObject:
    """Write a resource dictionary and everything it points to as new objects."""
    encoding = writer.add_object(
        generic.DictionaryObject(
            {
                N("/Type"): N("/Encoding"),
                N("/Differences"): generic.ArrayObject(
                    _pdf_value(v) for v in parts.differences
                ),
            }
        )
    )
    font = writer.add_object(
        generic.DictionaryObject(
            {
                N("/Type"): N("/Font"),
                N("/Subtype"): N("/Type1"),
                N("/BaseFont"): N(parts.font),
                N("/Encoding"): encoding,
            }
        )
    )
    fonts = writer.add_object(generic.DictionaryObject({N("/F1"): font}))
    stamp = generic.StreamObject(
        {
            N("/Type"): N("/XObject"),
            N("/Subtype"): N("/Form"),
            N("/BBox"): generic.ArrayObject(
                generic.NumberObject(v) for v in (0, 0, 50, 20)
            ),
        },
        stream_data=parts.stamp,
    )
    stamp_ref = writer.add_object(stamp)
    xobjects = generic.DictionaryObject({N("/X1"): stamp_ref})
    if parts.extra_xobject:
        xobjects[N("/X2")] = stamp_ref
    resources = generic.DictionaryObject(
        {
            N("/ProcSet"): generic.ArrayObject(N(p) for p in parts.procset),
            N("/Font"): fonts,
            N("/XObject"): writer.add_object(xobjects),
        }
    )
    if parts.padding:
        numbers = generic.ArrayObject(map(generic.NumberObject, range(parts.padding)))
        resources[N("/Properties")] = generic.DictionaryObject({N("/Pad"): numbers})
    resources_ref = writer.add_object(resources)
    if parts.loops_back:
        stamp[N("/Resources")] = resources_ref
    return resources_ref


def signed_with_resources(
    seal: Issued, parts: Resources = Resources(), pages: int = 1
) -> bytes:
    """A letter whose pages share one resource dictionary built from
    ``parts``, then sealed (PAdES B-B)."""
    buffer = BytesIO()
    canvas = Canvas(buffer, pageCompression=0)
    for _ in range(pages):
        canvas.showPage()
    canvas.save()
    writer = IncrementalPdfFileWriter(BytesIO(buffer.getvalue()))
    resources = build_resources(writer, parts)
    content = writer.add_object(generic.StreamObject(stream_data=CONTENT))
    for page in _pages(writer):
        page[N("/Resources")] = resources
        page[N("/Contents")] = content
        writer.update_container(page)
    out = BytesIO()
    writer.write(out)
    return PdfSealer.from_issued(seal).seal(out.getvalue())


def restamped(
    signed: bytes,
    timestamper: Timestamper,
    repoint: Callable[[IncrementalPdfFileWriter], generic.PdfObject] | None,
) -> bytes:
    """Add a document time-stamp; with it, point page 1 at ``repoint``'s value."""
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    if repoint is not None:
        page = _first_page(writer)
        page[N("/Resources")] = repoint(writer)
        writer.update_container(page)
    stamper = PdfTimeStamper(_pyhanko_timestamper(timestamper))  # type: ignore[arg-type]
    return stamper.timestamp_pdf(writer, "sha256").getvalue()


def copy_of(
    parts: Resources,
) -> Callable[[IncrementalPdfFileWriter], generic.PdfObject]:
    """A ``repoint`` that writes a fresh, deep copy built from ``parts``."""
    return lambda writer: build_resources(writer, parts)


def restamped_with_fields(
    signed: bytes, timestamper: Timestamper, parts: Resources
) -> bytes:
    """Add a document time-stamp; with it, an empty signature field on every
    page but the first (its widget a kid of the field), and point every page
    at one fresh copy built from ``parts``."""
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    fields = writer.root["/AcroForm"]["/Fields"]
    copy = build_resources(writer, parts)
    for number, page in enumerate(_pages(writer), start=1):
        page[N("/Resources")] = copy
        if number > 1:
            widget = _empty_signature_field(writer, f"Podpis{number}")
            page[N("/Annots")] = generic.ArrayObject([widget])
            fields.append(widget.get_object().raw_get("/Parent"))
        writer.update_container(page)
    writer.update_container(fields)
    stamper = PdfTimeStamper(_pyhanko_timestamper(timestamper))  # type: ignore[arg-type]
    return stamper.timestamp_pdf(writer, "sha256").getvalue()


def shallow_copy(writer: IncrementalPdfFileWriter) -> generic.PdfObject:
    """A fresh resource dictionary holding the old one's references (DE_SCI-4)."""
    old = _first_page(writer).raw_get("/Resources").get_object()
    return writer.add_object(generic.DictionaryObject({k: old.raw_get(k) for k in old}))


def _first_page(writer: IncrementalPdfFileWriter) -> generic.DictionaryObject:
    return _pages(writer)[0]


def _pages(writer: IncrementalPdfFileWriter) -> list[generic.DictionaryObject]:
    return [kid.get_object() for kid in writer.root["/Pages"]["/Kids"]]


def _empty_signature_field(
    writer: IncrementalPdfFileWriter, name: str
) -> generic.IndirectObject:
    """An unsigned signature field whose widget is a kid; the widget's ref."""
    field = writer.add_object(
        generic.DictionaryObject(
            {N("/FT"): N("/Sig"), N("/T"): generic.TextStringObject(name)}
        )
    )
    widget = writer.add_object(
        generic.DictionaryObject(
            {
                N("/Type"): N("/Annot"),
                N("/Subtype"): N("/Widget"),
                N("/Rect"): generic.ArrayObject([generic.NumberObject(0)] * 4),
                N("/Parent"): field,
            }
        )
    )
    field.get_object()[N("/Kids")] = generic.ArrayObject([widget])
    return widget


def _pdf_value(value: int | str) -> generic.PdfObject:
    return generic.NumberObject(value) if isinstance(value, int) else N(value)
