"""Checks of one PDF signature or document time-stamp (EN 319 102-1, 5.2).

Each signature goes through the building blocks of EN 319 102-1 in order and
every check is listed: format checking (``byte-range``, ``modifications``,
``pades-profile``), identification of the signing certificate
(``signing-certificate``), cryptographic verification (``message-digest``,
``signature-value``, ``algorithms``), X.509 validation
(``certificate-path``, ``key-usage``) and, for B-T, the signature
time-stamp (``signature-timestamp``).  pyHanko does the CMS work and the
path building with the policy's shared validation context.

Why a CMS labelled ``ETSI.CAdES.detached`` without an ESS
signing-certificate(-v2) attribute is TOTAL_FAILED / FORMAT_FAILURE and not
INDETERMINATE: the ``/SubFilter`` claims a PAdES signature, and EN 319 142-1
(clause 6.3, via EN 319 122-1 clause 5.2.2) requires that attribute in every
PAdES baseline signature; EN 319 102-1 clause 5.2.2 makes a signature that
does not conform to its claimed format fail format checking with
FORMAT_FAILURE.  INDETERMINATE would say that more data could settle it, but
no data added later can put a signed attribute into the CMS.  The form then
reads "CMS labelled ETSI.CAdES.detached, not PAdES".
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from asn1crypto import cms
from cryptography import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESSubIndic
from pyhanko.sign.validation.generic_cms import get_signing_cert_attr
from pyhanko.sign.validation.pdf_embedded import (
    EmbeddedPdfSignature,
    async_validate_pdf_signature,
    async_validate_pdf_timestamp,
)
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureStatus
from pyhanko_certvalidator import ValidationContext

from signing.cmsalgorithms import cms_algorithms
from signing.pdfgeometry import (
    bytes_after_last_revision,
    check_byte_range,
)
from signing.pdfmodifications import Modifications, analyse
from signing.pdfsigner import SignerFacts, signer_facts
from signing.policy import ValidationPolicy
from signing.result import SignatureResult, SignedObject, SubIndication
from signing.sigchecks import Report, Stage

log = logging.getLogger(__name__)

NOT_PADES = "CMS labelled ETSI.CAdES.detached, not PAdES"
"""The form of a CMS that claims PAdES but lacks the signing certificate."""

_ANY_USAGE = KeyUsageConstraints(key_usage=set())  # ours is checked below


async def check_pdf_signature(
    sig: EmbeddedPdfSignature,
    data: bytes,
    reader: PdfFileReader,
    context: ValidationContext,
    policy: ValidationPolicy,
    proven_at: datetime | None = None,
) -> SignatureResult:
    """Validate one ``/Sig`` signature and report every check; algorithms
    are judged at ``proven_at``, a proof of existence, when one is given."""
    report = Report()
    _check_format(sig, data, reader, report)
    form = _form_of(sig, report)
    signer = _signer_of(sig, policy, report)
    status = await async_validate_pdf_signature(
        sig,
        signer_validation_context=context,
        skip_diff=True,
        key_usage_settings=_ANY_USAGE,
        algorithm_policy=cms_algorithms(policy.algorithms, proven_at),
    )
    _check_crypto(status, report)
    if signer is not None:
        _check_trust(status, signer, policy, report)

    _check_timestamp(status.timestamp_validity, report)
    result = _result(sig, report, form, signer, status.signer_reported_dt)
    stamped = _proven_time(status.timestamp_validity)
    return replace(result, chain=_chain(status, signer, policy), timestamp_time=stamped)


def _proven_time(tst: SignatureStatus | None) -> datetime | None:
    """The signature time-stamp's time, when it verifies from a trusted TSA."""
    moment = getattr(tst, "timestamp", None)
    if tst is None or not (tst.intact and tst.valid and tst.trusted):
        return None

    return moment if isinstance(moment, datetime) else None


def _chain(
    status: SignatureStatus, signer: SignerFacts | None, policy: ValidationPolicy
) -> tuple[x509.Certificate, ...]:
    """The signer's certificate and its validated path (signer first)."""
    path = [] if status.validation_path is None else list(status.validation_path)
    loaded = (policy.certs.from_der(c.dump()) for c in reversed(path))
    chain = tuple(f.cert for f in loaded if f is not None)
    if chain or signer is None:
        return chain

    own = policy.certs.from_der(signer.der)
    return () if own is None else (own.cert,)


async def check_doc_timestamp(
    sig: EmbeddedPdfSignature,
    data: bytes,
    reader: PdfFileReader,
    context: ValidationContext,
    policy: ValidationPolicy,
) -> SignatureResult:
    """Validate one document time-stamp (``/DocTimeStamp``)."""
    report = Report()
    _check_format(sig, data, reader, report)
    signer = _signer_of(sig, policy, report)
    status = await async_validate_pdf_timestamp(
        sig, validation_context=context, skip_diff=True
    )
    _check_crypto(status, report)
    if signer is not None:
        _check_trust(status, signer, policy, report)

    return _result(sig, report, "PDF-TS", signer, status.timestamp)


def _check_format(
    sig: EmbeddedPdfSignature, data: bytes, reader: PdfFileReader, report: Report
) -> None:
    contents = bytes(sig.sig_object.raw_get("/Contents"))
    geometry = check_byte_range(data, list(sig.byte_range), contents)
    if geometry.passed:
        report.passed("byte-range", geometry.detail)
    else:
        report.failed(
            "byte-range", geometry.detail, Stage.FORMAT, SubIndication.FORMAT_FAILURE
        )

    changes = analyse(sig, reader)
    if changes.passed and bytes_after_last_revision(data):
        changes = Modifications(False, "bytes follow the last revision")

    if changes.passed:
        report.passed("modifications", changes.detail)
    else:
        report.failed(
            "modifications", changes.detail, Stage.FORMAT, SubIndication.FORMAT_FAILURE
        )


def _form_of(sig: EmbeddedPdfSignature, report: Report) -> str:
    """Name the form; fail ``pades-profile`` for a PAdES claim without basis."""
    subfilter = str(sig.sig_object.get("/SubFilter", ""))
    if subfilter != "/ETSI.CAdES.detached":
        return f"CMS ({subfilter.lstrip('/')})"

    if get_signing_cert_attr(sig.signer_info["signed_attrs"]) is None:
        report.failed(
            "pades-profile",
            "no signing-certificate attribute, which PAdES requires",
            Stage.FORMAT,
            SubIndication.FORMAT_FAILURE,
        )
        return NOT_PADES

    report.passed("pades-profile", "signing-certificate attribute present")
    return "PAdES-B-T" if _has_signature_timestamp(sig) else "PAdES-B-B"


def _has_signature_timestamp(sig: EmbeddedPdfSignature) -> bool:
    unsigned = sig.signer_info["unsigned_attrs"]
    if not isinstance(unsigned, cms.CMSAttributes):
        return False

    return any(attr["type"].native == "signature_time_stamp_token" for attr in unsigned)


def _signer_of(
    sig: EmbeddedPdfSignature, policy: ValidationPolicy, report: Report
) -> SignerFacts | None:
    try:
        facts: SignerFacts | None = signer_facts(sig.signer_cert, policy)
    except (ValueError, KeyError, TypeError) as exc:
        log.info("signing certificate not found: %s", type(exc).__name__)
        facts = None

    if facts is None:
        report.failed(
            "signing-certificate",
            "the signing certificate is not in the CMS",
            Stage.ISC,
            SubIndication.NO_SIGNING_CERTIFICATE_FOUND,
        )
        return None

    report.passed("signing-certificate", "the CMS carries the signer's certificate")
    return facts


def _check_crypto(status: SignatureStatus, report: Report) -> None:
    if status.intact:
        report.passed("message-digest", "the signed bytes match the CMS digest")
    else:
        report.failed(
            "message-digest",
            "the signed bytes do not match the CMS digest",
            Stage.CV,
            SubIndication.HASH_FAILURE,
        )

    if status.valid:
        report.passed("signature-value", "the signature value verifies")
    elif status.intact:
        report.failed(
            "signature-value",
            "the signature value does not verify",
            Stage.CV,
            SubIndication.SIG_CRYPTO_FAILURE,
        )

    if (
        _subindication(status.trust_problem_indic)
        is (SubIndication.CRYPTO_CONSTRAINTS_FAILURE)
        and status.validation_path is None
    ):
        report.failed(
            "algorithms",
            "the signature uses an algorithm or key size the policy refuses",
            Stage.SAV,
            SubIndication.CRYPTO_CONSTRAINTS_FAILURE,
        )


def _check_trust(
    status: SignatureStatus,
    signer: SignerFacts,
    policy: ValidationPolicy,
    report: Report,
) -> None:
    sub = _subindication(status.trust_problem_indic)
    if sub is SubIndication.CHAIN_CONSTRAINTS_FAILURE and _untrusted_self_signed(
        signer, policy
    ):
        # pyHanko calls a self-signed non-anchor a constraints failure; it
        # simply has no chain to an anchor (as trust.py reports for XAdES).
        sub = SubIndication.NO_CERTIFICATE_CHAIN_FOUND

    if status.valid and sub is None and status.validation_path is not None:
        report.passed("certificate-path", "path to a trust anchor validated")
    elif status.valid and sub is not SubIndication.CRYPTO_CONSTRAINTS_FAILURE:
        report.failed(
            "certificate-path",
            _path_detail(sub),
            Stage.XCV,
            sub or SubIndication.CERTIFICATE_CHAIN_GENERAL_FAILURE,
        )

    usage = signer.key_usage
    if usage is None or usage & {"digital_signature", "non_repudiation"}:
        report.passed("key-usage", "nonRepudiation or digitalSignature set")
    else:
        report.failed(
            "key-usage",
            "neither nonRepudiation nor digitalSignature is set",
            Stage.XCV,
            SubIndication.CHAIN_CONSTRAINTS_FAILURE,
        )


def _untrusted_self_signed(signer: SignerFacts, policy: ValidationPolicy) -> bool:
    anchors = {policy.certs.of(c).der for c in policy.trust.certificates}
    return signer.self_signed and signer.der not in anchors


_PATH_DETAILS = {
    SubIndication.NO_CERTIFICATE_CHAIN_FOUND: "no path to a trust anchor was found",
    SubIndication.OUT_OF_BOUNDS_NO_POE: "a certificate of the path had expired",
    SubIndication.NOT_YET_VALID: "a certificate of the path was not yet valid",
    SubIndication.REVOKED_NO_POE: "a certificate of the path is revoked",
}


def _path_detail(sub: SubIndication | None) -> str:
    if sub is None:
        return "the certificate path is not valid"

    return _PATH_DETAILS.get(sub, "the certificate path is not valid")


def _check_timestamp(tst: SignatureStatus | None, report: Report) -> None:
    """Report the signature time-stamp; its failure does not fail B-B."""
    if tst is None:
        return

    moment = getattr(tst, "timestamp", None)
    when = moment.isoformat() if isinstance(moment, datetime) else "unknown"
    if not (tst.intact and tst.valid):
        report.not_used("signature-timestamp", "the time-stamp token does not verify")
    elif tst.trusted:
        report.passed("signature-timestamp", f"time-stamped at {when}, trusted TSA")
    else:
        report.not_used(
            "signature-timestamp", f"time-stamped at {when}, TSA not trusted"
        )


def _subindication(indic: AdESSubIndic | None) -> SubIndication | None:
    if indic is None:
        return None

    name = getattr(indic, "name", "")
    return SubIndication.__members__.get(name, SubIndication.GENERIC)


def _covered_sha256(sig: EmbeddedPdfSignature) -> str | None:
    """SHA-256 of the ByteRange bytes (pyHanko's cached digest when SHA-256)."""
    try:
        digest: bytes = sig.compute_digest("sha256")
    except (ValueError, OSError):
        return None

    return digest.hex()


def _result(
    sig: EmbeddedPdfSignature,
    report: Report,
    form: str,
    signer: SignerFacts | None,
    signing_time: datetime | None,
) -> SignatureResult:
    indication, sub = report.verdict()
    revision = SignedObject(
        uri=f"revision:{sig.signed_revision + 1}",
        kind="document",
        digest_sha256=_covered_sha256(sig),
    )
    return SignatureResult(
        signature_id=str(sig.field_name),
        indication=indication,
        subindication=sub,
        form=form,
        signer=None if signer is None else signer.signer,
        signing_time=signing_time,
        covered=(revision,),
        checks=tuple(report.checks),
    )
