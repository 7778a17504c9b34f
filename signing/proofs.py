"""Judging a CMS signature again at its proof of existence (EN 319 102-1,
5.5 and 5.6.2.5).

A signature refused now for what time alone can settle (its certificate
expired since, its algorithms sunset since) is validated again as of a
verified proof that it existed earlier: its own signature time-stamp, or
a time-stamp over its bytes from outside it (an ASiC container's token).
The second verdict is kept only when it passes outright; anything else
leaves the first one standing.  Revocation is never settled here: a
second run without the revocation data would not see it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from signing.result import Check, Indication, SignatureResult, SubIndication

CURABLE = frozenset(
    {
        SubIndication.OUT_OF_BOUNDS_NO_POE,
        SubIndication.OUT_OF_BOUNDS_NOT_REVOKED,
        SubIndication.EXPIRED,
        SubIndication.CRYPTO_CONSTRAINTS_FAILURE,
    }
)
"""What a proof of existence before today may settle."""


def earliest(*moments: datetime | None) -> datetime | None:
    """Return the earliest of the given times, ``None`` if there is none."""
    known = [m for m in moments if m is not None]
    return min(known) if known else None


def worth_judging_again(
    result: SignatureResult, proven_at: datetime | None, moment: datetime
) -> bool:
    """Tell whether a proof at ``proven_at`` could settle ``result``'s failure."""
    if proven_at is None or proven_at >= moment:
        return False

    return result.subindication in CURABLE


def kept_if_cleared(
    before: SignatureResult, again: SignatureResult, proven_at: datetime
) -> SignatureResult:
    """Return ``again`` noted with its proof when it passed, else ``before``."""
    if again.indication is not Indication.TOTAL_PASSED:
        return before

    detail = (
        f"judged at {proven_at.isoformat()}, the signature's proof of existence; "
        f"now: {before.subindication.value if before.subindication else 'failed'}"
    )
    return replace(
        again, checks=(*again.checks, Check("proof-of-existence", True, detail))
    )
