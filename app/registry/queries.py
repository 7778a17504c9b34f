"""Read access to the registry for the channels; nothing here writes."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.registry.models import Document, JournalEntry, Receipt

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def get_document(session: Session, document_id: int) -> Document | None:
    """Return the document with this id, or None."""
    return session.get(Document, document_id)


def get_document_by_number(session: Session, registry_number: str) -> Document | None:
    """Return the document registered under ``registry_number``, or None."""
    return session.scalars(
        select(Document).where(Document.registry_number == registry_number)
    ).one_or_none()


def get_document_by_access_code(session: Session, access_code: str) -> Document | None:
    """Return the document a receipt's access code belongs to, or None."""
    return session.scalars(
        select(Document).where(Document.access_code == access_code)
    ).one_or_none()


def find_documents_by_sha256(session: Session, sha256: str) -> Sequence[Document]:
    """Return every registration of the bytes with this SHA-256, oldest first."""
    return session.scalars(
        select(Document).where(Document.sha256 == sha256).order_by(Document.id)
    ).all()


def get_receipt(session: Session, document_id: int) -> Receipt | None:
    """Return the receipt issued for a document, or None."""
    return session.scalars(
        select(Receipt).where(Receipt.document_id == document_id)
    ).one_or_none()


def get_receipt_by_number(session: Session, registry_number: str) -> Receipt | None:
    """Return the receipt of the document registered under ``registry_number``."""
    return session.scalars(
        select(Receipt)
        .join(Document, Receipt.document_id == Document.id)
        .where(Document.registry_number == registry_number)
    ).one_or_none()


def list_documents(
    session: Session, limit: int = DEFAULT_PAGE_SIZE, offset: int = 0
) -> Sequence[Document]:
    """Return a page of documents, the most recently registered first."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    return session.scalars(
        select(Document)
        .order_by(Document.year.desc(), Document.sequence.desc())
        .limit(limit)
        .offset(max(0, offset))
    ).all()


def count_documents(session: Session) -> int:
    """Return how many documents the registry holds."""
    return session.scalar(select(func.count()).select_from(Document)) or 0


def list_journal(session: Session, document_id: int) -> Sequence[JournalEntry]:
    """Return the journal entries about one document, in order."""
    return session.scalars(
        select(JournalEntry)
        .where(JournalEntry.document_id == document_id)
        .order_by(JournalEntry.position)
    ).all()
