"""Signed documents for every outcome the report page words (fake names only).

Each is a real file, signed on a PKI made in the test, that the intake
pipeline registers: a passing enveloped XAdES, one changed after signing, one
whose certificate no anchor vouches for, a PAdES letter, a detached XAdES over
a PDF, a counter-signed form and a certificate whose name hides bidi controls.
"""

from __future__ import annotations

import base64
import hashlib
from io import BytesIO

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.x509.oid import NameOID
from lxml import etree
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
from reportlab.pdfgen.canvas import Canvas

from signing import pki
from signing.pades_seal import PdfSealer, _pyhanko_timestamper
from signing.tsp import Timestamper
from tests.app.conftest import sample
from tests.shapes.maker import XADES, Shape, sign_xades

DS = "http://www.w3.org/2000/09/xmldsig#"
FORM = "pismo-ogolne"
LETTER_TEXT = "Wniosek testowy o informację publiczną"
# A name that reads "Jan exe.doc Testowy" when its bidi controls are obeyed.
BIDI_GIVEN = "Jan \u202ecod.exe\u202c"
FAKE_PESEL = "44051401458"


def enveloped(signer: pki.Issued, form: str = FORM) -> bytes:
    """One of our sample forms with an enveloped XAdES-BES of ``signer``."""
    return sign_xades(signer, Shape(enveloped_in=sample(form)))


def changed_after_signing(signer: pki.Issued) -> bytes:
    """A signed form whose signed text was edited afterwards (HASH_FAILURE)."""
    signed = enveloped(signer)
    assert signed.count("Wydział Organizacyjny".encode()) == 1
    return signed.replace(
        "Wydział Organizacyjny".encode(), "Wydział Finansowy".encode()
    )


def plain_pdf() -> bytes:
    """A one-page PDF letter."""
    buffer = BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(100, 700, LETTER_TEXT)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def pdf_changed_after_signing(signer: pki.Issued) -> bytes:
    """A signed letter with text drawn on its page in an update after signing."""
    signed = PdfSealer.from_issued(signer).seal(plain_pdf())
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    added = generic.StreamObject(stream_data=b"BT 100 650 Td (Paid) Tj ET")
    page["/Contents"] = generic.ArrayObject(
        [page.raw_get("/Contents"), writer.add_object(added)]
    )
    writer.update_container(page)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def stamped_pdf(signer: pki.Issued, timestamper: Timestamper) -> bytes:
    """A PAdES B-T letter with a document time-stamp added after it."""
    signed = PdfSealer.from_issued(signer, timestamper=timestamper).seal(plain_pdf())
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    stamper = PdfTimeStamper(_pyhanko_timestamper(timestamper))  # type: ignore[arg-type]
    return stamper.timestamp_pdf(writer, "sha256").getvalue()


def counter_signed(signer: pki.Issued, counter: pki.Issued, form: str = FORM) -> bytes:
    """A signed form whose signature ``counter`` confirms (XAdES CounterSignature)."""
    root = etree.fromstring(enveloped(signer, form))
    main = root.find(f"{{{DS}}}Signature")
    value = main.find(f"{{{DS}}}SignatureValue")
    value.set("Id", "value-main")
    made = etree.fromstring(
        sign_xades(counter, Shape(files={"#value-main": b""}, sig_id="sig-counter"))
    )
    holder = main.find(f"{{{DS}}}Object/{{{XADES}}}QualifyingProperties")
    unsigned = etree.SubElement(holder, f"{{{XADES}}}UnsignedProperties")
    properties = etree.SubElement(unsigned, f"{{{XADES}}}UnsignedSignatureProperties")
    etree.SubElement(properties, f"{{{XADES}}}CounterSignature").append(made)
    # Inclusive C14N takes in the namespaces of where the signature now sits:
    # digest and sign again in place.
    _redigest(made, "#value-main", value)
    _redigest(made, "#props-sig-counter", made.find(f".//{{{XADES}}}SignedProperties"))
    signed_info = made.find(f"{{{DS}}}SignedInfo")
    octets = etree.tostring(signed_info, method="c14n")
    made.find(f"{{{DS}}}SignatureValue").text = base64.b64encode(
        _sign(counter, octets)
    ).decode()
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")


def bidi_citizen(issuer: pki.Issued, given: str = BIDI_GIVEN) -> pki.Issued:
    """A citizen whose name and identifier carry bidi and control characters."""
    citizen = pki.make_citizen(
        issuer, given_name=given, surname="Testowy", pesel=FAKE_PESEL
    )
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "PL"),
            # UTF8String, which a serialNumber may be in a crafted certificate.
            x509.NameAttribute(
                NameOID.SERIAL_NUMBER,
                f"PNOPL-{FAKE_PESEL}\u202e\x07",
                _type=x509.name._ASN1Type.UTF8String,
            ),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{given} Testowy"),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(citizen.certificate.issuer)
        .public_key(citizen.key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(citizen.certificate.not_valid_before_utc)
        .not_valid_after(citizen.certificate.not_valid_after_utc)
    )
    for extension in citizen.certificate.extensions:
        certificate = certificate.add_extension(extension.value, extension.critical)

    signed = certificate.sign(issuer.key, hashes.SHA256())  # type: ignore[arg-type]
    return pki.Issued(key=citizen.key, certificate=signed, chain=citizen.chain)


def _redigest(signature: etree._Element, uri: str, target: etree._Element) -> None:
    for reference in signature.iter(f"{{{DS}}}Reference"):
        if reference.get("URI") == uri:
            digest = hashlib.sha256(etree.tostring(target, method="c14n")).digest()
            value = reference.find(f"{{{DS}}}DigestValue")
            value.text = base64.b64encode(digest).decode()


def _sign(signer: pki.Issued, data: bytes) -> bytes:
    key = signer.key
    if isinstance(key, ec.EllipticCurvePrivateKey):
        r, s = utils.decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
        size = (key.curve.key_size + 7) // 8
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")

    assert isinstance(key, rsa.RSAPrivateKey)
    return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
