"""Later revisions that add signature fields ("boxes") to a signed PDF.

``add_box`` writes the reviewer's shape: an incremental update adding a
signature field that nobody signs, whose widget may paint a white box with
other text over the page.  ``sign_box`` signs with pyHanko, in a new field
(visible or not) or in one a former revision added.
"""

from __future__ import annotations

from io import BytesIO

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import NameObject as N
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from signing.pki import Issued

Box = tuple[float, float, float, float]
OVERLAY = (
    b"1 1 1 rg 0 0 500 50 re f 0 0 0 rg BT /F1 14 Tf 12 26 Td (zwrot 100000 zl) Tj ET"
)


def add_box(
    pdf: bytes,
    name: str,
    box: Box | None = (60, 670, 560, 720),
    *,
    drawing: bytes | None = OVERLAY,
    state: str = "/N",
    flags: int | None = None,
) -> bytes:
    """Add an unsigned signature field; ``drawing`` is its appearance under
    ``state`` (none when ``None``), ``flags`` its annotation flags."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    fields.append_signature_field(writer, fields.SigFieldSpec(name, box=box))
    widget = next(
        f.get_object()
        for f in writer.root["/AcroForm"]["/Fields"]
        if f.get_object().get("/T") == name
    )
    if drawing is not None:
        stream = _appearance(writer, drawing)
        widget[N("/AP")] = generic.DictionaryObject({N(state): stream})
    if flags is not None:
        widget[N("/F")] = generic.NumberObject(flags)
    writer.update_container(widget)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def sign_box(
    pdf: bytes, name: str, signer: Issued, box: Box | None = None, new: bool = True
) -> bytes:
    """Sign ``pdf`` in field ``name`` (a new one at ``box`` when ``new``)."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    spec = fields.SigFieldSpec(name, box=box) if new else None
    out = signers.sign_pdf(
        writer,
        signers.PdfSignatureMetadata(field_name=name),
        signer=pyhanko_signer(signer),
        new_field_spec=spec,
    )
    return out.getvalue()


def pyhanko_signer(issued: Issued) -> signers.SimpleSigner:
    """pyHanko's in-memory signer for a key and certificate made here."""
    key = issued.key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return signers.SimpleSigner(
        _asn1(issued.certificate),
        asn1_keys.PrivateKeyInfo.load(key),
        SimpleCertificateStore.from_certs([_asn1(c) for c in issued.chain]),
    )


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    der = certificate.public_bytes(serialization.Encoding.DER)
    return asn1_x509.Certificate.load(der)


def _appearance(writer: IncrementalPdfFileWriter, drawing: bytes) -> generic.Reference:
    font = generic.DictionaryObject(
        {
            N("/Type"): N("/Font"),
            N("/Subtype"): N("/Type1"),
            N("/BaseFont"): N("/Helvetica"),
        }
    )
    bbox = generic.ArrayObject(generic.NumberObject(v) for v in (0, 0, 500, 50))
    stream = generic.StreamObject(
        {
            N("/Type"): N("/XObject"),
            N("/Subtype"): N("/Form"),
            N("/BBox"): bbox,
            N("/Resources"): generic.DictionaryObject(
                {N("/Font"): generic.DictionaryObject({N("/F1"): font})}
            ),
        },
        stream_data=drawing,
    )
    return writer.add_object(stream)
