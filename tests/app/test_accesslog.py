"""The access log keeps routes and statuses, never draft or access codes."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from gunicorn.config import Config

from app.accesslog import AccessLogger, mask_path


def atoms_for(path: str, query: str) -> dict[str, object]:
    logger = AccessLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"{path}?{query}",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": f"http://127.0.0.1:8000{path}?{query}",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = SimpleNamespace(headers=[])
    return logger.atoms(response, request, environ, timedelta(milliseconds=5))


def test_draft_codes_in_the_path_are_masked() -> None:
    atoms = atoms_for("/drafts/V96TRRABDE/form.xml", "")

    assert "V96TRRABDE" not in " ".join(str(value) for value in atoms.values())
    assert atoms["U"] == "/drafts/…/form.xml"


def test_access_codes_in_query_strings_and_referers_are_left_out() -> None:
    atoms = atoms_for("/submissions/2026/3", "code=K7SECRETCODE")

    assert "K7SECRETCODE" not in " ".join(str(value) for value in atoms.values())
    assert atoms["U"] == "/submissions/2026/3"
    assert atoms["s"] == "200"


def test_other_paths_are_kept_as_they_are() -> None:
    assert mask_path("/api/v1/forms") == "/api/v1/forms"
    assert mask_path("/drafts") == "/drafts"


def test_control_characters_cannot_forge_a_log_line() -> None:
    atoms = atoms_for("/x\n127.0.0.1 FAKE-LINE\x00\x1b[31m", "")

    line = f"{atoms['r']} {atoms['U']}"
    assert "\n" not in line and "\x00" not in line and "\x1b" not in line
    assert atoms["U"] == "/x%0A127.0.0.1%20FAKE-LINE%00%1B[31m".replace("[", "%5B")


def test_draft_codes_in_kiosk_paths_are_masked() -> None:
    atoms = atoms_for("/kiosk/drafts/C4ADGXGL6B/paper.pdf", "")

    assert "C4ADGXGL6B" not in " ".join(str(value) for value in atoms.values())
    assert atoms["U"] == "/kiosk/drafts/…/paper.pdf"


def test_draft_codes_behind_escapes_or_doubled_slashes_are_masked() -> None:
    for path in ("/%64rafts/C4ADGXGL6B", "//drafts//C4ADGXGL6B/form.xml"):
        assert "C4ADGXGL6B" not in mask_path(path), path
