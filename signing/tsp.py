"""RFC 3161 time-stamps: asking a time-stamping authority, and checking tokens.

A :class:`Timestamper` turns a message digest into a time-stamp token (the
DER of a CMS ``ContentInfo`` holding ``SignedData`` over a ``TSTInfo``,
RFC 3161 section 2.4.2). Two kinds are provided:

- :class:`LocalTimestamper`, an in-process TSA that signs with a key and a
  certificate carrying id-kp-timeStamping (the demo PKI's TSA), so that a
  fresh instance needs nothing outside; it also answers raw RFC 3161
  requests (:meth:`LocalTimestamper.respond`), for a loopback test server;
- :class:`HttpTimestamper`, pyHanko's HTTP client for any RFC 3161 URL.

Both check what comes back: the status, the nonce and the message imprint.

:func:`verify_timestamp` checks a token on its own: the imprint against the
data it should cover, the CMS signature (with pyHanko's validation of
time-stamp ``SignedData``) and the TSA's path to a trust anchor; the TSA
certificate's revocation is not checked (signers' is, see
:mod:`signing.revocation`). The validation context is kept per trust store,
thread and minute, so a TSA's path is not rebuilt for every token.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from asn1crypto import cms, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError
from pyhanko.sign.validation import errors as pyhanko_errors
from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
from pyhanko_certvalidator import ValidationContext

from signing.trust import TrustStore
from signing.tsa import IMPRINT_ALGORITHMS, LocalTimestamper

logger = logging.getLogger(__name__)

__all__ = [
    "HttpTimestamper",
    "LocalTimestamper",
    "TimestampError",
    "TimestampResult",
    "Timestamper",
    "verify_timestamp",
]


class TimestampError(Exception):
    """The time-stamping authority gave no usable token."""


class Timestamper(Protocol):
    """Something that obtains RFC 3161 time-stamp tokens."""

    def timestamp(self, digest: bytes, algorithm: str = "sha256") -> bytes:
        """Return the DER token whose message imprint is ``digest``."""
        ...


@dataclass(frozen=True)
class TimestampResult:
    """What checking one time-stamp token found; facts kept apart."""

    gen_time: datetime | None
    """The token's genTime, timezone-aware UTC, when it could be read."""
    tsa_name: str | None
    """The signing TSA certificate's subject, RFC 4514."""
    tsa_certificate_sha256: str | None
    """Hex SHA-256 of the TSA certificate's DER."""
    imprint_ok: bool
    """The message imprint is the hash of the data it should cover."""
    signature_ok: bool
    """The token's CMS signature and signed attributes verify."""
    chain_ok: bool
    """The TSA certificate is for time-stamping and chains to an anchor."""
    problems: tuple[str, ...] = ()
    """Plain sentences saying what did not hold."""

    @property
    def passed(self) -> bool:
        """Whether every check passed."""
        return self.imprint_ok and self.signature_ok and self.chain_ok

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready dict of this result."""
        return {
            "passed": self.passed,
            "gen_time": self.gen_time.isoformat() if self.gen_time else None,
            "tsa_name": self.tsa_name,
            "tsa_certificate_sha256": self.tsa_certificate_sha256,
            "imprint_ok": self.imprint_ok,
            "signature_ok": self.signature_ok,
            "chain_ok": self.chain_ok,
            "problems": list(self.problems),
        }


# --- asking for a token -------------------------------------------------


class HttpTimestamper:
    """A client of an RFC 3161 TSA at a URL, through pyHanko's HTTPTimeStamper."""

    def __init__(self, url: str, *, timeout: float = 10.0) -> None:
        """Remember the URL; nothing is sent until a token is asked for."""
        if not url.startswith(("http://", "https://")):
            raise ValueError("the TSA URL must be http:// or https://")

        self.url = url
        self._client = HTTPTimeStamper(url, timeout=timeout)

    def timestamp(self, digest: bytes, algorithm: str = "sha256") -> bytes:
        """Ask the TSA for a token over ``digest`` and check what it sent."""
        if algorithm not in IMPRINT_ALGORITHMS:
            raise ValueError(f"imprint algorithm {algorithm!r} is not accepted")

        try:
            token = asyncio.run(self._client.async_timestamp(digest, algorithm))
        except (TimestampRequestError, OSError, ValueError, KeyError) as exc:
            raise TimestampError(f"the TSA did not give a token: {exc}") from exc

        _check_imprint_of(token, digest, algorithm)
        return bytes(token.dump())


def _check_imprint_of(token: cms.ContentInfo, digest: bytes, algorithm: str) -> None:
    try:
        imprint = _tst_info(token)["message_imprint"]
    except (ValueError, TypeError, KeyError) as exc:
        raise TimestampError("the TSA sent something that is not a token") from exc

    same_algorithm = imprint["hash_algorithm"]["algorithm"].native == algorithm
    if not same_algorithm or imprint["hashed_message"].native != digest:
        raise TimestampError("the TSA time-stamped something else")


# --- checking a token ---------------------------------------------------


def verify_timestamp(
    token_der: bytes,
    imprint_data: bytes,
    trust: TrustStore,
    *,
    at: datetime | None = None,
    revocation: dict[str, Any] | None = None,
) -> TimestampResult:
    """Check a token: its imprint over ``imprint_data``, signature and TSA path.

    The path is validated at ``at`` (default: now) with the certificates the
    token carries as candidates. ``revocation`` holds validation-context
    options with revocation data for the TSA's path
    (:func:`signing.revocation.context_options`); without, its revocation is
    not checked.
    """
    try:
        token = cms.ContentInfo.load(token_der)
        signed = token["content"]
        info = _tst_info(token)
        gen_time = info["gen_time"].native.astimezone(UTC)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        logger.debug("unreadable time-stamp token: %s", type(exc).__name__)
        return _unreadable()

    imprint_problem = _imprint_problem(info, imprint_data)
    imprint_ok = imprint_problem is None
    facts = _validate_cms(signed, trust, at, revocation)
    problems = list(facts.problems)
    if imprint_problem is not None:
        problems.insert(0, imprint_problem)

    return TimestampResult(
        gen_time=gen_time,
        tsa_name=facts.name,
        tsa_certificate_sha256=facts.fingerprint,
        imprint_ok=imprint_ok,
        signature_ok=facts.signature_ok,
        chain_ok=facts.chain_ok,
        problems=tuple(problems),
    )


def _tst_info(token: cms.ContentInfo) -> tsp.TSTInfo:
    if token["content_type"].native != "signed_data":
        raise ValueError("not CMS SignedData")

    content = token["content"]["encap_content_info"]
    if content["content_type"].native != "tst_info":
        raise ValueError("SignedData does not hold a TSTInfo")

    info = content["content"].parsed
    if not isinstance(info, tsp.TSTInfo):
        raise ValueError("SignedData does not hold a TSTInfo")

    return info


def _unreadable() -> TimestampResult:
    return TimestampResult(
        gen_time=None,
        tsa_name=None,
        tsa_certificate_sha256=None,
        imprint_ok=False,
        signature_ok=False,
        chain_ok=False,
        problems=("This is not a readable RFC 3161 time-stamp token.",),
    )


def _imprint_problem(info: tsp.TSTInfo, data: bytes) -> str | None:
    imprint = info["message_imprint"]
    algorithm = imprint["hash_algorithm"]["algorithm"].native
    if algorithm not in IMPRINT_ALGORITHMS:
        return f"The time-stamp's imprint uses {algorithm}, no longer accepted."

    expected = hashlib.new(algorithm, data).digest()
    if not hmac.compare_digest(expected, imprint["hashed_message"].native):
        return "The time-stamp was made over other data."

    return None


@dataclass(frozen=True)
class _CmsFacts:
    signature_ok: bool
    chain_ok: bool
    name: str | None
    fingerprint: str | None
    problems: tuple[str, ...]


def _validate_cms(
    signed: cms.SignedData,
    trust: TrustStore,
    at: datetime | None,
    revocation: dict[str, Any] | None = None,
) -> _CmsFacts:
    moment = at or datetime.now(UTC)
    if revocation is None:
        context = _context(trust, moment)
    else:
        context = ValidationContext(
            trust_roots=[_asn1(c) for c in trust.certificates],
            moment=moment,
            **revocation,
        )
    try:
        # The imprint is checked apart (above), so that a wrong imprint and
        # a broken signature are told apart: pyHanko gets the token's own.
        found = asyncio.run(
            validate_tst_signed_data(signed, context, _own_imprint(signed))
        )
        return _facts(found, trust)
    except pyhanko_errors.SignatureValidationError as exc:
        logger.debug("time-stamp signature refused: %s", exc.failure_message)
        return _CmsFacts(False, False, None, None, (_signature_problem(exc),))
    except _UNREADABLE as exc:
        # Tokens come from outside: a part that will not parse is a refusal.
        logger.debug("time-stamp not processable: %s", type(exc).__name__)
        problem = "The time-stamp's structure or certificate cannot be processed."
        return _CmsFacts(False, False, None, None, (problem,))


_MAX_USES = 512
_CONTEXTS: weakref.WeakKeyDictionary[TrustStore, threading.local] = (
    weakref.WeakKeyDictionary()
)
_CONTEXTS_LOCK = threading.Lock()


def _context(trust: TrustStore, moment: datetime) -> ValidationContext:
    """This thread's context for ``trust`` at ``moment`` (to the minute).

    Kept so that the TSA's path, the same for every token it signs, is
    validated once a minute rather than for every token; rebuilt after
    ``_MAX_USES`` tokens so that their certificates do not pile up."""
    with _CONTEXTS_LOCK:
        local = _CONTEXTS.setdefault(trust, threading.local())

    minute = moment.replace(second=0, microsecond=0)
    slot = getattr(local, "slot", None)
    if slot is None or slot[0] != minute or slot[2] >= _MAX_USES:
        context = ValidationContext(
            trust_roots=[_asn1(c) for c in trust.certificates],
            moment=minute,
            allow_fetching=False,
            revocation_mode="soft-fail",
        )
        slot = [minute, context, 0]
        local.slot = slot

    slot[2] += 1
    found: ValidationContext = slot[1]
    return found


def _own_imprint(signed: cms.SignedData) -> Callable[[str], bytes]:
    info = signed["encap_content_info"]["content"].parsed
    value: bytes = info["message_imprint"]["hashed_message"].native
    return lambda _algorithm: value


def _facts(found: dict[str, Any], trust: TrustStore) -> _CmsFacts:
    cert: asn1_x509.Certificate = found["signing_cert"]
    der = cert.dump()
    signature_ok = bool(found["intact"] and found["valid"])
    problems: list[str] = []
    if not signature_ok:
        problems.append("The time-stamp's signature does not verify.")

    trust_problem = found["trust_problem_indic"]
    chain_ok = trust_problem is None and signature_ok
    if signature_ok and not chain_ok:
        problems.append(_chain_problem(trust, trust_problem))

    if not _for_time_stamping(cert):
        chain_ok = False
        problems.append("The time-stamp was signed by a certificate not for TSAs.")

    return _CmsFacts(
        signature_ok=signature_ok,
        chain_ok=chain_ok,
        name=_name(cert),
        fingerprint=hashlib.sha256(der).hexdigest(),
        problems=tuple(problems),
    )


def _for_time_stamping(cert: asn1_x509.Certificate) -> bool:
    # Read with asn1crypto: real TSA certificates carry extensions (policy
    # qualifiers and the like) that cryptography refuses to parse.
    usage = cert.extended_key_usage_value
    critical = "extended_key_usage" in cert.critical_extensions
    return critical and usage is not None and usage.native == ["time_stamping"]


def _name(cert: asn1_x509.Certificate) -> str:
    try:
        return x509.load_der_x509_certificate(cert.dump()).subject.rfc4514_string()
    except ValueError:
        return str(cert.subject.human_friendly)


def _chain_problem(trust: TrustStore, problem: object) -> str:
    if not trust.certificates:
        return "No trust anchors were given, so the TSA cannot be trusted."

    if "CRYPTO_CONSTRAINTS" in str(problem):
        return "The time-stamp uses an algorithm that is no longer accepted."

    if "REVOKED" in str(problem):
        return "The time-stamping authority's certificate is revoked."

    return "The time-stamping authority does not chain to a trusted root."


def _signature_problem(exc: pyhanko_errors.SignatureValidationError) -> str:
    if "signer certificate not included" in exc.failure_message:
        return "The time-stamp does not carry the TSA's certificate."

    return "The time-stamp's signature structure is not valid."


_UNREADABLE = (ValueError, TypeError, KeyError, AttributeError, NotImplementedError)


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    der = certificate.public_bytes(serialization.Encoding.DER)
    return asn1_x509.Certificate.load(der)
