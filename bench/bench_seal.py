"""Receipts sealed per second: our XadesSigner against signxml's XAdESSigner.

Seals the same 2 KiB receipt with an RSA-2048 office seal on one core, in
rounds of a fixed duration, and prints the median rate of each signer and
their ratio. Compare ratios from one run, not absolute rates across runs.

    .venv/bin/python -m bench.bench_seal [--seconds 1] [--rounds 5]
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import time
from collections.abc import Callable

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree
from signxml.verifier import XMLVerifier
from signxml.xades.xades import (
    XAdESSignatureConfiguration,
    XAdESSigner,
    XAdESVerifier,
)

from signing import pki
from signing.seal import XadesSigner

RECEIPT_NS = "urn:kancelaria:receipt:1"
TARGET_SIZE = 2048


def main() -> None:
    """Run the benchmark and print one line per signer and the ratio."""
    args = _arguments()
    root = pki.make_root("Bench Root CA")
    inter = pki.make_intermediate(root, "Bench Qualified CA")
    seal = pki.make_seal(inter, office_name="Urząd Miasta Testowo", nip="1234563218")
    receipt = make_receipt(TARGET_SIZE)
    print(f"receipt: {len(receipt)} bytes, key: RSA-2048, one thread")

    ours = _ours(seal)
    theirs = _signxml(seal)
    _check(ours(receipt), seal, references=2)
    _check(theirs(receipt), seal, references=3)

    signers = {
        "XadesSigner (signing.seal)": ours,
        "signxml XAdESSigner 5.2": theirs,
        "RSA-2048 signature alone": _rsa_only(seal),
    }
    rates = _rates(signers, receipt, args.seconds, args.rounds)
    for name, rate in rates.items():
        print(f"{name:28} {rate:8.0f} /s")

    ours_rate, theirs_rate, rsa_rate = rates.values()
    print(f"{'ratio ours / signxml':28} {ours_rate / theirs_rate:8.2f}")
    print(f"{'ratio ours / RSA alone':28} {ours_rate / rsa_rate:8.2f}")


def make_receipt(size: int) -> bytes:
    """Return an unsealed receipt of about ``size`` bytes."""
    digest = hashlib.sha256(b"bench").hexdigest()
    fields = [
        "<Office><Name>Urząd Miasta Testowo</Name>"
        "<Identifier>VATPL-1234563218</Identifier></Office>",
        "<RegistryNumber>RPW/12345/2026</RegistryNumber>",
        "<ReceivedAt>2026-12-04T15:22:00.771000Z</ReceivedAt>",
        "<Channel>portal</Channel>",
        f"<Document><SHA256>{digest}</SHA256><Size>9876</Size>"
        "<MediaType>application/xml</MediaType></Document>",
        "<Form><Id>wniosek</Id><Version>1.0</Version>"
        f"<Namespace>urn:example:wniosek</Namespace><SchemaSHA256>{digest}"
        "</SchemaSHA256></Form>",
        "<Signer><Name>Jan Testowy</Name><Identifier>PNOPL-44051401458</Identifier>"
        f"<CertificateSHA256>{digest}</CertificateSHA256></Signer>",
        "<Validation><Indication>TOTAL_PASSED</Indication></Validation>",
        "<AccessCode>ABCDEFGHJKMN2345</AccessCode>",
    ]
    head = f'<Receipt xmlns="{RECEIPT_NS}" Id="receipt-RPW-12345-2026">'
    body = "".join(fields)
    padding = max(0, size - len((head + body + "</Receipt>").encode()))
    # Pad inside the Office name so the receipt stays a plausible document.
    body = body.replace("Testowo</Name>", "Testowo" + " " * padding + "</Name>", 1)
    return (head + body + "</Receipt>").encode()


def _ours(seal: pki.Issued) -> Callable[[bytes], bytes]:
    return XadesSigner.from_issued(seal).sign_enveloped


def _signxml(seal: pki.Issued) -> Callable[[bytes], bytes]:
    # Default C14N 1.1: signxml's XAdES output with exclusive C14N does not
    # verify (see PERFORMANCE.md). The key object is passed, not PEM, so it is
    # not re-loaded on every call; parsing the receipt is part of the work, as
    # it is for ours.
    signer = XAdESSigner()
    certs = [seal.certificate, *seal.chain]

    def sign(receipt: bytes) -> bytes:
        signed = signer.sign(etree.fromstring(receipt), key=seal.key, cert=certs)
        return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")

    return sign


def _rsa_only(seal: pki.Issued) -> Callable[[bytes], bytes]:
    key = seal.key
    assert isinstance(key, rsa.RSAPrivateKey)

    def sign(receipt: bytes) -> bytes:
        return key.sign(receipt[:600], padding.PKCS1v15(), hashes.SHA256())

    return sign


def _check(signed: bytes, seal: pki.Issued, references: int) -> None:
    # A benchmark of signatures that do not verify would measure nothing.
    pem = seal.certificate.public_bytes(serialization.Encoding.PEM).decode()
    XMLVerifier().verify(signed, x509_cert=pem, expect_references=references)
    config = XAdESSignatureConfiguration(expect_references=references)
    XAdESVerifier().verify(signed, x509_cert=pem, expect_config=config)


def _rates(
    signers: dict[str, Callable[[bytes], bytes]],
    receipt: bytes,
    seconds: float,
    rounds: int,
) -> dict[str, float]:
    # Rounds alternate between the signers, so that load from elsewhere on
    # the machine falls on all of them alike; the median of each is reported.
    rates: dict[str, list[float]] = {name: [] for name in signers}
    for _ in range(rounds):
        for name, sign in signers.items():
            rates[name].append(_rate(sign, receipt, seconds))

    return {name: statistics.median(values) for name, values in rates.items()}


def _rate(sign: Callable[[bytes], bytes], receipt: bytes, seconds: float) -> float:
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        sign(receipt)
        count += 1
    return count / (time.perf_counter() - start)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="per round")
    parser.add_argument("--rounds", type=int, default=5)
    return parser.parse_args()


if __name__ == "__main__":
    main()
