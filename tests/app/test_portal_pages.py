"""The citizen's pages: catalog, form page, downloads, upload and result."""

from __future__ import annotations

import io

from flask.testing import FlaskClient

from signing.seal import XadesSigner
from tests.app.conftest import sample


def test_catalog_lists_every_form_in_polish_by_default(client: FlaskClient) -> None:
    page = client.get("/")

    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'lang="pl"' in text
    for form_id in ("pismo-ogolne", "zaswiadczenie-o-niezaleganiu", "zameldowanie"):
        assert f"/forms/{form_id}" in text


def test_catalog_search_narrows_the_list(client: FlaskClient) -> None:
    text = client.get("/?q=zamel").get_data(as_text=True)

    assert "/forms/zameldowanie" in text
    assert "/forms/pismo-ogolne" not in text


def test_form_page_shows_instructions_and_downloads_in_english(
    client: FlaskClient,
) -> None:
    page = client.get("/forms/pismo-ogolne?lang=en")

    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'lang="en"' in text
    assert "How to fill it in" in text
    assert "/forms/pismo-ogolne/1/schema.xsd" in text
    assert "/forms/pismo-ogolne/1/sample.xml" in text


def test_sample_download_is_the_published_file(client: FlaskClient) -> None:
    with client.get("/forms/zameldowanie/1/sample.xml") as answer:
        assert answer.status_code == 200
        assert answer.data == sample("zameldowanie")
        assert "attachment" in answer.headers["Content-Disposition"]


def test_unknown_form_and_file_are_not_found(client: FlaskClient) -> None:
    assert client.get("/forms/no-such-form").status_code == 404
    assert client.get("/forms/pismo-ogolne/1/../../app.py").status_code == 404
    assert client.get("/forms/pismo-ogolne/1/form.toml").status_code == 404


def test_upload_page_registers_and_shows_the_result(
    client: FlaskClient, citizen: XadesSigner
) -> None:
    signed = citizen.sign_enveloped(sample("pismo-ogolne"))

    answer = client.post(
        "/submit",
        data={"document": (io.BytesIO(signed), "pismo.xml")},
        content_type="multipart/form-data",
    )

    assert answer.status_code == 303
    result = client.get(answer.headers["Location"] + "&lang=en")
    text = result.get_data(as_text=True)
    assert result.status_code == 200
    assert "RPW/" in text
    assert "The electronic signature is valid." in text
    assert "Jan Testowy" in text


def test_upload_page_explains_a_refusal(client: FlaskClient) -> None:
    answer = client.post(
        "/submit?lang=en",
        data={"document": (io.BytesIO(b"not xml at all"), "x.xml")},
        content_type="multipart/form-data",
    )

    assert answer.status_code == 400
    assert "neither XML nor any other kind we take in" in answer.get_data(as_text=True)


def test_result_page_needs_the_access_code(
    client: FlaskClient, citizen: XadesSigner
) -> None:
    signed = citizen.sign_enveloped(sample("pismo-ogolne"))
    answer = client.post(
        "/submit",
        data={"document": (io.BytesIO(signed), "pismo.xml")},
        content_type="multipart/form-data",
    )
    bare = answer.headers["Location"].split("?")[0]

    assert client.get(bare).status_code == 404
    assert client.get(bare + "?code=NOTTHECODE").status_code == 404


def test_check_page_looks_up_a_number_with_its_access_code(
    client: FlaskClient, citizen: XadesSigner
) -> None:
    signed = citizen.sign_enveloped(sample("pismo-ogolne"))
    body = client.post(
        "/api/v1/submissions", data=signed, headers={"Content-Type": "application/xml"}
    ).get_json()
    number, code = body["registry_number"], body["access_code"]

    prefilled = client.get(f"/check?number={number}").get_data(as_text=True)
    found = client.post(
        "/check?lang=en", data={"by": "number", "number": number, "code": code}
    )
    wrong = client.post(
        "/check?lang=en", data={"by": "number", "number": number, "code": "NOPE"}
    )

    assert f'value="{number}"' in prefilled
    assert found.status_code == 200
    assert body["sha256"] in found.get_data(as_text=True)
    assert wrong.status_code == 404
    assert body["sha256"] not in wrong.get_data(as_text=True)


def test_instructions_download_names_its_charset_once_review_r15(
    client: FlaskClient,
) -> None:
    with client.get("/forms/pismo-ogolne/1/instructions.pl.md") as answer:
        assert answer.status_code == 200
        assert answer.headers["Content-Type"] == "text/markdown; charset=utf-8"


def test_form_and_fill_pages_have_one_h1_review_r15(client: FlaskClient) -> None:
    for url in ("/forms/pismo-ogolne", "/forms/zameldowanie/fill"):
        for lang in ("pl", "en"):
            page = client.get(f"{url}?lang={lang}").get_data(as_text=True)
            assert page.count("<h1") == 1, url


def test_kiosk_radio_buttons_and_checkboxes_are_44_px_touch_targets_review_r15() -> (
    None
):
    import re
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "app/static/kiosk.css").read_text()
    rules = re.findall(r"([^{}]*input\[type=radio\][^{}]*)\{([^}]*)\}", css)
    sized = [body for _, body in rules if re.search(r"\bwidth:\s*44px", body)]
    assert sized and all(re.search(r"\bheight:\s*44px", b) for b in sized)
