"""WCAG 2.1 AA from the HTML and CSS: every field labelled on every page, language
attributes, error announcements, and contrast of every colour pair in our CSS."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.services import Services
from signing.seal import XadesSigner
from tests.app.accessibility import check_page, colour_pairs, contrast
from tests.app.filing import file_document
from tests.notifications.cases import open_case_for

STATIC = Path(__file__).resolve().parents[2] / "app" / "static"
FIXED_PAGES = [
    "/",
    "/?q=zzzz",
    "/forms/pismo-ogolne",
    "/forms/zameldowanie",
    "/forms/zaswiadczenie-o-niezaleganiu",
    "/submit",
    "/check",
    "/case",
    "/case?number=RPW/1/2000&code=X",
    "/no-such-page",
    "/kiosk/",
    "/kiosk/forms/zameldowanie",
    "/kiosk/forms/zameldowanie/print",
    "/kiosk/forms/zameldowanie/fill",
    "/forms/zameldowanie/fill",
]


@pytest.fixture(scope="module")
def pages(
    app: object, services: Services, citizen: XadesSigner
) -> dict[str, tuple[int, str]]:
    """Every citizen and kiosk page, in both languages, with a case to show."""
    client = app.test_client()  # type: ignore[attr-defined]
    filed = file_document(client, services, citizen)
    waiting = file_document(client, services, citizen)
    open_case_for(services, filed.document_id)
    urls = [
        *FIXED_PAGES,
        f"/submissions/{filed.year}/{filed.sequence}?code={filed.code}",
        filed.page,
        waiting.page,
    ]
    found = {}
    for url in urls:
        for lang in ("pl", "en"):
            joined = f"{url}{'&' if '?' in url else '?'}lang={lang}"
            answer = client.get(joined)
            found[joined] = (answer.status_code, answer.get_data(as_text=True))

    refused = client.post(filed.ask, data={"code": filed.code, "body": ""})
    found["question refused"] = (refused.status_code, refused.get_data(as_text=True))
    return found


def test_every_page_labels_every_field_and_names_its_language(
    pages: dict[str, tuple[int, str]],
) -> None:
    problems = {url: check_page(html) for url, (_status, html) in pages.items()}

    assert {url: found for url, found in problems.items() if found} == {}
    langs = {re.search(r'<html lang="(\w+)"', html)[1] for _s, html in pages.values()}
    assert langs == {"pl", "en"}


def test_pages_have_one_main_landmark_and_a_first_heading(
    pages: dict[str, tuple[int, str]],
) -> None:
    for url, (_status, html) in pages.items():
        assert html.count("<main") == 1, url
        assert "<h1" in html, url


def test_errors_are_announced_and_tied_to_their_fields(
    pages: dict[str, tuple[int, str]],
) -> None:
    status, html = pages["question refused"]

    assert status == 400
    assert 'role="alert"' in html
    assert re.search(r'<textarea id="body"[^>]*aria-describedby="[^"]*body-error', html)
    assert 'aria-invalid="true"' in html
    assert 'role="alert"' in pages["/no-such-page?lang=pl"][1]
    assert 'role="alert"' in pages["/case?number=RPW/1/2000&code=X&lang=en"][1]


def test_language_links_say_their_own_language(
    pages: dict[str, tuple[int, str]],
) -> None:
    for url, (_status, html) in pages.items():
        if "lang=pl" in url:
            assert 'lang="en" hreflang="en">English</a>' in html, url


@pytest.mark.parametrize("sheet", ["style.css", "kiosk.css"])
def test_every_colour_pair_in_our_css_has_enough_contrast(sheet: str) -> None:
    pairs = colour_pairs((STATIC / sheet).read_text(encoding="utf-8"))
    weak = [
        (selector, fg, bg, round(contrast(fg, bg), 2))
        for selector, fg, bg, needed in pairs
        if contrast(fg, bg) < needed
    ]

    assert len(pairs) >= 5, "the CSS reader found too few colour pairs"
    assert weak == []


def test_the_contrast_check_can_fail() -> None:
    css = ":root { --ink: #777; } .x { color: #aaaaaa; background: #fff; }"
    pairs = colour_pairs(css)

    assert round(contrast("#ffffff", "#000000"), 1) == 21.0
    assert [p for p in pairs if contrast(p[1], p[2]) < p[3]]


def test_the_label_check_can_fail() -> None:
    html = '<html lang="de"><input id="a" name="a"><p aria-describedby="zz"></p>'

    problems = check_page(html)

    assert len(problems) == 3
