"""The session cookie: signed as Flask signs it, opened cheaply when absent."""

from __future__ import annotations

from flask import Flask, session

from app.cookie_session import CookieSessionInterface


def _app(key: str | None = "fake-key") -> Flask:
    app = Flask(__name__)
    app.secret_key = key
    app.session_interface = CookieSessionInterface()

    @app.get("/set")
    def set_value() -> str:
        session["clerk"] = "fake-clerk-7"
        return "set"

    @app.get("/get")
    def get_value() -> str:
        return str(session.get("clerk", "none"))

    return app


def test_no_cookie_gives_an_empty_session_and_sets_no_cookie() -> None:
    client = _app().test_client()

    answer = client.get("/get")

    assert answer.text == "none"
    assert "Set-Cookie" not in answer.headers


def test_untouched_session_adds_no_vary_and_a_read_one_does() -> None:
    app = _app()

    @app.get("/none")
    def untouched() -> str:
        return "plain"

    client = app.test_client()

    assert "Cookie" not in client.get("/none").headers.get("Vary", "")
    assert "Cookie" in client.get("/get").headers.get("Vary", "")


def test_a_session_written_is_read_back_from_its_signed_cookie() -> None:
    client = _app().test_client()

    assert "Set-Cookie" in client.get("/set").headers
    assert client.get("/get").text == "fake-clerk-7"


def test_a_cookie_signed_with_another_key_is_not_believed() -> None:
    writer, reader = _app("one-key").test_client(), _app("other-key").test_client()
    writer.get("/set")
    cookie = writer.get_cookie("session")
    assert cookie is not None

    reader.set_cookie("session", cookie.value)

    assert reader.get("/get").text == "none"


def test_without_a_secret_key_the_session_cannot_be_written() -> None:
    client = _app(None).test_client()

    assert client.get("/get").text == "none"
    assert client.get("/set").status_code == 500
