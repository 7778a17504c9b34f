"""Send documents or a case to a partner office as a sealed transfer package.

The package is built from the registry and the stored originals, sealed,
kept in the blob store and recorded (a ``Transfer`` row and its journal
entry) in the caller's transaction. Delivery to the partner's address, when
it has one, happens after that commit and is recorded in a second one: a
partner that is down never loses the package, which the clerk can also
download and pass on by other means.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases import writing
from app.cases.events import record_event, record_office_event
from app.cases.models import Case, Clerk
from app.cases.records import Transfer
from app.registry.models import Document
from app.transfers.delivery import Delivery, deliver_package
from app.transfers.package import CaseFacts, Office, build_package
from app.transfers.partners import Partner

if TYPE_CHECKING:
    from app.services import Services

EVENT_SENT = "transfer-sent"
EVENT_DELIVERY = "transfer-delivery"
ACTION_TRANSFERRED = "transferred"


def send_transfer(
    services: Services,
    session: Session,
    clerk: Clerk | None,
    partner: Partner,
    documents: Sequence[Document],
    case: Case | None = None,
    note: str | None = None,
) -> Transfer:
    """Seal a package of ``documents`` (and ``case``) for ``partner``; record it."""
    settings = services.settings
    carried = [(d, read_blob(services, d.sha256)) for d in documents]
    package_id, sealed = build_package(
        services.sealer,
        Office(settings.office_id, settings.office_name),
        Office(partner.office_id, partner.name),
        carried,
        _facts(case) if case is not None else None,
        note,
    )
    digest = services.blobs.put(sealed)
    if case is not None:
        event = record_event(
            session,
            case,
            clerk,
            ACTION_TRANSFERRED,
            note,
            package=package_id,
            office=partner.office_id,
            sha256=digest,
        )
        position = event.journal_position
    else:
        position = record_office_event(
            session,
            EVENT_SENT,
            clerk,
            document_id=documents[0].id,
            package=package_id,
            office=partner.office_id,
            sha256=digest,
        )

    row = Transfer(
        package_id=package_id,
        direction="out",
        office=partner.office_id,
        document_id=documents[0].id if case is None else None,
        case_id=case.id if case is not None else None,
        clerk_id=clerk.id if clerk else None,
        at=datetime.now(UTC),
        package_sha256=digest,
        note=note,
        journal_position=position,
    )
    session.add(row)
    session.flush()
    return row


def deliver_transfer(
    services: Services, transfer_id: int, partner: Partner, clerk_id: int | None
) -> Delivery:
    """Post a recorded package to the partner's URL; record what came of it.

    No transaction is open while the partner answers: a slow partner (or this
    very office, posting to itself) holds no lock of ours.
    """
    with services.sessions() as session:
        digest = session.get_one(Transfer, transfer_id).package_sha256

    delivery = deliver_package(partner, read_blob(services, digest))
    with writing(services.sessions) as session:
        transfer = session.get_one(Transfer, transfer_id)
        transfer.delivery, transfer.answer = delivery.state, delivery.answer
        record_office_event(
            session,
            EVENT_DELIVERY,
            session.get(Clerk, clerk_id) if clerk_id else None,
            document_id=transfer.document_id,
            package=transfer.package_id,
            office=partner.office_id,
            state=delivery.state,
            answer_sha256=hashlib.sha256(delivery.answer.encode()).hexdigest(),
        )

    return delivery


def transfers_of(
    session: Session, *, document_id: int | None = None, case_id: int | None = None
) -> list[Transfer]:
    """The packages sent for one document or case, oldest first."""
    query = select(Transfer).where(Transfer.direction == "out").order_by(Transfer.id)
    if document_id is not None:
        query = query.where(Transfer.document_id == document_id)
    if case_id is not None:
        query = query.where(Transfer.case_id == case_id)

    return list(session.scalars(query))


def read_blob(services: Services, sha256: str) -> bytes:
    """Return the stored bytes of one blob, closing the file."""
    with services.blobs.open(sha256) as stream:
        return stream.read()


def _facts(case: Case) -> CaseFacts:
    return CaseFacts(case.number, case.title[:2000], case.jrwa, case.status)
