"""Receipts sealed per second: our XadesSigner against signxml's XAdESSigner.

Seals the same 2 KiB receipt with an RSA-2048 office seal on one core, in
rounds of a fixed duration, and prints the median rate of each signer and
their ratio; also receipts sealed and then time-stamped (XAdES-T) by the
local in-process TSA (RSA-2048), as a fresh instance does. Compare ratios
from one run, not absolute rates across runs.

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
from signing.sigtimestamp import check_signature_timestamp
from signing.trust import TrustStore
from signing.tsp import LocalTimestamper

RECEIPT_NS = "urn:kancelaria:receipt:1"
TARGET_SIZE = 2048
OURS = "XadesSigner (signing.seal)"
SIGNXML = "signxml XAdESSigner 5.2"
RSA_ALONE = "RSA-2048 signature alone"
STAMPED = "XadesSigner + time-stamp"


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
    stamped = _ours_timestamped(seal, pki.make_tsa(root))
    _check(ours(receipt), seal, references=2)
    _check(theirs(receipt), seal, references=3)
    _check(stamped(receipt), seal, references=2)
    _check_timestamp(stamped(receipt), root)

    signers = {
        OURS: ours,
        SIGNXML: theirs,
        RSA_ALONE: _rsa_only(seal),
        STAMPED: stamped,
    }
    rates = _rates(signers, receipt, args.seconds, args.rounds)
    for name, rate in rates.items():
        print(f"{name:28} {rate:8.0f} /s")

    _ratio("ratio ours / signxml", rates[OURS], rates[SIGNXML])
    _ratio("ratio ours / RSA alone", rates[OURS], rates[RSA_ALONE])
    _ratio("ratio XAdES-T / XAdES-B", rates[STAMPED], rates[OURS])


def _ratio(label: str, top: float, bottom: float) -> None:
    print(f"{label:28} {top / bottom:8.2f}")


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


def _ours_timestamped(seal: pki.Issued, tsa: pki.Issued) -> Callable[[bytes], bytes]:
    # What a receipt costs with the default local TSA: seal, parse the sealed
    # receipt again, time-stamp its SignatureValue, serialise (two RSA signs).
    signer = XadesSigner.from_issued(seal)
    timestamper = LocalTimestamper.from_issued(tsa)

    def sign(receipt: bytes) -> bytes:
        return signer.add_signature_timestamp(
            signer.sign_enveloped(receipt), timestamper
        )

    return sign


def _check_timestamp(signed: bytes, root: pki.Issued) -> None:
    signature = etree.fromstring(signed).find(
        "{http://www.w3.org/2000/09/xmldsig#}Signature"
    )
    assert signature is not None
    trust = TrustStore.from_certificates([root.certificate])
    result = check_signature_timestamp(signature, trust)
    assert result is not None and result.passed, result


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
