"""Validation policy as data: trust, validation time and algorithm constraints.

The defaults are the safe ones: SHA-1 and SHA-224 are refused for reference
digests and signatures (SHA-1 only for signatures proven to exist after its
sunset, see :data:`DIGEST_SUNSETS`), RSA keys below 2048 bits and elliptic
curves below 256 bits are refused (smaller RSA keys only before their sunset,
:data:`RSA_SUNSETS`), and revocation is checked with what the signature
embeds, never fetching unless the operator turns it on (``revocation``).
A policy also carries the cache of path-validation results, so that repeated
validations of the same signer under the same policy are cheap, and the
facts read from each certificate (DER, fingerprint, names, key); the caches
are per policy object, never module-global.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography import x509

from signing.certs import CertCache
from signing.kinds import KindRules
from signing.revocation import RevocationPolicy
from signing.trust import PathCache, TrustStore

WEAK_DIGESTS = frozenset({"sha1", "sha224"})

DIGEST_SUNSETS: tuple[tuple[str, datetime], ...] = (
    ("sha1", datetime(2012, 8, 1, tzinfo=UTC)),
)
"""Refused digests still accepted for a signature whose proof of existence
(a time-stamp) is before the date. SHA-1's is the end date of the ETSI
cryptographic suite that DSS's default policy applies (as the shared
corpus's manifest records for Signature-X-EE-3); data an operator may change."""

RSA_SUNSETS: tuple[tuple[int, datetime], ...] = (
    (1024, datetime(2011, 1, 1, tzinfo=UTC)),
    (1536, datetime(2016, 1, 1, tzinfo=UTC)),
)
"""(smallest modulus, end date): RSA keys below ``min_rsa_bits`` accepted for
signatures proven to exist before the end date of the first row whose size
they reach. Our choice after TS 119 312's key-size tables, as data."""


@dataclass(frozen=True)
class AlgorithmPolicy:
    """Which algorithms and key sizes a signature may use."""

    refused_digests: frozenset[str] = WEAK_DIGESTS
    """Hashlib names refused for reference digests and signature methods."""
    refused_cert_digests: frozenset[str] = frozenset()
    """Hashlib names refused in SigningCertificate digests.  SHA-1 is allowed
    there by default: it only names a certificate whose key must still verify
    the signature, and XAdES 1.3.2 producers commonly use it."""
    min_rsa_bits: int = 2048
    """The smallest RSA modulus accepted."""
    min_ec_bits: int = 256
    """The smallest elliptic-curve key accepted."""
    allow_rsa_pss: bool = True
    """Whether RSASSA-PSS signature methods are accepted."""
    digest_sunsets: tuple[tuple[str, datetime], ...] = DIGEST_SUNSETS
    """Refused digests accepted when the signature existed before the date."""
    rsa_sunsets: tuple[tuple[int, datetime], ...] = RSA_SUNSETS
    """Smaller RSA keys accepted when the signature existed before the date."""

    def digest_refused(self, name: str, at: datetime | None = None) -> bool:
        """Tell whether a digest is refused for a signature existing at ``at``.

        ``at`` is the signature's best proof of existence; ``None`` means
        the validation time, after every sunset.
        """
        if name not in self.refused_digests:
            return False

        sunset = dict(self.digest_sunsets).get(name)
        return at is None or sunset is None or at >= sunset

    def key_refused(self, key_type: str, bits: int, at: datetime | None = None) -> bool:
        """Tell whether a key of this type and size is refused at ``at``."""
        if key_type == "rsa":
            return bits < self.min_rsa_bits and not self._rsa_still_allowed(bits, at)

        if key_type == "ec":
            return bits < self.min_ec_bits

        return True

    def _rsa_still_allowed(self, bits: int, at: datetime | None) -> bool:
        if at is None:
            return False

        for smallest, end in sorted(self.rsa_sunsets, reverse=True):
            if bits >= smallest:
                return at < end

        return False


@dataclass(frozen=True)
class ValidationPolicy:
    """Everything a validation depends on besides the document itself."""

    trust: TrustStore
    """The trust anchors."""
    validation_time: datetime | None = None
    """The time to validate for; ``None`` means now."""
    intermediates: tuple[x509.Certificate, ...] = ()
    """Untrusted CA certificates offered for path building, besides those
    the signature carries (e.g. a CA's intermediates); never anchors."""
    algorithms: AlgorithmPolicy = field(default_factory=AlgorithmPolicy)
    """Algorithm and key-size constraints."""
    revocation: RevocationPolicy = field(default_factory=RevocationPolicy)
    """Revocation checking: embedded data always, fetching only if on."""
    max_signatures: int = 16
    """The most ds:Signature elements validated in one document."""
    max_references: int = 64
    """The most ds:Reference elements (all signatures together) in one document;
    each may digest the whole document, so more is refused before any work."""
    kinds: KindRules = field(default_factory=KindRules)
    """What recognises trusted-profile, personal and qualified signatures."""
    signature_policies: Mapping[str, bytes] = field(
        default_factory=dict, compare=False, hash=False
    )
    """Signature policy documents the operator holds, by policy identifier
    (EPES: their digest is checked against SigPolicyHash)."""
    cache: PathCache = field(
        default_factory=PathCache, compare=False, repr=False, hash=False
    )
    """Path-validation results of this policy, keyed by chain and minute."""
    certs: CertCache = field(
        default_factory=CertCache, compare=False, repr=False, hash=False
    )
    """Facts of the certificates seen under this policy, keyed by DER."""

    def effective_time(self) -> datetime:
        """Return the validation time, timezone-aware UTC."""
        moment = self.validation_time or datetime.now(UTC)
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)

        return moment.astimezone(UTC)
