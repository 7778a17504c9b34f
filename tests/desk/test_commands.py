"""`flask desk …` commands and the demo office made by `kancelaria init`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

NEW_PASSWORD = "a long new passphrase"
# The departments the demo forms go to: each gets a head and a clerk.
DEPTS = ("fn", "or", "so")


def _run(app: Flask, *args: str, input: str | None = None) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["desk", *args], input=input)
    return result.exit_code, result.output


def test_departments_and_users_from_the_shell(fresh_app: Flask) -> None:
    assert (
        _run(
            fresh_app,
            "departments",
            "add",
            "GK",
            "--name-pl",
            "Geodezja",
            "--name-en",
            "Surveying",
            "--email",
            "gk@example.org",
        )[0]
        == 0
    )
    code, output = _run(
        fresh_app,
        "users",
        "add",
        "ewa.gk",
        "--name",
        "Ewa Testowa",
        "--role",
        "clerk",
        "--department",
        "GK",
        input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )
    assert code == 0, output
    assert NEW_PASSWORD not in output

    assert (
        "GK\tGeodezja\tSurveying\tgk@example.org"
        in _run(fresh_app, "departments", "list")[1]
    )
    assert re.search(r"ewa\.gk\tclerk\tGK\tactive", _run(fresh_app, "users", "list")[1])

    client = fresh_app.test_client()
    signed = client.post(
        "/desk/sign-in", data={"login": "ewa.gk", "password": NEW_PASSWORD}
    )
    assert signed.status_code == 303


def test_lock_unlock_and_set_password(fresh_app: Flask) -> None:
    _run(
        fresh_app,
        "departments",
        "add",
        "KS",
        "--name-pl",
        "Księgowość",
        "--name-en",
        "Accounts",
    )
    _run(
        fresh_app,
        "users",
        "add",
        "olek.ks",
        "--name",
        "Olek",
        "--role",
        "head",
        "--department",
        "KS",
        "--password-stdin",
        input=f"{NEW_PASSWORD}\n",
    )

    assert _run(fresh_app, "users", "lock", "olek.ks")[0] == 0
    assert "olek.ks\thead\tKS\tlocked" in _run(fresh_app, "users", "list")[1]
    assert _sign_in(fresh_app.test_client(), "olek.ks", NEW_PASSWORD) == 401

    assert _run(fresh_app, "users", "unlock", "olek.ks")[0] == 0
    assert (
        _run(
            fresh_app,
            "users",
            "set-password",
            "olek.ks",
            "--password-stdin",
            input="yet another passphrase\n",
        )[0]
        == 0
    )
    assert _sign_in(fresh_app.test_client(), "olek.ks", NEW_PASSWORD) == 401
    assert _sign_in(fresh_app.test_client(), "olek.ks", "yet another passphrase") == 303


@pytest.mark.parametrize(
    "args",
    [
        ("departments", "add", "gk", "--name-pl", "x", "--name-en", "x"),
        (
            "users",
            "add",
            "x.y",
            "--name",
            "X",
            "--role",
            "clerk",
            "--department",
            "NOPE",
            "--password-stdin",
        ),
        (
            "users",
            "add",
            "short.pw",
            "--name",
            "X",
            "--role",
            "admin",
            "--password-stdin",
        ),
        ("users", "lock", "nobody"),
    ],
    ids=["small-symbol", "no-department", "short-password", "unknown-login"],
)
def test_refusals_are_one_line_and_exit_1(
    fresh_app: Flask, args: tuple[str, ...]
) -> None:
    code, output = _run(fresh_app, *args, input="short\n")

    assert code == 1
    assert output.startswith("Error: ") and "Traceback" not in output


def test_jrwa_load_reports_what_changed(fresh_app: Flask, tmp_path: Path) -> None:
    listing = tmp_path / "wykaz.xml"
    listing.write_text(
        '<wykaz xmlns="http://www.mswia.gov.pl/standardy/ndap"><akta>'
        "<symbol>7777</symbol><haslo>Sprawy próbne</haslo>"
        "<kategoriaMerytoryczna>B10</kategoriaMerytoryczna></akta></wykaz>",
        encoding="utf-8",
    )
    broken = tmp_path / "broken.xml"
    broken.write_text("<wykaz/>")

    assert _run(fresh_app, "jrwa", "load", str(listing)) == (
        0,
        "JRWA list loaded: 1 added, 0 changed.\n",
    )
    assert _run(fresh_app, "jrwa", "load", str(listing)) == (
        0,
        "JRWA list loaded: 0 added, 0 changed.\n",
    )
    assert _run(fresh_app, "jrwa", "load", str(broken))[0] == 1


def test_init_makes_the_demo_office_once_and_shows_passwords_once(
    fresh_app: Flask,
) -> None:
    runner = fresh_app.test_cli_runner()
    first = runner.invoke(args=["kancelaria", "init"]).output
    second = runner.invoke(args=["kancelaria", "init"]).output

    found = dict(re.findall(r"^  ([a-z.]+) \([^)]*\): (\S+)$", first, re.MULTILINE))
    assert set(found) == {
        "admin",
        "recepcja",
        *(f"{who}.{unit}" for who in ("kierownik", "urzednik") for unit in DEPTS),
    }
    assert "demo accounts exist" in second
    assert not any(password in second for password in found.values())
    departments = _run(fresh_app, "departments", "list")[1]
    assert {"OR", "FN", "SO"} <= {
        line.split("\t")[0] for line in departments.splitlines()
    }
    assert _sign_in(fresh_app.test_client(), "recepcja", found["recepcja"]) == 303


def _sign_in(client: FlaskClient, login: str, password: str) -> int:
    answer = client.post("/desk/sign-in", data={"login": login, "password": password})
    return answer.status_code
