"""Send a signed sample through the upload page; know where its pages are."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from flask.testing import FlaskClient

from app.registry.queries import get_document_by_number
from app.services import Services
from signing.seal import XadesSigner
from tests.app.conftest import sample


@dataclass(frozen=True)
class Filed:
    """A document sent through the portal: where its pages are."""

    number: str
    code: str
    year: int
    sequence: int
    document_id: int

    @property
    def page(self) -> str:
        return f"/case/{self.year}/{self.sequence}?code={self.code}"

    @property
    def ask(self) -> str:
        return f"/case/{self.year}/{self.sequence}/ask"


def file_document(
    client: FlaskClient, services: Services, citizen: XadesSigner
) -> Filed:
    signed = citizen.sign_enveloped(sample("pismo-ogolne"))
    answer = client.post(
        "/submit", data={"document": (io.BytesIO(signed), "pismo.xml")}
    )
    assert answer.status_code == 303
    found = re.search(r"/submissions/(\d+)/(\d+)\?code=(\w+)", answer.location)
    assert found
    year, sequence, code = int(found[1]), int(found[2]), found[3]
    number = f"RPW/{sequence}/{year}"
    with services.sessions() as session:
        document = get_document_by_number(session, number)
        assert document is not None
        return Filed(number, code, year, sequence, document.id)
