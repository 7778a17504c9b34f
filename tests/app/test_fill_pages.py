"""Filling a form on the portal with CSRF on: page, add/remove, errors, draft.

The posts carry exactly what the rendered page holds (lxml reads the form
as a browser would), filled from each form's published sample.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree, html
from sqlalchemy import update
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from app import create_app
from app.catalog import parse_local
from app.drafts import Draft
from app.formfill import root_element, values_from_document
from tests.app.conftest import app_database_env, check_app_backend, make_settings
from tests.app.test_receipt_pdf import qr_payloads
from tests.formfill.schemas import canonical
from tests.pdftools import require_tool, run

FORMS = ("pismo-ogolne", "zameldowanie", "zaswiadczenie-o-niezaleganiu")


@pytest.fixture(scope="module")
def guarded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """The app as served: CSRF protection on."""
    with app_database_env(request) as environ:
        application = create_app(make_settings(tmp_path_factory.mktemp("i"), environ))
        check_app_backend(application)
        yield application
        application.extensions["kancelaria"].engine.dispose()


@pytest.fixture()
def web(guarded: Flask) -> FlaskClient:
    return guarded.test_client()


def page_form(text: str) -> list[tuple[str, str]]:
    """What a browser posts from the page's filling form (no button yet)."""
    forms = [f for f in html.fromstring(text).forms if f.get("class") == "fill"]
    assert forms, "the page has no filling form"
    return [(name, value or "") for name, value in forms[0].form_values()]


def sample_values(app: Flask, form_id: str) -> dict[str, str]:
    form = app.extensions["kancelaria"].catalog.get(form_id)
    root = root_element(form.schema(), form.namespace, form.root)
    return values_from_document(root, parse_local(form.sample_path))


def post(
    web: FlaskClient, form_id: str, fields: list[tuple[str, str]], op: str
) -> TestResponse:
    """Press the button ``op`` on the page holding ``fields``."""
    data = MultiDict([*fields, ("_op", op)])
    return web.post(f"/forms/{form_id}/fill", data=data)


def filled(web: FlaskClient, app: Flask, form_id: str) -> list[tuple[str, str]]:
    """Open the page, add what the sample repeats, and type in its values."""
    values = sample_values(app, form_id)
    fields = page_form(web.get(f"/forms/{form_id}/fill").get_data(as_text=True))
    for _ in range(4):  # re-render until the page holds every instance
        fields = _merge(fields, values)
        page = post(web, form_id, fields, "refresh")
        fields = page_form(page.get_data(as_text=True))

    return _merge(fields, values)


def _merge(
    fields: list[tuple[str, str]], values: dict[str, str]
) -> list[tuple[str, str]]:
    kept = [(k, v) for k, v in fields if k not in values]
    return kept + list(values.items())


def test_form_page_offers_filling_online(web: FlaskClient) -> None:
    text = web.get("/forms/zameldowanie").get_data(as_text=True)

    assert 'href="/forms/zameldowanie/fill"' in text
    assert "Wypełnij online" in text


def test_filling_page_is_generated_with_labels_hints_and_a_token(
    web: FlaskClient,
) -> None:
    text = web.get("/forms/zameldowanie/fill").get_data(as_text=True)
    tree = html.fromstring(text)

    assert 'name="csrf_token"' in text
    pesel = tree.xpath('//input[@name="Osoba.0/PESEL.0"]')[0]
    assert pesel.get("pattern") == r"\d{11}" and pesel.get("required") is not None
    label = tree.xpath(f'//label[@for="{pesel.get("id")}"]')[0]
    assert "Numer PESEL (11 cyfr)" in label.text_content()
    assert (
        tree.xpath('//input[@name="Osoba.0/DataUrodzenia.0"]')[0].get("type") == "date"
    )
    assert tree.xpath('//button[@value="add:Osoba.0/Obywatelstwo"]')


def test_post_without_csrf_token_is_refused(web: FlaskClient) -> None:
    answer = web.post("/forms/zameldowanie/fill", data={"_op": "build"})

    assert answer.status_code == 400


def test_add_and_remove_re_render_without_javascript(web: FlaskClient) -> None:
    fields = page_form(web.get("/forms/zameldowanie/fill").get_data(as_text=True))
    fields = [(k, "PL" if k == "Osoba.0/Obywatelstwo.0" else v) for k, v in fields]

    added = post(web, "zameldowanie", fields, "add:Osoba.0/Obywatelstwo")
    more = page_form(added.get_data(as_text=True))
    names = [k for k, _v in more]
    more = [(k, "DE" if k == "Osoba.0/Obywatelstwo.1" else v) for k, v in more]
    removed = post(web, "zameldowanie", more, "remove:Osoba.0/Obywatelstwo.0")
    left = dict(page_form(removed.get_data(as_text=True)))

    assert added.status_code == 200
    assert "Osoba.0/Obywatelstwo.1" in names
    assert left["Osoba.0/Obywatelstwo.0"] == "DE"
    assert "Osoba.0/Obywatelstwo.1" not in left


def test_errors_are_shown_next_to_each_field_in_plain_polish(
    web: FlaskClient, guarded: Flask
) -> None:
    fields = [
        (k, "123" if k == "Osoba.0/PESEL.0" else v)
        for k, v in filled(web, guarded, "zameldowanie")
    ]

    answer = post(web, "zameldowanie", fields, "build")
    tree = html.fromstring(answer.get_data(as_text=True))

    assert answer.status_code == 400
    pesel = tree.xpath('//input[@name="Osoba.0/PESEL.0"]')[0]
    error = tree.xpath(f'//*[@id="{pesel.get("id")}-error"]')[0]
    assert (
        error.text_content().strip()
        == "Wartość nie ma wymaganej postaci; zobacz podpowiedź."
    )
    assert pesel.get("aria-invalid") == "true"
    assert pesel.get("value") == "123", "the typed value is kept"
    summary = tree.xpath('//*[@role="alert"]//a')
    assert [a.get("href") for a in summary] == [f"#{pesel.get('id')}"]


def test_an_absurd_repeat_count_is_refused_with_a_message(web: FlaskClient) -> None:
    fields = page_form(web.get("/forms/zameldowanie/fill").get_data(as_text=True))
    fields = [(k, "100000" if k == "_n:Osoba.0/Obywatelstwo" else v) for k, v in fields]

    answer = post(web, "zameldowanie", fields, "refresh")

    assert answer.status_code == 400
    assert "można powtórzyć najwyżej 3 razy" in answer.get_data(as_text=True)


@pytest.mark.parametrize("form_id", FORMS)
def test_filled_sample_becomes_a_draft_with_the_same_valid_xml(
    web: FlaskClient, guarded: Flask, form_id: str
) -> None:
    answer = post(web, form_id, filled(web, guarded, form_id), "build")
    assert answer.status_code == 303, answer.get_data(as_text=True)[:2000]
    draft_page = web.get(answer.headers["Location"])
    xml = web.get(answer.headers["Location"] + "/form.xml")

    form = guarded.extensions["kancelaria"].catalog.get(form_id)
    document = etree.fromstring(xml.data)
    assert draft_page.status_code == 200 and "/form.xml" in draft_page.get_data(
        as_text=True
    )
    assert xml.mimetype == "application/xml"
    assert "attachment" in xml.headers["Content-Disposition"]
    assert guarded.extensions["kancelaria"].catalog.validate(form, document) == []
    assert canonical(xml.data) == canonical(parse_local(form.sample_path))


def test_paper_copy_carries_the_values_the_code_and_its_qr_code(
    web: FlaskClient, guarded: Flask, tmp_path: Path
) -> None:
    require_tool("pdftotext", "poppler-utils")
    answer = post(web, "zameldowanie", filled(web, guarded, "zameldowanie"), "build")
    location = answer.headers["Location"]
    code = location.rsplit("/", 1)[1]

    pdf = web.get(location + "/paper.pdf")
    path = tmp_path / "paper.pdf"
    path.write_bytes(pdf.data)
    text = run(["pdftotext", "-layout", str(path), "-"])

    assert pdf.mimetype == "application/pdf"
    assert f"{code[:5]}-{code[5:]}" in text
    assert "Zgłoszenie pobytu stałego lub czasowego" in text
    assert re.search(r"Nazwisko\s+Testowy", text)
    assert "Przykładowa-Żółć" in text, "Polish letters are drawn"
    assert qr_payloads(path) == [code]


def test_unknown_draft_code_is_not_found(web: FlaskClient) -> None:
    assert web.get("/drafts/AAAAAAAAAA").status_code == 404
    assert web.get("/drafts/nonsense/paper.pdf").status_code == 404
    assert web.get("/forms/no-such-form/fill").status_code == 404


def test_catalog_filters_by_department_and_searches_its_name(web: FlaskClient) -> None:
    by_department = web.get("/?department=SO").get_data(as_text=True)
    by_name = web.get("/?q=spraw obywatelskich").get_data(as_text=True)

    assert "/forms/zameldowanie" in by_department
    assert "/forms/pismo-ogolne" not in by_department
    assert 'value="SO" selected' in by_department
    assert "/forms/zameldowanie" in by_name


def test_form_page_lists_attachments_fee_deadline_and_downloads(
    web: FlaskClient,
) -> None:
    text = web.get("/forms/zameldowanie").get_data(as_text=True)

    assert "Załączniki" in text and "umowa najmu" in text
    assert "Opłata" in text and "30 dni" in text
    for name in ("schema.xsd", "blank.xml", "sample.xml"):
        assert f"/forms/zameldowanie/1/{name}" in text
        download = web.get(f"/forms/zameldowanie/1/{name}")
        download.close()
        assert download.status_code == 200


def test_filling_page_switches_to_english(web: FlaskClient) -> None:
    text = web.get("/forms/zameldowanie/fill?lang=en").get_data(as_text=True)

    assert 'lang="en"' in text
    assert "Check and prepare the document" in text
    assert "Add: Citizenship" in text
    assert "Date of birth (YYYY-MM-DD)" in text
    assert "Data urodzenia" not in text
    assert 'lang="pl"' not in text.split("<main", 1)[1], "English words marked Polish"
    assert "field names below are in Polish" not in text


def test_filling_page_stays_polish_in_polish(web: FlaskClient) -> None:
    text = web.get("/forms/zameldowanie/fill?lang=pl").get_data(as_text=True)

    assert "Dodaj: Obywatelstwo" in text
    assert "Data urodzenia (RRRR-MM-DD)" in text
    assert "Date of birth" not in text


def test_a_form_without_english_labels_marks_its_polish_words(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    forms = tmp_path_factory.mktemp("forms")
    folder = forms / "zameldowanie" / "1"
    folder.mkdir(parents=True)
    source = Path(__file__).resolve().parents[2] / "forms" / "zameldowanie" / "1"
    for path in source.iterdir():
        if path.name != "labels.en.toml":
            (folder / path.name).write_bytes(path.read_bytes())

    settings = make_settings(
        tmp_path_factory.mktemp("i"), {"KANCELARIA_FORMS": str(forms)}
    )
    application = create_app(settings)
    client = application.test_client()
    text = client.get("/forms/zameldowanie/fill?lang=en").get_data(as_text=True)
    page = html.fromstring(text)
    labels = page.xpath("//form[@class='fill']//label[@for]")
    refused = post(client, "zameldowanie", page_form(text), "build")
    summary = html.fromstring(refused.get_data(as_text=True)).xpath(
        "//div[@class='error-summary']//li"
    )
    application.extensions["kancelaria"].engine.dispose()

    assert "The field names below are in Polish" in text
    assert labels and all(label.xpath("span[@lang='pl']") for label in labels)
    assert "Data urodzenia (RRRR-MM-DD)" in text
    assert refused.status_code == 400
    assert summary and all(item.xpath(".//span[@lang='pl']") for item in summary)


def test_drafts_purge_command_removes_old_drafts(
    web: FlaskClient, guarded: Flask
) -> None:
    answer = post(web, "zameldowanie", filled(web, guarded, "zameldowanie"), "build")
    location = answer.headers["Location"]

    kept = guarded.test_cli_runner().invoke(
        args=["drafts", "purge", "--older-than", "1"]
    )
    still = web.get(location).status_code
    with guarded.extensions["kancelaria"].sessions() as session:
        session.execute(
            update(Draft).values(created_at=datetime(2020, 1, 1, tzinfo=UTC))
        )
        session.commit()
    removed = guarded.test_cli_runner().invoke(
        args=["drafts", "purge", "--older-than", "1"]
    )

    assert kept.exit_code == 0 and "Drafts removed: 0" in kept.output
    assert still == 200
    assert removed.exit_code == 0 and "Drafts removed: 0" not in removed.output
    assert web.get(location).status_code == 404


@pytest.mark.parametrize("prefix", ["", "/kiosk"])
def test_a_nul_in_a_field_is_marked_and_the_form_kept_review_r10(
    web: FlaskClient, guarded: Flask, prefix: str
) -> None:
    fields = [
        (k, "Te\x00stowy" if k == "Osoba.0/Nazwisko.0" else v)
        for k, v in filled(web, guarded, "zameldowanie")
    ]
    assert any(k == "Osoba.0/Nazwisko.0" for k, _ in fields)
    token = dict(fields)["csrf_token"]
    data = MultiDict([*fields, ("_op", "build"), ("csrf_token", token)])

    answer = web.post(f"{prefix}/forms/zameldowanie/fill", data=data)
    tree = html.fromstring(answer.get_data(as_text=True))

    assert answer.status_code == 400
    field = tree.xpath('//input[@name="Osoba.0/Nazwisko.0"]')[0]
    assert field.get("aria-invalid") == "true"
    error = tree.xpath(f'//*[@id="{field.get("id")}-error"]')[0]
    assert "Usuń znaki specjalne" in error.text_content()
    pesel = tree.xpath('//input[@name="Osoba.0/PESEL.0"]')[0]
    assert pesel.get("value") == dict(fields)["Osoba.0/PESEL.0"], "the form is kept"


@pytest.mark.parametrize(
    "extra",
    [("_op", "add:Osoba.0\x00"), ("_op", "remove:\x00"), ("Osoba.0/Imie\x00.0", "x")],
)
def test_a_nul_in_a_button_or_field_name_is_never_a_500_review_r10(
    web: FlaskClient, guarded: Flask, extra: tuple[str, str]
) -> None:
    fields = filled(web, guarded, "zameldowanie")
    for prefix in ("", "/kiosk"):
        data = MultiDict([*fields, extra])
        answer = web.post(f"{prefix}/forms/zameldowanie/fill", data=data)
        assert answer.status_code < 500, answer.get_data(as_text=True)[:300]


@pytest.mark.parametrize("form_id", FORMS)
@pytest.mark.parametrize("lang", ["pl", "en"])
def test_the_root_part_is_titled_by_the_form_and_its_id_is_not_offered_review_r6(
    web: FlaskClient, guarded: Flask, form_id: str, lang: str
) -> None:
    form = guarded.extensions["kancelaria"].catalog.get(form_id)
    text = web.get(f"/forms/{form_id}/fill?lang={lang}").get_data(as_text=True)
    page = html.fromstring(text)
    legend = page.xpath("//form[@class='fill']//legend")[0].text_content()
    visible = page.xpath("//form[@class='fill']//input[@name='@Id']")

    assert legend.startswith(form.title_en if lang == "en" else form.title_pl)
    assert [i.get("type") for i in visible] == ["hidden"]
    assert "Identyfikator dokumentu" not in text
    assert "Identifier of the document" not in text


def test_element_names_split_into_words_at_one_letter_words_review_r6() -> None:
    from app.formfill.nodes import humanise

    assert humanise("WniosekOZaswiadczenie") == "Wniosek o zaswiadczenie"
    assert humanise("AdresWPolsce") == "Adres w polsce"
    assert humanise("DataUrodzenia") == "Data urodzenia"
