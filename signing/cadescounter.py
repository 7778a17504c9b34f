"""Counter-signatures inside CMS / CAdES (RFC 5652 11.4, EN 319 122-1 5.2.7).

A counter-signature is a SignerInfo held in the ``countersignature``
unsigned attribute of the SignerInfo it counter-signs (its parent); it
signs the parent's signature value: its ``messageDigest`` attribute is the
hash of the parent's ``signature`` octets (or, with no signed attributes,
its signature is over those octets themselves).  It may carry
counter-signatures of its own.

pyHanko validates none of this, and its integrity check insists on a
content-type attribute that a counter-signature must not carry, so the
checks are made here: the signer's certificate among the CMS's
certificates (by issuer and serial or key identifier), the message digest,
the signature value (pyHanko's signature primitives), the algorithm
policy, the key usage and the path to an anchor (:mod:`signing.trust`,
as for XAdES).  Each is reported as its own
:class:`~signing.result.SignatureResult` with ``counter_signature_of``.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from asn1crypto import cms, core
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from pyhanko_certvalidator.sig_validate import SignatureValidationContext

from signing.certs import CertFacts
from signing.errors import NotCMSError
from signing.kinds import name_kind
from signing.pdfcrypto import PlainEcdsaValidator
from signing.policy import ValidationPolicy
from signing.result import SignatureResult, SignedObject, SubIndication
from signing.revocation import RevocationCheck
from signing.sigchecks import Report, Stage
from signing.trust import validate_path

MAX_DEPTH = 4
"""How deep counter-signatures of counter-signatures are followed."""

_ESS = {"signing_certificate", "signing_certificate_v2"}
_BROKEN = (ValueError, KeyError, TypeError, NotImplementedError, OverflowError)


def counter_signatures(
    parent: cms.SignerInfo,
    parent_id: str,
    certificates: list[asn1_x509.Certificate],
    policy: ValidationPolicy,
    moment: datetime,
    revocation: RevocationCheck | None = None,
) -> list[SignatureResult]:
    """Validate every counter-signature of ``parent``, nested ones after it;
    ``revocation`` is the data for the counter-signers' paths (never fetched).

    At most ``policy.max_signatures`` are checked, ``MAX_DEPTH`` deep: more
    is refused with :class:`~signing.errors.NotCMSError`."""
    found: list[SignatureResult] = []
    pending = [(parent, parent_id, 1)]
    while pending:
        info, info_id, depth = pending.pop(0)
        value = bytes(info["signature"].native)
        for number, counter in enumerate(_countersigner_infos(info), start=1):
            if depth > MAX_DEPTH or len(found) >= policy.max_signatures:
                raise NotCMSError("the CMS carries too many counter-signatures")

            own_id = f"{info_id}-counter-{number}"
            where = (own_id, info_id, moment)
            found.append(
                _check(counter, value, where, certificates, policy, revocation)
            )
            pending.append((counter, own_id, depth + 1))

    return found


def has_counter_signatures(info: cms.SignerInfo) -> bool:
    """Tell whether a SignerInfo carries a countersignature attribute."""
    return bool(_countersigner_infos(info))


def _countersigner_infos(info: cms.SignerInfo) -> list[cms.SignerInfo]:
    attrs = info["unsigned_attrs"]
    if not isinstance(attrs, cms.CMSAttributes):
        return []

    return [
        value
        for attr in attrs
        if attr["type"].native == "counter_signature"
        for value in attr["values"]
    ]


def _check(
    info: cms.SignerInfo,
    parent_value: bytes,
    where: tuple[str, str, datetime],
    certificates: list[asn1_x509.Certificate],
    policy: ValidationPolicy,
    revocation: RevocationCheck | None = None,
) -> SignatureResult:
    """Check one counter-signature; ``where`` is (own id, parent id, time)."""
    report = Report()
    chain: tuple[x509.Certificate, ...] = ()
    cert = _signer_cert(info, certificates)
    facts = None if cert is None else policy.certs.from_der(cert.dump())
    signed_attrs = info["signed_attrs"]
    attrs = _attrs(signed_attrs)
    _check_digest(info, attrs, parent_value, report)
    if cert is None or facts is None:
        report.failed(
            "signing-certificate",
            "the counter-signer's certificate is not in the CMS",
            Stage.ISC,
            SubIndication.NO_SIGNING_CERTIFICATE_FOUND,
        )
    else:
        report.passed("signing-certificate", "the CMS carries the certificate")
        _check_value(info, cert, parent_value, report)
        _check_algorithms(info, facts, policy, report)
        at = where[2]
        chain = _check_path(facts, certificates, policy, (at, revocation), report)

    digest = hashlib.sha256(parent_value).hexdigest()
    parent = SignedObject(where[1], "signature-part", None, digest)
    result = _result(where[0], parent, facts, attrs, report, chain)
    return name_kind(result, policy.kinds)


def _signer_cert(
    info: cms.SignerInfo, certificates: list[asn1_x509.Certificate]
) -> asn1_x509.Certificate | None:
    sid = info["sid"]
    for cert in certificates:
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if (
                cert.serial_number == wanted["serial_number"].native
                and cert.issuer == wanted["issuer"]
            ):
                return cert
        elif cert.key_identifier == sid.chosen.native:
            return cert

    return None


def _attrs(signed_attrs: object) -> dict[str, object]:
    if not isinstance(signed_attrs, cms.CMSAttributes):
        return {}

    return {a["type"].native: a["values"][0] for a in signed_attrs if a["values"]}


def _check_digest(
    info: cms.SignerInfo,
    attrs: dict[str, object],
    parent_value: bytes,
    report: Report,
) -> None:
    """The messageDigest must be the hash of the parent's signature value."""
    if info["signed_attrs"] is core.VOID:
        return  # the signature value itself is then checked over the octets

    digest = attrs.get("message_digest")
    md = info["digest_algorithm"]["algorithm"].native
    try:
        expected = hashlib.new(md, parent_value).digest()
    except (ValueError, TypeError):
        expected = b""

    if isinstance(digest, core.OctetString) and hmac.compare_digest(
        expected, digest.native
    ):
        report.passed("countersigned-value", "covers the parent's signature value")
        return

    report.failed(
        "countersigned-value",
        "does not cover the parent's signature value",
        Stage.CV,
        SubIndication.HASH_FAILURE,
    )


def _check_value(
    info: cms.SignerInfo,
    cert: asn1_x509.Certificate,
    parent_value: bytes,
    report: Report,
) -> None:
    signed_attrs = info["signed_attrs"]
    data = parent_value if signed_attrs is core.VOID else signed_attrs.untag().dump()
    md = info["digest_algorithm"]["algorithm"].native
    context = SignatureValidationContext(contextual_md_algorithm=md, prehashed=False)
    try:
        PlainEcdsaValidator().validate_signature(
            info["signature"].native,
            data,
            cert.public_key,
            info["signature_algorithm"],
            context,
        )
    except InvalidSignature:
        report.failed(
            "signature-value",
            "the counter-signature value does not verify",
            Stage.CV,
            SubIndication.SIG_CRYPTO_FAILURE,
        )
        return
    except _BROKEN:
        report.failed(
            "signature-value",
            "the counter-signature's algorithm is not supported",
            Stage.CV,
            SubIndication.CRYPTO_CONSTRAINTS_FAILURE,
        )
        return

    report.passed("signature-value", "the counter-signature value verifies")


def _check_algorithms(
    info: cms.SignerInfo, facts: CertFacts, policy: ValidationPolicy, report: Report
) -> None:
    """Apply the algorithm policy (no proof of existence: at validation time)."""
    rules = policy.algorithms
    md = info["digest_algorithm"]["algorithm"].native
    problems = [f"digest {md} refused"] if rules.digest_refused(md) else []
    key = facts.public_key
    if isinstance(key, rsa.RSAPublicKey) and rules.key_refused("rsa", key.key_size):
        problems.append(f"RSA key of {key.key_size} bits refused")
    elif isinstance(key, ec.EllipticCurvePublicKey) and rules.key_refused(
        "ec", key.curve.key_size
    ):
        problems.append(f"EC key of {key.curve.key_size} bits refused")

    if problems:
        report.failed(
            "algorithm-policy",
            "; ".join(problems),
            Stage.SAV,
            SubIndication.CRYPTO_CONSTRAINTS_FAILURE,
        )
    else:
        report.passed("algorithm-policy", "algorithms and key size acceptable")


def _check_path(
    facts: CertFacts,
    certificates: list[asn1_x509.Certificate],
    policy: ValidationPolicy,
    when: tuple[datetime, RevocationCheck | None],
    report: Report,
) -> tuple[x509.Certificate, ...]:
    """Validate the path at a moment with revocation data (XCV); return it,
    signer first."""
    moment, revocation = when
    others = [policy.certs.from_der(c.dump()) for c in certificates]
    others += [policy.certs.of(c) for c in policy.intermediates]
    known = [c for c in others if c is not None]
    path = validate_path(
        facts, known, policy.trust, moment, policy.cache, policy.certs, revocation
    )
    if path.subindication is None:
        report.passed("certificate-path", path.detail)
        if path.revocation is not None and path.revocation_checked:
            report.passed("revocation", path.revocation)
        elif path.revocation is not None:
            report.not_used("revocation", f"not checked: {path.revocation}")
    else:
        report.failed("certificate-path", path.detail, Stage.XCV, path.subindication)

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

    return path.chain or (facts.cert,)


def _result(
    own_id: str,
    parent: SignedObject,
    facts: CertFacts | None,
    attrs: dict[str, object],
    report: Report,
    chain: tuple[x509.Certificate, ...],
) -> SignatureResult:
    indication, sub = report.verdict()
    when = attrs.get("signing_time")
    signing_time = when.native if isinstance(when, cms.Time) else None
    return SignatureResult(
        signature_id=own_id,
        indication=indication,
        subindication=sub,
        form="CAdES-BES" if _ESS & attrs.keys() else "CMS",
        signer=None if facts is None else facts.signer,
        signing_time=signing_time,
        covered=(parent,),
        checks=tuple(report.checks),
        counter_signature_of=parent.uri,
        chain=chain,
    )
