"""XAdES content time-stamps (``AllDataObjectsTimeStamp``, EN 319 132-1 5.2.8).

A content time-stamp sits in the SignedProperties, so the signer made the
signature after it: its genTime is a lower bound of the signing time. Its
message imprint is the hash of the concatenated data of every ds:Reference
except the one to the SignedProperties, each as processed for its digest (a
final node-set canonicalised with the time-stamp's method).

EN 319 102-1 (clause 5.3.4) uses it against a revoked signer: when a content
time-stamp that verifies is later than the revocation, the signature was
certainly made after it, and the result is TOTAL_FAILED / REVOKED instead of
INDETERMINATE / REVOKED_NO_POE.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from lxml import etree

from signing.archive import ArchiveTimestampError, read_stamp, reference_octets
from signing.result import Check
from signing.trust import TrustStore
from signing.xades import XADES_NAMESPACES
from signing.xmldsig import ReferenceOutcome

MAX_CONTENT_STAMPS = 4
"""The most content time-stamps checked on one signature; more are ignored."""

_CONTENT = tuple(f"{{{ns}}}AllDataObjectsTimeStamp" for ns in XADES_NAMESPACES)


def check_content_timestamps(
    signed_properties: etree._Element | None,
    refs: Sequence[ReferenceOutcome],
    trust: TrustStore,
    at: datetime,
    checks: list[Check],
) -> datetime | None:
    """Verify the content time-stamps; return the latest verified genTime."""
    if signed_properties is None:
        return None

    data = [r for r in refs if not r.targets or r.targets != (signed_properties,)]
    latest = None
    for element in list(signed_properties.iter(*_CONTENT))[:MAX_CONTENT_STAMPS]:
        when = _check_one(element, data, trust, at, checks)
        if when is not None and (latest is None or when > latest):
            latest = when

    return latest


def _check_one(
    element: etree._Element,
    refs: Sequence[ReferenceOutcome],
    trust: TrustStore,
    at: datetime,
    checks: list[Check],
) -> datetime | None:
    from signing.tsp import verify_timestamp

    try:
        stamp = read_stamp(element)
    except ArchiveTimestampError as exc:
        checks.append(Check("content-timestamp", False, f"not used: {exc}"))
        return None

    covered = b"".join(reference_octets(r, stamp.c14n_method) for r in refs)
    found = verify_timestamp(stamp.token, covered, trust, at=at)
    if not found.passed or found.gen_time is None:
        checks.append(
            Check("content-timestamp", False, "not used: " + " ".join(found.problems))
        )
        return None

    when = found.gen_time
    checks.append(
        Check("content-timestamp", True, f"content time-stamped at {when.isoformat()}")
    )
    return when
