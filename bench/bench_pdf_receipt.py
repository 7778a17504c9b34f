"""Sealed PDF receipts per second: our PdfSealer against pyHanko's defaults.

Seals the same one-page A4 receipt (drawn by app/receipts/pdf.py) with an
RSA-2048 office seal on one thread, in rounds of a fixed duration, and
prints the median rate of each way and their ratio:

- ``PdfSealer`` (signing.pades_seal): key object kept loaded, ``/Contents``
  size fixed after the first seal; PAdES B-B;
- pyHanko with defaults: ``SimpleSigner`` (re-reads the key for every
  signature) and ``PdfSigner.sign_pdf`` without ``bytes_reserved`` (a dry-run
  signature sizes ``/Contents`` every time); same PAdES B-B metadata;
- the whole request's work with our sealer: draw the page, then seal it,
  B-B and B-T (local in-process TSA).

Compare ratios from one run, not absolute rates across runs.

    .venv/bin/python -m bench.bench_pdf_receipt [--seconds 2] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from io import BytesIO

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, SimpleSigner
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from app.receipts.pdf import (
    FormTitles,
    ReceiptPdfMaker,
    check_url,
    receipt_facts,
    render_receipt,
)
from signing import pki
from signing.pades_seal import PdfSealer
from signing.tsa import LocalTimestamper

RECEIPT = """<?xml version="1.0" encoding="UTF-8"?>
<Receipt xmlns="urn:kancelaria:receipt:1" Id="receipt-RPW-12345-2026">
<Office><Name>Urząd Miasta Przykładowo</Name></Office>
<RegistryNumber>RPW/12345/2026</RegistryNumber>
<ReceivedAt>2026-03-14T09:26:53.589793Z</ReceivedAt><Channel>portal</Channel>
<Document><SHA256>{sha}</SHA256><Size>9812</Size>
<MediaType>application/xml</MediaType></Document>
<Form><Id>pismo-ogolne</Id><Version>1</Version>
<Namespace>urn:kancelaria:forms:pismo-ogolne:1</Namespace></Form>
<Signer><Name>Jan Testowy</Name><Identifier>PNOPL-44051401458</Identifier>
<CertificateSHA256>{sha}</CertificateSHA256>
<SigningTime>2026-03-14T09:20:00Z</SigningTime></Signer>
<Validation><Indication>TOTAL_PASSED</Indication><SchemaValid>true</SchemaValid>
</Validation><AccessCode>B939HYRWDA4ATJC8</AccessCode>
<JournalPosition>48211</JournalPosition></Receipt>
""".format(sha="3f" * 32).encode()
TITLES = FormTitles(pl="Pismo ogólne do urzędu", en="General letter to the office")
URL = "http://127.0.0.1:8000"


def main() -> None:
    """Run the benchmark and print one line per way and the ratios."""
    args = _arguments()
    root = pki.make_root("Bench Root CA")
    inter = pki.make_intermediate(root, "Bench Qualified CA")
    seal = pki.make_seal(inter, office_name="Urząd Miasta Testowo", nip="1234563218")
    tsa = LocalTimestamper.from_issued(pki.make_tsa(inter))
    facts = receipt_facts(RECEIPT)
    ours = PdfSealer.from_issued(seal)
    maker = ReceiptPdfMaker(ours, URL)
    page = render_receipt(facts, TITLES, check_url(URL, facts.registry_number))
    print(f"receipt page: {len(page)} bytes, key: RSA-2048, one thread")

    defaults = _pyhanko_defaults(seal)
    for sealed in (ours.seal(page), defaults(page), maker.make(RECEIPT, TITLES)):
        _check(sealed, root)

    ways: dict[str, Callable[[], object]] = {
        "PdfSealer (kept key, fixed size)": lambda: ours.seal(page),
        "pyHanko defaults": lambda: defaults(page),
        "draw page only": lambda: render_receipt(
            facts, TITLES, check_url(URL, facts.registry_number)
        ),
        "draw + PdfSealer B-B": lambda: maker.make(RECEIPT, TITLES),
        "draw + PdfSealer B-T (local TSA)": _b_t(seal, tsa),
    }
    rates = {
        name: _rate(work, args.seconds, args.rounds) for name, work in ways.items()
    }
    for name, rate in rates.items():
        print(f"{name:34} {rate:8.1f} /s")

    ratio = rates["PdfSealer (kept key, fixed size)"] / rates["pyHanko defaults"]
    print(f"{'ratio PdfSealer / pyHanko defaults':34} {ratio:8.2f}")


def _pyhanko_defaults(seal: pki.Issued) -> Callable[[bytes], bytes]:
    der_key = seal.key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    signer = SimpleSigner(
        signing_cert=_asn1(seal.certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
        cert_registry=SimpleCertificateStore.from_certs([_asn1(c) for c in seal.chain]),
    )
    meta = PdfSignatureMetadata(
        field_name="PieczecUrzedu",
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
    )
    pdf_signer = PdfSigner(meta, signer)

    def sign(page: bytes) -> bytes:
        output = BytesIO()
        pdf_signer.sign_pdf(IncrementalPdfFileWriter(BytesIO(page)), output=output)
        return output.getvalue()

    return sign


def _b_t(seal: pki.Issued, tsa: LocalTimestamper) -> Callable[[], object]:
    maker = ReceiptPdfMaker(PdfSealer.from_issued(seal, timestamper=tsa), URL)
    return lambda: maker.make(RECEIPT, TITLES)


def _check(sealed: bytes, root: pki.Issued) -> None:
    context = ValidationContext(
        trust_roots=[_asn1(root.certificate)], allow_fetching=False
    )
    signature = PdfFileReader(BytesIO(sealed)).embedded_signatures[0]
    status = validate_pdf_signature(signature, context)
    if not (status.bottom_line and status.trusted):
        raise SystemExit(f"a sealed receipt does not validate: {status.summary()}")


def _rate(work: Callable[[], object], seconds: float, rounds: int) -> float:
    work()
    results = []
    for _ in range(rounds):
        count = 0
        start = time.perf_counter()
        while (elapsed := time.perf_counter() - start) < seconds:
            work()
            count += 1
        results.append(count / elapsed)

    return statistics.median(results)


def _asn1(certificate: object) -> asn1_x509.Certificate:
    der = certificate.public_bytes(serialization.Encoding.DER)  # type: ignore[attr-defined]
    return asn1_x509.Certificate.load(der)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="per round")
    parser.add_argument("--rounds", type=int, default=3)
    return parser.parse_args()


if __name__ == "__main__":
    main()
