"""Links in API answers: built from kept templates, always what url_for gives."""

from __future__ import annotations

import pytest
from flask import Flask, url_for

from app.api.links import link

RECEIPT_ROUTES = ["api.receipt", "api.receipt_pdf", "api.receipt_proof"]
DOCUMENT_ROUTES = ["api.submission_status", "api.submission_report"]


@pytest.mark.parametrize(
    "script_root", ["", "/kancelaria", "/urząd miasta", "/zzmarkcodezz"]
)
@pytest.mark.parametrize("code", ["ABCDEFGHJK234567", "a b&c=d", "ż/ółw?#", "7"])
def test_receipt_links_equal_url_for(
    api_app: Flask, script_root: str, code: str
) -> None:
    environ = {"SCRIPT_NAME": script_root.encode().decode("latin-1")}
    for year, sequence in [(2026, 1), (2027, 7777777771), (1, 99)]:
        with api_app.test_request_context("/", environ_base=environ):
            for endpoint in RECEIPT_ROUTES:
                values = {"year": year, "sequence": sequence, "code": code}
                assert link(endpoint, **values) == url_for(endpoint, **values)


@pytest.mark.parametrize(
    "public_id", ["0b7c7a5e-1f0e-4c59-9d51-7f3f2c1c9a10", "zzmarkcodezz", "a/b"]
)
def test_document_links_equal_url_for(api_app: Flask, public_id: str) -> None:
    for code in ["ABCDEFGHJK234567", "zzmarkpublicidzz", "%41"]:
        with api_app.test_request_context("/"):
            for endpoint in DOCUMENT_ROUTES:
                values = {"public_id": public_id, "code": code}
                assert link(endpoint, **values) == url_for(endpoint, **values)
