"""Cases and the people who work on them: departments, clerks, the JRWA list.

A capability module (no HTTP): the desk and other channels call these
services inside one write transaction, which :func:`writing` opens, and
every action lands in the registry journal.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker

from app.db import begin_write


@contextmanager
def writing(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """Open a session in a write transaction; commit at the end, else roll back."""
    with sessions() as session:
        begin_write(session)
        yield session
        session.commit()
