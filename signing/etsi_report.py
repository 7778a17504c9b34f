"""Validation reports as ETSI TS 119 102-2 XML (namespace v1.2.1).

``render_report`` takes the JSON form of a validation
(:meth:`signing.result.ValidationResult.to_json`, as stored with every
registered document) and writes a ``ValidationReport`` whose elements follow
the schema's sequences (checked against a transcription of the standard's
XSD in ``tests/signing/data/etsi-19102-2-subset.xsd``): per signature a
``SignatureValidationReport`` with

* ``SignatureIdentifier`` (its Id when that is a free NCName, HashOnly /
  DocHashOnly false);
* ``ValidationConstraintsEvaluationReport``: every check we made, each a
  ``ValidationConstraint`` identified ``urn:kancelaria:check:NAME``, applied,
  with its outcome as a building-block indication (passed / failed /
  indeterminate, TS 119 102-2 clause 4.3.5.4);
* ``ValidationTimeInfo``: the validation time and the best signature time,
  a POE derived during validation (``poetype:validation``, the only one of
  the standard's three proof types that fits): the signature time-stamp's
  time when one verified, otherwise the validation time;
* ``SignersDocument``: the SHA-256 of what the signature covers;
* ``SignatureAttributes``: the claimed SigningTime, the signing
  certificate, the signature policy and the time-stamp, each ``Signed``;
* ``SignerInformation``: the signer (the person of a trusted profile), with
  a reference to the certificate object;
* ``SignatureQuality``: our kind, ``urn:kancelaria:signature-kind:KIND``;
* ``SignatureValidationProcess`` (``urn:etsi:019102:validationprocess:Basic``)
  and ``SignatureValidationStatus`` (main indication and sub-indication URIs
  of EN 319 102-1; a sub-indication of ours that EN 319 102-1 does not define
  is left out and named in a comment).

The schema wants at least one signature report: a document without a
signature gets one holding only the document's status.  Time-stamp tokens
that stand alone are validation objects (:mod:`signing.etsi_objects`), not
signatures.  Nothing is claimed beyond what the validation established.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from signing.etsi_objects import (
    DS_NS,
    ETSI_NS,
    POE_VALIDATION,
    TIMESTAMP_FORMS,
    Ids,
    certificate_id,
    child,
    digest,
    note,
    reserve_certificates,
    tag,
    validation_objects,
)

__all__ = ["ETSI_NS", "main_indication_uri", "render_report"]

MAIN_URI = "urn:etsi:019102:mainindication:"
SUB_URI = "urn:etsi:019102:subindication:"
APPLIED = "urn:etsi:019102:constraintStatus:applied"
BASIC_PROCESS = "urn:etsi:019102:validationprocess:Basic"
CHECK_URI = "urn:kancelaria:check:"
KIND_URI = "urn:kancelaria:signature-kind:"

# EN 319 102-1 sub-indications (clause 5.1.3), the values TS 119 102-2 names.
EN_SUBINDICATIONS = frozenset(
    {
        "FORMAT_FAILURE",
        "HASH_FAILURE",
        "SIG_CRYPTO_FAILURE",
        "REVOKED",
        "EXPIRED",
        "NOT_YET_VALID",
        "SIG_CONSTRAINTS_FAILURE",
        "CHAIN_CONSTRAINTS_FAILURE",
        "CERTIFICATE_CHAIN_GENERAL_FAILURE",
        "CRYPTO_CONSTRAINTS_FAILURE",
        "POLICY_PROCESSING_ERROR",
        "SIGNATURE_POLICY_NOT_AVAILABLE",
        "TIMESTAMP_ORDER_FAILURE",
        "NO_SIGNING_CERTIFICATE_FOUND",
        "NO_CERTIFICATE_CHAIN_FOUND",
        "NO_CERTIFICATE_CHAIN_FOUND_NO_POE",
        "REVOKED_NO_POE",
        "REVOKED_CA_NO_POE",
        "OUT_OF_BOUNDS_NOT_REVOKED",
        "OUT_OF_BOUNDS_NO_POE",
        "REVOCATION_OUT_OF_BOUNDS_NO_POE",
        "CRYPTO_CONSTRAINTS_FAILURE_NO_POE",
        "NO_POE",
        "TRY_LATER",
        "SIGNED_DATA_NOT_FOUND",
    }
)
# Building-block outcomes, for a constraint or a validation object's report.
_BLOCK = {"TOTAL_PASSED": "passed", "TOTAL_FAILED": "failed"}

Json = dict[str, Any]


def render_report(validation: Json) -> bytes:
    """Render a validation's JSON form as TS 119 102-2 XML."""
    nsmap: Any = {None: ETSI_NS, "ds": DS_NS}
    root = etree.Element(tag("ValidationReport"), nsmap=nsmap)
    items = validation.get("signatures") or []
    signatures = [s for s in items if s.get("form") not in TIMESTAMP_FORMS]
    stamps = [s for s in items if s.get("form") in TIMESTAMP_FORMS]
    when = validation.get("validation_time")
    ids = Ids()
    signers = reserve_certificates(items, ids)
    for number, item in enumerate(signatures, start=1):
        root.append(_signature_report(item, when, ids, number))
    if not signatures:
        root.append(_no_signature_report(validation))

    def fill_stamp(report: etree._Element, stamp: Json) -> None:
        _fill(report, stamp, when, signature=False)

    validation_objects(root, signers, stamps, ids, fill_stamp)
    return bytes(
        etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    )


def main_indication_uri(indication: str) -> str:
    """Return the URI of a main indication: TOTAL_PASSED → …:total-passed."""
    return MAIN_URI + indication.lower().replace("_", "-")


def _signature_report(
    item: Json, when: str | None, ids: Ids, number: int
) -> etree._Element:
    report = etree.Element(tag("SignatureValidationReport"))
    identifier = child(report, "SignatureIdentifier")
    given = str(item.get("signature_id") or "")
    identifier.set("id", ids.claim(given, f"signature-{number}"))
    child(identifier, "HashOnly", "false")
    child(identifier, "DocHashOnly", "false")
    _fill(report, item, when, signature=True)
    return report


def _no_signature_report(validation: Json) -> etree._Element:
    """The one report a document without any signature still needs."""
    report = etree.Element(tag("SignatureValidationReport"))
    note(report, "no signature was found in the document")
    status = child(report, "SignatureValidationStatus")
    indication = validation.get("indication") or "INDETERMINATE"
    _status(status, main_indication_uri(indication), validation.get("subindication"))
    return report


def _fill(
    report: etree._Element, item: Json, when: str | None, *, signature: bool
) -> None:
    """The report's body, in the schema's order; a time-stamp's is shorter."""
    _constraints(report, item)
    if signature:
        _time_info(report, item, when)
    _signers_document(report, item)
    if signature:
        _attributes(report, item)
    _signer_information(report, item)
    if signature and item.get("kind"):
        quality = child(report, "SignatureQuality")
        child(quality, "SignatureQualityInformation", KIND_URI + item["kind"])

    process = child(report, "SignatureValidationProcess")
    child(process, "SignatureValidationProcessID", BASIC_PROCESS)
    indication = item["indication"]
    main = main_indication_uri(indication) if signature else _block_uri(indication)
    _status(child(report, "SignatureValidationStatus"), main, item.get("subindication"))


def _constraints(report: etree._Element, item: Json) -> None:
    checks = item.get("checks") or []
    if not checks:
        return

    holder = child(report, "ValidationConstraintsEvaluationReport")
    verdict = item.get("indication") or "INDETERMINATE"
    if verdict == "TOTAL_PASSED":
        verdict = "INDETERMINATE"  # a check the verdict did without
    for check in checks:
        constraint = child(holder, "ValidationConstraint")
        child(constraint, "ValidationConstraintIdentifier", CHECK_URI + check["name"])
        child(child(constraint, "ConstraintStatus"), "Status", APPLIED)
        outcome = "TOTAL_PASSED" if check.get("passed") else verdict
        status = child(constraint, "ValidationStatus")
        child(status, "MainIndication", _block_uri(outcome))
        if check.get("detail"):
            note(constraint, check["detail"])


def _block_uri(indication: str) -> str:
    """passed / failed / indeterminate: the URIs for building blocks."""
    return MAIN_URI + _BLOCK.get(indication, "indeterminate")


def _time_info(report: etree._Element, item: Json, when: str | None) -> None:
    if not when:
        return

    info = child(report, "ValidationTimeInfo")
    child(info, "ValidationTime", when)
    best = child(info, "BestSignatureTime")
    child(best, "POETime", item.get("timestamp_time") or when)
    child(best, "TypeOfProof", POE_VALIDATION)


def _signers_document(report: etree._Element, item: Json) -> None:
    digests = [c for c in item.get("covered") or [] if c.get("digest_sha256")]
    if not digests:
        return

    document = child(report, "SignersDocument")
    digest(document, "DigestAlgAndValue", digests[0]["digest_sha256"])


def _attributes(report: etree._Element, item: Json) -> None:
    signer = item.get("sealed_by") or item.get("signer")
    policy = item.get("policy")
    if not (item.get("signing_time") or signer or policy or item.get("timestamp_time")):
        return

    attributes = child(report, "SignatureAttributes")
    if item.get("signing_time"):
        signing_time = _signed(child(attributes, "SigningTime"))
        child(signing_time, "Time", item["signing_time"])
    if signer:
        certificate = _signed(child(attributes, "SigningCertificate"))
        _reference(certificate, "AttributeObject", signer)
    if policy and policy.get("identifier"):
        named = _signed(child(attributes, "SigPolicyIdentifier"))
        child(named, "SigPolicyId", policy["identifier"])
        note(named, f"policy digest: {policy.get('status')}")
    if item.get("timestamp_time"):
        stamp = child(attributes, "SignatureTimeStamp")
        stamp.set("Signed", "false")
        child(stamp, "TimeStampValue", item["timestamp_time"])


def _signer_information(report: etree._Element, item: Json) -> None:
    """The signer; the schema requires the certificate reference with it."""
    signer = item.get("signer")
    certificate = item.get("sealed_by") or signer
    if not signer or not certificate or certificate_id(certificate) is None:
        return

    information = child(report, "SignerInformation")
    _reference(information, "SignerCertificate", certificate)
    child(information, "Signer", _signer_text(signer))
    information.set("Pseudonym", "false")


def _signer_text(signer: Json) -> str:
    """Name and identifier (PESEL as PNOPL-…, NIP as VATPL-…)."""
    name = str(signer.get("name") or "")
    identifier = signer.get("identifier")
    return f"{name} ({identifier})" if identifier else name


def _status(status: etree._Element, main: str, subindication: str | None) -> None:
    child(status, "MainIndication", main)
    if subindication in EN_SUBINDICATIONS:
        child(status, "SubIndication", SUB_URI + str(subindication))
    elif subindication:
        note(status, f"sub-indication {subindication} (not one of EN 319 102-1)")


def _reference(parent: etree._Element, name: str, signer: Json) -> None:
    """A child ``name`` pointing at the signer's certificate object."""
    object_id = certificate_id(signer)
    if object_id:
        child(parent, name).set("VOReference", object_id)


def _signed(element: etree._Element) -> etree._Element:
    element.set("Signed", "true")
    return element
