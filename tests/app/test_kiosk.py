"""Kiosk mode: choose by tiles, print a blank form, no way out, idle reset set up."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from flask import Flask
from flask.testing import FlaskClient

from app.catalog import parse_local
from app.formfill import root_element, values_from_document
from app.kiosk import CONTENT_SECURITY_POLICY


class Links(HTMLParser):
    """Every address a page links to or loads, and its text inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.addresses: list[str] = []
        self.typing: list[dict[str, str | None]] = []
        self.targets: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in ("href", "src", "action", "content"):
            value = found.get(name)
            if value and (name != "content" or "url=" in value):
                self.addresses.append(value.split("url=")[-1])
        if tag in {"input", "textarea"} and found.get("type") != "hidden":
            self.typing.append(found)
        if tag == "a":
            self.targets.append(found.get("target"))


def kiosk_pages(client: FlaskClient) -> dict[str, str]:
    """Walk from the start through every tile; return each page's HTML."""
    pages: dict[str, str] = {}
    queue = ["/kiosk/"]
    while queue:
        url = queue.pop()
        if url in pages:
            continue
        answer = client.get(url)
        assert answer.status_code == 200, url
        pages[url] = answer.get_data(as_text=True)
        for link in re.findall(r'href="(/kiosk/[^"?]*)"', pages[url]):
            queue.append(link)

    return pages


def test_every_kiosk_page_links_only_to_the_kiosk_and_loads_only_our_files(
    client: FlaskClient,
) -> None:
    pages = kiosk_pages(client)

    assert len(pages) >= 1 + 3 + 3 + 3 + 3  # start, departments, forms, sheets, fill
    for url, html in pages.items():
        parsed = Links()
        parsed.feed(html)
        for address in parsed.addresses:
            assert address.startswith(("/kiosk", "/static/", "?lang=")), (url, address)
        # Filling in, a case's number and code and a draft's code are typing;
        # nothing else is.
        if not url.endswith(("/fill", "/kiosk/case", "/kiosk/draft/open")):
            assert parsed.typing == [], f"{url} asks for typing"
        assert set(parsed.targets) <= {None}, f"{url} opens a new window"


def test_kiosk_pages_carry_a_policy_that_loads_and_sends_nothing_elsewhere(
    client: FlaskClient,
) -> None:
    answer = client.get("/kiosk/")

    policy = answer.headers["Content-Security-Policy"]
    assert policy == CONTENT_SECURITY_POLICY
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "form-action 'self'" in policy and "frame-ancestors 'none'" in policy
    assert answer.headers["Cache-Control"] == "no-store"
    # The portal has the app-wide policy (review F21), not the kiosk's own.
    assert client.get("/").headers["Content-Security-Policy"] != policy


def test_kiosk_returns_to_the_start_after_a_minute_with_or_without_script(
    client: FlaskClient,
) -> None:
    html = client.get("/kiosk/forms/zameldowanie").get_data(as_text=True)

    assert 'data-idle-seconds="60"' in html
    assert 'data-home="/kiosk/?lang=pl"' in html
    assert (
        '<noscript><meta http-equiv="refresh" content="60;url=/kiosk/?lang=pl">' in html
    )
    assert '<script src="/static/kiosk.js" defer></script>' in html
    assert "<script>" not in html  # nothing inline: the policy would block it
    with client.get("/static/kiosk.js") as answer:
        script = answer.get_data(as_text=True)
    assert "data-idle-seconds" in script and "location.assign" in script


def test_choosing_a_department_then_a_form_leads_to_its_printable_sheet(
    client: FlaskClient,
) -> None:
    start = client.get("/kiosk/").get_data(as_text=True)
    department = re.search(r'href="(/kiosk/d/[^"]+)"', start)
    assert department
    forms = client.get(department[1]).get_data(as_text=True)
    form = re.search(r'href="(/kiosk/forms/[^"/]+)"', forms)
    assert form
    page = client.get(form[1]).get_data(as_text=True)
    sheet = client.get(form[1] + "/print").get_data(as_text=True)

    assert f'href="{form[1]}/print"' in page
    assert "Wydrukuj pusty formularz" in page
    assert "data-print" in sheet and "Miejscowość, data i podpis" in sheet
    assert "Jak wypełnić" in sheet


def test_kiosk_speaks_english_on_request(client: FlaskClient) -> None:
    html = client.get("/kiosk/?lang=en").get_data(as_text=True)
    client.get("/kiosk/?lang=pl")

    assert 'lang="en"' in html
    assert "Choose the department" in html


def test_unknown_department_or_form_is_not_found(client: FlaskClient) -> None:
    assert client.get("/kiosk/d/NOPE").status_code == 404
    assert client.get("/kiosk/forms/no-such-form").status_code == 404
    assert client.get("/kiosk/forms/no-such-form/print").status_code == 404


def test_a_form_filled_at_the_kiosk_prints_as_a_paper_copy_with_its_code(
    client: FlaskClient, app: Flask
) -> None:
    form = app.extensions["kancelaria"].catalog.get("pismo-ogolne")
    root = root_element(form.schema(), form.namespace, form.root)
    values = values_from_document(root, parse_local(form.sample_path))

    page = client.get("/kiosk/forms/pismo-ogolne/fill")
    answer = client.post(
        "/kiosk/forms/pismo-ogolne/fill", data={**values, "_op": "build"}
    )
    assert page.status_code == 200 and "Content-Security-Policy" in page.headers
    assert answer.status_code == 303, answer.get_data(as_text=True)[:2000]
    assert answer.location == "/kiosk/draft", "no code in the address"

    ready = client.get(answer.location).get_data(as_text=True)
    code = re.search(r'class="draft-code">([^<]+)<', ready)
    with client.get("/kiosk/draft/paper.pdf") as pdf:
        assert pdf.status_code == 200
        assert pdf.data.startswith(b"%PDF-")
    assert code is not None and code.group(1) not in pdf.headers["Content-Disposition"]
    assert 'href="/kiosk/draft/paper.pdf"' in ready
    assert "/form.xml" not in ready


def test_a_form_left_empty_at_the_kiosk_names_the_fields_to_correct(
    client: FlaskClient,
) -> None:
    answer = client.post("/kiosk/forms/pismo-ogolne/fill", data={"_op": "build"})

    assert answer.status_code == 400
    assert 'role="alert"' in answer.get_data(as_text=True)
    assert client.get("/kiosk/draft").location == "/kiosk/draft/open", "none open"
