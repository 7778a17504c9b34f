"""Drafts are stored with their code and found again by it, as typed or scanned."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
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


def test_a_draft_over_the_size_limit_is_refused_and_not_kept(
    sessions: sessionmaker[Session],
) -> None:
    from sqlalchemy import func, select

    from app.drafts import Draft, DraftTooLargeError
    from app.drafts.store import MAX_DRAFT_BYTES

    with sessions() as session:
        before = session.scalar(select(func.count()).select_from(Draft))
        with pytest.raises(DraftTooLargeError):
            save_draft(session, "pismo-ogolne", "1", b"<a/>" + b" " * MAX_DRAFT_BYTES)

        assert session.scalar(select(func.count()).select_from(Draft)) == before


def test_purge_removes_only_drafts_older_than_the_cut(
    sessions: sessionmaker[Session],
) -> None:
    from app.drafts import purge_drafts

    with sessions() as session:
        old = save_draft(session, "zameldowanie", "1", XML)
        old.created_at = datetime.now(UTC) - timedelta(days=40)
        session.commit()
        kept = save_draft(session, "zameldowanie", "1", XML)

        removed = purge_drafts(session, datetime.now(UTC) - timedelta(days=30))

        assert removed >= 1
        assert find_draft(session, old.code) is None
        assert find_draft(session, kept.code) is not None
