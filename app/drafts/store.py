"""Save a filled form as a draft and find it again by its code."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.drafts.code import new_code, normalise_code
from app.drafts.models import Draft

log = logging.getLogger(__name__)


class DraftTooLargeError(ValueError):
    """The filled form is larger than a draft may be."""


MAX_DRAFT_BYTES = 2 * 1024 * 1024
ATTEMPTS = 5


def save_draft(session: Session, form_id: str, version: str, xml: bytes) -> Draft:
    """Store ``xml`` under a fresh code and commit; the draft saved."""
    if len(xml) > MAX_DRAFT_BYTES:
        raise DraftTooLargeError(
            f"draft of {len(xml)} bytes, at most {MAX_DRAFT_BYTES}"
        )

    digest = hashlib.sha256(xml).hexdigest()
    for _attempt in range(ATTEMPTS):
        draft = Draft(
            code=new_code(),
            form_id=form_id,
            form_version=version,
            xml=xml,
            sha256=digest,
            created_at=datetime.now(UTC),
        )
        session.add(draft)
        try:
            session.commit()
        except IntegrityError:
            # A code already taken (1 in 10^13 per draft): draw another.
            session.rollback()
            continue

        log.info("draft saved", extra={"draft_id": draft.id, "sha256": digest})
        return draft

    raise RuntimeError("no free draft code after several attempts")


def find_draft(session: Session, code: str) -> Draft | None:
    """The draft with ``code`` as printed or typed (spaces, dashes, case); or None."""
    normal = normalise_code(code)
    if normal is None:
        return None

    return session.scalars(select(Draft).where(Draft.code == normal)).first()


def find_draft_by_id(session: Session, draft_id: int) -> Draft | None:
    """The draft with the database id ``draft_id`` (one a kiosk opened); or None."""
    return session.get(Draft, draft_id)


def purge_drafts(session: Session, before: datetime) -> int:
    """Delete the drafts created before ``before`` and commit; how many went."""
    result = session.execute(delete(Draft).where(Draft.created_at < before))
    session.commit()
    count = int(getattr(result, "rowcount", 0) or 0)
    log.info("drafts purged", extra={"count": count})
    return count
