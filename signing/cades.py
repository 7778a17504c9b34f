"""CAdES / CMS signatures over a file (``.p7s`` detached, ``.p7m`` attached).

Validated with pyHanko's generic CMS validation against the same
validation context as PDFs (:mod:`signing.pdfcontext`): the message digest
over the payload, the signature value, the signing-certificate attribute
(ESS signing-certificate(-v2), whose absence makes it plain CMS, not CAdES),
the path to an anchor at the validation time, and the signature time-stamp
when there is one; a time-stamped signer that carries revocation-values
(:mod:`signing.cadesvalues`) is named CAdES-LT.  Each SignerInfo is one
signature in the result, each followed by its counter-signatures
(:mod:`signing.cadescounter`).

Algorithms are judged by our dated policy (:mod:`signing.cmsalgorithms`).
A signature refused for its algorithms or an expired certificate is judged
again at its proof of existence (:mod:`signing.proofs`): the verified
signature time-stamp, or ``proven_at``, a time-stamp over the ``.p7s``
from outside it (an ASiC container's), whichever is earlier.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass, replace
from datetime import datetime

from asn1crypto import cms
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.generic_cms import (
    async_validate_cms_signature,
    async_validate_detached_cms,
)
from pyhanko.sign.validation.policy_decl import CMSAlgorithmUsagePolicy
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import StandardCMSSignatureStatus
from pyhanko_certvalidator import ValidationContext

from signing.cadescounter import counter_signatures, has_counter_signatures
from signing.cadesrevocation import (
    cms_certs,
    embedded_revocation,
    judged_with_revocation,
)
from signing.cadesvalues import revocation_values
from signing.cmsalgorithms import cms_algorithms
from signing.errors import MissingPayloadError, NotCMSError
from signing.kinds import name_kind
from signing.pdfcontext import build_context
from signing.pdfsigner import signer_facts
from signing.policy import ValidationPolicy
from signing.proofs import earliest, kept_if_cleared, worth_judging_again
from signing.result import (
    SignatureResult,
    SignedObject,
    SubIndication,
    ValidationResult,
    summarise,
)
from signing.revocation import RevocationCheck
from signing.sigchecks import Report, Stage

log = logging.getLogger(__name__)

_ANY_USAGE = KeyUsageConstraints(key_usage=set())
_ERRORS = (ValueError, KeyError, TypeError, OverflowError, SignatureValidationError)


def looks_like_cms(data: bytes) -> bool:
    """Tell whether the bytes start like a DER ContentInfo of SignedData."""
    return (
        data[:1] == b"\x30"
        and b"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02" in data[:32]
    )


def looks_like_der(data: bytes) -> bool:
    """Tell whether the bytes start like a long DER (or BER) SEQUENCE.

    Any CMS structure is one; text never starts with byte 0x30 followed by a
    byte of 0x80 or more, so a damaged ``.p7s`` is told from a text file.
    """
    return data[:1] == b"\x30" and data[1:2] >= b"\x80"


def load_signed_data(data: bytes) -> cms.SignedData:
    """Parse a DER ContentInfo holding SignedData, or raise NotCMSError."""
    try:
        info = cms.ContentInfo.load(data, strict=True)
        if info["content_type"].native != "signed_data":
            raise NotCMSError("the CMS structure is not SignedData")
        signed: cms.SignedData = info["content"]
        _read_structure(signed)
    except _ERRORS as exc:
        raise NotCMSError("the bytes are not a CMS SignedData structure") from exc

    return signed


def _read_structure(signed: cms.SignedData) -> None:
    """Parse the parts validation reads first, so a broken one is refused now
    (a full ``.native`` parse would re-encode the whole structure)."""
    signed["encap_content_info"]["content_type"].native  # noqa: B018
    for info in signed["signer_infos"]:
        info["sid"].native  # noqa: B018
        info["digest_algorithm"].native  # noqa: B018
        info["signature_algorithm"].native  # noqa: B018


def validate_cms(
    data: bytes,
    policy: ValidationPolicy,
    payload: bytes | None = None,
    payload_name: str = "payload",
    proven_at: datetime | None = None,
) -> ValidationResult:
    """Validate a detached (with ``payload``) or attached CMS signature;
    ``proven_at`` is a proof of existence of ``data`` from outside it."""
    signed = load_signed_data(data)
    content = signed["encap_content_info"]["content"]
    if payload is None and content.native is None:
        raise MissingPayloadError("the CMS signature is detached: its file is needed")

    signed_bytes = payload if payload is not None else bytes(content.native)
    moment = policy.effective_time()
    infos = list(signed["signer_infos"])
    if not infos:
        raise NotCMSError("the CMS structure carries no SignerInfo")

    if len(infos) > policy.max_signatures:
        raise NotCMSError("the CMS structure carries too many signatures")

    attached = payload is None
    results: list[SignatureResult] = []
    for number, info in enumerate(infos, start=1):
        one = _one_signer(signed, info, len(infos))
        job = _Job(one, signed_bytes, payload_name, policy, attached)
        result = asyncio.run(_validate_one(job, moment, proven_at))
        results.append(name_kind(result, policy.kinds))
        if has_counter_signatures(info):
            # Named only when counter-signed, so the counter-signature can
            # say which signature it counters.
            results[-1] = replace(results[-1], signature_id=f"signer-{number}")
            certs = cms_certs(signed)
            known = embedded_revocation(signed).merged(policy.revocation.supplied)
            check = RevocationCheck(policy.revocation, known)
            counters = counter_signatures(
                info, f"signer-{number}", certs, policy, moment, check
            )
            results.extend(counters)

    indication, sub = summarise(tuple(results))
    return ValidationResult(indication, sub, tuple(results), moment)


def _one_signer(
    signed: cms.SignedData, info: cms.SignerInfo, count: int
) -> cms.SignedData:
    """The SignedData as seen by one of its signers (pyHanko takes one)."""
    if count == 1:
        return signed

    single = signed.copy()
    single["signer_infos"] = cms.SignerInfos([info])
    return single


@dataclass(frozen=True)
class _Job:
    """One signer's SignedData and what it is validated against."""

    signed: cms.SignedData
    payload: bytes
    name: str
    policy: ValidationPolicy
    attached: bool


async def _validate_one(
    job: _Job, moment: datetime, proven_at: datetime | None
) -> SignatureResult:
    """Validate now and, if a proof of existence can settle a failure, at it."""
    policy = job.policy
    algorithms = cms_algorithms(policy.algorithms)

    async def judge(context: ValidationContext) -> SignatureResult:
        return await _judge(job, context, algorithms)

    now = await judged_with_revocation(job.signed, policy, moment, judge, proven_at)
    poe = earliest(now.timestamp_time, proven_at)
    if poe is None or not worth_judging_again(now, poe, moment):
        return now

    then = build_context(policy, poe)
    again = await _judge(job, then, cms_algorithms(policy.algorithms, poe))
    return kept_if_cleared(now, again, poe)


async def _judge(
    job: _Job, context: ValidationContext, algorithms: CMSAlgorithmUsagePolicy
) -> SignatureResult:
    """Run every check on one signer with ``context`` and ``algorithms``."""
    signed, payload, policy = job.signed, job.payload, job.policy
    report = Report()
    try:
        status = await _status(signed, payload, context, algorithms, job.attached)
    except _ERRORS as exc:
        log.info("CMS cannot be validated: %s", type(exc).__name__)
        report.failed(
            "cms-structure",
            "the CMS cannot be validated",
            Stage.FORMAT,
            SubIndication.FORMAT_FAILURE,
        )
        return _result(report, None, None, _covered(job), None, ())

    facts = signer_facts(status.signing_cert, policy)
    report.passed("signing-certificate", "the CMS carries the signer's certificate")
    _check_status(status, report)
    usage = facts.key_usage
    if usage is None or usage & {"digital_signature", "non_repudiation"}:
        report.passed("key-usage", "nonRepudiation or digitalSignature set")
    else:
        report.failed(
            "key-usage",
            "neither nonRepudiation nor digitalSignature is set",
            Stage.XCV,
            SubIndication.CHAIN_CONSTRAINTS_FAILURE,
        )
    chain = tuple(
        c
        for c in (
            policy.certs.from_der(x.dump()) for x in (status.validation_path or ())
        )
        if c is not None
    )
    certs = tuple(reversed([c.cert for c in chain])) or _own(facts.der, policy)
    stamped = _timestamp_time(status, report)
    return _result(
        report,
        facts.signer,
        status.signer_reported_dt or _claimed_time(signed),
        _covered(job),
        stamped,
        certs,
        _form(signed, stamped is not None),
    )


async def _status(
    signed: cms.SignedData,
    payload: bytes,
    context: ValidationContext,
    algorithms: CMSAlgorithmUsagePolicy,
    attached: bool,
) -> StandardCMSSignatureStatus:
    """pyHanko's verdict: over the encapsulated content, or over ``payload``."""
    if attached:
        # pyHanko's overloads omit algorithm_policy, which the function takes.
        status: StandardCMSSignatureStatus = await async_validate_cms_signature(  # type: ignore[call-overload]
            signed,
            status_cls=StandardCMSSignatureStatus,
            validation_context=context,
            key_usage_settings=_ANY_USAGE,
            algorithm_policy=algorithms,
        )
        return status

    return await async_validate_detached_cms(
        payload,
        signed,
        signer_validation_context=context,
        key_usage_settings=_ANY_USAGE,
        algorithm_policy=algorithms,
    )


def _own(der: bytes, policy: ValidationPolicy) -> tuple:  # type: ignore[type-arg]
    facts = policy.certs.from_der(der)
    return () if facts is None else (facts.cert,)


def _claimed_time(signed: cms.SignedData) -> datetime | None:
    """The signed signingTime attribute; pyHanko reports it only when detached."""
    attrs = signed["signer_infos"][0]["signed_attrs"]
    if not isinstance(attrs, cms.CMSAttributes):
        return None

    for attr in attrs:
        if attr["type"].native == "signing_time" and len(attr["values"]) == 1:
            when = attr["values"][0].native
            return when if isinstance(when, datetime) else None

    return None


def _form(signed: cms.SignedData, stamped: bool) -> str:
    """CMS without ESS attributes; else CAdES-BES, -T, or -LT when the
    time-stamped signer carries revocation-values (EN 319 122-1, B-LT)."""
    if not _has_ess(signed):
        return "CMS"

    if not stamped:
        return "CAdES-BES"

    info = signed["signer_infos"][0]
    return "CAdES-LT" if revocation_values(info) else "CAdES-T"


def _has_ess(signed: cms.SignedData) -> bool:
    """Whether the SignerInfo signs an ESS signing-certificate(-v2): CAdES."""
    attrs = signed["signer_infos"][0]["signed_attrs"]
    names = (
        {a["type"].native for a in attrs}
        if isinstance(attrs, cms.CMSAttributes)
        else set()
    )
    return bool(names & {"signing_certificate", "signing_certificate_v2"})


def _check_status(status: object, report: Report) -> None:
    intact = bool(getattr(status, "intact", False))
    valid = bool(getattr(status, "valid", False))
    if intact:
        report.passed("message-digest", "the file matches the CMS digest")
    else:
        report.failed(
            "message-digest",
            "the file does not match the CMS digest",
            Stage.CV,
            SubIndication.HASH_FAILURE,
        )

    if valid:
        report.passed("signature-value", "the signature value verifies")
    elif intact:
        report.failed(
            "signature-value",
            "the signature value does not verify",
            Stage.CV,
            SubIndication.SIG_CRYPTO_FAILURE,
        )

    problem = getattr(status, "trust_problem_indic", None)
    path = getattr(status, "validation_path", None)
    if valid and problem is None and path is not None:
        report.passed("certificate-path", "path to a trust anchor validated")
    elif valid:
        name = getattr(problem, "name", "")
        sub = SubIndication.__members__.get(
            name, SubIndication.NO_CERTIFICATE_CHAIN_FOUND
        )
        report.failed(
            "certificate-path", "no valid path to a trust anchor", Stage.XCV, sub
        )


def _timestamp_time(status: object, report: Report) -> datetime | None:
    tst = getattr(status, "timestamp_validity", None)
    if tst is None:
        return None

    moment = getattr(tst, "timestamp", None)
    if tst.intact and tst.valid and tst.trusted and isinstance(moment, datetime):
        report.passed("signature-timestamp", f"time-stamped at {moment.isoformat()}")
        return moment

    report.not_used(
        "signature-timestamp",
        "the time-stamp does not verify or its TSA is not trusted",
    )
    return None


def _covered(job: _Job) -> SignedObject:
    """What one signer covers: the named file, or the CMS's own content."""
    digest = hashlib.sha256(job.payload).hexdigest()
    if job.attached:
        # Attached CMS carries no file name: it covers the content inside it.
        return SignedObject("", "encapsulated", None, digest)

    return SignedObject(job.name, "external", None, digest)


def _result(
    report: Report,
    signer: object,
    signing_time: datetime | None,
    covered: SignedObject,
    stamped: datetime | None,
    chain: tuple,  # type: ignore[type-arg]
    form: str = "CMS",
) -> SignatureResult:
    indication, sub = report.verdict()
    return SignatureResult(
        signature_id=None,
        indication=indication,
        subindication=sub,
        form=form,
        signer=signer,  # type: ignore[arg-type]
        signing_time=signing_time,
        covered=(covered,),
        checks=tuple(report.checks),
        timestamp_time=stamped,
        chain=chain,
    )
