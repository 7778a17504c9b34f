"""The access-code rule of the receipt routes: the code or nothing, alike."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import request

from app.errors import ErrorCode, RequestError
from app.limits import guard_code_lookup, note_wrong_code
from app.registry.fields import same_access_code
from app.registry.queries import get_document_by_number

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.registry.models import Document


def given_code() -> str:
    """Return the access code of this request: ``?code=`` or ``X-Access-Code``."""
    return request.args.get("code") or request.headers.get("X-Access-Code", "")


def document_for_code(session: Session, year: int, sequence: int) -> Document:
    """Return the document ``RPW/sequence/year`` if the request holds its code.

    An unknown number, a missing code and a wrong code all answer the same
    404, so that the answer tells nothing about which numbers exist.
    """
    code = given_code()
    guard_code_lookup()
    document = get_document_by_number(session, f"RPW/{sequence}/{year}")
    if document is None or not code or not same_code(code, document.access_code):
        note_wrong_code()
        raise RequestError(ErrorCode.NOT_FOUND, 404)

    return document


def same_code(given: str, expected: str) -> bool:
    """Compare access codes in constant time, in any letter case."""
    return same_access_code(given, expected)
