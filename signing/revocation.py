"""Revocation: the policy, the data a validation may use, and fetching it.

Revocation status comes, in this order, from what the signature embeds
(XAdES ``RevocationValues`` and ``TimeStampValidationData``, PAdES DSS and
CMS revocation info), from data the operator supplies (CRL or OCSP files),
and only when :attr:`RevocationPolicy.fetch` is on, from the OCSP responders
and CRL distribution points the certificates name, fetched by
pyhanko-certvalidator at the moment of validation. Validation never fetches
anything unless the operator turned fetching on.

Data is judged at the time of the best proof of existence of the signature
(EN 319 102-1, clause 5.5): first at the validation time; when that fails
because a certificate is revoked, expired or its revocation data is stale
or missing, again at the time-stamp's time, with revocation data issued
after that time accepted (``retroactive_revinfo``: a certificate hold lifted
later would go unnoticed, which qualified CAs do not use).

When no usable revocation data is found, :attr:`RevocationPolicy.soft_fail`
decides: on (the default) the path passes and the ``revocation`` check is
listed as not done; off, the signature is INDETERMINATE / TRY_LATER.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.fetchers.api import FetchLimits
from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RevocationData:
    """CRLs and OCSP responses (DER) available to one validation."""

    crls: tuple[bytes, ...] = ()
    ocsps: tuple[bytes, ...] = ()
    sources: tuple[str, ...] = ()
    """Where the data came from: ``embedded``, ``operator``, ``fetched``."""
    problems: tuple[str, ...] = field(default=(), compare=False)
    """Plain sentences about fetching that failed (responder down...)."""

    def __bool__(self) -> bool:
        return bool(self.crls or self.ocsps)

    def merged(self, other: RevocationData) -> RevocationData:
        """Return the data of both, without duplicates."""
        return RevocationData(
            crls=_unique(self.crls + other.crls),
            ocsps=_unique(self.ocsps + other.ocsps),
            sources=_unique_text(self.sources + other.sources),
            problems=self.problems + other.problems,
        )

    @property
    def key(self) -> str:
        """A digest of the data, for cache keys."""
        digest = hashlib.sha256()
        for blob in [*sorted(self.crls), b"|", *sorted(self.ocsps)]:
            digest.update(hashlib.sha256(blob).digest())

        return digest.hexdigest()


def _unique(blobs: tuple[bytes, ...]) -> tuple[bytes, ...]:
    return tuple(dict.fromkeys(blobs))


def _unique_text(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


@dataclass(frozen=True)
class RevocationPolicy:
    """How revocation is checked; the defaults never touch the network."""

    fetch: bool = False
    """Fetch OCSP/CRL from the URLs in the certificates (off by default)."""
    soft_fail: bool = True
    """When no usable revocation data is found: ``True`` passes the path
    with the ``revocation`` check listed as not done; ``False`` makes the
    signature INDETERMINATE / TRY_LATER (EN 319 102-1, clause 5.2.6)."""
    timeout: float = 5.0
    """Seconds per fetch request."""
    max_requests: int = 16
    """The most network requests one validation may make."""
    supplied: RevocationData = RevocationData()
    """CRLs and OCSP responses the operator supplies (files)."""

    @property
    def checks_anything(self) -> bool:
        """Whether any data beyond the signature's own can be had."""
        return self.fetch or bool(self.supplied)


@dataclass(frozen=True)
class RevocationCheck:
    """The revocation side of one path validation: policy and data."""

    policy: RevocationPolicy
    data: RevocationData

    @property
    def key(self) -> tuple[object, ...]:
        """What a cached path outcome depends on."""
        return (self.policy.soft_fail, self.data.key)


STRICT = CertRevTrustPolicy(
    RevocationCheckingPolicy(
        ee_certificate_rule=RevocationCheckingRule.CRL_OR_OCSP_REQUIRED,
        intermediate_ca_cert_rule=RevocationCheckingRule.CHECK_IF_DECLARED,
    ),
    retroactive_revinfo=True,
)
"""The signer's certificate must have usable CRL or OCSP data; a CA
certificate must when it names where its status is published."""


TSA_STRICT = CertRevTrustPolicy(
    RevocationCheckingPolicy(
        ee_certificate_rule=RevocationCheckingRule.CHECK_IF_DECLARED,
        intermediate_ca_cert_rule=RevocationCheckingRule.CHECK_IF_DECLARED,
    ),
    retroactive_revinfo=True,
)
"""For a time-stamping authority's path: data is needed for a certificate
that names where its status is published."""


def tsa_context_options(check: RevocationCheck) -> dict[str, Any]:
    """ValidationContext options for a TSA's path (:data:`TSA_STRICT` unless
    the policy soft-fails)."""
    options = context_options(check, strict=False)
    if not check.policy.soft_fail and check.data:
        options.pop("revocation_mode", None)
        options.pop("retroactive_revinfo", None)
        options["revinfo_policy"] = TSA_STRICT

    return options


def context_options(check: RevocationCheck | None, strict: bool) -> dict[str, Any]:
    """Return ValidationContext keyword arguments for ``check``.

    ``strict`` asks for revocation data (:data:`STRICT`); otherwise missing
    data is tolerated (``soft-fail``), while data saying "revoked" counts.
    """
    if check is None or (not check.data and not strict):
        return {"allow_fetching": False, "revocation_mode": "soft-fail"}

    options: dict[str, Any] = {
        "allow_fetching": False,
        "crls": list(check.data.crls),
        "ocsps": list(check.data.ocsps),
    }
    if strict:
        options["revinfo_policy"] = STRICT
    else:
        options.update(revocation_mode="soft-fail", retroactive_revinfo=True)

    return options


async def afetch_revocation(
    signer_der: bytes,
    others_der: Iterable[bytes],
    roots_der: Iterable[bytes],
    policy: RevocationPolicy,
) -> RevocationData:
    """Fetch OCSP/CRL for the signer's path now, through pyhanko-certvalidator.

    Returns what was fetched; a responder that cannot be reached is named
    in ``problems``, never raised. Nothing is fetched unless the signer's
    path to a trust anchor validates first without fetching: the URLs asked
    are then those of certificates a trusted CA issued, never ones a sender
    made up. Issuer certificates are never fetched (AIA caIssuers), only
    OCSP and CRLs."""
    roots = [asn1_x509.Certificate.load(d) for d in roots_der]
    others = [asn1_x509.Certificate.load(d) for d in others_der]
    signer = asn1_x509.Certificate.load(signer_der)
    if not await _path_validates(signer, others, roots):
        return RevocationData(problems=(_UNTRUSTED,))

    backend = RequestsFetcherBackend(
        per_request_timeout=policy.timeout,
        limits=FetchLimits(max_requests=policy.max_requests, max_cert_requests=0),
    )
    context = ValidationContext(
        trust_roots=roots,
        other_certs=others,
        allow_fetching=True,
        revocation_mode="soft-fail",
        fetcher_backend=backend,
    )
    validator = CertificateValidator(signer, validation_context=context)
    try:
        await validator.async_validate_path()
    except Exception as exc:  # judged later, with the data gathered here
        log.debug("fetching pass ended with %s", type(exc).__name__)

    problems = tuple(_fetch_problem(e) for e in context.soft_fail_exceptions)
    return RevocationData(
        crls=tuple(c.dump() for c in context.crls),
        ocsps=tuple(o.dump() for o in context.ocsps),
        sources=("fetched",),
        problems=problems,
    )


CRL_SUFFIXES = (".crl", ".der", ".pem")


def load_revocation_files(folder: Path) -> RevocationData:
    """Load the CRLs (DER or PEM) of a folder; files that are not CRLs are
    skipped with a warning naming the file."""
    crls: list[bytes] = []
    for path in sorted(Path(folder).iterdir()):
        if path.is_file() and path.suffix.lower() in CRL_SUFFIXES:
            der = _crl_der(path.read_bytes())
            if der is None:
                log.warning("not a CRL, skipped: %s", path.name)
            else:
                crls.append(der)

    return RevocationData(crls=tuple(crls), sources=("operator",))


def _crl_der(data: bytes) -> bytes | None:
    try:
        if b"-----BEGIN" in data:
            crl = x509.load_pem_x509_crl(data)
        else:
            crl = x509.load_der_x509_crl(data)
    except ValueError:
        return None

    return crl.public_bytes(serialization.Encoding.DER)


_UNTRUSTED = "nothing was fetched: the path to a trust anchor does not validate"


async def _path_validates(
    signer: asn1_x509.Certificate,
    others: list[asn1_x509.Certificate],
    roots: list[asn1_x509.Certificate],
) -> bool:
    if not roots:
        return False

    context = ValidationContext(
        trust_roots=roots,
        other_certs=others,
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    try:
        await CertificateValidator(
            signer, validation_context=context
        ).async_validate_path()
    except Exception:  # any failure: do not fetch
        return False

    return True


def _fetch_problem(exc: Exception) -> str:
    kind = "OCSP responder" if "OCSP" in type(exc).__name__ else "CRL location"
    return f"the {kind} could not be reached"
