"""Post a sealed package to the receiving office's submissions address."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import requests

from app.transfers import TRANSFER_MEDIA_TYPE
from app.transfers.partners import Partner

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 20.0
DELIVERED, FAILED = "delivered", "failed"


@dataclass(frozen=True)
class Delivery:
    """What came of one post: delivered with the partner's registry number, or not."""

    state: str
    answer: str


def deliver_package(partner: Partner, package: bytes) -> Delivery:
    """Post the package to the partner's URL once; never raise for its answer."""
    assert partner.url is not None
    headers = {"Content-Type": TRANSFER_MEDIA_TYPE, "Accept": "application/json"}
    if partner.api_key:
        headers["Authorization"] = f"Bearer {partner.api_key}"

    try:
        reply = requests.post(
            partner.url,
            data=package,
            headers=headers,
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        log.warning("transfer not delivered", extra={"office": partner.office_id})
        return Delivery(FAILED, type(exc).__name__)

    return _judge(partner, reply)


def _judge(partner: Partner, reply: requests.Response) -> Delivery:
    try:
        body = reply.json()
    except ValueError:
        body = {}

    body = body if isinstance(body, dict) else {}
    if reply.status_code == 201 and isinstance(body.get("registry_number"), str):
        log.info("transfer delivered", extra={"office": partner.office_id})
        return Delivery(DELIVERED, body["registry_number"][:64])

    errors = body.get("errors")
    first = errors[0] if isinstance(errors, list) and errors else {}
    code = first.get("error") if isinstance(first, dict) else None
    log.warning(
        "transfer refused",
        extra={"office": partner.office_id, "status": reply.status_code},
    )
    return Delivery(FAILED, json.dumps({"status": reply.status_code, "code": code}))
