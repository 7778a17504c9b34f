"""Desk pages: one time convention (office time, zone named) and English plurals."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask

from app.desk.times import office_time
from app.services import Services
from tests.desk.conftest import paper_document, sign_in


def test_office_time_names_the_zone_in_winter_and_summer_review_f28() -> None:
    winter = datetime(2026, 12, 4, 20, 11, tzinfo=UTC)
    summer = datetime(2026, 7, 4, 20, 11, tzinfo=UTC)

    assert office_time(winter) == "2026-12-04 21:11 CET"
    assert office_time(summer) == "2026-07-04 22:11 CEST"


def test_the_document_page_says_1_page_and_names_the_zone_review_f28(
    desk_app: Flask, desk_services: Services
) -> None:
    document = paper_document(desk_services, "SO")
    clerk = desk_app.test_client()
    sign_in(clerk, "clerk.so")

    english = clerk.get(f"/desk/documents/{document.public_id}?lang=en")
    polish = clerk.get(f"/desk/documents/{document.public_id}?lang=pl")

    page = english.get_data(as_text=True)
    assert english.status_code == 200
    assert "1 page, 0 attachments" in page
    assert "1 pages" not in page
    assert office_time(document.received_at) in page
    assert "stron: 1, załączników: 0" in polish.get_data(as_text=True)


def test_the_inbox_shows_office_time_with_the_zone_review_f28(
    desk_app: Flask, desk_services: Services
) -> None:
    document = paper_document(desk_services, "FN")
    clerk = desk_app.test_client()
    sign_in(clerk, "clerk.fn")

    page = clerk.get("/desk/inbox").get_data(as_text=True)

    assert office_time(document.received_at) in page


def test_office_time_can_show_seconds_review_f28() -> None:
    moment = datetime(2026, 12, 4, 20, 11, 5, tzinfo=UTC)

    assert office_time(moment, seconds=True) == "2026-12-04 21:11:05 CET"


def test_no_desk_template_formats_time_another_way_review_f28() -> None:
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "app/desk/templates/desk"
    others = [
        p.name for p in templates.glob("*.html") if "datetimeformat" in p.read_text()
    ]

    assert others == []
