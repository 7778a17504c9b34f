"""Find the document a citizen names by its registry number and access code.

Shared by the channels that let citizens follow a case (portal, kiosk). A
wrong number and a wrong code give the same answer; counting wrong guesses
against a rate limit is the channel's part (it knows the caller's address).
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy.orm import Session

from app.cases.deadlines import base_deadline, office_day
from app.catalog import Catalog
from app.registry.fields import same_access_code
from app.registry.models import Document
from app.registry.queries import get_document_by_number

NUMBER = re.compile(r"RPW/(\d{1,9})/(\d{4})", re.IGNORECASE)
CODE_MAX = 64


def parse_registry_number(text: str) -> tuple[int, int] | None:
    """The (year, sequence) of ``RPW/<sequence>/<year>``, or None."""
    found = NUMBER.fullmatch(text.strip())
    if found is None:
        return None

    return int(found[2]), int(found[1])


def document_for_citizen(
    session: Session, year: int, sequence: int, code: str
) -> Document | None:
    """The document under RPW/sequence/year if ``code`` is its access code."""
    document = get_document_by_number(session, f"RPW/{sequence}/{year}")
    if document is None or not code or not same_access_code(code, document.access_code):
        return None

    return document


def usual_deadline(document: Document, catalog: Catalog) -> date:
    """The day a case opened for the document would be due, as the desk counts."""
    days = None
    if document.form_id is not None:
        try:
            days = catalog.get(document.form_id, document.form_version).deadline_days
        except KeyError:
            days = None

    return base_deadline(office_day(document.received_at), False, days)
