"""Registering a document: number, row, journal and receipt in one transaction.

The intake pipeline registers documents after their original bytes are
stored durably in the blob store, through the process's
:class:`app.registry.combiner.Registrar` (several concurrent registrations
share one transaction) or, one at a time, through :func:`register`. Either
everything of a document is committed, or (on any exception) nothing is,
and the registry number taken is given back.
"""

from __future__ import annotations

from typing import Unpack

from sqlalchemy.orm import Session

from app.registry.batch import Pending, write_batch
from app.registry.fields import (
    ACCESS_CODE_ALPHABET,
    ACCESS_CODE_LENGTH,
    DocumentFields,
    ReceiptBuilder,
    RegisteredHook,
    new_access_code,
)
from app.registry.models import Document, Receipt

__all__ = [
    "ACCESS_CODE_ALPHABET",
    "ACCESS_CODE_LENGTH",
    "DocumentFields",
    "ReceiptBuilder",
    "RegisteredHook",
    "new_access_code",
    "register",
]


def register(
    session: Session,
    *,
    receipt_builder: ReceiptBuilder,
    on_registered: RegisteredHook | None = None,
    **fields: Unpack[DocumentFields],
) -> tuple[Document, Receipt]:
    """Register a document and its receipt, committing once; roll back on error.

    ``session`` must not have a transaction open. ``receipt_builder`` is
    called with the document as it will be written (it has its id, registry
    number and journal position) and returns the sealed receipt XML.
    ``on_registered`` runs last, inside the same transaction (the
    notifications outbox writes its event there).
    """
    item = Pending(fields, receipt_builder, on_registered)
    write_batch(session, [item])
    if item.error is not None:
        raise item.error

    assert item.result is not None
    return item.result
