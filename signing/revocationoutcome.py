"""What a CMS signer's revocation runs come to (EN 319 102-1, clause 5.2.6).

CAdES (:mod:`signing.cadesrevocation`) and PAdES (:mod:`signing.pades`)
judge a signer first with its revocation data required.  When that finds no
usable data, :func:`settle_missing` decides as the policy says: soft fail
passes with the ``revocation`` check listed as not done, otherwise
INDETERMINATE / TRY_LATER.

Data that proves nothing about the signer — an OCSP response on another
certificate, one signed by a responder the CA never authorised, a CRL or
response whose signature fails — is no evidence at all, so it must not turn
the verdict into something worse than having no data: pyHanko refuses the
path over it even when tolerant, so the signer is then judged without it.
Stale data and data saying "revoked" keep the verdicts they had.

A signer the data shows revoked is INDETERMINATE / REVOKED_NO_POE even when
a certificate above it has no usable data: the strict run stops at that CA
and says only "chain failure", the tolerant run reaches the signer, and a
known revocation takes precedence over a status still to be learnt
(EN 319 102-1, 5.2.6). The caller may then cure it with a time-stamp.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

from signing.result import Check, Indication, SignatureResult, SubIndication
from signing.revocation import RevocationCheck, RevocationData

MISSING_DATA = frozenset(
    {SubIndication.TRY_LATER, SubIndication.CERTIFICATE_CHAIN_GENERAL_FAILURE}
)
"""What pyHanko's strict run gives when the signer's data is not enough."""

UNUSABLE = "given proves nothing about this certificate's status"

Run = Callable[[RevocationCheck], Awaitable[SignatureResult]]
"""Judges the signer tolerantly (missing data allowed) with the given data."""


async def settle_missing(
    strict: SignatureResult, check: RevocationCheck, tolerant_run: Run
) -> SignatureResult:
    """Decide a signer whose strict run found no usable revocation data."""
    tolerant = await tolerant_run(check)
    problems = " ".join(check.data.problems) or "missing or stale"
    unspecified = SubIndication.CERTIFICATE_CHAIN_GENERAL_FAILURE
    if check.data and tolerant.subindication is unspecified:
        # Refused over the data itself, not for staleness or a revocation.
        bare = RevocationCheck(check.policy, RevocationData())
        tolerant = await tolerant_run(bare)
        problems = UNUSABLE

    if tolerant.subindication is SubIndication.REVOKED_NO_POE:
        return tolerant

    if tolerant.indication is not Indication.TOTAL_PASSED:
        return strict

    if check.policy.soft_fail:
        return noted(tolerant, False, f"not checked: revocation data {problems}")

    revocation = Check("revocation", False, f"revocation data {problems}")
    return replace(
        tolerant,
        indication=Indication.INDETERMINATE,
        subindication=SubIndication.TRY_LATER,
        checks=(*tolerant.checks, revocation),
    )


def noted(result: SignatureResult, checked: bool, detail: str) -> SignatureResult:
    """Add the ``revocation`` check to a result (a failed one only when the
    result passed, as a note that it was not done)."""
    if not checked and result.indication is not Indication.TOTAL_PASSED:
        return result

    return replace(
        result, checks=(*result.checks, Check("revocation", checked, detail))
    )
