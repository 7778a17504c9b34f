"""Where documents and cases went: passes between departments, transfer packages.

A ``Routing`` row records one pass inside the office (who, when, from and
to which department, the note); a ``Transfer`` row records one sealed
package sent to another office, or taken in from one. Both have their
journal entry; the journal keeps the note's SHA-256, the row its words.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.registry.models import Base, UTCDateTime

SHA256_HEX = 64


class Routing(Base):
    """One pass of a document or a case to another department."""

    __tablename__ = "routing"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Exactly one of the two is set.
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("document.id"), index=True
    )
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"), index=True)
    from_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    to_department_id: Mapped[int] = mapped_column(
        ForeignKey("department.id"), index=True
    )
    clerk_id: Mapped[int | None] = mapped_column(ForeignKey("clerk.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    journal_position: Mapped[int] = mapped_column(Integer)


class Transfer(Base):
    """One sealed transfer package, sent (``out``) or received (``in``)."""

    __tablename__ = "transfer"
    # The same package may be sent and, when an office sends to itself, come in.
    __table_args__ = (UniqueConstraint("package_id", "direction"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    package_id: Mapped[str] = mapped_column(String(36))
    direction: Mapped[str] = mapped_column(String(3))
    # The partner office's id from the partners file.
    office: Mapped[str] = mapped_column(String(64), index=True)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("document.id"), index=True
    )
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"), index=True)
    clerk_id: Mapped[int | None] = mapped_column(ForeignKey("clerk.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The sealed package is kept in the blob store under this digest.
    package_sha256: Mapped[str] = mapped_column(String(SHA256_HEX))
    note: Mapped[str | None] = mapped_column(Text)
    # Delivery to the partner's URL: None (not sent), "delivered", "failed".
    delivery: Mapped[str | None] = mapped_column(String(16))
    # What the partner answered: its registry number, or why it failed.
    answer: Mapped[str | None] = mapped_column(Text)
    journal_position: Mapped[int] = mapped_column(Integer)
