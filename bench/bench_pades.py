"""PAdES validations per second: signing.pades against pyHanko alone.

Seals PDFs with an RSA-2048 seal under a throw-away root and intermediate
(PAdES B-B, signing/pades_seal.py), then validates them on one thread:

- ``validate_pdf`` (signing.pades) with one policy, hence one shared
  validation context: every check of our report, modification analysis and
  strict byte-range geometry included;
- pyHanko alone, its plain API: ``PdfFileReader`` then
  ``validate_pdf_signature`` with one shared ``ValidationContext``
  (the "pyHanko ≈ 100/s" of PERFORMANCE.md);

for a ~110 KiB PDF and a 10 MiB one, checking that both give the same
verdict; then the peak resident memory of one validation of a 100 MiB PDF,
measured in a child process (``resource.getrusage``, so that the parent's
own copies do not count), with the child's footprint before it reads the
file beside it.  The PDFs are made by the script, the big one in a
temporary folder removed at the end.  Compare ratios within one run, not
absolute rates across runs.

    .venv/bin/python -m bench.bench_pades [--seconds 2] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from signing import pki
from signing.pades import validate_pdf
from signing.pades_seal import PdfSealer
from signing.policy import ValidationPolicy
from signing.result import Indication
from signing.trust import TrustStore

KIB = 1024
MIB = 1024 * KIB


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--big-mib", type=int, default=100)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child()
        return

    # Started now, while this process is small: a child's ru_maxrss starts
    # at the peak of the process it was forked from (kept across exec).
    child = subprocess.Popen(
        [sys.executable, "-m", "bench.bench_pades", "--child", "stdin"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )

    root = pki.make_root("Bench Root CA")
    inter = pki.make_intermediate(root, "Bench Qualified CA")
    sealer = PdfSealer.from_issued(
        pki.make_seal(inter, office_name="Urząd Testowo", nip="1234563218")
    )
    policy = ValidationPolicy(
        TrustStore.from_certificates([root.certificate]),
        intermediates=(inter.certificate,),
    )
    context = ValidationContext(
        trust_roots=[_asn1(root)], other_certs=[_asn1(inter)], allow_fetching=False
    )

    for label, size, seconds in (
        ("110 KiB", 110 * KIB, args.seconds),
        ("10 MiB", 10 * MIB, args.seconds * 2),
    ):
        pdf = sealer.seal(make_pdf(size))
        _check_same_verdict(pdf, policy, context)
        ours = _rate(lambda p=pdf: validate_pdf(p, policy), seconds, args.rounds)
        alone = _rate(lambda p=pdf: _pyhanko(p, context), seconds, args.rounds)
        print(
            f"PAdES B-B {label} ({len(pdf) / KIB:,.0f} KiB): "
            f"signing.pades {ours:,.1f}/s, pyHanko alone {alone:,.1f}/s, "
            f"ratio {ours / alone:.2f}"
        )

    with tempfile.TemporaryDirectory(prefix="bench-pades-") as folder:
        big = _write_big(Path(folder), sealer, root, inter, args.big_mib)
        figures = _child_figures(child, Path(folder))
        print(
            f"PAdES B-B {big / MIB:,.0f} MiB: one validation "
            f"{figures['seconds']:.2f} s, peak RSS {figures['peak'] / MIB:,.0f} MiB "
            f"(before reading the file {figures['before'] / MIB:,.0f} MiB, "
            f"file held {figures['held'] / MIB:,.0f} MiB, VmHWM "
            f"{figures['hwm'] / MIB:,.0f} MiB): "
            f"{(figures['peak'] - figures['before']) / big:.2f} × the file size"
        )


def _write_big(
    folder: Path, sealer: PdfSealer, root: pki.Issued, inter: pki.Issued, mib: int
) -> int:
    """Seal a big PDF into ``folder`` with the anchors the child needs."""
    big = sealer.seal(make_pdf(mib * MIB))
    (folder / "big.pdf").write_bytes(big)
    (folder / "small.pdf").write_bytes(sealer.seal(make_pdf(110 * KIB)))
    for name, issued in (("root.der", root), ("inter.der", inter)):
        (folder / name).write_bytes(issued.certificate.public_bytes(Encoding.DER))

    return len(big)


def _child_figures(child: subprocess.Popen[str], folder: Path) -> dict[str, float]:
    """Have the waiting child validate the big PDF; return its figures."""
    out, _ = child.communicate(f"{folder}\n", timeout=600)
    if child.returncode != 0:
        raise SystemExit("the child validation failed")

    figures: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return figures


def _child() -> None:
    """In the child: validate ``big.pdf`` of the folder named on stdin once
    and print the figures as JSON."""
    from cryptography import x509

    folder = Path(sys.stdin.readline().strip())
    root, inter = (
        x509.load_der_x509_certificate((folder / n).read_bytes())
        for n in ("root.der", "inter.der")
    )
    policy = ValidationPolicy(
        TrustStore.from_certificates([root]), intermediates=(inter,)
    )
    # A first small validation loads what validation imports lazily.
    validate_pdf((folder / "small.pdf").read_bytes(), policy)
    before = _max_rss()
    pdf = (folder / "big.pdf").read_bytes()
    started = time.perf_counter()
    result = validate_pdf(pdf, policy)
    taken = time.perf_counter() - started
    if result.indication is not Indication.TOTAL_PASSED:
        raise SystemExit("the big PDF does not pass")

    figures = {"before": before, "held": len(pdf), "peak": _max_rss()}
    print(json.dumps({**figures, "hwm": _vm_hwm(), "seconds": taken}))


def _max_rss() -> int:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * KIB


def _vm_hwm() -> int:
    """The peak RSS of this process's own address space (Linux), a cross-check."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * KIB

    return 0


def make_pdf(size: int) -> bytes:
    """Return a one-page PDF of about ``size`` bytes (a long content stream)."""
    line = b"% filler line of the content stream, ignored by renderers\n"
    text = b"BT /F1 12 Tf 72 720 Td (Wniosek testowy) Tj ET\n"
    stream = text + line * max(0, (size - 1024) // len(line))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)

    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def _pyhanko(pdf: bytes, context: ValidationContext) -> bool:
    sig = PdfFileReader(BytesIO(pdf)).embedded_signatures[0]
    status = validate_pdf_signature(sig, context)
    return bool(status.intact and status.valid and status.trusted)


def _check_same_verdict(
    pdf: bytes, policy: ValidationPolicy, context: ValidationContext
) -> None:
    ours = validate_pdf(pdf, policy).indication is Indication.TOTAL_PASSED
    if not (ours and _pyhanko(pdf, context)):
        raise SystemExit("the two validators disagree or the seal does not pass")


def _rate(work: Callable[[], object], seconds: float, rounds: int) -> float:
    work()
    rates = []
    for _ in range(rounds):
        done = 0
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            work()
            done += 1

        rates.append(done / (time.perf_counter() - started))

    return statistics.median(rates)


def _asn1(issued: pki.Issued) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(issued.certificate.public_bytes(Encoding.DER))


if __name__ == "__main__":
    main()
