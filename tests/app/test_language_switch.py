"""The language switch keeps the page's other query parameters (review F6)."""

from __future__ import annotations

import io
import re

from flask.testing import FlaskClient

from signing.seal import XadesSigner
from tests.app.conftest import sample


def _switch_link(text: str, lang: str) -> str:
    found = re.search(rf'<a href="([^"]*)" lang="{lang}" hreflang="{lang}">', text)
    assert found is not None, "no language switch on the page"
    return found.group(1).replace("&amp;", "&")


def test_switching_language_on_the_result_page_keeps_the_access_code(
    client: FlaskClient, citizen: XadesSigner
) -> None:
    signed = citizen.sign_enveloped(sample("pismo-ogolne"))
    answer = client.post(
        "/submit?lang=pl",
        data={"document": (io.BytesIO(signed), "pismo.xml")},
        content_type="multipart/form-data",
    )
    location = str(answer.headers["Location"])
    path = location.split("?")[0]

    page = client.get(location + "&lang=pl")
    link = _switch_link(page.get_data(as_text=True), "en")
    english = client.get(path + link[link.index("?") :])

    assert "code=" in link and link.count("lang=") == 1
    assert english.status_code == 200
    assert 'lang="en"' in english.get_data(as_text=True)


def test_switching_language_on_the_catalog_keeps_the_search_phrase(
    client: FlaskClient,
) -> None:
    page = client.get("/?q=zamel&lang=en")
    link = _switch_link(page.get_data(as_text=True), "pl")

    polish = client.get("/" + link[link.index("?") :])

    assert link.endswith("?q=zamel&lang=pl")
    text = polish.get_data(as_text=True)
    assert "/forms/zameldowanie" in text and "/forms/pismo-ogolne" not in text
