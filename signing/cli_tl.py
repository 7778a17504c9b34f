"""``python -m signing trusted-list fetch``: get, authenticate and store lists.

The operator runs this on the schedule they choose; validation itself never
downloads anything.  A source that starts with ``http://`` or ``https://`` is
fetched, anything else is read as a file.  The list is accepted only if
``signing.tl.load_trusted_list`` accepts it with the ``--pinned``
certificates; then its bytes go to ``DIR/<territory>.xml`` and a summary to
``DIR/<territory>.json``.  ``--follow PL`` then loads the national list the
first list points to for PL (fetched from the pointer's TSLLocation), pinned
by the certificates the pointer names; ``--follow PL=FILE`` reads it from a
file instead.

Exit codes: 0 every list accepted, 1 a list refused, 3 bad usage or a
source that cannot be read.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import tempfile
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509

from signing.tl import TrustedList, TrustedListError, TrustedListPolicy
from signing.tl import load_trusted_list as load_list
from signing.trust import TrustStore

log = logging.getLogger(__name__)

MAX_LIST_BYTES = 32 * 1024 * 1024
"""The largest list fetched (the biggest EU lists are a few MiB)."""
FETCH_TIMEOUT = 30.0
"""Seconds to wait for a server."""

REFUSED = 1
UNUSABLE = 3


def add_parser(subparsers: Any) -> None:
    """Register the ``trusted-list`` subcommand."""
    parser = subparsers.add_parser("trusted-list", help="EU trusted lists")
    actions = parser.add_subparsers(dest="tl_action", required=True)
    fetch = actions.add_parser("fetch", help="fetch, authenticate and store a list")
    fetch.add_argument("source", help="URL (http/https) or file of the list")
    fetch.add_argument(
        "--pinned", type=Path, nargs="+", required=True, help="signer certificates"
    )
    fetch.add_argument("--out", type=Path, required=True, help="folder to store in")
    fetch.add_argument(
        "--follow", action="append", default=[], help="TERRITORY or TERRITORY=FILE"
    )
    fetch.add_argument("--at", help="time of use, ISO 8601 (default: now)")
    fetch.add_argument(
        "--grace-days", type=float, default=0.0, help="accept lists this stale"
    )
    fetch.set_defaults(handler=run_fetch)


def run_fetch(args: argparse.Namespace) -> int:
    """Fetch and store the list (and the followed ones); return the exit code."""
    try:
        pinned = pinned_certificates(args.pinned)
        at = parse_time(args.at)
        policy = TrustedListPolicy(next_update_grace=timedelta(days=args.grace_days))
        data = read_source(args.source)
        first = load_list(data, pinned, at, policy)
        _store(first, data, args.out, args.source)
        for spec in args.follow:
            territory, _, path = spec.partition("=")
            source = path or first.pointer_to(territory).location
            data = read_source(source)
            pointed = first.load_pointed(data, territory, at, policy)
            _store(pointed, data, args.out, source)
    except TrustedListError as exc:
        print(f"refused ({exc.code.value}): {exc}", file=sys.stderr)
        return REFUSED
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return UNUSABLE

    return 0


def pinned_certificates(paths: list[Path]) -> list[x509.Certificate]:
    """Read the pinned certificates (PEM bundles or DER files)."""
    certs = [c for p in paths for c in TrustStore.from_file(p).certificates]
    if not certs:
        raise ValueError("no pinned certificate could be read")

    return certs


def parse_time(text: str | None) -> datetime | None:
    """Parse an ISO 8601 time; without a zone it is UTC."""
    if text is None:
        return None

    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def read_source(source: str) -> bytes:
    """Fetch an http(s) URL or read a file, at most ``MAX_LIST_BYTES``."""
    if not source.startswith(("http://", "https://")):
        data = Path(source).read_bytes()
    else:
        log.info("fetching a trusted list")
        with urllib.request.urlopen(source, timeout=FETCH_TIMEOUT) as response:  # noqa: S310 - scheme checked above
            data = response.read(MAX_LIST_BYTES + 1)

    if len(data) > MAX_LIST_BYTES:
        raise ValueError("the list is larger than allowed")

    return data


def _store(tl: TrustedList, data: bytes, folder: Path, source: str) -> None:
    """Write the list's bytes and summary atomically; they are public data."""
    if not re.fullmatch(r"[A-Za-z]{2,3}", tl.territory):
        raise ValueError("the list's territory cannot name a file")

    folder.mkdir(parents=True, exist_ok=True)
    summary = {**tl.summary(), "source": source}
    _write(folder / f"{tl.territory}.xml", data)
    _write(folder / f"{tl.territory}.json", json.dumps(summary, indent=2).encode())
    print(f"stored {tl.territory} sequence {tl.sequence_number}")


def _write(path: Path, data: bytes) -> None:
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "wb") as out:
        out.write(data)

    os.replace(temp, path)
