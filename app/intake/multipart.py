"""A detached signature and its file, sent together as multipart/form-data.

Both channels use it: the API (``POST /api/v1/submissions`` with the parts
``signature`` and ``payload``) and the portal's upload page (two files).
The body is read whole first (within the upload limit, like any body), then
split here: exactly one file part ``signature`` and one ``payload``, nothing
else.  Refusals: ``missing-part``, ``duplicate-part``, ``unexpected-part``
(400), then whatever the validation says (``payload-not-covered`` …, 422).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import parse_form_data

from app.errors import ErrorCode, RequestError
from app.intake.pipeline import Outcome, Submission
from app.intake.shapes import take_detached
from app.services import Services

PARTS = ("signature", "payload")
MAX_PARTS = 8
MAX_NAME = 255


@dataclass(frozen=True)
class Parts:
    """The two files of a detached submission, exactly as received."""

    signature: bytes
    payload: bytes
    payload_name: str


def split_parts(body: bytes, content_type: str) -> Parts:
    """Split a multipart/form-data body into its signature and payload."""
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    try:
        _, form, files = parse_form_data(
            environ, max_form_parts=MAX_PARTS, max_form_memory_size=64 * 1024
        )
    except (ValueError, RequestEntityTooLarge) as exc:
        raise RequestError(ErrorCode.BAD_REQUEST, 400) from exc

    try:
        return _parts_of(form, files)
    finally:
        for _, stored in files.items(multi=True):
            stored.close()


def _parts_of(form: MultiDict[str, str], files: MultiDict[str, FileStorage]) -> Parts:
    if any(key not in PARTS for key in (*form.keys(), *files.keys())) or form:
        raise RequestError(ErrorCode.UNEXPECTED_PART, 400)

    signature = _one(files, "signature")
    payload = _one(files, "payload")
    name = (payload.filename or "payload").rsplit("/", 1)[-1][:MAX_NAME]
    return Parts(signature.read(), payload.read(), name or "payload")


def _one(files: MultiDict[str, FileStorage], name: str) -> FileStorage:
    found = files.getlist(name)
    if len(found) > 1:
        raise RequestError(ErrorCode.DUPLICATE_PART, 400)

    if not found:
        raise RequestError(ErrorCode.MISSING_PART, 400)

    return found[0]


def intake_parts(services: Services, parts: Parts, submission: Submission) -> Outcome:
    """Run the pipeline on a detached signature and its file."""
    if not parts.signature or not parts.payload:
        raise RequestError(ErrorCode.MISSING_PART, 400)

    return take_detached(
        services, parts.signature, parts.payload, submission, parts.payload_name
    )


def intake_multipart(
    services: Services, body: bytes, content_type: str, submission: Submission
) -> Outcome:
    """Split a multipart body and run the pipeline on its two parts."""
    return intake_parts(services, split_parts(body, content_type), submission)
