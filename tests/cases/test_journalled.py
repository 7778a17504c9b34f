"""Case and routing entries replayed: rows that follow them verify (review R1)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from app.cases import lifecycle, routing, writing
from app.cases.journalled import document_states
from app.cases.models import Case, Clerk, Department
from app.registry.models import Document
from app.registry.rowcheck import verify_rows
from tests.cases.conftest import Office
from tests.registry.samples import register_sample

NOW = datetime(2026, 3, 16, 10, 0, tzinfo=UTC)


def test_a_worked_case_and_a_routed_document_verify(
    sessions: sessionmaker[Session], office: Office
) -> None:
    _work(sessions, office)

    with sessions() as session:
        states = document_states(session)
        rows = {d.registry_number: (d.status, d.department) for d in _rows(session)}
        assert verify_rows(session, states) == []

    assert rows == {
        "RPW/1/2026": ("decided", "FN"),
        "RPW/2/2026": ("awaiting-remedy", "SO"),
        "RPW/3/2026": ("registered", "FN"),
        "RPW/4/2026": ("registered", "SO"),
    }


def test_a_status_or_department_edited_after_case_work_is_named(
    sessions: sessionmaker[Session], office: Office
) -> None:
    _work(sessions, office)
    _execute(sessions, "UPDATE document SET status = 'in-case' WHERE id = :id", 1)
    _execute(sessions, "UPDATE document SET department = 'SO' WHERE id = :id", 3)
    _execute(sessions, "UPDATE document SET status = 'decided' WHERE id = :id", 4)

    with sessions() as session:
        problems = verify_rows(session, document_states(session))

    assert [p.split(" differs")[0] for p in problems] == [
        "document RPW/1/2026: status",
        "document RPW/3/2026: department",
        "document RPW/4/2026: status",
    ]


def _work(sessions: sessionmaker[Session], office: Office) -> None:
    """Decide and route one case, pause another, route a lone document."""
    for n in range(4):
        with writing(sessions) as session:
            register_sample(session, f"<wniosek n='{n}'/>".encode())

    with writing(sessions) as session:
        clerk = session.get_one(Clerk, office.clerks["clerk.so"])
        so = session.get_one(Department, office.departments["SO"])
        fn = session.get_one(Department, office.departments["FN"])
        first, second, third, _fourth = _rows(session)

        decided = _open(session, clerk, so, first)
        lifecycle.pause_for_remedy(session, clerk, decided, now=NOW)
        routing.route_case(session, clerk, decided, fn, now=NOW)
        lifecycle.decide(session, clerk, decided, "Zameldowano.", now=NOW)

        paused = _open(session, clerk, so, None)
        lifecycle.change_status(session, clerk, paused, "in-progress")
        lifecycle.pause_for_remedy(session, clerk, paused, now=NOW)
        lifecycle.attach_document(session, clerk, paused, second, now=NOW)

        routing.route_document(session, clerk, third, fn, now=NOW)


def _open(
    session: Session, clerk: Clerk, department: Department, document: Document | None
) -> Case:
    return lifecycle.open_case(
        session, clerk, department, "5360", "Zameldowanie", document, now=NOW
    )


def _rows(session: Session) -> list[Document]:
    return list(session.query(Document).order_by(Document.id))


def _execute(sessions: sessionmaker[Session], statement: str, n: int) -> None:
    # By position in the registry: ids differ between databases.
    with sessions() as session:
        document_id = _rows(session)[n - 1].id
        session.execute(text(statement), {"id": document_id})
        session.commit()
