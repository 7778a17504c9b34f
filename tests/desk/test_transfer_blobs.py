"""Blobs of transfers are named by the registry and kept by gc (review F29):
the originals a received package carries, and the sealed package sent."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.cases.records import Transfer
from app.registry.gc import CollectableStore, collect_garbage
from app.registry.models import Document, DocumentBlob
from app.services import Services
from tests.desk.conftest import paper_document, sign_in
from tests.desk.offices import B, Offices, offices

__all__ = ["offices"]


def _orphans(services: Services) -> tuple[str, ...]:
    store: CollectableStore = services.blobs  # type: ignore[assignment]
    with services.sessions() as session:
        return collect_garbage(session, store, timedelta(0), dry_run=True).orphans


def test_gc_keeps_the_carried_originals_and_the_sent_package(
    offices: Offices,
) -> None:
    document = paper_document(offices.a_services)
    http = offices.a.test_client()
    sign_in(http, "clerk.so")

    answer = http.post(
        f"/desk/documents/{document.public_id}/transfer",
        data={"office": B, "note": "Według właściwości", "deliver": "on"},
    )

    assert answer.status_code == 303
    package_id = answer.headers["Location"].rsplit("/", 1)[-1]
    with offices.a_services.sessions() as session:
        sent = session.scalars(
            select(Transfer).where(Transfer.package_id == package_id)
        ).one()
        assert sent.delivery == "delivered", sent.answer
    with offices.b_services.sessions() as session:
        got = session.scalars(
            select(Document).where(Document.registry_number == sent.answer)
        ).one()
        named = session.scalars(
            select(DocumentBlob).where(DocumentBlob.document_id == got.id)
        ).all()
    assert [(b.role, b.sha256) for b in named] == [("carried-1", document.sha256)]
    assert document.sha256 not in _orphans(offices.b_services)
    assert sent.package_sha256 not in _orphans(offices.a_services)


def test_verify_names_a_missing_sent_package(offices: Offices) -> None:
    from app.registry.integrity import verify_blobs

    document = paper_document(offices.a_services)
    http = offices.a.test_client()
    sign_in(http, "clerk.so")
    answer = http.post(
        f"/desk/documents/{document.public_id}/transfer",
        data={"office": B, "note": "Do usunięcia"},
    )
    assert answer.status_code == 303
    package_id = answer.headers["Location"].rsplit("/", 1)[-1]
    with offices.a_services.sessions() as session:
        sent = session.scalars(
            select(Transfer).where(Transfer.package_id == package_id)
        ).one()
    store: CollectableStore = offices.a_services.blobs  # type: ignore[assignment]
    assert store.delete(sent.package_sha256)

    with offices.a_services.sessions() as session:
        problems = verify_blobs(session, offices.a_services.blobs)

    assert f"transfer package {package_id}: original is missing" in problems
