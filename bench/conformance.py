"""Conformance table: every corpus file, the expected answer and ours.

Runs every row of ../shared/corpus/dss/MANIFEST.tsv (expected indications
from the DSS test suite) and of ../shared/clients/samples/MANIFEST.tsv
(files made by other signing tools, expected verdicts in plain words), and
prints one line per file — expected, ours, agree or not — and the agreement
rate over the rows whose expectation is known.  Trust anchors, validation
times, detached payloads and policy documents are given exactly where the
manifests name them (``SETTINGS``); everything else runs with an empty
trust store (DSS's tests run so) or, for the client samples, with their
own test PKI and CRLs.  Disagreements are explained in tests/conformance.

Run: ``.venv/bin/python bench/conformance.py [--tsv]``.
"""

from __future__ import annotations

import csv
import logging
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cryptography import x509  # noqa: E402

from signing.detached import validate_any  # noqa: E402
from signing.errors import SigningInputError  # noqa: E402
from signing.policy import ValidationPolicy  # noqa: E402
from signing.result import SignatureResult, ValidationResult  # noqa: E402
from signing.revocation import RevocationData, RevocationPolicy  # noqa: E402
from signing.trust import TrustStore  # noqa: E402

SHARED = ROOT.parent / "shared"
DSS = SHARED / "corpus" / "dss"
SAMPLES = SHARED / "clients" / "samples"
FACTURAE = (
    "http://www.facturae.es/politica_de_firma_formato_facturae/"
    "politica_de_firma_formato_facturae_v3_1.pdf"
)


@dataclass(frozen=True)
class Setting:
    """What a row's manifest says the validation needs."""

    anchor: str | None = None
    at: str | None = None
    payloads: dict[str, str] = field(default_factory=dict)
    policies: dict[str, str] = field(default_factory=dict)


SETTINGS = {
    "xades/dk_tl-sn21.xml": Setting("xades/dk_tl-sn21.trust-anchor.cer", "2019-08-05"),
    "attacks/self-issued-qesig.pdf": Setting(
        "attacks/self-issued-qesig.trust-anchor.cer"
    ),
    "pades/doc-firmado.pdf": Setting("pades/doc-firmado.trust-anchor.cer"),
    "xades/Signature-X-HU_MIC-1.xml": Setting(payloads={"doc.txt": "xades/doc.txt"}),
    "xades/simple-test.signed-only-detached-LuxTrustCA3.xml": Setting(
        payloads={"simple-test.xml": "xades/simple-test.xml"}
    ),
    "xades/factura_ejemplo2_32v1.xml": Setting(
        policies={FACTURAE: "xades/politica_de_firma.pdf"}
    ),
}
SAMPLE_PAYLOADS = {"xades/xadesjs-detached-form.xml.xml": "inputs/form.xml"}
SAMPLE_WORDS = {
    "valid": "TOTAL_PASSED",
    "digest-mismatch": "TOTAL_FAILED/HASH_FAILURE",
    "not-whole-document": "TOTAL_FAILED/FORMAT_FAILURE",
    "cert-expired": "INDETERMINATE/OUT_OF_BOUNDS_NO_POE",
    "cert-revoked": "INDETERMINATE/REVOKED_NO_POE",
    "valid-but-not-PAdES": "TOTAL_FAILED/FORMAT_FAILURE",
}


@dataclass(frozen=True)
class Row:
    """One file: what is expected and what we answer."""

    source: str
    file: str
    expected: str
    ours: str

    @property
    def known(self) -> bool:
        """Whether the expectation is known (``unknown`` rows only inform)."""
        return "unknown" not in self.expected.split("/")[0]

    @property
    def agrees(self) -> bool:
        """Whether our answer is the expected one."""
        wanted = self.expected.split("/")
        got = self.ours.split("/")
        if wanted[-1] == "unknown":
            return got[0] == wanted[0]
        return got == wanted


def dss_rows() -> Iterator[Row]:
    """Every DSS manifest row with an expectation (support files left out)."""
    for row in _manifest(DSS / "MANIFEST.tsv"):
        if row["expected_indication"] == "n/a":
            continue
        for scope, expected in _dss_expectations(row):
            ours = _ours_dss(row["file"], scope)
            yield Row("dss", _label(row["file"], scope), expected, ours)


def sample_rows() -> Iterator[Row]:
    """Every client sample with its expected verdict."""
    policy = _samples_policy()
    for row in _manifest(SAMPLES / "MANIFEST.tsv"):
        name = row["file"]
        payloads = {}
        if name in SAMPLE_PAYLOADS:
            payloads = {"form.xml": (SAMPLES / SAMPLE_PAYLOADS[name]).read_bytes()}
        expected = SAMPLE_WORDS.get(row["expected"], row["expected"])
        ours = _answer((SAMPLES / name).read_bytes(), policy, payloads)
        yield Row("samples", name, expected, _document(ours))


def _manifest(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        raise SystemExit(f"{path} is missing: the conformance corpus is needed")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _dss_expectations(row: dict[str, str]) -> list[tuple[str, str]]:
    """Split the manifest's expectation into (scope, INDICATION/SUB) pairs."""
    indication = row["expected_indication"]
    sub = row["expected_subindication"]
    if indication == "REJECTED":
        return [("document", "REJECTED")]
    if " / " in indication:  # "X (main) / Y (counter-signature)"
        pairs = zip(indication.split(" / "), sub.split(" / "), strict=False)
        return [
            (_scope(i), _pair(_bare(i), _bare(s)))
            for i, s in pairs
            if "not failed" not in i
        ]
    return [(_scope(indication), _pair(_bare(indication), _bare(sub)))]


def _scope(text: str) -> str:
    for scope in ("first signature", "one signature", "counter-signature", "main"):
        if f"({scope})" in text:
            return scope
    return "document"


def _bare(text: str) -> str:
    return text.split(" (")[0].strip()


def _pair(indication: str, sub: str) -> str:
    return indication if sub in ("-", "") else f"{indication}/{sub}"


def _label(name: str, scope: str) -> str:
    return name if scope == "document" else f"{name} [{scope}]"


def _ours_dss(name: str, scope: str) -> str:
    setting = SETTINGS.get(name, Setting())
    policy = _dss_policy(setting)
    payloads = {k: (DSS / v).read_bytes() for k, v in setting.payloads.items()}
    answer = _answer((DSS / name).read_bytes(), policy, payloads)
    if isinstance(answer, str):
        return _document(answer)
    return _scoped(answer, scope)


def _dss_policy(setting: Setting) -> ValidationPolicy:
    trust = (
        TrustStore.from_file(DSS / setting.anchor)
        if setting.anchor
        else TrustStore.empty()
    )
    moment = (
        datetime.fromisoformat(setting.at).replace(tzinfo=UTC) if setting.at else None
    )
    documents = {k: (DSS / v).read_bytes() for k, v in setting.policies.items()}
    return ValidationPolicy(trust, moment, signature_policies=documents)


def _samples_policy() -> ValidationPolicy:
    """The samples' own PKI: root trusted, intermediate offered, and their
    CRLs supplied (the manifest's revoked signer is in inter.crl)."""
    pki = SAMPLES / "pki"
    root = x509.load_pem_x509_certificate((pki / "root.crt").read_bytes())
    inter = x509.load_pem_x509_certificate((pki / "inter.crt").read_bytes())
    crls = tuple((pki / n).read_bytes() for n in ("inter.crl.der", "root.crl.der"))
    supplied = RevocationData(crls=crls, sources=("operator",))
    return ValidationPolicy(
        TrustStore.from_certificates([root]),
        intermediates=(inter,),
        revocation=RevocationPolicy(supplied=supplied),
    )


def _answer(
    data: bytes, policy: ValidationPolicy, payloads: dict[str, bytes]
) -> ValidationResult | str:
    try:
        return validate_any(data, policy, payloads)
    except SigningInputError as exc:
        return (
            f"REJECTED ({exc.code})"
            if exc.code in ("forbidden-xml",)
            else f"REFUSED/{exc.code}"
        )


def _document(answer: ValidationResult | str) -> str:
    if isinstance(answer, str):
        return "REJECTED" if answer.startswith("REJECTED") else answer
    return _pair(
        answer.indication.value,
        answer.subindication.value if answer.subindication else "-",
    )


def _scoped(result: ValidationResult, scope: str) -> str:
    signatures = result.signatures
    if scope == "document":
        return _document(result)
    if scope == "first signature":
        return _one(signatures[0])
    if scope == "main":
        return _one(result.primary)
    pool = (
        [s for s in signatures if s.counter_signature_of is not None]
        if scope == "counter-signature"
        else list(signatures)
    )
    failed = [s for s in pool if s.indication.value == "TOTAL_FAILED"]
    return _one((failed or pool or [result.primary])[0])


def _one(sig: SignatureResult) -> str:
    return _pair(
        sig.indication.value, sig.subindication.value if sig.subindication else "-"
    )


def all_rows() -> list[Row]:
    """Every row of both corpora."""
    return [*dss_rows(), *sample_rows()]


def main(argv: list[str]) -> int:
    """Print the table and the agreement rate."""
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)  # tracebacks, subjects
    rows = all_rows()
    width = max(len(r.file) for r in rows)
    for row in rows:
        mark = "agree" if row.agrees else ("info " if not row.known else "DIFF ")
        if "--tsv" in argv:
            print(
                "\t".join((row.source, row.file, row.expected, row.ours, mark.strip()))
            )
        else:
            print(
                f"{mark} {row.file:<{width}}  "
                f"expected {row.expected:<45} ours {row.ours}"
            )
    known = [r for r in rows if r.known]
    agreed = sum(r.agrees for r in known)
    print(
        f"\nagreement: {agreed}/{len(known)} = "
        f"{100 * agreed / max(len(known), 1):.1f}% ({len(rows) - len(known)} rows "
        "with unknown expectation, shown for information)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
