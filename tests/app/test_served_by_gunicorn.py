"""`gunicorn wsgi:app` serves the whole flow: sign, submit, receipt, check."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

from app.config import Settings
from signing.pki import ensure_demo_pki
from signing.seal import XadesSigner
from tests.app.conftest import sample
from tests.app.served import gunicorn


def _post(url: str, body: bytes) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(  # noqa: S310
        url, data=body, method="POST", headers={"Content-Type": "application/xml"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_newcomer_flow_through_gunicorn(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    with gunicorn(instance) as base:
        settings = Settings.from_env({"KANCELARIA_INSTANCE": str(instance)})
        demo = ensure_demo_pki(settings.demo_pki_dir, settings.office_name)
        signed = XadesSigner.from_issued(demo.citizen).sign_enveloped(
            sample("zaswiadczenie-o-niezaleganiu")
        )

        status, body = _post(base + "/api/v1/submissions", signed)
        assert status == 201, body
        assert body["indication"] == "TOTAL_PASSED"

        with urllib.request.urlopen(base + str(body["receipt_url"])) as answer:  # noqa: S310
            receipt = answer.read()

        status, verdict = _post(base + "/api/v1/receipts/check", receipt)
        assert status == 200
        assert verdict["genuine"] is True
        assert verdict["matches_registry"] is True
        assert verdict["registry_number"] == body["registry_number"]


def test_gunicorn_refuses_garbage_with_a_4xx_envelope(tmp_path: Path) -> None:
    with gunicorn(tmp_path / "instance", workers=1) as base:
        status, body = _post(base + "/api/v1/submissions", b"\x00\x01garbage")

    assert status == 400
    assert body["errors"][0]["error"] == "not-xml"  # type: ignore[index]
