"""Trust anchors and X.509 path validation (EN 319 102-1, clause 5.2.6).

Paths are built and validated by pyhanko-certvalidator against the anchors of
a :class:`TrustStore`, with the certificates the signature carries as
candidates, never fetching anything (``allow_fetching=False``).  Revocation
data (embedded, supplied or fetched beforehand, see :mod:`signing.revocation`)
is given to the context; without any, the context runs in ``soft-fail`` mode
and revocation status is simply not known.  Results are cached per policy
in a :class:`PathCache`, keyed by the chain's fingerprints, the trust store,
the revocation data and the validation time truncated to the minute.
Certificates arrive as :class:`signing.certs.CertFacts`, so fingerprints and
DER are never redone.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator import errors as cv_errors

from signing.certs import CertCache, CertFacts, fingerprint, unique, unique_facts
from signing.result import SubIndication
from signing.revocation import RevocationCheck, context_options

log = logging.getLogger(__name__)

CERT_SUFFIXES = (".pem", ".crt", ".cer", ".der")


@dataclass(frozen=True)
class TrustStore:
    """A set of trust anchor certificates."""

    certificates: tuple[x509.Certificate, ...] = ()
    """The anchors, without duplicates."""
    key: str = field(default="", compare=False)
    """A digest over the anchors' fingerprints, for cache keys."""

    def __post_init__(self) -> None:
        prints = sorted(fingerprint(c) for c in self.certificates)
        digest = hashlib.sha256(b"".join(prints)).hexdigest()
        object.__setattr__(self, "key", digest)

    @classmethod
    def from_folder(cls, folder: Path) -> TrustStore:
        """Load every certificate in a folder (PEM bundles and DER files)."""
        certs: list[x509.Certificate] = []
        for path in sorted(Path(folder).iterdir()):
            if path.suffix.lower() in CERT_SUFFIXES and path.is_file():
                certs.extend(_load_file(path))

        return cls.from_certificates(certs)

    @classmethod
    def from_file(cls, path: Path) -> TrustStore:
        """Load the anchors of one PEM (bundle) or DER certificate file."""
        return cls.from_certificates(_load_file(path))

    @classmethod
    def from_certificates(cls, certs: Iterable[x509.Certificate]) -> TrustStore:
        """Make a store of the given anchors."""
        return cls(tuple(unique(certs)))

    @classmethod
    def empty(cls) -> TrustStore:
        """Make a store that trusts nothing."""
        return cls(())

    def merged(self, other: TrustStore) -> TrustStore:
        """Return a store with the anchors of both."""
        return TrustStore.from_certificates(self.certificates + other.certificates)

    def __contains__(self, cert: object) -> bool:
        if not isinstance(cert, x509.Certificate):
            return False

        return fingerprint(cert) in {fingerprint(c) for c in self.certificates}


def _load_file(path: Path) -> list[x509.Certificate]:
    """Load the certificates of one file, PEM (bundle) or DER."""
    data = path.read_bytes()
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)

        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        log.warning("not a certificate, skipped: %s", path.name)
        return []


@dataclass(frozen=True)
class PathOutcome:
    """The result of validating a signer's certificate path."""

    subindication: SubIndication | None
    """``None`` when a valid path to an anchor was found."""
    detail: str
    """A plain sentence about the outcome."""
    chain: tuple[x509.Certificate, ...] = ()
    """The validated path, signer first, anchor last (empty on failure)."""
    revoked_at: datetime | None = None
    """When a certificate of the path was revoked, if one was."""
    revocation: str | None = None
    """How revocation was checked, for a passed path (``None``: not asked)."""
    revocation_checked: bool = False
    """Whether the whole path's revocation status was confirmed."""

    @property
    def passed(self) -> bool:
        """Whether the path validated."""
        return self.subindication is None


class PathCache:
    """A bounded, thread-safe cache of path outcomes for one policy."""

    def __init__(self, max_entries: int = 4096) -> None:
        self._entries: dict[tuple[object, ...], PathOutcome] = {}
        self._lock = threading.Lock()
        self._max = max_entries

    def get(self, key: tuple[object, ...]) -> PathOutcome | None:
        """Return a cached outcome, if any."""
        with self._lock:
            return self._entries.get(key)

    def put(self, key: tuple[object, ...], outcome: PathOutcome) -> None:
        """Remember an outcome, forgetting everything when full."""
        with self._lock:
            if len(self._entries) >= self._max:
                self._entries.clear()

            self._entries[key] = outcome

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


def validate_path(
    signer: CertFacts,
    others: Iterable[CertFacts],
    trust: TrustStore,
    moment: datetime,
    cache: PathCache,
    certs: CertCache,
    revocation: RevocationCheck | None = None,
) -> PathOutcome:
    """Validate the signer's path to an anchor at ``moment``, cached."""
    candidates = [c for c in unique_facts(others) if c.sha256 != signer.sha256]
    key = (
        trust.key,
        signer.sha256,
        *sorted(c.sha256 for c in candidates),
        moment.replace(second=0, microsecond=0),
        None if revocation is None else revocation.key,
    )
    cached = cache.get(key)
    if cached is not None:
        return cached

    outcome = _validate_uncached(signer, candidates, trust, moment, certs, revocation)
    cache.put(key, outcome)
    return outcome


def _validate_uncached(
    signer: CertFacts,
    others: list[CertFacts],
    trust: TrustStore,
    moment: datetime,
    certs: CertCache,
    revocation: RevocationCheck | None,
) -> PathOutcome:
    """Validate the path, with revocation data when there is some."""
    if not trust.certificates:
        return PathOutcome(
            SubIndication.NO_CERTIFICATE_CHAIN_FOUND, "no trust anchors configured"
        )

    run = (signer, others, trust, moment, certs)
    if revocation is None or not revocation.data:
        outcome = _run(*run, context_options(None, strict=False))
        return _without_data(outcome, revocation)

    strict = _run(*run, context_options(revocation, strict=True))
    if strict.passed:
        sources = ", ".join(revocation.data.sources) or "given"
        detail = f"revocation status checked ({sources} data): not revoked"
        return replace(strict, revocation=detail, revocation_checked=True)

    if strict.subindication is SubIndication.TRY_LATER and revocation.policy.soft_fail:
        loose = _run(*run, context_options(revocation, strict=False))
        detail = "revocation data is missing or stale for part of the path"
        if revocation.data.problems:
            detail += " (" + "; ".join(revocation.data.problems) + ")"
        return replace(loose, revocation=detail) if loose.passed else loose

    return strict


def _without_data(
    outcome: PathOutcome, revocation: RevocationCheck | None
) -> PathOutcome:
    """Apply the policy for a path without any revocation data."""
    if revocation is None or not outcome.passed:
        return outcome

    if revocation.policy.soft_fail:
        problems = " ".join(revocation.data.problems)
        detail = f"no revocation data was available ({problems or 'none given'})"
        return replace(outcome, revocation=detail)

    return PathOutcome(
        SubIndication.TRY_LATER,
        "no revocation data is available for the path; the policy requires it",
    )


def _run(
    signer: CertFacts,
    others: list[CertFacts],
    trust: TrustStore,
    moment: datetime,
    certs: CertCache,
    options: dict[str, object],
) -> PathOutcome:
    """Run pyhanko-certvalidator and map its verdict to a sub-indication."""
    context = ValidationContext(
        trust_roots=[_asn1(certs.of(c).der) for c in trust.certificates],
        other_certs=[_asn1(c.der) for c in others],
        moment=moment,
        **options,  # type: ignore[arg-type]
    )
    validator = CertificateValidator(_asn1(signer.der), validation_context=context)
    try:
        path = asyncio.run(validator.async_validate_path())
    except Exception as exc:
        return _map_error(exc)

    outside = _validity_problem(signer.cert, moment)
    if outside is not None:
        return outside

    loaded = (certs.from_der(c.dump()) for c in reversed(list(path)))
    chain = tuple(f.cert for f in loaded if f is not None)
    return PathOutcome(None, "path to a trust anchor validated", chain)


def _validity_problem(cert: x509.Certificate, moment: datetime) -> PathOutcome | None:
    """Check the signer's own validity period (also when it is an anchor)."""
    if moment > cert.not_valid_after_utc:
        return PathOutcome(
            SubIndication.OUT_OF_BOUNDS_NO_POE,
            "the signing certificate had expired at the validation time",
        )

    if moment < cert.not_valid_before_utc:
        return PathOutcome(
            SubIndication.NOT_YET_VALID,
            "the signing certificate was not yet valid at the validation time",
        )

    return None


def _map_error(exc: Exception) -> PathOutcome:
    """Translate a certvalidator exception into an outcome."""
    text = str(exc)
    if isinstance(exc, cv_errors.PathBuildingError) or (
        isinstance(exc, cv_errors.InvalidCertificateError) and "self-signed" in text
    ):
        sub = SubIndication.NO_CERTIFICATE_CHAIN_FOUND
    elif isinstance(exc, cv_errors.ExpiredError):
        sub = SubIndication.OUT_OF_BOUNDS_NO_POE
    elif isinstance(exc, cv_errors.NotYetValidError):
        sub = SubIndication.NOT_YET_VALID
    elif isinstance(exc, cv_errors.RevokedError):
        log.debug("path validation failed: revoked")
        return PathOutcome(
            SubIndication.REVOKED_NO_POE,
            _revoked_detail(exc),
            revoked_at=exc.revocation_dt,
        )
    elif isinstance(exc, cv_errors.InsufficientRevinfoError):
        sub = SubIndication.TRY_LATER
    elif isinstance(exc, cv_errors.DisallowedAlgorithmError):
        sub = SubIndication.CRYPTO_CONSTRAINTS_FAILURE
    else:
        sub = SubIndication.CERTIFICATE_CHAIN_GENERAL_FAILURE

    log.debug("path validation failed: %s", type(exc).__name__)
    return PathOutcome(sub, _DETAILS.get(sub, "the certificate path is not valid"))


def _revoked_detail(exc: cv_errors.RevokedError) -> str:
    who = (
        "the signing certificate" if exc.is_ee_cert else "a CA certificate of the path"
    )
    when = exc.revocation_dt.isoformat()
    return f"{who} was revoked at {when} ({exc.reason.human_friendly})"


_DETAILS = {
    SubIndication.NO_CERTIFICATE_CHAIN_FOUND: "no path to a trust anchor was found",
    SubIndication.OUT_OF_BOUNDS_NO_POE: "a certificate of the path had expired",
    SubIndication.NOT_YET_VALID: "a certificate of the path was not yet valid",
    SubIndication.REVOKED_NO_POE: "a certificate of the path is revoked",
    SubIndication.TRY_LATER: (
        "no usable revocation data for a certificate of the path (missing or stale)"
    ),
    SubIndication.CRYPTO_CONSTRAINTS_FAILURE: (
        "a certificate of the path is signed with a refused algorithm"
    ),
}


def _asn1(der: bytes) -> asn1_x509.Certificate:
    """Parse a DER certificate with asn1crypto."""
    return asn1_x509.Certificate.load(der)
