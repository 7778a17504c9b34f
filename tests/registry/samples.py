"""Sample registrations with fake data (no real person appears here)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from app.registry import Document, DocumentFields, Receipt, register

RECEIVED_AT = datetime(2026, 3, 14, 9, 26, 53, 589793, tzinfo=UTC)


def sample_fields(content: bytes = b"<wniosek/>", **overrides: Any) -> DocumentFields:
    """Return registration fields for ``content`` with fake signer data."""
    fields: DocumentFields = {
        "received_at": RECEIVED_AT,
        "channel": "portal",
        "sha256": hashlib.sha256(content).hexdigest(),
        "size": len(content),
        "media_type": "application/xml",
        "indication": "TOTAL_PASSED",
        "report_json": '{"indication": "TOTAL_PASSED"}',
        "form_id": "zameldowanie",
        "form_version": "1",
        "form_namespace": "urn:example:kancelaria:zameldowanie:1",
        "sender": "jan.testowy@example.org",
        "signer_name": "Jan Testowy",
        "signer_identifier": "PNOPL-44051401458",
        "signing_time": RECEIVED_AT,
        "department": "SO",
    }
    fields.update(overrides)  # type: ignore[typeddict-item]
    return fields


def fake_receipt(document: Document) -> bytes:
    """Build a stand-in receipt naming the document's registry number."""
    return f"<UPO><Numer>{document.registry_number}</Numer></UPO>".encode()


def register_sample(session: Session, content: bytes = b"<wniosek/>") -> Document:
    """Register a sample document with a stand-in receipt; return the row."""
    document, _receipt = register_sample_with_receipt(session, content)
    return document


def register_sample_with_receipt(
    session: Session, content: bytes = b"<wniosek/>"
) -> tuple[Document, Receipt]:
    """Register a sample document; return the row and its receipt."""
    return register(session, receipt_builder=fake_receipt, **sample_fields(content))
