"""Validation reports as ETSI TS 119 102-2 XML (namespace v1.2.1).

``render_report`` takes the JSON form of a validation
(:meth:`signing.result.ValidationResult.to_json`, as stored with every
registered document) and writes a ``ValidationReport`` whose elements follow
the schema's sequences: per signature a ``SignatureValidationReport`` with

* ``SignatureIdentifier`` (its Id, HashOnly / DocHashOnly false);
* ``ValidationConstraintsEvaluationReport``: every check we made, each a
  ``ValidationConstraint`` identified ``urn:kancelaria:check:NAME``, applied,
  with its outcome as a main indication;
* ``ValidationTimeInfo``: the validation time and the best signature time
  (the signature time-stamp's, proof type ``timestamp``; otherwise the
  validation time, proof type ``validation``, as clause 5 of the TS says);
* ``SignersDocument``: the SHA-256 of what the signature covers;
* ``SignatureAttributes``: the claimed SigningTime, the signing
  certificate, the signature policy and the time-stamp, each ``Signed``;
* ``SignerInformation``: the signer (the person of a trusted profile), with
  a reference to the certificate object;
* ``SignatureQuality``: our kind, ``urn:kancelaria:signature-kind:KIND``;
* ``SignatureValidationProcess`` (``urn:etsi:019102:validationprocess:Basic``)
  and ``SignatureValidationStatus`` (main indication and sub-indication URIs
  of EN 319 102-1).

``SignatureValidationObjects`` lists the signing certificates by SHA-256
digest.  Nothing is claimed beyond what the validation established.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from lxml import etree

ETSI_NS = "http://uri.etsi.org/19102/v1.2.1#"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
MAIN_URI = "urn:etsi:019102:mainindication:"
SUB_URI = "urn:etsi:019102:subindication:"
POE_VALIDATION = "urn:etsi:019102:poetype:validation"
POE_TIMESTAMP = "urn:etsi:019102:poetype:timestamp"
APPLIED = "urn:etsi:019102:constraintStatus:applied"
BASIC_PROCESS = "urn:etsi:019102:validationprocess:Basic"
CERTIFICATE_OBJECT = "urn:etsi:019102:validationObject:certificate"
CHECK_URI = "urn:kancelaria:check:"
KIND_URI = "urn:kancelaria:signature-kind:"
SHA256_URI = "http://www.w3.org/2001/04/xmlenc#sha256"

Json = dict[str, Any]
_NCNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")


def render_report(validation: Json) -> bytes:
    """Render a validation's JSON form as TS 119 102-2 XML."""
    nsmap: Any = {None: ETSI_NS, "ds": DS_NS}
    root = etree.Element(_tag("ValidationReport"), nsmap=nsmap)
    signatures = validation.get("signatures") or []
    when = validation.get("validation_time")
    for number, item in enumerate(signatures, start=1):
        root.append(_signature_report(item, when, number))

    objects = [s["signer"] for s in signatures if s.get("signer")]
    objects += [s["sealed_by"] for s in signatures if s.get("sealed_by")]
    if objects:
        _validation_objects(root, objects)

    return bytes(
        etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    )


def main_indication_uri(indication: str) -> str:
    """Return the URI of a main indication: TOTAL_PASSED → …:total-passed."""
    return MAIN_URI + indication.lower().replace("_", "-")


def _signature_report(item: Json, when: str | None, number: int) -> etree._Element:
    report = etree.Element(_tag("SignatureValidationReport"))
    identifier = _child(report, "SignatureIdentifier")
    given = str(item.get("signature_id") or "")
    identifier.set("id", given if _NCNAME.fullmatch(given) else f"signature-{number}")
    _child(identifier, "HashOnly", "false")
    _child(identifier, "DocHashOnly", "false")
    _constraints(report, item)
    _time_info(report, item, when)
    _signers_document(report, item)
    _attributes(report, item)
    _signer_information(report, item)
    if item.get("kind"):
        quality = _child(report, "SignatureQuality")
        _child(quality, "SignatureQualityInformation", KIND_URI + item["kind"])

    process = _child(report, "SignatureValidationProcess")
    _child(process, "SignatureValidationProcessID", BASIC_PROCESS)
    _status(_child(report, "SignatureValidationStatus"), item)
    return report


def _constraints(report: etree._Element, item: Json) -> None:
    checks = item.get("checks") or []
    if not checks:
        return

    holder = _child(report, "ValidationConstraintsEvaluationReport")
    failed = item.get("indication") or "INDETERMINATE"
    if failed == "TOTAL_PASSED":
        failed = "INDETERMINATE"  # a check the verdict did without
    for check in checks:
        constraint = _child(holder, "ValidationConstraint")
        _child(constraint, "ValidationConstraintIdentifier", CHECK_URI + check["name"])
        _child(_child(constraint, "ConstraintStatus"), "Status", APPLIED)
        outcome = "TOTAL_PASSED" if check.get("passed") else failed
        status = _child(constraint, "ValidationStatus")
        _child(status, "MainIndication", main_indication_uri(outcome))
        if check.get("detail"):
            _note(constraint, check["detail"])


def _note(parent: etree._Element, text: str) -> None:
    """A plain-language sentence, as an XML comment (the schema has no slot)."""
    parent.append(etree.Comment(" " + text.replace("--", "- -") + " "))


def _time_info(report: etree._Element, item: Json, when: str | None) -> None:
    if not when:
        return

    info = _child(report, "ValidationTimeInfo")
    _child(info, "ValidationTime", when)
    best = _child(info, "BestSignatureTime")
    stamped = item.get("timestamp_time")
    _child(best, "POETime", stamped or when)
    _child(best, "TypeOfProof", POE_TIMESTAMP if stamped else POE_VALIDATION)


def _signers_document(report: etree._Element, item: Json) -> None:
    digests = [c for c in item.get("covered") or [] if c.get("digest_sha256")]
    if not digests:
        return

    document = _child(report, "SignersDocument")
    _digest(_child(document, "DigestAlgAndValue"), digests[0]["digest_sha256"])


def _attributes(report: etree._Element, item: Json) -> None:
    signer = item.get("sealed_by") or item.get("signer")
    policy = item.get("policy")
    if not (item.get("signing_time") or signer or policy or item.get("timestamp_time")):
        return

    attributes = _child(report, "SignatureAttributes")
    if item.get("signing_time"):
        signing_time = _signed(_child(attributes, "SigningTime"))
        _child(signing_time, "Time", item["signing_time"])
    if signer:
        certificate = _signed(_child(attributes, "SigningCertificate"))
        _reference(certificate, "AttributeObject", signer)
    if policy and policy.get("identifier"):
        named = _signed(_child(attributes, "SigPolicyIdentifier"))
        _child(named, "SigPolicyId", policy["identifier"])
        _note(named, f"policy digest: {policy.get('status')}")
    if item.get("timestamp_time"):
        stamp = _child(attributes, "SignatureTimeStamp")
        stamp.set("Signed", "false")
        _child(stamp, "TimeStampValue", item["timestamp_time"])


def _signer_information(report: etree._Element, item: Json) -> None:
    signer = item.get("signer")
    if not signer:
        return

    information = _child(report, "SignerInformation")
    _reference(information, "SignerCertificate", item.get("sealed_by") or signer)
    _child(information, "Signer", _signer_text(signer))
    information.set("Pseudonym", "false")


def _signer_text(signer: Json) -> str:
    """Name and identifier (PESEL as PNOPL-…, NIP as VATPL-…)."""
    name = str(signer.get("name") or "")
    identifier = signer.get("identifier")
    return f"{name} ({identifier})" if identifier else name


def _status(status: etree._Element, item: Json) -> None:
    _child(status, "MainIndication", main_indication_uri(item["indication"]))
    if item.get("subindication"):
        _child(status, "SubIndication", SUB_URI + item["subindication"])


def _validation_objects(root: etree._Element, signers: list[Json]) -> None:
    holder = _child(root, "SignatureValidationObjects")
    seen: set[str] = set()
    for signer in signers:
        digest = signer.get("certificate_sha256")
        if not digest or digest in seen:
            continue
        seen.add(digest)
        obj = _child(holder, "ValidationObject")
        obj.set("id", _object_id(digest))
        _child(obj, "ObjectType", CERTIFICATE_OBJECT)
        representation = _child(obj, "ValidationObjectRepresentation")
        _digest(_child(representation, "DigestAlgAndValue"), digest)


def _reference(parent: etree._Element, name: str, signer: Json) -> None:
    """A child ``name`` pointing at the signer's certificate object."""
    digest = signer.get("certificate_sha256")
    if digest:
        _child(parent, name).set("VOReference", _object_id(digest))


def _object_id(digest_hex: str) -> str:
    return "C-" + digest_hex.upper()


def _digest(parent: etree._Element, digest_hex: str) -> None:
    etree.SubElement(parent, f"{{{DS_NS}}}DigestMethod", Algorithm=SHA256_URI)
    value = etree.SubElement(parent, f"{{{DS_NS}}}DigestValue")
    value.text = base64.b64encode(bytes.fromhex(digest_hex)).decode()


def _signed(element: etree._Element) -> etree._Element:
    element.set("Signed", "true")
    return element


def _child(
    parent: etree._Element, name: str, text: str | None = None
) -> etree._Element:
    element = etree.SubElement(parent, _tag(name))
    if text is not None:
        element.text = text
    return element


def _tag(name: str) -> str:
    return f"{{{ETSI_NS}}}{name}"
