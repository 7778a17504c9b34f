"""POST /submissions: take in a signed document, once per Idempotency-Key."""

from __future__ import annotations

import hashlib
import io
import json
import logging
from typing import Any

from flask import Response, request

from app.api import bp
from app.api.auth import ApiIdentity, current_client
from app.api.idempotency import (
    Claim,
    KeyInUseError,
    StoredAnswer,
    answer,
    claim,
    parse_key,
    release,
)
from app.api.resume import created_json, earlier_registration
from app.errors import ErrorCode, RequestError, envelope
from app.intake import Submission, intake
from app.intake.multipart import intake_multipart
from app.intake.pipeline import receive
from app.services import current_services as services
from app.transfers import TRANSFER_MEDIA_TYPE

log = logging.getLogger(__name__)

MULTIPART = "multipart/form-data"

BODY_TYPES = frozenset(
    {
        "application/xml",
        "text/xml",
        "application/pdf",
        "application/vnd.etsi.asic-e+zip",
        "application/vnd.etsi.asic-s+zip",
        "application/zip",
        "application/pkcs7-mime",
        MULTIPART,
        TRANSFER_MEDIA_TYPE,
    }
)
CREATED = 201
# Seconds a caller is told to wait when its key is still being processed.
IN_USE_RETRY_AFTER = "2"


@bp.post("/submissions")
def submit() -> Response:
    """Take in one signed document (XML, PDF, ASiC, CMS) and register it, or a
    detached signature with its file (multipart parts signature, payload)."""
    client = current_client()
    if request.mimetype not in BODY_TYPES:
        raise RequestError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 415)

    key = parse_key(request.headers.get("Idempotency-Key"))
    limit = services().settings.max_upload_bytes
    data = receive(request.stream, limit, request.content_length)
    submission = Submission(
        channel="api",
        client_id=client.id if client else None,
        allowed_forms=client.allowed_forms if client else None,
        media_type=_media_type(),
    )
    if key is None:
        return _reply(CREATED, _registered(data, submission))

    return _idempotent(data, submission, _scope(client), key)


def _idempotent(data: bytes, submission: Submission, scope: str, key: str) -> Response:
    """Run intake under a claimed key, or replay the answer the key got."""
    found = services()
    digest = hashlib.sha256(data).hexdigest()
    wait = found.settings.idempotency_wait_seconds
    try:
        owned = claim(found.sessions, scope, key, digest, wait)
    except KeyInUseError as exc:
        headers = {"Retry-After": IN_USE_RETRY_AFTER}
        return _reply(exc.status, envelope(exc.code), headers)

    if isinstance(owned, StoredAnswer):
        replayed = {"Idempotent-Replayed": "true"}
        return _reply(owned.status, json.loads(owned.body), replayed)

    return _run_claimed(data, digest, submission, owned)


def _run_claimed(
    data: bytes, digest: str, submission: Submission, owned: Claim
) -> Response:
    """Register under a claim; store the answer, or free the key on a fault."""
    sessions = services().sessions
    try:
        body = _resumed(digest, submission, owned) or _registered(data, submission)
    except RequestError as exc:
        if exc.status >= 500:
            release(sessions, owned)
            raise

        # A refusal depends on the body alone: the same key gets it again.
        refusal = envelope(exc.code, exc.message)
        answer(sessions, owned, exc.status, json.dumps(refusal))
        raise
    except BaseException:
        release(sessions, owned)
        raise

    text = json.dumps(body)  # stored for replays and sent: encoded once
    answer(sessions, owned, CREATED, text)
    return _reply(CREATED, body, text=text)


def _resumed(
    digest: str, submission: Submission, owned: Claim
) -> dict[str, Any] | None:
    """The answer of a crashed first attempt that did register, if any."""
    if owned.resumed_since is None:
        return None

    sessions = services().sessions
    since = owned.resumed_since
    return earlier_registration(sessions, digest, submission.client_id, since)


def _registered(data: bytes, submission: Submission) -> dict[str, Any]:
    if request.mimetype == MULTIPART:
        content_type = request.content_type or MULTIPART
        outcome = intake_multipart(services(), data, content_type, submission)
    else:
        outcome = intake(services(), io.BytesIO(data), submission, len(data))
    # The schema's verdict as validated now, not as re-read from the report.
    schema = {
        "valid": not outcome.issues,
        "issues": [
            {"path": issue.path, "message": issue.message} for issue in outcome.issues
        ],
    }
    return created_json(outcome.document, outcome.receipt_timestamped, schema)


def _reply(
    status: int,
    body: dict[str, Any],
    headers: dict[str, str] | None = None,
    text: str | None = None,
) -> Response:
    """Answer with ``body`` as JSON; ``text`` is its encoding when made already."""
    text = json.dumps(body) if text is None else text
    answer_ = Response(text, status=status, mimetype="application/json")
    answer_.headers.update(headers or {})
    if status == CREATED:
        answer_.headers["Location"] = body["status_url"]

    return answer_


def _media_type() -> str:
    # A package says so by its type; one sent as XML is told by its root.
    if request.mimetype == TRANSFER_MEDIA_TYPE:
        return TRANSFER_MEDIA_TYPE

    return "application/xml"


def _scope(client: ApiIdentity | None) -> str:
    if client is not None:
        return client.scope

    return f"anon:{request.remote_addr or 'unknown'}"
