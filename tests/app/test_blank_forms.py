"""The office's own blank forms, filled and signed as instructed, are registered."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from lxml import etree
from werkzeug.test import TestResponse

from app.catalog import parse_local
from app.errors import ErrorCode, message_in
from tests.app.conftest import FORMS

FORM_IDS = ("pismo-ogolne", "zameldowanie", "zaswiadczenie-o-niezaleganiu")


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_published_blank_filled_and_signed_with_the_demo_tool_registers(
    app: Flask, tmp_path: Path, form_id: str
) -> None:
    blank = _download(app, f"/forms/{form_id}/1/blank.xml")
    filled = tmp_path / "filled.xml"
    filled.write_bytes(_fill_from_sample(blank, form_id))

    answer = _sign_and_submit(app, filled, tmp_path)

    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["registry_number"].startswith("RPW/")


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_published_blank_signed_unchanged_registers(
    app: Flask, tmp_path: Path, form_id: str
) -> None:
    blank = tmp_path / "blank.xml"
    blank.write_bytes(_download(app, f"/forms/{form_id}/1/blank.xml"))

    answer = _sign_and_submit(app, blank, tmp_path)

    assert answer.status_code == 201, answer.get_json()


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_published_sample_signed_with_the_demo_tool_registers(
    app: Flask, tmp_path: Path, form_id: str
) -> None:
    sample = tmp_path / "sample.xml"
    sample.write_bytes(_download(app, f"/forms/{form_id}/1/sample.xml"))

    answer = _sign_and_submit(app, sample, tmp_path)

    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["indication"] == "TOTAL_PASSED"


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_published_blank_holds_no_comment(form_id: str) -> None:
    tree = parse_local(FORMS / form_id / "1" / "blank.xml").getroottree()

    assert tree.xpath("//comment()") == []


def test_a_comment_left_in_a_signed_form_is_refused_saying_what_to_do(
    app: Flask, tmp_path: Path
) -> None:
    sample = (FORMS / "pismo-ogolne" / "1" / "sample.xml").read_bytes()
    commented = tmp_path / "commented.xml"
    commented.write_bytes(sample.replace(b"<Tresc>", b"<Tresc><!-- Wpisz temat -->", 1))

    answer = _sign_and_submit(app, commented, tmp_path)

    assert answer.status_code == 422
    error = answer.get_json()["errors"][0]
    assert error["error"] == "content-outside-signature"
    assert "<!--" in error["message"] and "sign" in error["message"]
    polish = message_in(ErrorCode.CONTENT_OUTSIDE_SIGNATURE, "pl")
    assert "<!--" in polish and "podpisz" in polish


def _download(app: Flask, url: str) -> bytes:
    """The bytes the portal serves at ``url``."""
    with app.test_client().get(url) as answer:
        assert answer.status_code == 200
        return answer.data


def _sign_and_submit(app: Flask, source: Path, tmp_path: Path) -> TestResponse:
    """Sign ``source`` with `flask kancelaria sign-demo` and post it to the API."""
    signed = tmp_path / f"{source.stem}-signed.xml"
    result = app.test_cli_runner().invoke(
        args=["kancelaria", "sign-demo", str(source), "-o", str(signed)]
    )
    assert result.exit_code == 0, result.output

    return app.test_client().post(
        "/api/v1/submissions",
        data=signed.read_bytes(),
        headers={"Content-Type": "application/xml"},
    )


def _fill_from_sample(blank: bytes, form_id: str) -> bytes:
    """Type the sample's values between the blank's tags, as a resident would."""
    root = etree.fromstring(blank)
    sample = parse_local(FORMS / form_id / "1" / "sample.xml")
    tree = root.getroottree()
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or len(element):
            continue

        found = sample.find(tree.getelementpath(element).split("/", 1)[-1])
        if found is not None and found.text:
            element.text = found.text

    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
