"""Detached signatures: a signature file given beside the file it signs.

XAdES (``.xades``, ``.sig``, ``.xml``) names its file in a ds:Reference URI
(a bare file name, as Polish signing tools write it); CAdES (``.p7s``)
names nothing.  :func:`validate_detached` validates the signature over the
payload given:

* one external reference (a URI that is neither empty nor ``#…``, or no
  URI at all): the payload is offered under that name, whatever the name
  the payload arrived with (an upload often renames files);
* several: each is matched by the payload's file name;
* none: the payload is not what the signature signs —
  :class:`~signing.errors.PayloadNotCoveredError`.

A payload whose digest does not match is a result (TOTAL_FAILED,
HASH_FAILURE), never an error.  :func:`validate_any` picks the validator
by content: PDF, ZIP container, CMS, else XML.
"""

from __future__ import annotations

from collections.abc import Mapping

from lxml import etree

from signing.asic import validate_container
from signing.cades import looks_like_cms, looks_like_der, validate_cms
from signing.errors import NotCMSError, NotDetachedError, PayloadNotCoveredError
from signing.pades import validate_pdf
from signing.pdfquirks import looks_like_pdf
from signing.policy import ValidationPolicy
from signing.result import ValidationResult
from signing.safexml import parse_xml
from signing.validate import validate_xml
from signing.ziparchive import looks_like_zip

_DS = "http://www.w3.org/2000/09/xmldsig#"


def validate_detached(
    signature: bytes,
    payload: bytes,
    policy: ValidationPolicy,
    payload_name: str = "payload",
) -> ValidationResult:
    """Validate a detached XAdES or CAdES signature over ``payload``."""
    if looks_like_cms(signature) or looks_like_der(signature):
        return validate_cms(signature, policy, payload, payload_name)

    if looks_like_pdf(signature) or looks_like_zip(signature):
        raise NotDetachedError("a signed PDF or container is not a detached signature")

    if not looks_like_xml(signature):
        raise NotCMSError("the signature is neither XML nor a CMS structure")

    names = external_references(signature)
    if not names:
        raise PayloadNotCoveredError("the signature signs no separate file")

    if len(names) == 1:
        offered = (
            {names[0]: payload} if names[0] is not None else {payload_name: payload}
        )
    else:
        offered = {payload_name: payload}

    result = validate_xml(signature, policy, detached=offered)
    if not any(c.kind == "external" for s in result.signatures for c in s.covered):
        raise PayloadNotCoveredError("the signature does not sign the file given")

    return result


def external_references(signature: bytes) -> list[str | None]:
    """The URIs of the references to separate files (``None``: no URI)."""
    tree = parse_xml(signature)
    found: list[str | None] = []
    for ref in tree.iter(f"{{{_DS}}}Reference"):
        if _inside_counter_signature(ref):
            continue
        uri = ref.get("URI")
        if uri is None or (uri != "" and not uri.startswith("#")):
            found.append(uri)

    return found


def looks_like_xml(data: bytes) -> bool:
    """Tell whether the bytes start like XML (a BOM or blanks, then "<")."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True

    return data[:64].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _inside_counter_signature(ref: etree._Element) -> bool:
    signatures = list(ref.iterancestors(f"{{{_DS}}}Signature"))
    return len(signatures) > 1


def validate_any(
    data: bytes,
    policy: ValidationPolicy,
    payloads: Mapping[str, bytes] | None = None,
) -> ValidationResult:
    """Validate any shape we take: PDF, container, CMS or XML (payloads
    are the detached files, by name)."""
    given = dict(payloads or {})
    if looks_like_cms(data) or looks_like_der(data):
        name, payload = next(iter(given.items()), ("payload", None))
        return validate_cms(data, policy, payload, name)

    if looks_like_pdf(data):
        return validate_pdf(data, policy)

    if looks_like_zip(data):
        return validate_container(data, policy).validation

    if len(given) == 1 and len(external_references(data)) == 1:
        name, payload = next(iter(given.items()))
        return validate_detached(data, payload, policy, name)

    return validate_xml(data, policy, detached=given)
