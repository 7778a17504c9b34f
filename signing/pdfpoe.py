"""A PDF signature's time-stamps as proof of existence against a revocation.

pyHanko reports a signer revoked at the validation time as REVOKED_NO_POE
even when the signature's own time-stamp (B-T) proves it existed before the
revocation. EN 319 102-1 (clause 5.5.4) keeps such a signature valid, and
so does a document time-stamp over a later revision (B-LTA). This module
finds the signature time-stamp's genTime (checked with our own
:func:`signing.tsp.verify_timestamp`, imprint over the CMS SignatureValue),
the document time-stamps' (pyHanko), and the revocation time (from the same
revocation data, through :func:`signing.trust.validate_path`), so that
:mod:`signing.pades` can judge the signature again at the earliest of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from asn1crypto import cms
from pyhanko.sign.validation.pdf_embedded import (
    EmbeddedPdfSignature,
    async_validate_pdf_timestamp,
)
from pyhanko_certvalidator import ValidationContext

from signing.certs import CertFacts
from signing.policy import ValidationPolicy
from signing.revocation import RevocationCheck
from signing.trust import validate_path


def signature_time(
    sig: EmbeddedPdfSignature, policy: ValidationPolicy, at: datetime
) -> datetime | None:
    """Return the genTime of the signature's time-stamp, if it verifies."""
    from signing.tsp import verify_timestamp

    unsigned = sig.signer_info["unsigned_attrs"]
    if not isinstance(unsigned, cms.CMSAttributes):
        return None

    covered = sig.signer_info["signature"].native
    for attr in unsigned:
        if attr["type"].native != "signature_time_stamp_token":
            continue

        for token in attr["values"]:
            found = verify_timestamp(token.dump(), covered, policy.trust, at=at)
            if found.passed and found.gen_time is not None:
                return found.gen_time

    return None


def revocation_time(
    sig: EmbeddedPdfSignature,
    dss_certs: list[bytes],
    check: RevocationCheck,
    policy: ValidationPolicy,
    moment: datetime,
) -> datetime | None:
    """Return when the signer's path was revoked, per the revocation data."""
    signer = policy.certs.from_der(sig.signer_cert.dump())
    if signer is None:
        return None

    others = [policy.certs.from_der(d) for d in _cms_certs(sig) + dss_certs]
    others += [policy.certs.of(c) for c in policy.intermediates]
    candidates: list[CertFacts] = [c for c in others if c is not None]
    outcome = validate_path(
        signer, candidates, policy.trust, moment, policy.cache, policy.certs, check
    )
    return outcome.revoked_at


async def archive_time(
    sig: EmbeddedPdfSignature,
    others: Sequence[object],
    context: ValidationContext,
) -> datetime | None:
    """Return the earliest time of a document time-stamp over a later
    revision that verifies with a trusted TSA (B-LTA), if there is one."""
    times = []
    for other in others:
        if not isinstance(other, EmbeddedPdfSignature) or other is sig:
            continue

        kind = str(other.sig_object_type)
        if kind != "/DocTimeStamp" or other.signed_revision <= sig.signed_revision:
            continue

        status = await async_validate_pdf_timestamp(
            other, validation_context=context, skip_diff=True
        )
        if status.intact and status.valid and status.trusted:
            times.append(status.timestamp)

    return min(times) if times else None


def _cms_certs(sig: EmbeddedPdfSignature) -> list[bytes]:
    found = []
    for choice in sig.signed_data["certificates"] or ():
        if choice.name == "certificate":
            found.append(choice.chosen.dump())

    return found
