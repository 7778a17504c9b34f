"""``python -m signing verify-receipt``: check a receipt offline.

Exit codes: 0 every check given passed, 1 one failed, 3 bad usage (a file
that cannot be read, no ``--trust``, or a ``--trust`` folder without the
office's seal certificate). Nothing is fetched from anywhere.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from signing.receipt import ReceiptVerification, verify_receipt
from signing.sealed import pinned_seals
from signing.trust import TrustStore

PASSED, FAILED, USAGE = 0, 1, 3

_NAMES = {
    "receipt": "seal",
    "timestamp": "time-stamp",
    "document": "document",
    "proof": "journal proof",
    "proof-entry": "journal entry",
    "proof-entry-hash": "entry hash",
    "proof-path": "audit path",
    "checkpoint": "checkpoint",
}


def add_parser(subparsers: Any) -> None:
    """Register the ``verify-receipt`` subcommand."""
    parser = subparsers.add_parser(
        "verify-receipt",
        help="check a sealed receipt offline",
        description="Check a receipt's seal and time-stamp, and optionally the "
        "document it acknowledges and its journal inclusion proof.",
    )
    parser.add_argument("receipt", type=Path, help="the receipt XML")
    parser.add_argument(
        "--trust",
        type=Path,
        required=True,
        help="folder with the office's published trust.pem: its root and, "
        "required, its seal certificate (the seal must be exactly that one)",
    )
    parser.add_argument("--document", type=Path, help="the document sent")
    parser.add_argument("--proof", type=Path, help="the proof JSON of the receipt")
    parser.add_argument("--at", help="check as of this time, ISO 8601 (default now)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Check the receipt and print the verdict; return the exit code."""
    try:
        inputs = _read(args)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE

    receipt, trust, document, proof, at = inputs
    verdict = verify_receipt(receipt, trust, document=document, proof=proof, at=at)
    print(json.dumps(verdict.to_json(), indent=2) if args.json else _human(verdict))
    return PASSED if verdict.passed else FAILED


def _read(
    args: argparse.Namespace,
) -> tuple[bytes, TrustStore, bytes | None, Any, datetime | None]:
    if not args.trust.is_dir():
        raise ValueError(f"--trust {args.trust} is not a folder")

    trust = TrustStore.from_folder(args.trust)
    if not trust.certificates:
        raise ValueError(f"--trust {args.trust} holds no certificates")

    if not pinned_seals(trust):
        raise ValueError(
            f"--trust {args.trust} holds no seal certificate, only CA certificates; "
            "a root alone cannot tell the office's seal from a citizen's "
            "certificate. Use the office's published trust.pem, which holds both."
        )

    receipt = args.receipt.read_bytes()
    document = args.document.read_bytes() if args.document else None
    proof = _proof(args.proof) if args.proof else None
    return receipt, trust, document, proof, _time(args.at)


def _proof(path: Path) -> Any:
    # A proof that is not JSON is a failed check, not a usage error.
    try:
        return json.loads(path.read_bytes())
    except ValueError:
        return {}


def _time(text: str | None) -> datetime | None:
    if text is None:
        return None

    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _human(verdict: ReceiptVerification) -> str:
    number = verdict.registry_number or "(unknown)"
    if verdict.passed:
        lines = [f"Receipt {number}: everything checked holds."]
    else:
        lines = [f"Receipt {number}: NOT confirmed; see what failed below."]

    for check in verdict.checks:
        mark = "ok  " if check.passed else "FAIL"
        lines.append(f"  {mark} {_NAMES.get(check.name, check.name)}: {check.detail}")

    return "\n".join(lines)
