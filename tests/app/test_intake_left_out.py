"""Forms whose signature's transforms leave part of them unsigned (review F1).

An XPath filter or XPath Filter 2.0 transform on a ``URI=""`` reference can
cut an element out before the digest: the signature then verifies while that
element says whatever the sender likes. Each form here is signed by xmlsec1
(a producer we did not write) with the demo citizen's key, then the part
left out is rewritten as an attacker would. Intake must refuse it with
``content-outside-signature`` naming the part; the genuine Polish shapes,
which cut out only the ds:Signature, must still be taken in.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from app.registry.models import Document
from app.services import Services
from tests.app.conftest import sample
from tests.signing.xpathsign import (
    DS,
    ENVELOPED,
    PISMO,
    ZAM,
    Xmlsec1Signer,
    filter2,
    template,
    xpath,
)

XML = {"Content-Type": "application/xml"}


@pytest.fixture(scope="module")
def sign(
    services: Services, tmp_path_factory: pytest.TempPathFactory
) -> Callable[..., bytes]:
    """Sign a template with xmlsec1 as the demo citizen."""
    assert services.demo is not None
    folder = tmp_path_factory.mktemp("xmlsec1")
    return Xmlsec1Signer(services.demo.citizen, folder).sign


def _count(services: Services) -> int:
    with services.sessions() as session:
        return session.query(Document).count()


def _post(client: FlaskClient, body: bytes):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/submissions", data=body, headers=XML)


def _rewrite(element: str, text: str) -> Callable[[bytes], bytes]:
    """Replace the first ``<element>…</element>`` text after signing."""

    def change(signed: bytes) -> bytes:
        pattern = f"<{element}>.*?</{element}>".encode()
        new = f"<{element}>{text}</{element}>".encode()
        changed, count = re.subn(pattern, new, signed, count=1, flags=re.S)
        assert count == 1
        return changed

    return change


ENV = ENVELOPED
LEFT_OUT = [
    pytest.param(
        "pismo-ogolne",
        ENV + xpath("not(ancestor-or-self::p:Zalaczniki)", "p", PISMO),
        _rewrite("Opis", "Cofam wniosek i zrzekam się prawa do odwołania"),
        "/PismoOgolne/Zalaczniki",
        id="xpath-filter-drops-attachments",
    ),
    pytest.param(
        "pismo-ogolne",
        ENV + filter2(("subtract", "//p:Tresc")),
        _rewrite("Tekst", "Niniejszym cofam wszystkie moje wnioski."),
        "/PismoOgolne/Tresc",
        id="filter2-subtract-drops-content",
    ),
    pytest.param(
        "pismo-ogolne",
        filter2(("intersect", "/*"), ("subtract", "//ds:Signature | //p:Tresc")),
        _rewrite("Tekst", "Niniejszym cofam wszystkie moje wnioski."),
        "/PismoOgolne/Tresc",
        id="filter2-intersect-then-subtract",
    ),
    pytest.param(
        "zameldowanie",
        ENV + xpath("not(ancestor-or-self::z:NrLokalu)", "z", ZAM),
        _rewrite("NrLokalu", "77"),
        "/ZgloszeniePobytu/AdresNowy/NrLokalu",
        id="xpath-filter-drops-flat-number",
    ),
]


@pytest.mark.parametrize(("form_id", "transforms", "attack", "part"), LEFT_OUT)
def test_form_with_a_part_left_out_of_the_signature_is_refused_naming_it(
    client: FlaskClient,
    services: Services,
    sign: Callable[..., bytes],
    form_id: str,
    transforms: str,
    attack: Callable[[bytes], bytes],
    part: str,
) -> None:
    altered = attack(sign(template(sample(form_id), transforms)))
    before = _count(services)

    answer = _post(client, altered)

    assert answer.status_code == 422, answer.get_json()
    error = answer.get_json()["errors"][0]
    assert error["error"] == "content-outside-signature"
    assert part in error["message"]
    assert _count(services) == before


def test_the_same_form_unaltered_is_refused_too(
    client: FlaskClient, sign: Callable[..., bytes]
) -> None:
    transforms = ENV + filter2(("subtract", "//p:Tresc"))

    answer = _post(client, sign(template(sample("pismo-ogolne"), transforms)))

    assert answer.status_code == 422
    assert answer.get_json()["errors"][0]["error"] == "content-outside-signature"


def test_portal_names_the_part_left_out_in_polish(
    client: FlaskClient, sign: Callable[..., bytes]
) -> None:
    transforms = ENV + xpath("not(ancestor-or-self::z:NrLokalu)", "z", ZAM)
    signed = sign(template(sample("zameldowanie"), transforms))

    answer = client.post(
        "/submit?lang=pl",
        data={"document": (io.BytesIO(signed), "zgloszenie.xml")},
        content_type="multipart/form-data",
    )

    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "/ZgloszeniePobytu/AdresNowy/NrLokalu" in page
    assert "niepodpisan" in page


def test_reference_to_a_sub_element_by_id_is_refused(
    client: FlaskClient, services: Services, sign: Callable[..., bytes]
) -> None:
    form = sample("pismo-ogolne").replace(b"<Tresc>", b'<Tresc Id="tresc">', 1)
    signed = sign(template(form, ENV, uri="#tresc"), "--id-attr:Id", f"{PISMO}:Tresc")
    before = _count(services)

    answer = _post(client, signed)

    assert answer.status_code == 422
    error = answer.get_json()["errors"][0]
    assert error["error"] == "content-outside-signature"
    assert "/PismoOgolne/Nadawca" in error["message"]
    assert _count(services) == before


GENUINE = [
    pytest.param(ENV, id="enveloped"),
    pytest.param(
        ENV + xpath("not(ancestor-or-self::ds:Signature)", "ds", DS),
        id="enveloped-and-xpath-not-signature",
    ),
    pytest.param(
        xpath("not(ancestor-or-self::ds:Signature)", "ds", DS),
        id="xpath-not-signature-alone",
    ),
    pytest.param(
        filter2(("subtract", "//ds:Signature"), prefix="ds", ns=DS),
        id="filter2-subtract-signature",
    ),
]


@pytest.mark.parametrize("transforms", GENUINE)
def test_genuine_shapes_cutting_only_the_signature_are_taken_in(
    client: FlaskClient, sign: Callable[..., bytes], transforms: str
) -> None:
    signed = sign(template(sample("pismo-ogolne"), transforms))

    answer = _post(client, signed)

    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["indication"] in ("TOTAL_PASSED", "INDETERMINATE")
