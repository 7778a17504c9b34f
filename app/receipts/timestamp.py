"""Time-stamp sealed receipts: XAdES-BES becomes XAdES-T.

A receipt gets a time-stamp token over the seal's SignatureValue
(EN 319 132-1, clause 5.3) in one of two ways:

- At issue, when the TSA is the in-process :class:`LocalTimestamper` (no
  network, well under a millisecond): :func:`issue_receipt` seals and stamps
  inside the registration transaction, so the receipt is XAdES-T from the
  start. Such a receipt has **no** ``receipt-timestamped`` journal entry:
  its ``receipt-issued`` entry already carries the hash of the -T receipt.
- After the commit, for an HTTP TSA (a network call never runs under the
  registry lock) or when the stamp at issue failed: the intake pipeline
  calls :func:`try_stamp_receipt`, which asks the TSA with no transaction
  open, then stores the upgraded receipt and a ``receipt-timestamped``
  journal entry in one write transaction. When the TSA fails, the receipt
  stays -BES and ``flask registry stamp-pending`` (:func:`stamp_pending`)
  tries again later.

A receipt is therefore time-stamped when it has a ``receipt-timestamped``
entry or its XML carries a ``xades:SignatureTimeStamp``.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import begin_write
from app.receipts.build import seal_receipt
from app.registry import journal
from app.registry.models import Document, JournalEntry, Receipt
from signing.pki import DemoPKI
from signing.tsp import (
    HttpTimestamper,
    LocalTimestamper,
    Timestamper,
    TimestampError,
)

if TYPE_CHECKING:
    from app.services import Services

log = logging.getLogger(__name__)

EVENT_RECEIPT_TIMESTAMPED = "receipt-timestamped"

STAMP_MARK = b"<xades:SignatureTimeStamp"
"""Found in a receipt's XML only as markup: text content escapes ``<``."""


class NoTimestamperError(RuntimeError):
    """No time-stamping authority is configured."""


@dataclass(frozen=True)
class IssuedReceipt:
    """A receipt sealed for a document being registered."""

    xml: bytes
    timestamped: bool
    """True when the XML is XAdES-T already (stamped at issue)."""


@dataclass(frozen=True)
class PendingResult:
    """What one run of :func:`stamp_pending` did."""

    stamped: int
    """Receipts upgraded to XAdES-T."""
    failed: int
    """Receipts the TSA could not stamp this time."""


def make_timestamper(settings: Settings, demo: DemoPKI | None) -> Timestamper | None:
    """Choose the TSA: the configured URL, else the demo PKI's local one."""
    if settings.tsa_url:
        return HttpTimestamper(settings.tsa_url)

    if demo is not None:
        return LocalTimestamper.from_issued(demo.tsa)

    log.warning(
        "no time-stamping authority configured (KANCELARIA_TSA_URL): "
        "receipts stay XAdES-BES"
    )
    return None


def issue_receipt(services: Services, document: Document) -> IssuedReceipt:
    """Seal a document's receipt; with the in-process TSA, time-stamp it too.

    Runs inside the registration transaction, so it never asks a TSA over
    the network. A failing local stamp leaves the -BES receipt to the
    post-commit path (:func:`try_stamp_receipt`) and ``stamp-pending``.
    """
    sealed = seal_receipt(services, document)
    timestamper = services.timestamper
    if not isinstance(timestamper, LocalTimestamper):
        return IssuedReceipt(sealed.xml(), timestamped=False)

    try:
        # Stamped as it is written: the receipt is parsed and serialised once.
        stamped = sealed.timestamped(timestamper)
    except Exception:  # the -BES receipt is still a receipt; stamped later
        log.exception(
            "receipt not time-stamped at issue",
            extra={"document_id": document.id},
        )
        return IssuedReceipt(sealed.xml(), timestamped=False)

    return IssuedReceipt(stamped, timestamped=True)


def stamp_receipt(services: Services, receipt_id: int) -> Receipt | None:
    """Upgrade one receipt to XAdES-T; ``None`` when it was stamped already.

    Raises :class:`NoTimestamperError` without a TSA and lets the TSA's
    errors (:class:`signing.tsp.TimestampError`, ``OSError``) through.
    """
    if services.timestamper is None:
        raise NoTimestamperError("no time-stamping authority is configured")

    with services.sessions() as session:
        target = _unstamped(session, receipt_id)

    return None if target is None else _upgrade(services, target)


def try_stamp_receipt(
    services: Services, receipt: Receipt, registry_number: str
) -> Receipt | None:
    """Stamp a receipt just issued; on any failure log it and return ``None``.

    The document is registered and its -BES receipt committed already, so
    nothing here may fail the submission; ``stamp-pending`` retries later.
    """
    if services.timestamper is None:
        return None

    target = _Target(
        receipt.id, receipt.document_id, registry_number, receipt.sha256, receipt.xml
    )
    try:
        return _upgrade(services, target)
    except (TimestampError, OSError) as exc:
        log.warning(
            "time-stamping authority failed; receipt stays XAdES-BES",
            extra={"receipt_id": receipt.id, "reason": type(exc).__name__},
        )
    except Exception:
        log.exception("receipt not time-stamped", extra={"receipt_id": receipt.id})

    return None


def pending_receipts(services: Services, limit: int | None = None) -> list[int]:
    """Return the ids of receipts still XAdES-BES, stamped neither way."""
    stamped = select(JournalEntry.document_id).where(
        JournalEntry.event == EVENT_RECEIPT_TIMESTAMPED,
        JournalEntry.document_id.is_not(None),
    )
    query = (
        select(Receipt.id)
        .where(Receipt.document_id.not_in(stamped))
        .where(~_carries_stamp(services.engine.dialect.name))
        .order_by(Receipt.id)
        .limit(limit)
    )
    with services.sessions() as session:
        return list(session.scalars(query))


def stamp_pending(services: Services, receipt_ids: Sequence[int]) -> PendingResult:
    """Stamp the given receipts, going on past the ones the TSA fails."""
    stamped = failed = 0
    for receipt_id in receipt_ids:
        try:
            done = stamp_receipt(services, receipt_id)
        except (TimestampError, OSError, ValueError) as exc:
            failed += 1
            log.warning(
                "receipt not time-stamped",
                extra={"receipt_id": receipt_id, "reason": type(exc).__name__},
            )
            continue

        stamped += done is not None

    return PendingResult(stamped=stamped, failed=failed)


@dataclass(frozen=True)
class _Target:
    """A -BES receipt to stamp, as read before asking the TSA."""

    receipt_id: int
    document_id: int
    registry_number: str
    sha256: str
    xml: bytes


def _unstamped(session: Session, receipt_id: int) -> _Target | None:
    row = session.execute(
        select(Receipt, Document.registry_number)
        .join(Document, Document.id == Receipt.document_id)
        .where(Receipt.id == receipt_id)
    ).one_or_none()
    if row is None:
        raise LookupError(f"no receipt {receipt_id}")

    receipt, number = row
    if STAMP_MARK in receipt.xml or _timestamped(session, receipt.document_id):
        return None

    return _Target(receipt.id, receipt.document_id, number, receipt.sha256, receipt.xml)


def _upgrade(services: Services, target: _Target) -> Receipt | None:
    # The TSA is asked with no transaction open: a slow TSA holds no lock.
    assert services.timestamper is not None
    upgraded = services.sealer.add_signature_timestamp(target.xml, services.timestamper)
    return _store(services, target, upgraded)


def _carries_stamp(dialect: str) -> ColumnElement[bool]:
    if dialect == "sqlite":
        # SQLite's LIKE never matches inside a BLOB; instr does.
        return func.instr(Receipt.xml, STAMP_MARK) > 0

    return Receipt.xml.contains(STAMP_MARK)


def _timestamped(session: Session, document_id: int) -> bool:
    found = session.scalars(
        select(JournalEntry.position)
        .where(
            JournalEntry.document_id == document_id,
            JournalEntry.event == EVENT_RECEIPT_TIMESTAMPED,
        )
        .limit(1)
    ).first()
    return found is not None


def _store(services: Services, target: _Target, upgraded: bytes) -> Receipt | None:
    with services.sessions() as session:
        begin_write(session)
        try:
            receipt = session.scalars(
                select(Receipt).where(Receipt.id == target.receipt_id).with_for_update()
            ).one()
            if receipt.sha256 != target.sha256:
                # Another worker stamped (or changed) it meanwhile.
                session.rollback()
                return None

            receipt.xml = upgraded
            receipt.sha256 = hashlib.sha256(upgraded).hexdigest()
            payload = {
                "registry_number": target.registry_number,
                "receipt_sha256": receipt.sha256,
            }
            journal.append(
                session, EVENT_RECEIPT_TIMESTAMPED, target.document_id, payload
            )
            session.commit()
        except BaseException:
            session.rollback()
            raise

    log.info(
        "receipt time-stamped",
        extra={
            "registry_number": target.registry_number,
            "receipt_id": target.receipt_id,
        },
    )
    return receipt
