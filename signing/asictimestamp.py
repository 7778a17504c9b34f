"""Time-stamp tokens in ASiC containers (ETSI EN 319 162-1, 4.3 and 4.4).

A time assertion is an RFC 3161 token in ``META-INF/timestamp*.tst``:

* in ASiC-S its message imprint is over the one data object;
* in ASiC-E it is over the ``META-INF/ASiCManifest*.xml`` whose
  ``SigReference`` names the token, and the manifest's
  ``DataObjectReference`` digests are then checked one by one (as for a
  CAdES signature over a manifest, :mod:`signing.asic`).

Each token is reported as its own :class:`~signing.result.SignatureResult`
of form :data:`ASIC_TS`, like a PDF document time-stamp: a proof that the
objects existed at its genTime (``timestamp_time``), made by the TSA named
as ``signer``.  A time-stamp is not a signature: it never makes a data
object count as signed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from asn1crypto import cms

from signing.pdfsigner import signer_facts
from signing.policy import ValidationPolicy
from signing.result import (
    Check,
    Indication,
    SignatureResult,
    SignedObject,
    Signer,
    SubIndication,
)
from signing.sigchecks import Report, Stage
from signing.tsp import TimestampResult, verify_timestamp

ASIC_TS = "ASiC-TS"
"""The form of a container time-stamp in results."""

META = "META-INF/"

ManifestCheck = Callable[[SignatureResult, bytes], SignatureResult]
"""Checks a manifest's data-object references for a result over it."""


def is_timestamp_file(name: str) -> bool:
    """Tell whether a member is an ASiC time-stamp token (``META-INF/*.tst``)."""
    base = name[len(META) :].lower() if name.startswith(META) else ""
    return "/" not in base and "timestamp" in base and base.endswith(".tst")


def validate_timestamp_file(
    name: str,
    token: bytes,
    covered: tuple[str, bytes] | None,
    policy: ValidationPolicy,
    check_manifest: ManifestCheck | None = None,
) -> SignatureResult:
    """Validate one token over ``covered`` (path, bytes): the data object of
    an ASiC-S, or an ASiC-E's manifest, then checked by ``check_manifest``."""
    if covered is None:
        return _unbound(name)

    target, data = covered
    found = verify_timestamp(token, data, policy.trust, at=policy.effective_time())
    report = Report()
    _judge(found, report)
    result = _result(name, target, data, found, report, _tsa_of(token, found, policy))
    if check_manifest is None:
        return result

    return check_manifest(result, data)


def _judge(found: TimestampResult, report: Report) -> None:
    """Turn the token's facts into checks (EN 319 102-1, 5.4)."""
    problems = " ".join(found.problems)
    if found.gen_time is None:
        report.failed("timestamp-token", problems, Stage.FORMAT, _FORMAT)
        return

    if found.imprint_ok:
        report.passed("message-imprint", "the time-stamp covers the data object")
    else:
        report.failed("message-imprint", problems, Stage.CV, _HASH)

    if found.signature_ok:
        report.passed("timestamp-signature", "the TSA's signature verifies")
    else:
        report.failed("timestamp-signature", problems, Stage.CV, _CRYPTO)
        return

    if found.chain_ok:
        report.passed("tsa-certificate-path", "the TSA chains to a trust anchor")
    else:
        report.failed("tsa-certificate-path", problems, Stage.XCV, _chain_sub(found))


_FORMAT = SubIndication.FORMAT_FAILURE
_HASH = SubIndication.HASH_FAILURE
_CRYPTO = SubIndication.SIG_CRYPTO_FAILURE


def _chain_sub(found: TimestampResult) -> SubIndication:
    if any("algorithm" in p for p in found.problems):
        return SubIndication.CRYPTO_CONSTRAINTS_FAILURE

    if any("revoked" in p for p in found.problems):
        return SubIndication.REVOKED_NO_POE

    return SubIndication.NO_CERTIFICATE_CHAIN_FOUND


def _tsa_of(
    token: bytes, found: TimestampResult, policy: ValidationPolicy
) -> Signer | None:
    """The TSA as a signer: the token's certificate with the checked fingerprint."""
    if found.tsa_certificate_sha256 is None:
        return None

    signed = cms.ContentInfo.load(token)["content"]
    for choice in signed["certificates"] or ():
        if choice.name != "certificate":
            continue

        der = choice.chosen.dump()
        if hashlib.sha256(der).hexdigest() == found.tsa_certificate_sha256:
            return signer_facts(choice.chosen, policy).signer

    return None


def _result(
    name: str,
    target: str,
    data: bytes,
    found: TimestampResult,
    report: Report,
    tsa: Signer | None,
) -> SignatureResult:
    indication, sub = report.verdict()
    proven = found.gen_time if sub is None else None
    digest = hashlib.sha256(data).hexdigest()
    return SignatureResult(
        signature_id=name,
        indication=indication,
        subindication=sub,
        form=ASIC_TS,
        signer=tsa,
        signing_time=found.gen_time,
        covered=(SignedObject(target, "external", None, digest),),
        checks=tuple(report.checks),
        timestamp_time=proven,
    )


def _unbound(name: str) -> SignatureResult:
    """A token with nothing it can be over: no manifest, several objects."""
    detail = "a time-stamp needs one data object or an ASiCManifest naming it"
    return SignatureResult(
        signature_id=name,
        indication=Indication.TOTAL_FAILED,
        subindication=SubIndication.FORMAT_FAILURE,
        form=ASIC_TS,
        signer=None,
        signing_time=None,
        covered=(),
        checks=(Check("container-structure", False, detail),),
    )
