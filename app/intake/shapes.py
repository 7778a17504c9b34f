"""Intake of the shapes beyond signed XML and PDF, through the same pipeline.

* ASiC-S / ASiC-E containers and ODF documents (a ZIP): every signature
  validated (:func:`signing.asic.validate_container`), refused when a file
  of the container is covered by no signature (content outside the
  signature, as for XML), registered as a letter with the container kind
  and its files' digests in the report;
* CMS with its content inside (``.p7m``): registered as a letter;
* a detached signature with its file (:func:`take_detached`, from the
  multipart channels): both parts stored, the payload registered as the
  document, the signature part's digest in the report and the receipt.

Refusals carry stable codes (``app.errors.ErrorCode``); nothing is stored
before the validation has run.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from typing import Any

from app.errors import ErrorCode, RequestError
from app.i18n import N_
from app.intake.own_seal import refuse_own_receipt
from app.intake.pipeline import (
    PDF_MEDIA_TYPE,
    Outcome,
    Submission,
    _register,
    _signer_signature,
    finish,
)
from app.services import Services
from signing import errors as sig_errors
from signing.asic import ASIC_E, ASIC_S, validate_container
from signing.cades import looks_like_cms, looks_like_der, validate_cms
from signing.detached import validate_detached
from signing.ziparchive import looks_like_zip

log = logging.getLogger(__name__)

CONTAINER_TYPES = {
    "ASiC-S": ASIC_S,
    "ASiC-E": ASIC_E,
    "ODF": "application/vnd.oasis.opendocument.text",
    "ZIP": "application/zip",
}
MAX_NAMED = 10
UNSIGNED_FILES_WORDS = N_(
    "The container holds files no signature covers: %(files)s. Sign every "
    "file in it (META-INF/ included), or send the signed files alone."
)
CMS_MEDIA_TYPE = "application/pkcs7-mime"
SIGNATURE_MEDIA_TYPES = {"cms": "application/pkcs7-signature", "xml": "application/xml"}

_CONTAINER_CODES = {
    sig_errors.ZIP_BOMB: ErrorCode.CONTAINER_TOO_LARGE,
    sig_errors.ZIP_PATH: ErrorCode.CONTAINER_BAD_NAME,
    sig_errors.ZIP_DUPLICATE: ErrorCode.CONTAINER_DUPLICATE_NAME,
    sig_errors.ZIP_MEMBERS: ErrorCode.CONTAINER_TOO_MANY_MEMBERS,
    sig_errors.ZIP_ENCRYPTED: ErrorCode.CONTAINER_ENCRYPTED,
}


def is_signed_package(data: bytes) -> bool:
    """Whether the body is a ZIP container or a CMS structure (or a damaged one)."""
    return looks_like_zip(data) or looks_like_cms(data) or looks_like_der(data)


def take_package(
    services: Services, data: bytes, digest: str, submission: Submission
) -> Outcome:
    """Validate, store and register a container or an attached CMS."""
    if looks_like_zip(data):
        found = _guarded(digest, lambda: validate_container(data, services.policy))
        if found.uncovered:
            _refuse_unsigned_files(digest, found.uncovered)
        validation = found.validation
        media_type = found.mimetype or CONTAINER_TYPES[found.container]
        extra: dict[str, Any] = {
            "container": {
                "kind": found.container,
                "files": [{"name": n, "sha256": d} for n, d in found.data_objects],
            }
        }
    else:
        validation = _guarded(digest, lambda: validate_cms(data, services.policy))
        media_type, extra = CMS_MEDIA_TYPE, {}

    refuse_own_receipt(validation, services.seal_fingerprint, digest)
    _check_letters_allowed(submission, digest)
    services.blobs.put(data)
    letter = replace(submission, media_type=media_type)
    signature = _signer_signature(validation)
    return _register(
        services, data, digest, letter, validation, signature, None, [], extra
    )


def take_detached(
    services: Services,
    signature: bytes,
    payload: bytes,
    submission: Submission,
    payload_name: str = "payload",
) -> Outcome:
    """Validate a detached signature over its file; store both; register."""
    digest = hashlib.sha256(payload).hexdigest()
    signature_digest = hashlib.sha256(signature).hexdigest()
    log.info(
        "received detached",
        extra={"sha256": digest, "signature_sha256": signature_digest},
    )
    validation = _guarded(
        digest,
        lambda: validate_detached(signature, payload, services.policy, payload_name),
    )
    _check_letters_allowed(submission, digest)
    services.blobs.put(signature)
    services.blobs.put(payload)
    kind = "cms" if looks_like_cms(signature) else "xml"
    parts = [
        _part("payload", payload, _media_type(payload)),
        _part("signature", signature, SIGNATURE_MEDIA_TYPES[kind]),
    ]
    letter = replace(submission, media_type=_media_type(payload))
    outcome = _register(
        services,
        payload,
        digest,
        letter,
        validation,
        _signer_signature(validation),
        None,
        [],
        {"parts": parts},
        [("signature", signature_digest, len(signature))],
    )
    return finish(services, outcome, digest)


def _part(name: str, data: bytes, media_type: str) -> dict[str, Any]:
    return {
        "part": name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "media_type": media_type,
    }


def _media_type(data: bytes) -> str:
    if data.startswith(b"%PDF-"):
        return PDF_MEDIA_TYPE
    if looks_like_zip(data):
        return "application/zip"
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return "application/xml"
    return "application/octet-stream"


def _check_letters_allowed(submission: Submission, digest: str) -> None:
    """A client limited to some forms may not send letters outside them."""
    if submission.allowed_forms is not None:
        _refuse(digest, ErrorCode.FORBIDDEN_FORM, 403)


def _guarded(digest: str, run: Any) -> Any:
    """Run a validation, turning input faults into stable refusals."""
    try:
        return run()
    except sig_errors.UnsafeContainerError as exc:
        _refuse(digest, _CONTAINER_CODES.get(exc.code, ErrorCode.BAD_CONTAINER), 400)
    except sig_errors.ContainerError:
        _refuse(digest, ErrorCode.BAD_CONTAINER, 400)
    except sig_errors.NotCMSError:
        _refuse(digest, ErrorCode.MALFORMED_CMS, 400)
    except sig_errors.NotDetachedError:
        _refuse(digest, ErrorCode.NOT_DETACHED_SIGNATURE, 422)
    except sig_errors.MissingPayloadError:
        _refuse(digest, ErrorCode.MISSING_PAYLOAD, 422)
    except sig_errors.PayloadNotCoveredError:
        _refuse(digest, ErrorCode.PAYLOAD_NOT_COVERED, 422)
    except sig_errors.NotSignedError:
        _refuse(digest, ErrorCode.NOT_SIGNED, 422)
    except sig_errors.ForbiddenXMLError:
        _refuse(digest, ErrorCode.FORBIDDEN_XML, 400)
    except sig_errors.MalformedXMLError:
        _refuse(digest, ErrorCode.MALFORMED_XML, 400)
    except sig_errors.NotPDFError:
        _refuse(digest, ErrorCode.MALFORMED_PDF, 400)
    except sig_errors.SigningInputError:
        _refuse(digest, ErrorCode.BAD_REQUEST, 400)


def _refuse_unsigned_files(digest: str, names: tuple[str, ...]) -> None:
    """Refuse a container with files no signature covers, naming them."""
    code = ErrorCode.CONTENT_OUTSIDE_SIGNATURE
    log.warning(
        "refused", extra={"sha256": digest, "reason": code.value, "files": len(names)}
    )
    said = ", ".join(names[:MAX_NAMED])
    if len(names) > MAX_NAMED:
        said += f" (+{len(names) - MAX_NAMED})"
    raise RequestError(code, 422, UNSIGNED_FILES_WORDS, {"files": said[:600]})


def _refuse(digest: str, code: ErrorCode, status: int) -> None:
    log.warning("refused", extra={"sha256": digest, "reason": code.value})
    raise RequestError(code, status)


__all__ = ["is_signed_package", "take_detached", "take_package"]
