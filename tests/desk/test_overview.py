"""The overview for heads: intake per day and channel, open cases, deadlines and
time to decision, as SVG charts drawn here and tables with the same figures.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from flask.testing import FlaskClient
from lxml import etree
from sqlalchemy import select

from app.cases import lifecycle, writing
from app.cases.accounts import find_department
from app.cases.deadlines import office_day
from app.cases.models import Case
from app.cases.overview import department_overview
from app.services import Services
from tests.desk.conftest import paper_document, sign_in

SVG = "{http://www.w3.org/2000/svg}"


def decided_case(services: Services, started: date, decided: datetime) -> None:
    with writing(services.sessions) as session:
        unit = find_department(session, "OR")
        assert unit is not None
        case = lifecycle.open_case(session, None, unit, "5360", "Zakończona")
        case.started_on = started
        lifecycle.decide(session, None, case, "Decyzja", now=decided)


def test_figures_count_intake_open_cases_and_decision_times(
    desk_services: Services,
) -> None:
    for _ in range(3):
        paper_document(desk_services, "OR")
    now = datetime.now(UTC)
    # Durations count office days: near midnight UTC, Warsaw is a day ahead.
    today = office_day(now)
    decided_case(desk_services, today - timedelta(days=10), now)
    decided_case(desk_services, today - timedelta(days=40), now)

    with desk_services.sessions() as session:
        unit = find_department(session, "OR")
        assert unit is not None
        figures = department_overview(session, unit, now)
        open_count = len(
            session.scalars(
                select(Case).where(
                    Case.department_id == unit.id, Case.status != "decided"
                )
            ).all()
        )

    assert figures.intake["desk"][-1] >= 3
    assert sum(figures.open_by_status.values()) == open_count
    assert figures.decided == 2
    assert dict(figures.bands)["8–14"] == 1 and dict(figures.bands)["31–60"] == 1
    assert figures.median_days == 25


def test_head_sees_charts_with_titles_and_tables_of_the_same_figures(
    http: FlaskClient, desk_services: Services
) -> None:
    paper_document(desk_services, "SO")
    sign_in(http, "head.so")

    answer = http.get("/desk/overview")

    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "<script" not in page and "http://" not in page.replace(
        "http://www.w3.org/2000/svg", ""
    )
    for chart in ("chart-intake", "chart-open", "chart-deadlines", "chart-decisions"):
        found = re.search(rf'<svg[^>]*id="{chart}".*?</svg>', page, re.DOTALL)
        assert found, chart
        svg = etree.fromstring(found.group(0).encode())
        assert svg.get("role") == "img"
        assert svg.findtext(f"{SVG}title")
    for table in ("table-intake", "table-open", "table-deadlines", "table-decisions"):
        assert f'id="{table}"' in page


def test_overview_is_for_heads_of_their_own_department_and_the_archivist(
    desk_app: object, desk_services: Services
) -> None:
    expected = {
        "clerk.so": 403,
        "desk.so": 403,
        "admin": 403,
        "head.so": 200,
        "archivist": 200,
    }
    for login, status in expected.items():
        http = desk_app.test_client()  # type: ignore[attr-defined]
        sign_in(http, login)
        assert http.get("/desk/overview").status_code == status, login

    head = desk_app.test_client()  # type: ignore[attr-defined]
    sign_in(head, "head.so")
    assert head.get("/desk/overview?department=FN").status_code == 404
    archivist = desk_app.test_client()  # type: ignore[attr-defined]
    sign_in(archivist, "archivist")
    assert archivist.get("/desk/overview?department=FN").status_code == 200


def test_overview_is_polish_by_default_and_english_on_request(
    http: FlaskClient, desk_services: Services
) -> None:
    sign_in(http, "head.so")

    polish = http.get("/desk/overview").get_data(as_text=True)
    english = http.get("/desk/overview?lang=en").get_data(as_text=True)

    assert "Czas do decyzji" in polish and "Time to decision" not in polish
    assert "Time to decision" in english and "Czas do decyzji" not in english
