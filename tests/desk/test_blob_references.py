"""Every blob a registry row refers to is named by it, kept by gc, re-hashed by
verify; a missing one is a clear 410 page, never a 500 (review F29)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from app.drafts import format_code, save_draft
from app.registry.gc import CollectableStore, collect_garbage
from app.registry.integrity import verify_blobs
from app.registry.models import Document, DocumentBlob
from app.services import Services
from tests.desk.conftest import register_paper, scan, sign_in

SAMPLE = Path(__file__).resolve().parents[2] / "forms/zameldowanie/1/sample.xml"


def _paper_with_draft(desk_app: Flask, services: Services) -> tuple[str, bytes]:
    # Bytes of its own, so that no other test's blob is the same.
    xml = SAMPLE.read_bytes().replace(b"</", b"<!-- blob-references --></", 1)
    with services.sessions() as session:
        code = save_draft(session, "zameldowanie", "1", xml).code
    front = desk_app.test_client()
    sign_in(front, "desk.so")
    status, location, page = register_paper(
        front,
        scan("PNG", "#123457"),
        "s.png",
        draft=format_code(code),
        subject="",
        department="",
    )
    assert status == 303, page[:400]
    return location.rsplit("/", 1)[1], xml


def _store(services: Services) -> CollectableStore:
    store: CollectableStore = services.blobs  # type: ignore[assignment]
    return store


def test_gc_keeps_the_draft_xml_of_a_paper_document_and_the_registry_names_it(
    desk_app: Flask, desk_services: Services
) -> None:
    public_id, xml = _paper_with_draft(desk_app, desk_services)
    digest = hashlib.sha256(xml).hexdigest()

    with desk_services.sessions() as session:
        document = session.scalars(
            select(Document).where(Document.public_id == public_id)
        ).one()
        named = session.scalars(
            select(DocumentBlob).where(DocumentBlob.document_id == document.id)
        ).all()
        assert [(b.role, b.sha256, b.size) for b in named] == [
            ("draft", digest, len(xml))
        ]
        result = collect_garbage(session, _store(desk_services), timedelta(0))

    assert digest not in result.orphans
    assert desk_services.blobs.exists(digest)


def test_a_missing_draft_blob_is_named_by_verify_and_the_desk_answers_410(
    desk_app: Flask, desk_services: Services
) -> None:
    public_id, xml = _paper_with_draft(desk_app, desk_services)
    digest = hashlib.sha256(xml).hexdigest()
    assert _store(desk_services).delete(digest)

    with desk_services.sessions() as session:
        problems = verify_blobs(session, desk_services.blobs)
    assert any(p.endswith("draft: original is missing") for p in problems), problems

    clerk = desk_app.test_client()
    sign_in(clerk, "clerk.so")
    answer = clerk.get(f"/desk/documents/{public_id}/draft?lang=en")
    assert answer.status_code == 410
    assert "blob-missing" in answer.get_data(as_text=True)
    assert "restore it from a backup" in answer.get_data(as_text=True)
