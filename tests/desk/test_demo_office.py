"""The demo office that `kancelaria init` makes serves the README's walk-through.

Every form of the catalog goes to a department; a newcomer who signs and
sends any of them must find a demo account there that opens a case for it
(README, "Try it in a minute", step 7).
"""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.intake import Submission, intake
from app.registry.models import Document
from app.services import Services
from signing.seal import XadesSigner

# "  login (role, DEPT): password" as `kancelaria init` prints a new account.
ACCOUNT_LINE = re.compile(r"^  ([a-z.]+) \(([a-z_]+)(?:, ([A-Z]+))?\): (\S+)$", re.M)
WORKERS = ("clerk", "head")
README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture(scope="module")
def accounts(fresh_app: Flask) -> dict[str, tuple[str, str | None, str]]:
    """The accounts `kancelaria init` printed: login -> (role, department, pw)."""
    output = fresh_app.test_cli_runner().invoke(args=["kancelaria", "init"]).output
    assert "open its case: at /desk/ as kierownik.or (head of OR" in output
    return {
        login: (role, department or None, password)
        for login, role, department, password in ACCOUNT_LINE.findall(output)
    }


def test_every_demo_form_department_has_a_demo_worker_who_opens_its_case(
    fresh_app: Flask, accounts: dict[str, tuple[str, str | None, str]]
) -> None:
    services: Services = fresh_app.extensions["kancelaria"]
    for form in services.catalog.forms():
        workers = [
            login
            for login, (role, department, _) in accounts.items()
            if department == form.department and role in WORKERS
        ]
        assert workers, f"no demo clerk or head in {form.department} ({form.form_id})"

        document = _sent_sample(services, form.form_id)
        client = fresh_app.test_client()
        _sign_in(client, workers[0], accounts[workers[0]][2])
        opened = client.post(
            "/desk/cases/new",
            data={
                "document": document.public_id,
                "jrwa": form.jrwa,
                "title": f"Sprawa {form.form_id}",
            },
        )
        assert opened.status_code == 303, (form.form_id, opened.get_data(as_text=True))


def test_the_readme_walkthrough_runs_as_head_and_clerk_of_or(
    fresh_app: Flask, accounts: dict[str, tuple[str, str | None, str]]
) -> None:
    document = _sent_sample(fresh_app.extensions["kancelaria"], "pismo-ogolne")
    head = fresh_app.test_client()
    _sign_in(head, "kierownik.or", accounts["kierownik.or"][2])

    inbox = head.get("/desk/inbox").get_data(as_text=True)
    assert document.registry_number in inbox
    opened = head.post(
        "/desk/cases/new",
        data={"document": document.public_id, "jrwa": "0152", "title": "Pismo"},
    )
    number = opened.headers["Location"].rsplit("/", 1)[1]
    assert re.fullmatch(r"OR\.0152\.\d+\.\d{4}", number)
    assigned = head.post(
        f"/desk/cases/{number}/assign", data={"assignee": "urzednik.or"}
    )
    assert assigned.status_code == 303, assigned.get_data(as_text=True)

    clerk = fresh_app.test_client()
    _sign_in(clerk, "urzednik.or", accounts["urzednik.or"][2])
    decided = clerk.post(f"/desk/cases/{number}/decide", data={"decision": "Gotowe."})
    assert decided.status_code == 303, decided.get_data(as_text=True)


def _sent_sample(services: Services, form_id: str) -> Document:
    """Sign a form's sample as the demo citizen and send it through the portal."""
    assert services.demo is not None
    sample = services.catalog.get(form_id).sample_path.read_bytes()
    signed = XadesSigner.from_issued(services.demo.citizen).sign_enveloped(sample)
    return intake(services, BytesIO(signed), Submission("portal")).document


def _sign_in(client: FlaskClient, login: str, password: str) -> None:
    answer = client.post("/desk/sign-in", data={"login": login, "password": password})
    assert answer.status_code == 303, (login, answer.status_code)


def test_the_readme_step_7_names_every_required_field_of_the_case_form(
    fresh_app: Flask, accounts: dict[str, tuple[str, str | None, str]]
) -> None:
    document = _sent_sample(fresh_app.extensions["kancelaria"], "pismo-ogolne")
    head = fresh_app.test_client()
    _sign_in(head, "kierownik.or", accounts["kierownik.or"][2])
    page = head.get(f"/desk/cases/new?document={document.public_id}&lang=en").get_data(
        as_text=True
    )
    untitled = head.post(
        "/desk/cases/new", data={"document": document.public_id, "jrwa": "0152"}
    )

    assert untitled.status_code == 400
    assert re.search(r'<label for="title">Title</label>\s*<input[^>]*required', page)
    step = README.read_text(encoding="utf-8").split("\n7. ", 1)[1].split("\n\n")[0]
    assert "**Title**" in step
