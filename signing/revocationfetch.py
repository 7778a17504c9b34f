"""Fetching a signer's revocation data only when it is needed.

With fetching on (:attr:`signing.revocation.RevocationPolicy.fetch`), XAdES
(:mod:`signing.ltvchecks`), CAdES (:mod:`signing.cadesrevocation`) and PAdES
(:mod:`signing.pdfrevocation`) first ask whether the data already at hand
(embedded, or supplied by the operator) settles the signer's path at the
time being judged, by the same rule the strict run of the validation applies
(:data:`signing.revocation.STRICT`, pyHanko's freshness: an answer counts
from its thisUpdate to its nextUpdate, or later when issued after that
time).  When it does, saying "good" or "revoked", nothing is fetched: a
validation makes no request it does not need, and a responder that is down
cannot turn a settled signature into TRY_LATER.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from asn1crypto import x509 as asn1_x509
from pyhanko_certvalidator import CertificateValidator
from pyhanko_certvalidator.errors import (
    PathBuildingError,
    PathValidationError,
    RevokedError,
)

from signing.pdfcontext import build_context
from signing.policy import ValidationPolicy
from signing.revocation import (
    RevocationCheck,
    RevocationData,
    afetch_revocation,
    context_options,
)

log = logging.getLogger(__name__)


async def fetched_unless_settled(
    signer: asn1_x509.Certificate,
    others: Sequence[asn1_x509.Certificate],
    known: RevocationData,
    policy: ValidationPolicy,
    moment: datetime,
) -> RevocationData:
    """Return what fetching finds for the signer's path, or nothing when
    ``known`` already settles its status at ``moment``."""
    if known and await settles(signer, others, known, policy, moment):
        log.debug("revocation settled by the data at hand: nothing fetched")
        return RevocationData()

    roots = [policy.certs.of(c).der for c in policy.trust.certificates]
    candidates = [c.dump() for c in others]
    candidates += [policy.certs.of(c).der for c in policy.intermediates]
    return await afetch_revocation(signer.dump(), candidates, roots, policy.revocation)


async def settles(
    signer: asn1_x509.Certificate,
    others: Sequence[asn1_x509.Certificate],
    known: RevocationData,
    policy: ValidationPolicy,
    moment: datetime,
) -> bool:
    """Whether ``known`` says, fresh enough for ``moment``, that the signer's
    path is good or revoked (the strict run would not find data missing)."""
    check = RevocationCheck(policy.revocation, known)
    options = context_options(check, strict=True)
    context = build_context(policy, moment, options, others)
    validator = CertificateValidator(signer, validation_context=context)
    try:
        await validator.async_validate_path()
    except RevokedError:
        return True
    except (PathBuildingError, PathValidationError, ValueError):
        # Missing, stale or unusable data, or a path that fails anyway.
        return False

    return True
