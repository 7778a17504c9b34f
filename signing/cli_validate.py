"""``python -m signing validate``: validate a signed XML or PDF file.

Signed XML, PDF, ASiC / ODF containers and CMS (``.p7s``, ``.p7m``) are
recognised by content; ``--payload`` gives the file a detached signature
signs, ``--report`` writes the ETSI TS 119 102-2 XML report.
Exit codes: 0 TOTAL_PASSED, 1 TOTAL_FAILED, 2 INDETERMINATE, 3 not a signed
document (or bad usage).  Without ``--trust`` the trust store is empty.
``--trusted-list FILE`` adds the CA/QC services a trusted list grants at the
validation time, the list authenticated with the ``--tl-pinned`` certificates
(a list that is refused makes the exit code 3).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from signing.asic import validate_container
from signing.certs import fingerprint
from signing.cli_tl import pinned_certificates
from signing.detached import validate_any
from signing.display import (
    FAILED,
    NOT_CHECKED,
    PASSED,
    TIMESTAMP_FORMS,
    baseline_level,
    check_outcome,
    shown,
)
from signing.errors import SigningInputError
from signing.etsi_report import render_report
from signing.kinds import KindRules
from signing.policy import ValidationPolicy
from signing.result import Indication, SignatureResult, ValidationResult
from signing.revocation import RevocationData, RevocationPolicy
from signing.tl import TrustedListError, load_trusted_list
from signing.trust import TrustStore
from signing.ziparchive import looks_like_zip

EXIT_CODES = {
    Indication.TOTAL_PASSED: 0,
    Indication.TOTAL_FAILED: 1,
    Indication.INDETERMINATE: 2,
}
NOT_SIGNED = 3
MARKS = {PASSED: "passed", FAILED: "FAILED", NOT_CHECKED: "not checked"}
"""How each check's outcome is marked in the plain report, as README says."""


def add_parser(subparsers: Any) -> None:
    """Register the ``validate`` subcommand."""
    parser = subparsers.add_parser(
        "validate", help="validate a signed XML, PDF, container or CMS file"
    )
    parser.add_argument("file", type=Path, help="the signed XML or PDF file")
    parser.add_argument(
        "--trust", type=Path, help="trust anchors: a certificate file or a folder"
    )
    parser.add_argument(
        "--untrusted", type=Path, help="PEM file of intermediate CA certificates"
    )
    parser.add_argument("--at", help="validation time, ISO 8601 (default: now)")
    parser.add_argument(
        "--payload",
        action="append",
        default=[],
        help="detached data: FILE (named by its file name) or NAME=FILE",
    )
    parser.add_argument(
        "--trusted-list",
        type=Path,
        action="append",
        default=[],
        help="a trusted list (TS 119 612) whose CA/QC services to trust",
    )
    parser.add_argument(
        "--tl-pinned",
        type=Path,
        action="append",
        default=[],
        help="certificate allowed to sign the trusted lists",
    )
    parser.add_argument(
        "--report", type=Path, help="write an ETSI TS 119 102-2 report (XML) here"
    )
    parser.add_argument(
        "--policy-document",
        action="append",
        default=[],
        help="signature policy document held, as IDENTIFIER=FILE (EPES)",
    )
    parser.add_argument(
        "--trusted-profile-seal",
        type=Path,
        action="append",
        default=[],
        help="certificate of the trusted-profile platform's seal (podpis zaufany)",
    )
    parser.add_argument(
        "--personal-issuer",
        type=Path,
        action="append",
        default=[],
        help="certificate of a CA issuing e-ID card certificates (podpis osobisty)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    _add_revocation_options(parser)
    parser.set_defaults(handler=run)


def _add_revocation_options(parser: Any) -> None:
    """Revocation: embedded data always; the rest only when asked for."""
    parser.add_argument(
        "--fetch-revocation",
        action="store_true",
        help="fetch OCSP/CRL from the URLs in the certificates (off by default)",
    )
    parser.add_argument(
        "--require-revocation",
        action="store_true",
        help="without usable revocation data: INDETERMINATE/TRY_LATER "
        "(default: soft-fail, listed as not checked)",
    )
    parser.add_argument(
        "--crl",
        type=Path,
        action="append",
        default=[],
        help="a CRL file (DER or PEM) to use; repeatable",
    )
    parser.add_argument(
        "--revocation-timeout",
        type=float,
        default=5.0,
        help="seconds per OCSP/CRL request when fetching",
    )


def _revocation(args: argparse.Namespace) -> RevocationPolicy:
    """Build the revocation policy from the options."""
    crls = tuple(_crl(path) for path in args.crl)
    return RevocationPolicy(
        fetch=args.fetch_revocation,
        soft_fail=not args.require_revocation,
        timeout=args.revocation_timeout,
        supplied=RevocationData(crls=crls, sources=("operator",)),
    )


def _crl(path: Path) -> bytes:
    data = path.read_bytes()
    crl = (
        x509.load_pem_x509_crl(data)
        if b"-----BEGIN" in data
        else x509.load_der_x509_crl(data)
    )
    return crl.public_bytes(Encoding.DER)


def run(args: argparse.Namespace) -> int:
    """Validate the file and print the result; return the exit code."""
    try:
        policy = _policy(args)
        detached = dict(_payload(spec) for spec in args.payload)
        data = args.file.read_bytes()
        result = _validate(data, policy, detached)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return NOT_SIGNED
    except TrustedListError as exc:
        print(f"trusted list refused ({exc.code.value}): {exc}", file=sys.stderr)
        return NOT_SIGNED
    except SigningInputError as exc:
        _print_refusal(exc, args.json)
        return NOT_SIGNED

    if args.report is not None:
        args.report.write_bytes(render_report(result.to_json()))

    print(json.dumps(result.to_json(), indent=2) if args.json else _human(result))
    return EXIT_CODES[result.indication]


def _validate(
    data: bytes, policy: ValidationPolicy, detached: dict[str, bytes]
) -> ValidationResult:
    """Dispatch on content: PDF, ZIP container, CMS or XML (detached files).

    A container's files that no signature covers are named on stderr."""
    if looks_like_zip(data):
        found = validate_container(data, policy)
        for name in found.uncovered:
            print(f"warning: {name!r} in the container is not signed", file=sys.stderr)
        return found.validation

    return validate_any(data, policy, detached)


def _policy(args: argparse.Namespace) -> ValidationPolicy:
    """Build the policy from the options."""
    trust = _trust(args.trust)
    extra: tuple[x509.Certificate, ...] = ()
    if args.untrusted:
        extra = tuple(x509.load_pem_x509_certificates(args.untrusted.read_bytes()))

    moment = _time(args.at)
    trust = trust.merged(_list_trust(args, moment))
    documents = dict(_payload(spec) for spec in args.policy_document)
    return ValidationPolicy(
        trust,
        moment,
        intermediates=extra,
        revocation=_revocation(args),
        kinds=_kind_rules(args),
        signature_policies=documents,
    )


def _kind_rules(args: argparse.Namespace) -> KindRules:
    """The platform seals and e-ID CAs named on the command line."""
    return KindRules(
        trusted_profile_seals=_fingerprints(args.trusted_profile_seal),
        personal_issuers=_fingerprints(args.personal_issuer),
    )


def _fingerprints(paths: list[Path]) -> frozenset[str]:
    found = TrustStore.empty()
    for path in paths:
        found = found.merged(TrustStore.from_file(path))

    return frozenset(fingerprint(c).hex() for c in found.certificates)


def _list_trust(args: argparse.Namespace, moment: datetime | None) -> TrustStore:
    """Load the ``--trusted-list`` files and return what they grant."""
    store = TrustStore.empty()
    if not args.trusted_list:
        return store

    pinned = pinned_certificates(args.tl_pinned)
    at = moment or datetime.now(UTC)
    for path in args.trusted_list:
        tl = load_trusted_list(path.read_bytes(), pinned, at)
        store = store.merged(tl.trust_store(at))

    return store


def _trust(path: Path | None) -> TrustStore:
    if path is None:
        return TrustStore.empty()

    if path.is_file():
        return TrustStore.from_file(path)

    return TrustStore.from_folder(path)


def _time(text: str | None) -> datetime | None:
    """Parse ``--at``; a time without zone is UTC."""
    if text is None:
        return None

    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _payload(spec: str) -> tuple[str, bytes]:
    """Read one ``--payload`` as (name, bytes)."""
    name, sep, path = spec.partition("=")
    if not sep:
        return Path(spec).name, Path(spec).read_bytes()

    return name, Path(path).read_bytes()


def _print_refusal(exc: SigningInputError, as_json: bool) -> None:
    """Say why the input cannot be validated at all."""
    if as_json:
        print(json.dumps({"error": exc.code, "message": str(exc)}))
    else:
        print(f"not a signed document ({exc.code}): {exc}")


def _human(result: ValidationResult) -> str:
    """Return a readable report; certificate text shows hidden characters as codes."""
    lines = [f"{result.indication.value} {_sub(result.subindication)}".rstrip()]
    for sig in result.signatures:
        lines.extend(_signature_lines(sig))

    return "\n".join(lines)


def _signature_lines(sig: SignatureResult) -> list[str]:
    """The lines of one signature: verdict, signer, kind, time, level, checks."""
    role = f" counter-signs {shown(sig.counter_signature_of)}"
    lines = [
        f"- signature {shown(sig.signature_id) or '(no Id)'} [{shown(sig.form)}]"
        f"{role if sig.counter_signature_of is not None else ''}: "
        f"{sig.indication.value} {_sub(sig.subindication)}".rstrip()
    ]
    if sig.signer is not None:
        signer = sig.signer
        ident = f" [{shown(signer.identifier)}]" if signer.identifier else ""
        lines.append(
            f"  signer: {shown(signer.name)}{ident} (issuer {shown(signer.issuer)})"
        )
        lines.append(f"  kind: {_kind(sig)}")

    if sig.sealed_by is not None:
        lines.append(f"  sealed by: {shown(sig.sealed_by.name)}")

    lines.append(f"  signing time: {_when(sig)}")
    lines.append(f"  level: {baseline_level(sig.form) or 'none'}")
    for item in sig.covered:
        line = f"  covers: {item.kind} {shown(item.uri[:120])}".rstrip()
        if item.left_out:
            line += ", except what its transforms left out (not signed):"
        lines.append(line)
        lines.extend(f"    left out: {shown(part)}" for part in item.left_out)

    relied_on = sig.indication is Indication.TOTAL_PASSED
    for check in sig.checks:
        mark = MARKS[check_outcome(check.passed, check.detail, relied_on)]
        lines.append(f"  {mark:<11} {check.name}: {shown(check.detail)}")

    return lines


def _kind(sig: SignatureResult) -> str:
    """The kind and why; a document time-stamp has no kind of signature."""
    if sig.form in TIMESTAMP_FORMS:
        return "document time-stamp"

    if not sig.kind_detail:
        return sig.kind or "unknown"

    return f"{sig.kind or 'unknown'} ({sig.kind_detail})"


def _when(sig: SignatureResult) -> str:
    """The signing time and its proof."""
    if sig.timestamp_time is not None:
        return f"{sig.timestamp_time.isoformat()} (time-stamp)"

    if sig.signing_time is not None:
        return f"{sig.signing_time.isoformat()} (claimed by the signer)"

    return "unknown"


def _sub(value: object) -> str:
    """Return a sub-indication for display."""
    return "" if value is None else f"/ {getattr(value, 'value', value)}"
