"""Time and revocation checks of one XML signature (EN 319 102-1, 5.5-5.6).

- :func:`check_archive` verifies the archive time-stamps (B-LTA), latest
  first at the validation time, each earlier one at the time of the one
  after it; the earliest that verifies is a proof of existence (POE).
- :func:`tsa_revocation` gives the signature time-stamp's TSA the embedded
  and supplied revocation data (never fetched).
- :func:`revocation_for` gathers the revocation data for the signer's path:
  embedded, supplied by the operator, and fetched when the policy says so
  and that data does not settle the path at the validation time (the rule
  of CAdES and PAdES, :mod:`signing.revocationfetch`).
- :func:`judge_path` validates the path at the validation time and, when
  that fails for a reason a proof of existence can cure (expired, revoked
  after the POE, revocation data stale or missing now), at the POE.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from asn1crypto import x509 as asn1_x509
from lxml import etree

from signing.archive import (
    ArchiveTimestampError,
    archive_timestamps,
    check_archive_timestamp,
)
from signing.certs import CertFacts
from signing.ltv import embedded_revocation
from signing.policy import ValidationPolicy
from signing.result import Check, SubIndication
from signing.revocation import RevocationCheck, tsa_context_options
from signing.revocationfetch import fetched_unless_settled
from signing.trust import PathOutcome, validate_path
from signing.xmldsig import ReferenceOutcome

MAX_ARCHIVE_STAMPS = 16
"""The most archive time-stamps checked on one signature (each costs a CMS
validation; real renewals add one every few years)."""

_CURABLE = frozenset(
    {
        SubIndication.OUT_OF_BOUNDS_NO_POE,
        SubIndication.REVOKED_NO_POE,
        SubIndication.TRY_LATER,
    }
)


def check_archive(
    sig: etree._Element,
    refs: Sequence[ReferenceOutcome],
    policy: ValidationPolicy,
    moment: datetime,
    checks: list[Check],
) -> datetime | None:
    """Verify the archive time-stamps; return the earliest verified genTime."""
    try:
        stamps = archive_timestamps(sig)
    except ArchiveTimestampError as exc:
        checks.append(Check("archive-timestamp", False, f"not used: {exc}"))
        return None

    if len(stamps) > MAX_ARCHIVE_STAMPS:
        detail = f"not used: more than {MAX_ARCHIVE_STAMPS} archive time-stamps"
        checks.append(Check("archive-timestamp", False, detail))
        return None

    at, earliest = moment, None
    for stamp in reversed(stamps):
        found = check_archive_timestamp(sig, stamp, refs, policy.trust, at)
        if found.passed and found.gen_time is not None:
            at = earliest = found.gen_time
            detail = f"archive time-stamped at {at.isoformat()} by {found.tsa_name}"
            checks.append(Check("archive-timestamp", True, detail))
        else:
            detail = "not used: " + " ".join(found.problems)
            checks.append(Check("archive-timestamp", False, detail))

    return earliest


def revocation_for(
    sig: etree._Element,
    signer: CertFacts,
    others: Sequence[CertFacts],
    policy: ValidationPolicy,
    moment: datetime,
) -> RevocationCheck:
    """Gather the revocation data for ``signer``'s path, fetching only what
    the data at hand leaves open at ``moment`` (see the module)."""
    rules = policy.revocation
    data = embedded_revocation(sig).merged(rules.supplied)
    if rules.fetch:
        cert = asn1_x509.Certificate.load(signer.der)
        candidates = [asn1_x509.Certificate.load(c.der) for c in others]
        asked = fetched_unless_settled(cert, candidates, data, policy, moment)
        data = data.merged(asyncio.run(asked))

    return RevocationCheck(rules, data)


def tsa_revocation(
    sig: etree._Element, policy: ValidationPolicy
) -> dict[str, Any] | None:
    """Context options with the revocation data for the TSA's path: what the
    signature embeds (TimeStampValidationData, RevocationValues) and the
    operator supplies; never fetched. ``None`` when there is none, and the
    TSA's revocation is then not checked."""
    data = embedded_revocation(sig).merged(policy.revocation.supplied)
    if not data:
        return None

    check = RevocationCheck(policy.revocation, data)
    return tsa_context_options(check)


def judge_path(
    signer: CertFacts,
    others: list[CertFacts],
    policy: ValidationPolicy,
    moment: datetime,
    poe: datetime | None,
    revocation: RevocationCheck,
) -> PathOutcome:
    """Validate the path now and, where a POE can cure a failure, at the POE."""
    now = _validate(signer, others, policy, moment, revocation)
    if poe is None or poe >= moment or now.subindication not in _CURABLE:
        return now

    if now.revoked_at is not None:
        return _revoked_after(signer, others, policy, poe, now)

    then = _validate(signer, others, policy, poe, revocation)
    if then.revoked_at is not None:
        return then  # revoked already at the POE: that is the finding

    if not then.passed:
        return now

    return PathOutcome(
        None,
        "path valid at the time-stamp's time, the proof of existence; "
        f"now: {now.detail}",
        then.chain,
        revocation=then.revocation,
        revocation_checked=then.revocation_checked,
    )


def _revoked_after(
    signer: CertFacts,
    others: list[CertFacts],
    policy: ValidationPolicy,
    poe: datetime,
    now: PathOutcome,
) -> PathOutcome:
    """A revocation after the POE leaves the signature valid (5.5.4).

    The revocation data has already said when the certificate was revoked,
    so it was not revoked before; the path is checked at the POE for the rest
    (validity periods, chain) without revocation data, which for OCSP would
    read "revoked" as "no answer" at an earlier time."""
    assert now.revoked_at is not None
    if now.revoked_at <= poe:
        return now

    then = _validate(signer, others, policy, poe, None)
    if not then.passed:
        return now

    detail = (
        f"path valid at the time-stamp's time, the proof of existence; "
        f"revoked only later: {now.detail}"
    )
    return PathOutcome(
        None, detail, then.chain, revocation=detail, revocation_checked=True
    )


def _validate(
    signer: CertFacts,
    others: list[CertFacts],
    policy: ValidationPolicy,
    at: datetime,
    revocation: RevocationCheck | None,
) -> PathOutcome:
    return validate_path(
        signer, others, policy.trust, at, policy.cache, policy.certs, revocation
    )
