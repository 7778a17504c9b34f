"""Revocation data of a CAdES / CMS signature and the contexts using it.

The same steps as PAdES (:mod:`signing.pdfrevocation`): what the CMS embeds
(SignedData ``crls``: CRLs and OCSP responses as OtherRevocationInfoFormat;
the signers' revocation-values and certificate-values, :mod:`signing.cadesvalues`),
then the operator's CRL folder, then, only when the policy allows it and
that data leaves the status open, what pyhanko-certvalidator fetches
(:mod:`signing.revocationfetch`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from pyhanko_certvalidator import ValidationContext

from signing.cadesvalues import certificate_values, revocation_values
from signing.certs import CertFacts
from signing.pdfcontext import build_context, shared_context
from signing.policy import ValidationPolicy
from signing.proofs import earliest
from signing.result import Indication, SignatureResult, SubIndication
from signing.revocation import RevocationCheck, RevocationData, context_options
from signing.revocationfetch import fetched_unless_settled
from signing.revocationoutcome import MISSING_DATA, noted, settle_missing
from signing.trust import validate_path

_OCSP_FORMATS = {"ocsp_response", "1.3.6.1.5.5.7.16.2"}


def embedded_revocation(signed: cms.SignedData) -> RevocationData:
    """Return the CRLs and OCSP responses in SignedData's ``crls`` field and
    in its signers' revocation-values."""
    crls: list[bytes] = []
    ocsps: list[bytes] = []
    for choice in signed["crls"] or ():
        if choice.name == "crl":
            crls.append(choice.chosen.dump())
        elif choice.name == "other":
            other = choice.chosen
            if other["other_rev_info_format"].native in _OCSP_FORMATS:
                ocsps.append(other["other_rev_info"].dump())

    data = RevocationData(tuple(crls), tuple(ocsps), ("embedded",))
    for info in signed["signer_infos"]:
        data = data.merged(revocation_values(info))

    return data if data else RevocationData()


def cms_certs(signed: cms.SignedData) -> list[asn1_x509.Certificate]:
    """The certificates the CMS carries, its signers' certificate-values too."""
    certs = [c.chosen for c in signed["certificates"] or () if c.name == "certificate"]
    for info in signed["signer_infos"]:
        certs += certificate_values(info)

    return certs


def signer_cert(signed: cms.SignedData) -> asn1_x509.Certificate | None:
    """The certificate the first SignerInfo's ``sid`` names, if carried."""
    sid = signed["signer_infos"][0]["sid"]
    for cert in cms_certs(signed):
        if sid.name == "subject_key_identifier":
            if cert.key_identifier == sid.chosen.native:
                return cert
        elif (
            cert.issuer == sid.chosen["issuer"]
            and cert.serial_number == sid.chosen["serial_number"].native
        ):
            return cert

    return None


async def revocation_of(
    signed: cms.SignedData, policy: ValidationPolicy, moment: datetime
) -> RevocationCheck | None:
    """Gather one signer's revocation data, fetching only what the data at
    hand leaves open at ``moment``; ``None`` when there is none to be had
    (no data, nothing supplied, no fetching, soft fail)."""
    rules = policy.revocation
    data = embedded_revocation(signed).merged(rules.supplied)
    signer = signer_cert(signed)
    if rules.fetch and signer is not None:
        others = cms_certs(signed)
        fetched = await fetched_unless_settled(signer, others, data, policy, moment)
        data = data.merged(fetched)

    if not data and not rules.checks_anything and rules.soft_fail:
        return None

    return RevocationCheck(rules, data)


def context_for(
    check: RevocationCheck,
    signed: cms.SignedData,
    policy: ValidationPolicy,
    moment: datetime,
    strict: bool,
) -> ValidationContext:
    """Build a context holding one signer's revocation data."""
    options = context_options(check, strict)
    return build_context(policy, moment, options, cms_certs(signed))


async def revocation_time(
    signed: cms.SignedData,
    check: RevocationCheck,
    policy: ValidationPolicy,
    moment: datetime,
) -> datetime | None:
    """Return when the signer's path was revoked, per the revocation data."""
    cert = signer_cert(signed)
    signer = None if cert is None else policy.certs.from_der(cert.dump())
    if signer is None:
        return None

    others = [policy.certs.from_der(c.dump()) for c in cms_certs(signed)]
    others += [policy.certs.of(c) for c in policy.intermediates]
    candidates: list[CertFacts] = [c for c in others if c is not None]
    # validate_path runs its own event loop: off this one, in a thread.
    outcome = await asyncio.to_thread(
        validate_path,
        signer,
        candidates,
        policy.trust,
        moment,
        policy.cache,
        policy.certs,
        check,
    )
    return outcome.revoked_at


Judge = Callable[[ValidationContext], Awaitable[SignatureResult]]
"""Runs every check on the signer with the given context."""


async def judged_with_revocation(
    signed: cms.SignedData,
    policy: ValidationPolicy,
    moment: datetime,
    judge: Judge,
    proven_at: datetime | None = None,
) -> SignatureResult:
    """Validate with the signer's revocation data: strictly, then (when data
    is missing) tolerantly, and a revoked signer again at its time-stamp."""
    check = await revocation_of(signed, policy, moment)
    if check is None:
        plain = await judge(shared_context(policy, moment))
        return noted(plain, False, "not checked: no revocation data was given")

    result = await _strict_run(check, signed, policy, moment, judge)

    async def tolerant_run(data: RevocationCheck) -> SignatureResult:
        return await judge(context_for(data, signed, policy, moment, strict=False))

    if result.subindication in MISSING_DATA:
        result = await settle_missing(result, check, tolerant_run)
        if result.subindication is not SubIndication.REVOKED_NO_POE:
            return result

    if result.subindication is SubIndication.REVOKED_NO_POE:
        stamped = earliest(result.timestamp_time, proven_at)
        cured = await _cured(signed, policy, moment, check, stamped, judge)
        return cured or result

    done = result.indication is Indication.TOTAL_PASSED
    return noted(result, done, "revocation status checked: not revoked")


async def _strict_run(
    check: RevocationCheck,
    signed: cms.SignedData,
    policy: ValidationPolicy,
    moment: datetime,
    judge: Judge,
) -> SignatureResult:
    """Judge with data required for the signer; the signature time-stamp is
    taken from a tolerant run, as the TSA's path needs data only when its
    certificates name where status is published (pyHanko validates an
    attached CMS's time-stamp with the signer's context)."""
    strict = await judge(context_for(check, signed, policy, moment, strict=True))
    stamp = [c for c in strict.checks if c.name == "signature-timestamp"]
    if strict.timestamp_time is not None or not stamp:
        return strict

    loose = await judge(context_for(check, signed, policy, moment, strict=False))
    found = [c for c in loose.checks if c.name == "signature-timestamp"]
    if loose.timestamp_time is None or not found:
        return strict

    checks = tuple(found[0] if c is stamp[0] else c for c in strict.checks)
    return replace(
        strict, timestamp_time=loose.timestamp_time, form=loose.form, checks=checks
    )


async def _cured(
    signed: cms.SignedData,
    policy: ValidationPolicy,
    moment: datetime,
    check: RevocationCheck,
    stamped: datetime | None,
    judge: Judge,
) -> SignatureResult | None:
    """Judge again at the signature time-stamp's time when it is before the
    revocation (EN 319 102-1, 5.5.4); ``None`` when that does not hold."""
    revoked = await revocation_time(signed, check, policy, moment)
    if stamped is None or revoked is None or stamped >= revoked:
        return None

    plain = RevocationCheck(check.policy, RevocationData())
    again = await judge(context_for(plain, signed, policy, stamped, strict=False))
    if again.indication is not Indication.TOTAL_PASSED:
        return None

    detail = (
        f"revoked at {revoked.isoformat()}, after a time-stamp "
        f"at {stamped.isoformat()}, the signature's proof of existence"
    )
    return noted(again, True, detail)
