"""`flask registry verify` finds a detached submission's part row swapped or gone.

Review 1, finding 2: the ``document_blob`` row of a detached signature could
be pointed at another stored signature, or deleted, and verify still said
"Registry intact". The ``registered`` journal entry now states every part.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from app.services import Services
from tests.shapes.cmsmaker import sign_cms
from tests.shapes.maker import Shape, sign_xades

API = "/api/v1/submissions"
LETTER = b"%PDF-1.4\n% pismo testowe, Anna Testowa\n%%EOF\n"
NOTE = b"Notatka testowa, Jan Testowy\n"


def test_swapped_and_deleted_signature_parts_are_named_by_number_and_field(
    app: Flask, client: FlaskClient, services: Services
) -> None:
    xades = sign_xades(services.demo.citizen, Shape(files={"pismo.pdf": LETTER}))
    p7s = sign_cms(services.demo.citizen, NOTE)
    first = _detached(client, xades, "pismo.pdf.xades", LETTER, "pismo.pdf")
    second = _detached(client, p7s, "notatka.txt.p7s", NOTE, "notatka.txt")
    runner = app.test_cli_runner()
    clean = runner.invoke(args=["registry", "verify"])
    assert clean.exit_code == 0, clean.output

    # The first's signature row now names the second's (stored) signature.
    _execute(
        services,
        "UPDATE document_blob SET sha256 = :sha256, size = :size "
        "WHERE role = 'signature' AND document_id = "
        "(SELECT id FROM document WHERE registry_number = :number)",
        sha256=hashlib.sha256(p7s).hexdigest(),
        size=len(p7s),
        number=first["registry_number"],
    )
    _execute(
        services,
        "DELETE FROM document_blob WHERE role = 'signature' AND document_id = "
        "(SELECT id FROM document WHERE registry_number = :number)",
        number=second["registry_number"],
    )

    broken = runner.invoke(args=["registry", "verify"])
    assert broken.exit_code != 0
    lines = [line for line in broken.output.splitlines() if " part " in line]
    assert len(lines) == 2, broken.output
    assert lines[0].startswith(
        f"PROBLEM: document {first['registry_number']}: signature part differs "
        "from journal entry "
    )
    assert lines[1].startswith(
        f"PROBLEM: document {second['registry_number']}: signature part is "
        "missing; journal entry "
    )


def _detached(
    client: FlaskClient, signature: bytes, name: str, payload: bytes, payload_name: str
) -> dict[str, Any]:
    answer = client.post(
        API,
        data={
            "signature": (io.BytesIO(signature), name),
            "payload": (io.BytesIO(payload), payload_name),
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 201, answer.get_json()
    body: dict[str, Any] = answer.get_json()
    return body


def _execute(services: Services, statement: str, **values: object) -> None:
    with services.sessions() as session:
        session.execute(text(statement), values)
        session.commit()
