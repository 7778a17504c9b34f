"""The demo office that `kancelaria init` makes serves the README's walk-through.

Every form of the catalog goes to a department; a newcomer who signs and
sends any of them must find a demo account there that opens a case for it
(README, "Try it in a minute", step 7).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import BytesIO

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.intake import Submission, intake
from app.services import Services
from signing.seal import XadesSigner
from tests.app.conftest import app_database_env, make_settings

# "  login (role, DEPT): password" as `kancelaria init` prints a new account.
ACCOUNT_LINE = re.compile(r"^  ([a-z.]+) \(([a-z_]+)(?:, ([A-Z]+))?\): (\S+)$", re.M)
WORKERS = ("clerk", "head")


@pytest.fixture(scope="module")
def demo_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """A fresh demo instance, not yet initialised."""
    instance = tmp_path_factory.mktemp("demo")
    with app_database_env(request) as environ:
        application = create_app(make_settings(instance, environ))
        application.config["WTF_CSRF_ENABLED"] = False
        try:
            yield application
        finally:
            application.extensions["kancelaria"].engine.dispose()


@pytest.fixture(scope="module")
def accounts(demo_app: Flask) -> dict[str, tuple[str, str | None, str]]:
    """The accounts `kancelaria init` printed: login -> (role, department, pw)."""
    output = demo_app.test_cli_runner().invoke(args=["kancelaria", "init"]).output
    assert "open its case: at /desk/ as kierownik.or (head of OR" in output
    return {
        login: (role, department or None, password)
        for login, role, department, password in ACCOUNT_LINE.findall(output)
    }


def test_every_demo_form_department_has_a_demo_worker_who_opens_its_case(
    demo_app: Flask, accounts: dict[str, tuple[str, str | None, str]]
) -> None:
    services: Services = demo_app.extensions["kancelaria"]
    assert services.demo is not None
    citizen = XadesSigner.from_issued(services.demo.citizen)

    for form in services.catalog.forms():
        workers = [
            login
            for login, (role, department, _) in accounts.items()
            if department == form.department and role in WORKERS
        ]
        assert workers, f"no demo clerk or head in {form.department} ({form.form_id})"

        signed = citizen.sign_enveloped(form.sample_path.read_bytes())
        document = intake(services, BytesIO(signed), Submission("portal")).document
        client = demo_app.test_client()
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
    demo_app: Flask, accounts: dict[str, tuple[str, str | None, str]]
) -> None:
    services: Services = demo_app.extensions["kancelaria"]
    assert services.demo is not None
    form = services.catalog.get("pismo-ogolne")
    signed = XadesSigner.from_issued(services.demo.citizen).sign_enveloped(
        form.sample_path.read_bytes()
    )
    document = intake(services, BytesIO(signed), Submission("portal")).document
    head = demo_app.test_client()
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

    clerk = demo_app.test_client()
    _sign_in(clerk, "urzednik.or", accounts["urzednik.or"][2])
    decided = clerk.post(f"/desk/cases/{number}/decide", data={"decision": "Gotowe."})
    assert decided.status_code == 303, decided.get_data(as_text=True)


def _sign_in(client: FlaskClient, login: str, password: str) -> None:
    answer = client.post("/desk/sign-in", data={"login": login, "password": password})
    assert answer.status_code == 303, (login, answer.status_code)
