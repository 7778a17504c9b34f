"""Clerk workspace tables: departments, clerks, the JRWA list, cases and their trail.

They share the registry's metadata (one Alembic history). A document keeps
its citizen-visible state in ``Document.department`` and ``Document.status``;
a case links documents through ``CaseDocument`` (a document belongs to at
most one case).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.registry.models import Base, UTCDateTime, new_public_id

SYMBOL_LENGTH = 8
JRWA_LENGTH = 4
CATEGORY_LENGTH = 16
LOGIN_LENGTH = 64


class Department(Base):
    """A department of the office (wydział), named by its symbol such as ``FN``."""

    __tablename__ = "department"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    symbol: Mapped[str] = mapped_column(String(SYMBOL_LENGTH), unique=True)
    name_pl: Mapped[str] = mapped_column(String(256))
    name_en: Mapped[str] = mapped_column(String(256))
    # Where notices for the department go (new documents, overdue cases).
    email: Mapped[str | None] = mapped_column(String(320))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Clerk(Base):
    """A person who signs in to the desk; only the argon2 hash of the password."""

    __tablename__ = "clerk"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(LOGIN_LENGTH), unique=True)
    display_name: Mapped[str] = mapped_column(String(256))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id"), index=True
    )
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Raised when the password changes or the account is locked: sessions
    # signed in under an older value end.
    auth_version: Mapped[int] = mapped_column(Integer, default=1)

    department: Mapped[Department | None] = relationship(lazy="joined")


class JrwaClass(Base):
    """One entry of the office's JRWA list (NDAP ``wykaz``/``akta``)."""

    __tablename__ = "jrwa_class"

    symbol: Mapped[str] = mapped_column(String(JRWA_LENGTH), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    # Archival category (A, B5, BE10, Bc…); None for a grouping entry, under
    # which no case is opened.
    category: Mapped[str | None] = mapped_column(String(CATEGORY_LENGTH))
    # Category for copies kept in other cells (kategoriaInna).
    other_category: Mapped[str | None] = mapped_column(String(CATEGORY_LENGTH))


class Case(Base):
    """A case (sprawa) with its number ``DEPT.JRWA.SEQ.YEAR`` and KPA deadline."""

    __tablename__ = "case_file"
    __table_args__ = (UniqueConstraint("department_id", "jrwa", "year", "sequence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    public_id: Mapped[str] = mapped_column(
        String(36), unique=True, default=new_public_id
    )
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    jrwa: Mapped[str] = mapped_column(ForeignKey("jrwa_class.symbol"))
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("clerk.id"), index=True)
    status: Mapped[str] = mapped_column(String(32), index=True)
    complex: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("clerk.id"))
    # The day the KPA period starts (the initiating document's arrival).
    started_on: Mapped[date] = mapped_column(Date)
    # Deadline with the finished pauses added; a running pause adds its days
    # on top (app.cases.deadlines.deadline_for).
    deadline: Mapped[date] = mapped_column(Date, index=True)
    paused_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_days: Mapped[int] = mapped_column(Integer, default=0)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision: Mapped[str | None] = mapped_column(Text)

    department: Mapped[Department] = relationship(lazy="joined")
    assignee: Mapped[Clerk | None] = relationship(
        foreign_keys=[assignee_id], lazy="joined"
    )


class CaseDocument(Base):
    """A document in a case; ``document_id`` is unique: one case per document."""

    __tablename__ = "case_document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), unique=True)
    attached_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attached_by_id: Mapped[int | None] = mapped_column(ForeignKey("clerk.id"))


class CaseEvent(Base):
    """Who did what to a case and when, with the journal entry that records it."""

    __tablename__ = "case_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    clerk_id: Mapped[int | None] = mapped_column(ForeignKey("clerk.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    action: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    journal_position: Mapped[int] = mapped_column(Integer)


class CaseMessage(Base):
    """A message on a case between the citizen and the office."""

    __tablename__ = "case_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    # "citizen-to-office", "office-to-citizen" or "office-remedy" (a remedy
    # request, app.cases.constants.Direction).
    direction: Mapped[str] = mapped_column(String(24))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("clerk.id"))
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    citizen_email: Mapped[str | None] = mapped_column(String(320))
    # Page language of the citizen who wrote (mail to them uses it); 0009.
    lang: Mapped[str | None] = mapped_column(String(8))


class WaitingQuestion(Base):
    """A citizen's question on a registered document no case holds yet (0013).

    It moves into the case, as a ``CaseMessage``, when a clerk puts the
    document into one.
    """

    __tablename__ = "waiting_question"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    citizen_email: Mapped[str | None] = mapped_column(String(320))
    lang: Mapped[str | None] = mapped_column(String(8))
    # Shown like a case message on the citizen's page.
    direction = "citizen-to-office"


class DocumentView(Base):
    """One look at a document by a clerk."""

    __tablename__ = "document_view"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    clerk_id: Mapped[int] = mapped_column(ForeignKey("clerk.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
