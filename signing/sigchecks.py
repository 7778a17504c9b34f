"""The checks on one signature, as EN 319 102-1 building blocks.

Stages run in the order of clause 5.3: format, identification of the signing
certificate (ISC), cryptographic verification (CV), X.509 validation (XCV)
and signature acceptance (SAV).  The :class:`Report` collects every check and
settles the indication: the earliest stage with a failure decides, and within
a stage a TOTAL_FAILED outweighs an INDETERMINATE.

A XAdES signature time-stamp (EN 319 132-1 clause 5.3) that validates makes
the form XAdES-T, and its genTime is the proof of existence used when the
signing certificate has expired since (EN 319 102-1 clause 5.5). One that
does not validate is listed as a failed check and not used: the signature is
then judged as if it had none. Archive time-stamps (B-LTA), content
time-stamps and revocation are in :mod:`signing.ltvchecks` and
:mod:`signing.contentstamp`; the form reads XAdES-LT when CertificateValues
and RevocationValues are present, XAdES-LTA with a verified archive
time-stamp.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass, field
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from lxml import etree

from signing import algorithms as alg
from signing import xades
from signing.certs import CertCache, CertFacts, unique_facts
from signing.contentstamp import check_content_timestamps
from signing.epes import IMPLIED, MATCHED, NOT_AVAILABLE, read_policy
from signing.ltv import has_long_term_values
from signing.ltvchecks import (
    check_archive,
    judge_path,
    revocation_for,
    tsa_revocation,
)
from signing.policy import ValidationPolicy
from signing.result import (
    Check,
    Indication,
    SignaturePolicy,
    SignedObject,
    Signer,
    SubIndication,
)
from signing.revocation import RevocationCheck
from signing.sigtimestamp import SignatureTimestampError, check_signature_timestamp
from signing.trust import PathOutcome
from signing.xmldsig import (
    DS,
    Document,
    ReferenceOutcome,
    SignatureFormatError,
    SignatureParts,
    check_reference,
    read_signature,
    verify_signature_value,
)

log = logging.getLogger(__name__)


class Stage(enum.IntEnum):
    """The building blocks, in the order they decide the indication."""

    FORMAT = 0
    ISC = 1
    CV = 2
    XCV = 3
    SAV = 4


@dataclass
class Report:
    """Checks made on one signature and the failures among them."""

    checks: list[Check] = field(default_factory=list)
    failures: list[tuple[Stage, Indication, SubIndication]] = field(
        default_factory=list
    )

    def passed(self, name: str, detail: str) -> None:
        """Record a check that passed."""
        self.checks.append(Check(name, True, detail))

    def failed(self, name: str, detail: str, stage: Stage, sub: SubIndication) -> None:
        """Record a failed check and the indication it implies."""
        self.checks.append(Check(name, False, detail))
        self.failures.append((stage, _indication_of(sub), sub))

    def not_used(self, name: str, detail: str) -> None:
        """Record a failed check of something the verdict then does without."""
        self.checks.append(Check(name, False, detail))

    def verdict(self) -> tuple[Indication, SubIndication | None]:
        """Return the indication: the earliest stage's worst failure."""
        if not self.failures:
            return Indication.TOTAL_PASSED, None

        stage = min(f[0] for f in self.failures)
        in_stage = [f for f in self.failures if f[0] == stage]
        for wanted in (Indication.TOTAL_FAILED, Indication.INDETERMINATE):
            for _, indication, sub in in_stage:
                if indication is wanted:
                    return indication, sub

        return in_stage[0][1], in_stage[0][2]


_FAILED = frozenset(
    {
        SubIndication.FORMAT_FAILURE,
        SubIndication.HASH_FAILURE,
        SubIndication.SIG_CRYPTO_FAILURE,
        SubIndication.REVOKED,
    }
)


def _indication_of(sub: SubIndication) -> Indication:
    """Return the main indication a sub-indication belongs to."""
    if sub in _FAILED:
        return Indication.TOTAL_FAILED

    return Indication.INDETERMINATE


@dataclass(frozen=True)
class Outcome:
    """The facts about a signature besides its checks."""

    signature_id: str | None
    form: str = "XMLDSig"
    signer: Signer | None = None
    signing_time: datetime | None = None
    covered: tuple[SignedObject, ...] = ()
    counter_signature_of: str | None = None
    timestamp_time: datetime | None = None
    policy: SignaturePolicy | None = None
    chain: tuple[x509.Certificate, ...] = ()


def check_signature(
    sig: etree._Element,
    doc: Document,
    policy: ValidationPolicy,
    moment: datetime,
    report: Report,
    proven_at: datetime | None = None,
) -> Outcome:
    """Run every check on one ds:Signature, recording them in ``report``;
    ``proven_at`` is a proof of existence from outside the signature."""
    base = Outcome(sig.get("Id"), counter_signature_of=_countered_id(sig))
    try:
        parts = read_signature(sig, policy.certs)
    except SignatureFormatError as exc:
        report.failed("structure", str(exc), Stage.FORMAT, _FORMAT)
        return base

    report.passed("structure", "ds:Signature is well formed")
    qualifying = _read_qualifying(sig, policy, report)
    refs = [check_reference(r, sig, doc) for r in parts.references]
    _report_references(refs, policy, report)
    _check_countersigned(sig, refs, report)
    signing_time = _check_qualifying(qualifying, refs, report)
    signer = _identify_signer(parts, qualifying, refs, policy, report)
    named_policy = _check_policy(qualifying, policy, report)
    stamped_at = archived_at = made_after = None
    chain: tuple[x509.Certificate, ...] = ()
    if signer is not None:
        _check_signature_value(parts, signer, report)
        intermediates = [policy.certs.of(c) for c in policy.intermediates]
        others = list(parts.certificates) + intermediates
        if qualifying is not None:
            others += qualifying.extra_certificates
            stamps: list[Check] = []
            archived_at = check_archive(sig, refs, policy, moment, stamps)
            stamped_at = _check_timestamp(sig, policy, moment, report, archived_at)
            made_after = check_content_timestamps(
                qualifying.signed_properties, refs, policy.trust, moment, stamps
            )
            report.checks.extend(stamps)

        poe = _earliest(stamped_at, archived_at, proven_at)
        revocation = revocation_for(sig, signer, others, policy, moment)
        path = _check_certificate(
            signer, others, policy, moment, report, poe, revocation
        )
        chain = path.chain or (signer.cert,)
        _check_made_after_revocation(path, made_after, report)
        _check_algorithms(parts, signer, policy, report, poe)

    _check_reference_algorithms(
        refs, policy, report, _earliest(stamped_at, archived_at, proven_at)
    )

    return Outcome(
        signature_id=base.signature_id,
        form=_form(qualifying, stamped_at is not None, sig, archived_at),
        signer=None if signer is None else signer.signer,
        signing_time=signing_time,
        covered=tuple(r.covered for r in refs if r.covered is not None),
        counter_signature_of=base.counter_signature_of,
        timestamp_time=stamped_at,
        policy=named_policy,
        chain=chain,
    )


def _check_policy(
    qualifying: xades.Qualifying | None, policy: ValidationPolicy, report: Report
) -> SignaturePolicy | None:
    """Report the signature policy (EPES); a wrong policy digest is an error."""
    if qualifying is None or not qualifying.has_policy:
        return None

    named = read_policy(qualifying.signed_properties, policy.signature_policies)
    if named is None:
        return None

    detail = f"signature policy {named.identifier[:80]!r}: {named.status}"
    if named.status in (MATCHED, IMPLIED):
        report.passed("signature-policy", detail)
    elif named.status == NOT_AVAILABLE:
        report.not_used("signature-policy", detail + " (no copy held to check)")
    else:
        report.failed(
            "signature-policy",
            detail,
            Stage.SAV,
            SubIndication.POLICY_PROCESSING_ERROR,
        )

    return named


_FORMAT = SubIndication.FORMAT_FAILURE


def _countered_id(sig: etree._Element) -> str | None:
    """Return the Id of the signature this one counter-signs, if any."""
    parent = sig.getparent()
    tag = None if parent is None else parent.tag
    if not isinstance(tag, str) or tag.rpartition("}")[2] != "CounterSignature":
        return None

    for ancestor in sig.iterancestors(f"{{{DS}}}Signature"):
        return ancestor.get("Id") or ""

    return None


def _read_qualifying(
    sig: etree._Element, policy: ValidationPolicy, report: Report
) -> xades.Qualifying | None:
    """Read the QualifyingProperties, recording format failures."""
    try:
        qualifying = xades.read_qualifying(sig, policy.certs)
    except xades.XadesFormatError as exc:
        report.failed("qualifying-properties", str(exc), Stage.FORMAT, _FORMAT)
        return None

    if qualifying is not None:
        report.passed("qualifying-properties", qualifying.target_detail)

    return qualifying


_REFERENCE_FAILURES: dict[str, tuple[Stage, SubIndication]] = {
    "hash-failure": (Stage.CV, SubIndication.HASH_FAILURE),
    "not-found": (Stage.CV, SubIndication.SIGNED_DATA_NOT_FOUND),
    "unsupported": (Stage.CV, SubIndication.SIGNED_DATA_NOT_FOUND),
    "ambiguous": (Stage.FORMAT, SubIndication.FORMAT_FAILURE),
    "unknown-digest": (Stage.CV, SubIndication.CRYPTO_CONSTRAINTS_FAILURE),
}


def _report_references(
    refs: list[ReferenceOutcome], policy: ValidationPolicy, report: Report
) -> None:
    """Record the digest check of every reference and its algorithm."""
    for number, ref in enumerate(refs, start=1):
        detail = f"reference {number} ({_short_uri(ref.uri)}): {ref.detail}"
        if ref.intact:
            report.passed("reference-digest", detail)
        else:
            stage, sub = _REFERENCE_FAILURES[ref.status]
            report.failed("reference-digest", detail, stage, sub)


def _check_reference_algorithms(
    refs: list[ReferenceOutcome],
    policy: ValidationPolicy,
    report: Report,
    poe: datetime | None,
) -> None:
    """Apply the digest policy to every reference, for a signature that
    existed at ``poe`` (SAV)."""
    for number, ref in enumerate(refs, start=1):
        name = ref.digest_name
        if name is not None and policy.algorithms.digest_refused(name, poe):
            report.failed(
                "digest-algorithm",
                f"reference {number} uses {name}, refused by policy",
                Stage.SAV,
                SubIndication.CRYPTO_CONSTRAINTS_FAILURE,
            )


def _short_uri(uri: str | None) -> str:
    """Return a URI for a detail sentence, bounded."""
    if uri is None:
        return "no URI"

    return repr(uri[:80])


def _check_countersigned(
    sig: etree._Element, refs: list[ReferenceOutcome], report: Report
) -> None:
    """A counter-signature must cover its parent's SignatureValue."""
    if _countered_id(sig) is None:
        return

    parent = next(sig.iterancestors(f"{{{DS}}}Signature"))
    value = next(parent.iterchildren(f"{{{DS}}}SignatureValue"), None)
    if any(value is not None and r.intact and value in r.targets for r in refs):
        report.passed("countersigned-value", "covers the parent SignatureValue")
    else:
        report.failed(
            "countersigned-value",
            "no intact reference covers the parent SignatureValue",
            Stage.CV,
            SubIndication.HASH_FAILURE,
        )


def _check_qualifying(
    qualifying: xades.Qualifying | None,
    refs: list[ReferenceOutcome],
    report: Report,
) -> datetime | None:
    """Check that SignedProperties are signed; return the signing time."""
    if qualifying is None:
        return None

    signed = qualifying.signed_properties
    if signed is None:
        report.failed("signed-properties", "no SignedProperties", Stage.FORMAT, _FORMAT)
        return None

    if any(r.targets == (signed,) for r in refs):
        report.passed("signed-properties", "SignedProperties covered by a reference")
    else:
        report.failed(
            "signed-properties",
            "the SignedProperties of this signature are not covered by a reference",
            Stage.CV,
            SubIndication.SIGNED_DATA_NOT_FOUND,
        )

    return _check_signing_time(qualifying.signing_time_text, report)


def _check_signing_time(text: str | None, report: Report) -> datetime | None:
    """Parse SigningTime, recording a format failure if unreadable."""
    if text is None:
        return None

    moment = xades.parse_signing_time(text)
    if moment is None:
        report.failed(
            "signing-time", "SigningTime is not a date", Stage.FORMAT, _FORMAT
        )
    else:
        report.passed("signing-time", "SigningTime read")

    return moment


def _identify_signer(
    parts: SignatureParts,
    qualifying: xades.Qualifying | None,
    refs: list[ReferenceOutcome],
    policy: ValidationPolicy,
    report: Report,
) -> CertFacts | None:
    """Find the signing certificate (ISC), recording the outcome."""
    if qualifying is not None and qualifying.cert_refs is not None:
        pool = unique_facts(parts.certificates + qualifying.extra_certificates)
        return _by_signing_certificate(
            parts, qualifying.cert_refs, pool, policy.certs, report
        )

    if qualifying is not None and not _key_info_signed(parts, refs):
        report.failed(
            "signing-certificate",
            "XAdES without SigningCertificate and KeyInfo is not signed",
            Stage.ISC,
            SubIndication.NO_SIGNING_CERTIFICATE_FOUND,
        )
        return None

    return _by_key_info(parts, report)


def _key_info_signed(parts: SignatureParts, refs: list[ReferenceOutcome]) -> bool:
    """Tell whether a reference covers this signature's KeyInfo."""
    key_info = next(parts.element.iterchildren(f"{{{DS}}}KeyInfo"), None)
    return key_info is not None and any(
        r.intact and key_info in r.targets for r in refs
    )


def _by_signing_certificate(
    parts: SignatureParts,
    cert_refs: tuple[xades.CertRef, ...],
    pool: list[CertFacts],
    certs: CertCache,
    report: Report,
) -> CertFacts | None:
    """Pick the certificate SigningCertificate names by digest."""
    matched = [(r, c) for r in cert_refs for c in pool if xades.digest_matches(r, c)]
    if not matched:
        detail = "no certificate matches the SigningCertificate digest"
        if any(r.digest_name is None for r in cert_refs):
            detail = "SigningCertificate digest method is missing or unknown"

        report.failed(
            "signing-certificate",
            detail,
            Stage.ISC,
            SubIndication.NO_SIGNING_CERTIFICATE_FOUND,
        )
        _try_key_info(parts, report)
        return None

    ref, cert = matched[0]
    if len({id(c) for _, c in matched}) > 1:
        ref, cert = next(
            ((r, c) for r, c in matched if verify_signature_value(parts, c)),
            matched[0],
        )

    return _check_issuer_serial(ref, cert, certs, report)


def _check_issuer_serial(
    ref: xades.CertRef, cert: CertFacts, certs: CertCache, report: Report
) -> CertFacts | None:
    """Compare IssuerSerial with the certificate found by digest."""
    same = xades.issuer_serial_matches(ref, cert, certs)
    if same is False:
        report.failed(
            "signing-certificate",
            "digest matches but IssuerSerial names another certificate",
            Stage.ISC,
            SubIndication.NO_SIGNING_CERTIFICATE_FOUND,
        )
        return None

    report.passed("signing-certificate", "SigningCertificate digest matches")
    return cert


def _try_key_info(parts: SignatureParts, report: Report) -> None:
    """Tell, for the report only, whether a KeyInfo key verifies the value."""
    verified = any(verify_signature_value(parts, c) for c in parts.certificates)
    detail = "a KeyInfo certificate's key verifies SignatureValue (unidentified)"
    if not verified:
        detail = "no KeyInfo certificate's key verifies SignatureValue"

    report.checks.append(Check("signature-value", verified, detail))


def _by_key_info(parts: SignatureParts, report: Report) -> CertFacts | None:
    """Pick the KeyInfo certificate whose key verifies (plain XMLDSig)."""
    if not parts.certificates:
        report.failed(
            "signing-certificate",
            "no usable certificate in KeyInfo",
            Stage.ISC,
            SubIndication.NO_SIGNING_CERTIFICATE_FOUND,
        )
        return None

    for cert in parts.certificates:
        if verify_signature_value(parts, cert):
            report.passed("signing-certificate", "KeyInfo certificate verifies")
            return cert

    report.passed("signing-certificate", "first KeyInfo certificate taken")
    return parts.certificates[0]


def _check_signature_value(
    parts: SignatureParts, signer: CertFacts, report: Report
) -> None:
    """Verify SignatureValue with the signer's key (CV)."""
    if parts.signature_method not in alg.SIGNATURE_METHODS:
        report.failed(
            "signature-value",
            "unsupported signature method",
            Stage.CV,
            SubIndication.CRYPTO_CONSTRAINTS_FAILURE,
        )
    elif verify_signature_value(parts, signer):
        report.passed("signature-value", "SignatureValue verifies")
    else:
        report.failed(
            "signature-value",
            "SignatureValue does not verify",
            Stage.CV,
            SubIndication.SIG_CRYPTO_FAILURE,
        )


def _earliest(*moments: datetime | None) -> datetime | None:
    """Return the earliest of the given times, ``None`` if there is none."""
    known = [m for m in moments if m is not None]
    return min(known) if known else None


def _check_timestamp(
    sig: etree._Element,
    policy: ValidationPolicy,
    moment: datetime,
    report: Report,
    archived_at: datetime | None = None,
) -> datetime | None:
    """Check the signature time-stamp; return its genTime if it may be used.

    One that does not verify now is checked again at the archive
    time-stamp's time, which proves it existed then (B-LTA)."""
    tsa = tsa_revocation(sig, policy)
    try:
        stamp = check_signature_timestamp(sig, policy.trust, at=moment, revocation=tsa)
        if stamp is not None and not stamp.passed and archived_at is not None:
            stamp = check_signature_timestamp(
                sig, policy.trust, at=archived_at, revocation=tsa
            )
    except SignatureTimestampError as exc:
        report.not_used("signature-timestamp", f"not used: {exc}")
        return None

    if stamp is None:
        return None

    if not stamp.passed or stamp.gen_time is None:
        report.not_used("signature-timestamp", "not used: " + " ".join(stamp.problems))
        return None

    when = stamp.gen_time.isoformat()
    report.passed("signature-timestamp", f"time-stamped at {when} by {stamp.tsa_name}")
    return stamp.gen_time


def _check_certificate(
    signer: CertFacts,
    others: list[CertFacts],
    policy: ValidationPolicy,
    moment: datetime,
    report: Report,
    poe: datetime | None,
    revocation: RevocationCheck,
) -> PathOutcome:
    """Validate the path (XCV) and the signer's key usage."""
    path = judge_path(signer, others, policy, moment, poe, revocation)
    if path.subindication is None:
        report.passed("certificate-path", path.detail)
    else:
        report.failed("certificate-path", path.detail, Stage.XCV, path.subindication)

    if path.revocation_checked:
        report.passed("revocation", path.revocation or "revocation checked")
    elif path.revocation is not None:
        report.not_used("revocation", f"not checked: {path.revocation}")

    if _key_usage_allows_signing(signer):
        report.passed("key-usage", "nonRepudiation or digitalSignature set")
    else:
        report.failed(
            "key-usage",
            "neither nonRepudiation nor digitalSignature is set",
            Stage.XCV,
            SubIndication.CHAIN_CONSTRAINTS_FAILURE,
        )

    return path


def _check_made_after_revocation(
    path: PathOutcome, made_after: datetime | None, report: Report
) -> None:
    """A content time-stamp after the revocation proves the signature was
    made when the certificate was revoked: TOTAL_FAILED / REVOKED."""
    revoked_at = path.revoked_at
    if revoked_at is None or made_after is None or made_after <= revoked_at:
        return

    report.failed(
        "made-after-revocation",
        "a content time-stamp proves the signature was made after the revocation",
        Stage.XCV,
        SubIndication.REVOKED,
    )


def _key_usage_allows_signing(cert: CertFacts) -> bool:
    """Accept nonRepudiation alone (Polish QES) or digitalSignature."""
    usage = cert.key_usage
    if usage is None:
        return True

    return bool(usage & {"digital_signature", "non_repudiation"})


def _check_algorithms(
    parts: SignatureParts,
    signer: CertFacts,
    policy: ValidationPolicy,
    report: Report,
    poe: datetime | None = None,
) -> None:
    """Apply the algorithm policy to the signature method and key (SAV),
    for a signature existing at its proof of existence ``poe``."""
    rules = policy.algorithms
    method = alg.SIGNATURE_METHODS.get(parts.signature_method)
    problems = []
    if method is not None and rules.digest_refused(method.digest, poe):
        problems.append(f"signature digest {method.digest} refused")

    if method is not None and method.key_type == "rsa-pss" and not rules.allow_rsa_pss:
        problems.append("RSA-PSS refused")

    key = signer.public_key
    if isinstance(key, rsa.RSAPublicKey):
        if rules.key_refused("rsa", key.key_size, poe):
            problems.append(f"RSA key of {key.key_size} bits refused")
    elif isinstance(key, ec.EllipticCurvePublicKey):
        if rules.key_refused("ec", key.curve.key_size):
            problems.append(f"EC key of {key.curve.key_size} bits refused")
    elif not isinstance(key, rsa.RSAPublicKey):
        problems.append("key type refused")

    if problems:
        report.failed(
            "algorithm-policy",
            "; ".join(problems),
            Stage.SAV,
            SubIndication.CRYPTO_CONSTRAINTS_FAILURE,
        )
    else:
        report.passed("algorithm-policy", "algorithms and key size acceptable")


def _form(
    qualifying: xades.Qualifying | None,
    timestamped: bool = False,
    sig: etree._Element | None = None,
    archived_at: datetime | None = None,
) -> str:
    """Name the signature's form."""
    if qualifying is None:
        return "XMLDSig"

    if timestamped and archived_at is not None:
        return "XAdES-LTA"

    if timestamped and sig is not None and has_long_term_values(sig):
        return "XAdES-LT"

    if timestamped:
        return "XAdES-T"

    return "XAdES-EPES" if qualifying.has_policy else "XAdES-BES"
