"""Drafts are stored with their code and found again by it, as typed or scanned."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from app.drafts import find_draft, format_code, save_draft

XML = "<?xml version='1.0' encoding='UTF-8'?>\n<a xmlns=\"urn:x\">Żółć</a>\n".encode()


def test_saved_draft_is_found_by_its_printed_code(
    sessions: sessionmaker[Session],
) -> None:
    before = datetime.now(UTC)
    with sessions() as session:
        saved = save_draft(session, "zameldowanie", "1", XML)

    with sessions() as session:
        found = find_draft(session, format_code(saved.code).lower())

    assert found is not None
    assert (found.form_id, found.form_version, found.xml) == ("zameldowanie", "1", XML)
    assert found.sha256 == hashlib.sha256(XML).hexdigest()
    assert before - timedelta(seconds=1) <= found.created_at <= datetime.now(UTC)


def test_each_draft_gets_its_own_code(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        codes = {save_draft(session, "pismo-ogolne", "1", XML).code for _ in range(20)}

    assert len(codes) == 20


def test_a_code_with_a_slip_or_unknown_finds_nothing(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        saved = save_draft(session, "zameldowanie", "1", XML)
        slip = saved.code[:-1] + ("2" if saved.code[-1] != "2" else "3")

        assert find_draft(session, slip) is None
        assert find_draft(session, "") is None
        assert find_draft(session, "' OR 1=1 --") is None
