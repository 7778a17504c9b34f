"""A test PKI with OCSP and CRL services on 127.0.0.1, started by the tests.

The server is started first (a free loopback port), then the certificates
are issued naming its URLs, so that fetching finds it. OCSP answers are
built with cryptography's OCSP builder and signed by the issuing CA; the
status of each serial is what the test sets (unknown serials are answered
``unknown``). ``down`` makes every endpoint answer 503, as a responder that
is down would; requests are counted so tests can prove nothing was fetched.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from signing.pki import (
    Issued,
    generate_key,
    make_citizen,
    make_crl,
    make_intermediate,
    make_root,
    make_tsa,
)
from signing.policy import ValidationPolicy
from signing.result import Indication, SubIndication, ValidationResult
from signing.revocation import RevocationPolicy
from signing.trust import TrustStore
from signing.tsa import LocalTimestamper


@dataclass
class Services:
    """What the loopback services answer, changeable by the tests."""

    inter: Issued | None = None
    root: Issued | None = None
    revoked: dict[int, datetime] = field(default_factory=dict)
    revoked_cas: dict[int, datetime] = field(default_factory=dict)
    known: set[int] = field(default_factory=set)
    crl_days: int = 30
    crl_issued: datetime | None = None
    down: bool = False
    stall: float = 0.0
    """Seconds every answer waits first, as a responder that hangs."""
    requests: list[str] = field(default_factory=list)
    base: str = ""

    def crl_der(self) -> bytes:
        """The intermediate's CRL now, listing the revoked serials."""
        assert self.inter is not None
        return crl_of(self.inter, self.revoked, self.crl_issued, self.crl_days)

    def ocsp_der(self, request_der: bytes) -> bytes:
        """Answer one DER OCSP request."""
        assert self.inter is not None
        request = ocsp.load_der_ocsp_request(request_der)
        return ocsp_answer(self.inter, request, self.known, self.revoked)


def crl_of(
    issuer: Issued,
    revoked: dict[int, datetime],
    issued: datetime | None = None,
    days: int = 30,
) -> bytes:
    """A DER CRL of ``issuer`` listing ``revoked`` serials at their times."""
    now = issued or datetime.now(UTC) - timedelta(minutes=1)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(now)
        .next_update(now + timedelta(days=days))
    )
    for serial, when in revoked.items():
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(when)
            .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), False)
            .build()
        )
        builder = builder.add_revoked_certificate(entry)

    crl = builder.sign(issuer.key, hashes.SHA256())  # type: ignore[arg-type]
    return crl.public_bytes(serialization.Encoding.DER)


def ocsp_answer(
    issuer: Issued,
    request: ocsp.OCSPRequest,
    known: set[int],
    revoked: dict[int, datetime],
    now: datetime | None = None,
    responder: Issued | None = None,
) -> bytes:
    """A DER OCSP response about the requested serial, signed by ``issuer``
    or by a ``responder`` (whose certificate the response then carries)."""
    now = now or datetime.now(UTC) - timedelta(minutes=1)
    serial = request.serial_number
    status, when = ocsp.OCSPCertStatus.UNKNOWN, None
    if serial in revoked:
        status, when = ocsp.OCSPCertStatus.REVOKED, revoked[serial]
    elif serial in known:
        status = ocsp.OCSPCertStatus.GOOD

    builder = ocsp.OCSPResponseBuilder().add_response_by_hash(
        issuer_name_hash=request.issuer_name_hash,
        issuer_key_hash=request.issuer_key_hash,
        serial_number=serial,
        algorithm=request.hash_algorithm,
        cert_status=status,
        this_update=now,
        next_update=now + timedelta(days=1),
        revocation_time=when,
        revocation_reason=x509.ReasonFlags.key_compromise if when else None,
    )
    signer = responder or issuer
    builder = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, signer.certificate)
    if responder is not None:
        builder = builder.certificates([responder.certificate])
    for ext in request.extensions:
        if isinstance(ext.value, x509.OCSPNonce):
            builder = builder.add_extension(ext.value, critical=False)

    response = builder.sign(signer.key, hashes.SHA256())  # type: ignore[arg-type]
    return response.public_bytes(serialization.Encoding.DER)


def ocsp_about(
    issuer: Issued,
    subject: x509.Certificate,
    *,
    revoked_at: datetime | None = None,
    responder: Issued | None = None,
    at: datetime | None = None,
) -> bytes:
    """A DER OCSP response on ``subject`` (good, or revoked at a time), as
    the responder of ``issuer`` would answer a request for it ``at`` a time
    (a minute ago by default; valid for a day after it)."""
    request = (
        ocsp.OCSPRequestBuilder()
        .add_certificate(subject, issuer.certificate, hashes.SHA256())
        .build()
    )
    serial = subject.serial_number
    revoked = {} if revoked_at is None else {serial: revoked_at}
    return ocsp_answer(issuer, request, {serial}, revoked, now=at, responder=responder)


def make_ocsp_responder(issuer: Issued, *, ocsp_signing: bool = True) -> Issued:
    """A delegated responder certificate of ``issuer`` (RFC 6960 4.2.2.2);
    without ``ocsp_signing`` it lacks id-kp-OCSPSigning, so it may not
    answer for the CA."""
    key = generate_key()
    now = datetime.now(UTC)
    name = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, "Fake Revocation OCSP Responder")]
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=30))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
        .add_extension(x509.OCSPNoCheck(), False)
    )
    if ocsp_signing:
        usage = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING])
        builder = builder.add_extension(usage, False)
    cert = builder.sign(issuer.key, hashes.SHA256())  # type: ignore[arg-type]
    return Issued(key=key, certificate=cert, chain=(issuer.certificate, *issuer.chain))


@contextmanager
def serve() -> Iterator[Services]:
    """Run the OCSP and CRL endpoints on a free loopback port."""
    state = Services()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, body: bytes, kind: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            state.requests.append("GET " + self.path)
            time.sleep(state.stall)
            if state.down or self.path not in ("/inter.crl", "/root.crl"):
                self.send_error(503 if state.down else 404)
                return

            if self.path == "/root.crl":
                assert state.root is not None
                body = crl_of(state.root, state.revoked_cas)
            else:
                body = state.crl_der()

            self._answer(body, "application/pkix-crl")

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            state.requests.append("POST " + self.path)
            time.sleep(state.stall)
            if state.down or self.path != "/ocsp":
                self.send_error(503 if state.down else 404)
                return

            self._answer(state.ocsp_der(body), "application/ocsp-response")

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class RevocationPKI:
    """Root, intermediate, TSA and citizens whose certificates name the server."""

    root: Issued
    inter: Issued
    tsa: Issued
    services: Services

    def citizen(self, pesel: str, *, ocsp: bool = True, crl: bool = True) -> Issued:
        """Issue a citizen naming the services; known to the responder."""
        issued = make_citizen(
            self.inter,
            given_name="Anna",
            surname="Testowa",
            pesel=pesel,
            crl_url=f"{self.services.base}/inter.crl" if crl else None,
            ocsp_url=f"{self.services.base}/ocsp" if ocsp else None,
            not_before=datetime.now(UTC) - timedelta(days=400),
        )
        self.services.known.add(issued.certificate.serial_number)
        return issued

    def timestamper(self, at: datetime) -> LocalTimestamper:
        """A TSA whose clock says ``at``."""
        return LocalTimestamper(
            self.tsa.key, self.tsa.certificate, self.tsa.chain, clock=lambda: at
        )


def make_revocation_pki(services: Services, ca_crl: bool = False) -> RevocationPKI:
    """Issue the PKI for running ``services`` (valid since 500 days).

    With ``ca_crl`` the intermediate names the root's CRL (``/root.crl``),
    so that its own revocation is checked too."""
    start = datetime.now(UTC) - timedelta(days=500)
    root = make_root("Fake Revocation Root", now=start)
    inter = make_intermediate(root, "Fake Revocation CA", now=start)
    if ca_crl:
        inter = _with_crl_point(inter, root, f"{services.base}/root.crl")
    tsa = make_tsa(root, not_before=start)
    services.inter, services.root = inter, root
    return RevocationPKI(root, inter, tsa, services)


def _with_crl_point(issued: Issued, issuer: Issued, url: str) -> Issued:
    """The same CA certificate, re-signed with a CRL distribution point."""
    cert = issued.certificate
    builder = (
        x509.CertificateBuilder()
        .subject_name(cert.subject)
        .issuer_name(cert.issuer)
        .public_key(cert.public_key())
        .serial_number(cert.serial_number)
        .not_valid_before(cert.not_valid_before_utc)
        .not_valid_after(cert.not_valid_after_utc)
    )
    for extension in cert.extensions:
        builder = builder.add_extension(extension.value, extension.critical)

    point = x509.DistributionPoint(
        [x509.UniformResourceIdentifier(url)], None, None, None
    )
    builder = builder.add_extension(x509.CRLDistributionPoints([point]), False)
    signed = builder.sign(issuer.key, hashes.SHA256())  # type: ignore[arg-type]
    return Issued(key=issued.key, certificate=signed, chain=issued.chain)


__all__ = [
    "RevocationPKI",
    "Services",
    "crl_of",
    "make_crl",
    "make_ocsp_responder",
    "make_revocation_pki",
    "ocsp_about",
]


def revocation_checks(result: ValidationResult) -> list[tuple[bool, str]]:
    """The ``revocation`` checks of the first signature: passed, detail."""
    return [
        (c.passed, c.detail) for c in result.primary.checks if c.name == "revocation"
    ]


def verdict(result: ValidationResult) -> tuple[Indication, SubIndication | None]:
    """The indication and sub-indication of a validation."""
    return result.indication, result.subindication


def policy_of(rpki: RevocationPKI, **rules: object) -> ValidationPolicy:
    """A policy trusting the PKI's root, with the revocation ``rules`` given."""
    return ValidationPolicy(
        TrustStore.from_certificates([rpki.root.certificate]),
        intermediates=(rpki.inter.certificate,),
        revocation=RevocationPolicy(**rules),  # type: ignore[arg-type]
    )


def signature_stamped(p7s: bytes, rpki: RevocationPKI, when: datetime) -> bytes:
    """Put a signature time-stamp made at ``when`` into the SignerInfo."""
    info = cms.ContentInfo.load(p7s)
    signer_info = info["content"]["signer_infos"][0]
    digest = hashlib.sha256(signer_info["signature"].native).digest()
    token = cms.ContentInfo.load(rpki.timestamper(when).timestamp(digest))
    signer_info["unsigned_attrs"] = cms.CMSAttributes(
        [cms.CMSAttribute({"type": "signature_time_stamp_token", "values": [token]})]
    )
    return bytes(info.dump())
