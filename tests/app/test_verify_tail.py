"""`flask registry verify` and a tail cut off the journal (review 1, finding 5).

The reviewer deleted the last documents with their journal entries, receipts
and notifications, and verify said "Registry intact". What such a cut leaves
is now named, and the summary says what cannot be seen without a copy kept
outside.
"""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from app.services import Services
from signing.seal import XadesSigner
from tests.app.conftest import sample

XML = {"Content-Type": "application/xml"}
# Every row naming one document (:number), the document last; not the counter.
CUT = (
    "DELETE FROM journal_entry WHERE document_id IN "
    "(SELECT id FROM document WHERE registry_number = :number)",
    "DELETE FROM receipt WHERE document_id IN "
    "(SELECT id FROM document WHERE registry_number = :number)",
    "DELETE FROM document_blob WHERE document_id IN "
    "(SELECT id FROM document WHERE registry_number = :number)",
    "DELETE FROM webhook_delivery WHERE outbox_id IN (SELECT id FROM outbox "
    "WHERE document_id IN (SELECT id FROM document WHERE registry_number = :number))",
    "DELETE FROM outbox WHERE document_id IN "
    "(SELECT id FROM document WHERE registry_number = :number)",
    "DELETE FROM document WHERE registry_number = :number",
)


def test_documents_cut_off_the_end_are_found_by_the_counter_left_behind(
    app: Flask, client: FlaskClient, services: Services, citizen: XadesSigner
) -> None:
    runner = app.test_cli_runner()
    numbers = [_submit(client, citizen)]
    sealed = runner.invoke(args=["registry", "checkpoint"])
    assert sealed.exit_code == 0, sealed.output
    numbers += [_submit(client, citizen) for _ in range(2)]
    clean = runner.invoke(args=["registry", "verify"])
    assert clean.exit_code == 0, clean.output
    assert "4 of 6 entries are after the last sealed checkpoint (2)" in clean.output

    _cut(services, numbers[-1])  # after the last checkpoint: the chain holds

    broken = runner.invoke(args=["registry", "verify"])
    assert broken.exit_code != 0
    year = numbers[-1].split("/")[-1]
    problems = [line for line in broken.output.splitlines() if "PROBLEM" in line]
    assert problems == [
        f"PROBLEM: registry counter {year}: at {numbers[-1]}, but the last "
        f"document is {numbers[-2]} (documents were cut off the end)"
    ]
    assert "2 of 4 entries are after the last sealed checkpoint (2)" in broken.output


def _submit(client: FlaskClient, citizen: XadesSigner) -> str:
    signed = citizen.sign_enveloped(sample("zameldowanie"))
    answer = client.post("/api/v1/submissions", data=signed, headers=XML)
    assert answer.status_code == 201, answer.get_json()
    number: str = answer.get_json()["registry_number"]
    return number


def _cut(services: Services, number: str) -> None:
    """Remove the document and every row naming it, but not the counter."""
    with services.sessions() as session:
        for statement in CUT:
            session.execute(text(statement), {"number": number})
        session.commit()
