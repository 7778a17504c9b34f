"""Validations per second, in process, for a ~9 KiB XAdES-BES RSA-2048 form.

Signs ../shared/clients/inputs/form.xml padded to about 9 KiB with a freshly
made key (tests/signing/maker.py), then measures ``validate_xml`` with path
validation to a cached anchor, and signxml's ``XMLVerifier`` on the same file
with the certificate pinned (its chain check refuses nonRepudiation-only
certificates).  The two run in alternating rounds (``seconds`` each in
total) so that load from elsewhere hits both alike.
Run: ``.venv/bin/python bench/bench_validate.py [seconds]``.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives import serialization

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from signing.policy import ValidationPolicy  # noqa: E402
from signing.result import Indication  # noqa: E402
from signing.trust import TrustStore  # noqa: E402
from signing.validate import validate_xml  # noqa: E402
from tests.signing.maker import make_pki, sign_enveloped  # noqa: E402

FORM = ROOT.parent / "shared" / "clients" / "inputs" / "form.xml"


def padded_form(target: int = 8 * 1024) -> bytes:
    """Return the sample form padded with comment-free filler to ~target."""
    text = FORM.read_bytes()
    body, close = text.rsplit(b"</wn:Wniosek>", 1)
    line = 0
    while len(body) < target - 1500:
        body += b"  <wn:Uwagi>Pozycja %d: tekst wypelniajacy.</wn:Uwagi>\n" % line
        line += 1

    return body + b"</wn:Wniosek>" + close


def rate(work: Callable[[], object], seconds: float) -> float:
    """Return calls per second of ``work`` over about ``seconds``."""
    work()
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        work()
        count += 1

    return count / (time.perf_counter() - start)


def interleaved(
    ours: Callable[[], object],
    theirs: Callable[[], object],
    seconds: float,
    rounds: int = 6,
) -> tuple[float, float, float]:
    """Measure both in alternating short rounds; return median rates and ratio.

    Alternating keeps a load change on a shared machine from favouring the
    side that happened to run while it was quiet; the ratio is the median of
    the per-round ratios.
    """
    per_round = seconds / rounds
    pairs = [(rate(ours, per_round), rate(theirs, per_round)) for _ in range(rounds)]
    return (
        statistics.median(o for o, _ in pairs),
        statistics.median(t for _, t in pairs),
        statistics.median(o / t for o, t in pairs),
    )


def main(seconds: float = 3.0) -> None:
    """Print our rate, signxml's rate and their ratio, measured interleaved."""
    pki = make_pki()
    data = sign_enveloped(padded_form(), pki.citizen)
    policy = ValidationPolicy(
        TrustStore.from_certificates([pki.root.cert]), intermediates=(pki.inter.cert,)
    )
    assert validate_xml(data, policy).indication is Indication.TOTAL_PASSED

    from signxml import XMLVerifier  # imported late: only the bench needs it

    pem = pki.citizen.cert.public_bytes(serialization.Encoding.PEM)
    verifier = XMLVerifier()
    verifier.verify(data, x509_cert=pem, expect_references=2)
    ours, theirs, ratio = interleaved(
        lambda: validate_xml(data, policy),
        lambda: verifier.verify(data, x509_cert=pem, expect_references=2),
        seconds,
    )
    print(f"document: {len(data)} bytes, XAdES-BES enveloped, RSA-2048, 2 references")
    print(f"kancelaria validate_xml (path to cached anchor): {ours:8.0f} /s")
    print(f"signxml XMLVerifier (cert pinned, no chain):      {theirs:8.0f} /s")
    print(f"ratio: {ratio:.2f}x (median of interleaved rounds)")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 3.0)
