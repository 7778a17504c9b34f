"""One pyHanko validation context per policy, shared between PDF validations.

Building a ``ValidationContext`` and re-validating the same paths is a good
part of a PAdES check (PERFORMANCE.md); pyHanko caches path and revocation
work inside the context, so it is kept per policy, per thread (contexts are
not thread-safe) and per validation minute (the context's time is fixed
when it is built).  The contexts hang off the policy's own cache object in a
weak mapping: they live as long as the policy does and are never shared
between policies.  A context is rebuilt after ``MAX_USES`` validations, so
the certificates each PDF registers in it do not pile up without bound
(they are candidates for path building only, never anchors).

The shared context never fetches (``allow_fetching=False``) and runs
revocation in ``soft-fail`` mode without any CRL or OCSP data; a signature
that has revocation data, or a policy that supplies or fetches some, gets a
context of its own (:mod:`signing.pdfrevocation`).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from asn1crypto import x509 as asn1_x509
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.policy_decl import DisallowWeakAlgorithmsPolicy

from signing.pdfcrypto import PlainEcdsaValidator
from signing.policy import AlgorithmPolicy, ValidationPolicy

MAX_USES = 512
"""Validations after which a shared context is rebuilt."""


class _Slot:
    """The context of one thread under one policy, with its minute and uses."""

    def __init__(self, context: ValidationContext, minute: datetime) -> None:
        self.context = context
        self.minute = minute
        self.uses = 0


_LOCK = threading.Lock()
_BY_POLICY: weakref.WeakKeyDictionary[object, threading.local] = (
    weakref.WeakKeyDictionary()
)


def shared_context(policy: ValidationPolicy, moment: datetime) -> ValidationContext:
    """Return this thread's context for ``policy`` at ``moment`` (to the minute)."""
    local = _local_of(policy)
    minute = moment.replace(second=0, microsecond=0)
    slot: _Slot | None = getattr(local, "slot", None)
    if slot is None or slot.minute != minute or slot.uses >= MAX_USES:
        slot = _Slot(build_context(policy, moment), minute)
        local.slot = slot

    slot.uses += 1
    return slot.context


def build_context(
    policy: ValidationPolicy,
    moment: datetime,
    revocation: dict[str, Any] | None = None,
    extra_certs: Sequence[asn1_x509.Certificate] = (),
) -> ValidationContext:
    """Build a fresh context of the policy's anchors and intermediates.

    ``revocation`` holds the revocation keyword arguments (default: no
    data, soft-fail); ``extra_certs`` are more path candidates (a DSS's)."""
    certs = policy.certs
    options = revocation or {"allow_fetching": False, "revocation_mode": "soft-fail"}
    return ValidationContext(
        trust_roots=[_asn1(certs.of(c).der) for c in policy.trust.certificates],
        other_certs=[_asn1(certs.of(c).der) for c in policy.intermediates]
        + list(extra_certs),
        moment=moment,
        algorithm_usage_policy=weak_algorithms(policy.algorithms),
        signature_validator=PlainEcdsaValidator(),
        **options,
    )


def weak_algorithms(algorithms: AlgorithmPolicy) -> DisallowWeakAlgorithmsPolicy:
    """pyHanko's algorithm policy refusing what ours refuses."""
    return DisallowWeakAlgorithmsPolicy(  # type: ignore[no-untyped-call]
        weak_hash_algos=frozenset(algorithms.refused_digests),
        rsa_key_size_threshold=algorithms.min_rsa_bits,
    )


def _local_of(policy: ValidationPolicy) -> threading.local:
    # Keyed by the policy's own cache object: identity, not equality.
    with _LOCK:
        local = _BY_POLICY.get(policy.cache)
        if local is None:
            local = threading.local()
            _BY_POLICY[policy.cache] = local

        return local


def _asn1(der: bytes) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(der)
