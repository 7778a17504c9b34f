"""Validations per second, in process, for XAdES-BES, XAdES-T and XAdES-LT.

One ~9 KiB form (bench_validate.py's padding) signed with RSA-2048 by a
citizen of a fresh PKI (signing/pki.py), then upgraded: a signature
time-stamp from the in-process TSA (XAdES-T), then CertificateValues and
RevocationValues with an OCSP response and a CRL (XAdES-LT), the OCSP and
CRL made with cryptography's builders (tests/signing/revocationpki.py).
Validation uses the default policy (embedded data only, nothing fetched),
so XAdES-LT pays for checking the embedded revocation data. The three run
in alternating rounds so that load from elsewhere hits them alike; the
ratios are medians of per-round ratios.
Run: ``.venv/bin/python bench/bench_ltv.py [seconds]``.
"""

from __future__ import annotations

import statistics
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.x509 import ocsp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_validate import padded_form, rate  # noqa: E402

from signing.pki import make_citizen, make_intermediate, make_root, make_tsa  # noqa: E402
from signing.policy import ValidationPolicy  # noqa: E402
from signing.result import Indication  # noqa: E402
from signing.seal import XadesSigner  # noqa: E402
from signing.trust import TrustStore  # noqa: E402
from signing.tsa import LocalTimestamper  # noqa: E402
from signing.validate import validate_xml  # noqa: E402
from tests.signing.ltvmaker import add_lt_values  # noqa: E402
from tests.signing.revocationpki import crl_of, ocsp_answer  # noqa: E402


def documents() -> tuple[dict[str, bytes], ValidationPolicy]:
    """Sign the form three ways; return them and the policy that trusts them."""
    start = datetime.now(UTC) - timedelta(days=30)
    root = make_root("Bench Root", now=start)
    inter = make_intermediate(root, "Bench CA", now=start)
    tsa = make_tsa(root, not_before=start)
    citizen = make_citizen(
        inter,
        given_name="Anna",
        surname="Testowa",
        pesel="44051401458",
        crl_url="http://127.0.0.1:9/inter.crl",
        ocsp_url="http://127.0.0.1:9/ocsp",
    )
    signer = XadesSigner.from_issued(citizen)
    bes = signer.sign_enveloped(padded_form())
    t = signer.add_signature_timestamp(bes, LocalTimestamper.from_issued(tsa))
    request = (
        ocsp.OCSPRequestBuilder()
        .add_certificate(citizen.certificate, inter.certificate, hashes.SHA1())  # noqa: S303
        .build()
    )
    answer = ocsp_answer(inter, request, {citizen.certificate.serial_number}, {})
    certs = [citizen.certificate, inter.certificate, tsa.certificate]
    lt = add_lt_values(t, certs, crls=[crl_of(inter, {})], ocsps=[answer])
    policy = ValidationPolicy(
        TrustStore.from_certificates([root.certificate]),
        intermediates=(inter.certificate,),
    )
    return {"XAdES-BES": bes, "XAdES-T": t, "XAdES-LT": lt}, policy


def interleaved(
    works: dict[str, Callable[[], object]], seconds: float, rounds: int = 6
) -> list[dict[str, float]]:
    """Measure every work in alternating short rounds; return per-round rates."""
    per_round = seconds / rounds / len(works)
    return [
        {name: rate(w, per_round) for name, w in works.items()} for _ in range(rounds)
    ]


def main(seconds: float = 9.0) -> None:
    """Print each form's rate and its ratio to XAdES-BES."""
    docs, policy = documents()
    for form, data in docs.items():
        result = validate_xml(data, policy)
        assert result.indication is Indication.TOTAL_PASSED, result.primary.checks
        assert result.primary.form == form, result.primary.form

    works = {f: (lambda d=d: validate_xml(d, policy)) for f, d in docs.items()}
    rounds = interleaved(works, seconds)
    for form, data in docs.items():
        median = statistics.median(r[form] for r in rounds)
        ratio = statistics.median(r[form] / r["XAdES-BES"] for r in rounds)
        print(f"{form:10s} {len(data):6d} bytes  {median:7.0f} /s  x{ratio:.2f} of BES")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 9.0)
