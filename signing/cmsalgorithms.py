"""Our algorithm policy (TS 119 312, :class:`signing.policy.AlgorithmPolicy`)
in pyHanko's terms, judged at a CMS signature's proof of existence: the
signature of a PDF (PAdES) and of a ``.p7s`` / ``.p7m`` (CAdES) alike.

pyHanko's ``DisallowWeakAlgorithmsPolicy`` refuses a weak digest at any
date.  :class:`SunsetAlgorithms` applies ours instead: a refused digest (or
a small RSA key) is still accepted for a signature proven to exist before
its sunset, and ``proven_at`` is that proof (a signature or document
time-stamp that verified with strong algorithms), never a time the
signer claims.  Without a proof it refuses exactly what ours refuses now.
It governs the CMS signature (and its time-stamps' own CMS); certificate
paths keep the undated policy, as XAdES paths do (:mod:`signing.trust`).
"""

from __future__ import annotations

from datetime import datetime

from asn1crypto import algos, keys
from pyhanko.sign.validation.policy_decl import CMSAlgorithmUsagePolicy
from pyhanko_certvalidator.policy_decl import (
    AlgorithmUsageConstraint,
    AlgorithmUsagePolicy,
)

from signing.pdfcrypto import PLAIN_ECDSA
from signing.policy import AlgorithmPolicy

_ALLOWED = AlgorithmUsageConstraint(allowed=True)


def cms_algorithms(
    algorithms: AlgorithmPolicy, proven_at: datetime | None = None
) -> CMSAlgorithmUsagePolicy:
    """Our algorithm policy for the CMS signature itself, judged at its proof
    of existence ``proven_at`` (``None``: no proof, judged now)."""
    return CMSAlgorithmUsagePolicy.lift_policy(SunsetAlgorithms(algorithms, proven_at))


class SunsetAlgorithms(AlgorithmUsagePolicy):
    """Our algorithm policy for signatures proven to exist at ``proven_at``."""

    def __init__(self, rules: AlgorithmPolicy, proven_at: datetime | None) -> None:
        """Judge with ``rules`` at ``proven_at`` (``None``: no proof, now)."""
        self.rules = rules
        self.proven_at = proven_at

    def digest_algorithm_allowed(
        self, algo: algos.DigestAlgorithm, moment: datetime | None
    ) -> AlgorithmUsageConstraint:
        """Refuse a digest our policy refuses at the proof of existence."""
        name = algo["algorithm"].native
        if not self.rules.digest_refused(name, self.proven_at):
            return _ALLOWED

        return _refused(f"digest {name} is refused {self._when()}")

    def signature_algorithm_allowed(
        self,
        algo: algos.SignedDigestAlgorithm,
        moment: datetime | None,
        public_key: keys.PublicKeyInfo | None,
    ) -> AlgorithmUsageConstraint:
        """Refuse a mechanism whose digest, key type or key size is refused."""
        mechanism, digest = _mechanism(algo)
        if mechanism == "rsassa_pss" and not self.rules.allow_rsa_pss:
            return _refused("RSA-PSS is refused")

        if public_key is not None:
            key_problem = self._key_problem(public_key)
            if key_problem is not None:
                return _refused(key_problem)

        if digest is None:
            return _ALLOWED  # judged by the signature validator, as before

        return self.digest_algorithm_allowed(
            algos.DigestAlgorithm({"algorithm": digest}), moment
        )

    def _key_problem(self, public_key: keys.PublicKeyInfo) -> str | None:
        algorithm = public_key.algorithm
        kind = {"rsa": "rsa", "rsassa_pss": "rsa", "ec": "ec"}.get(algorithm)
        if kind is None:
            return None  # other key types: as pyHanko's own policy did

        bits = public_key.bit_size
        if self.rules.key_refused(kind, bits, self.proven_at):
            return f"{kind.upper()} key of {bits} bits is refused {self._when()}"

        return None

    def _when(self) -> str:
        if self.proven_at is None:
            return "without a proof of existence before its end date"

        return f"for a signature proven at {self.proven_at.isoformat()}"


def _mechanism(algo: algos.SignedDigestAlgorithm) -> tuple[str, str | None]:
    """The mechanism's name and digest; plain ECDSA (BSI TR-03111) by OID."""
    try:
        return algo.signature_algo, algo.hash_algo
    except ValueError:
        oid = algo["algorithm"].dotted
        plain = PLAIN_ECDSA.get(oid)
        return oid, None if plain is None else plain.name.replace("-", "_")


def _refused(reason: str) -> AlgorithmUsageConstraint:
    # No not_allowed_after: the proof of existence is ours to apply (by
    # judging again at it), and pyHanko would then name it ..._NO_POE.
    return AlgorithmUsageConstraint(allowed=False, failure_reason=reason)
