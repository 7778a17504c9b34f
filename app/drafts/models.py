"""The draft table: one filled form kept for its paper copy."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.registry.models import SHA256_HEX, Base, UTCDateTime


class Draft(Base):
    """A filled form (XML bytes) and the code printed on its paper copy."""

    __tablename__ = "draft"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    form_id: Mapped[str] = mapped_column(String(128))
    form_version: Mapped[str] = mapped_column(String(32))
    xml: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(SHA256_HEX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
