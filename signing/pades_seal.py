"""PAdES baseline seals on PDF documents, with the office key kept loaded.

The output is a PAdES baseline signature (ETSI EN 319 142-1): an invisible
signature field added in an incremental update, ``/SubFilter
/ETSI.CAdES.detached``, a ``/ByteRange`` covering the whole file but the
``/Contents`` hole, ``/M`` with the signing time, and in the CMS the signed
attributes content-type, message-digest and signing-certificate-v2 and no
signing-time attribute (clause 6.3: the time is the ``/M`` entry). With a
time-stamper the CMS also carries a signature-time-stamp token (level B-T,
clause 6.3 item b); without, the level is B-B.

Why not pyHanko's defaults: ``SimpleSigner`` re-reads the private key from
DER for every signature (tens of milliseconds of key checks with current
cryptography) and ``PdfSigner`` makes a throw-away signature first to size
the ``/Contents`` hole. Here the key object is kept and the hole is sized
once, from the first real signature, which is about eight times faster
(see PERFORMANCE.md and bench/bench_pdf_receipt.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from io import BytesIO

from asn1crypto import cms
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, SimpleSigner
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from signing.pki import Issued, SigningKey
from signing.tsp import Timestamper

logger = logging.getLogger(__name__)

FIELD_NAME = "PieczecUrzedu"
"""Name of the signature field the seal goes into."""

SUBFILTER = "/ETSI.CAdES.detached"
"""The PAdES baseline sub-filter written into the signature dictionary."""

_HASHES: dict[str, hashes.HashAlgorithm] = {
    "sha256": hashes.SHA256(),
    "sha384": hashes.SHA384(),
    "sha512": hashes.SHA512(),
}

# The measured /Contents of the first seal, hex, times this factor plus the
# slack gives the hole reserved for every later seal. Time-stamp tokens
# vary a little between calls (nonce, serial, accuracy), hence the slack.
_RESERVE_FACTOR = 1.25
_RESERVE_SLACK = 1024


class PdfSealError(Exception):
    """A PDF cannot be sealed (not a PDF pyHanko can update, or signing failed)."""


class PdfSealer:
    """Seals PDFs with one key (PAdES B-B, or B-T with a time-stamper).

    Safe to share between threads: each call builds its own writer; the
    signer, its loaded key and the certificates are read-only.
    """

    def __init__(
        self,
        key: SigningKey,
        certificate: x509.Certificate,
        chain: Sequence[x509.Certificate] = (),
        *,
        timestamper: TimeStamper | Timestamper | None = None,
        reason: str | None = None,
        location: str | None = None,
        bytes_reserved: int | None = None,
    ) -> None:
        """Keep the loaded key and build the pyHanko signer once.

        ``timestamper`` is a pyHanko ``TimeStamper`` or any
        :class:`signing.tsp.Timestamper`. ``bytes_reserved`` fixes the
        ``/Contents`` hole (hex digits, even); when left out it is measured
        on the first seal.
        """
        if key.public_key() != certificate.public_key():
            raise ValueError("the key does not belong to the certificate")
        if bytes_reserved is not None and (bytes_reserved <= 0 or bytes_reserved % 2):
            raise ValueError("bytes_reserved must be a positive even number")

        self._certificate = certificate
        self._timestamper = _pyhanko_timestamper(timestamper)
        self._reserved = bytes_reserved
        self._lock = threading.Lock()
        meta = PdfSignatureMetadata(
            field_name=FIELD_NAME,
            md_algorithm="sha256",
            subfilter=SigSeedSubFilter.PADES,
            reason=reason,
            location=location,
        )
        self._signer = PdfSigner(
            meta,
            _loaded_key_signer(key, certificate, chain),
            timestamper=self._timestamper,
        )

    @classmethod
    def from_issued(
        cls, issued: Issued, *, timestamper: TimeStamper | Timestamper | None = None
    ) -> PdfSealer:
        """Make a sealer of an issued key, certificate and chain."""
        return cls(
            issued.key, issued.certificate, issued.chain, timestamper=timestamper
        )

    @property
    def certificate(self) -> x509.Certificate:
        """The sealing certificate."""
        return self._certificate

    @property
    def bytes_reserved(self) -> int | None:
        """The ``/Contents`` hole in hex digits; None until the first seal."""
        return self._reserved

    @property
    def level(self) -> str:
        """The PAdES baseline level produced: ``B-B`` or ``B-T``."""
        return "B-B" if self._timestamper is None else "B-T"

    def seal(self, pdf: bytes) -> bytes:
        """Return the PDF with a PAdES seal appended as an incremental update."""
        reserved = self._reserved
        try:
            sealed = self._sign(pdf, reserved)
        except SigningError as exc:
            if reserved is None or "larger than expected" not in str(exc):
                raise PdfSealError(f"cannot seal the PDF: {exc}") from exc

            # A time-stamp token grew past the hole: measure again.
            logger.warning("PDF seal outgrew its reserved space; resizing")
            sealed = self._sign(pdf, None)
            reserved = None

        if reserved is None:
            self._remember_size(sealed)
        return sealed

    def _sign(self, pdf: bytes, reserved: int | None) -> bytes:
        try:
            writer = IncrementalPdfFileWriter(BytesIO(pdf))
        except Exception as exc:
            raise PdfSealError(f"not a PDF that can be updated: {exc}") from exc

        output = BytesIO()
        self._signer.sign_pdf(writer, bytes_reserved=reserved, output=output)
        return output.getvalue()

    def _remember_size(self, sealed: bytes) -> None:
        used = _contents_hex_length(sealed)
        reserve = int(used * _RESERVE_FACTOR) + _RESERVE_SLACK
        reserve += reserve % 2
        with self._lock:
            if self._reserved is None or self._reserved < reserve:
                self._reserved = reserve

        logger.info("PDF seal size fixed", extra={"bytes_reserved": reserve})


def _loaded_key_signer(
    key: SigningKey, certificate: x509.Certificate, chain: Sequence[x509.Certificate]
) -> SimpleSigner:
    der_key = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return _LoadedKeySigner(
        key,
        signing_cert=_asn1_cert(certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
        cert_registry=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
            [_asn1_cert(c) for c in chain]
        ),
    )


class _LoadedKeySigner(SimpleSigner):
    """pyHanko's in-memory signer, signing with a key object loaded once."""

    def __init__(
        self,
        key: SigningKey,
        *,
        signing_cert: asn1_x509.Certificate,
        signing_key: asn1_keys.PrivateKeyInfo,
        cert_registry: SimpleCertificateStore,
    ) -> None:
        super().__init__(signing_cert, signing_key, cert_registry)
        self._key = key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        """Sign with the kept key: RSA PKCS#1 v1.5 or ECDSA (DER)."""
        algorithm = _HASHES.get(digest_algorithm)
        if algorithm is None:
            raise SigningError(f"digest {digest_algorithm} is not allowed")

        if isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, padding.PKCS1v15(), algorithm)

        return self._key.sign(data, ec.ECDSA(algorithm))


def _pyhanko_timestamper(
    timestamper: TimeStamper | Timestamper | None,
) -> TimeStamper | None:
    if timestamper is None or isinstance(timestamper, TimeStamper):
        return timestamper

    return _TokenTimeStamper(timestamper)


class _TokenTimeStamper(TimeStamper):
    """pyHanko's time-stamper interface over a :class:`signing.tsp.Timestamper`."""

    def __init__(self, source: Timestamper) -> None:
        super().__init__(include_nonce=False)  # type: ignore[no-untyped-call]
        self._source = source

    async def async_timestamp(
        self, message_digest: bytes, md_algorithm: str
    ) -> cms.ContentInfo:
        """Ask the source for a token over the signature value's digest."""
        return cms.ContentInfo.load(
            self._source.timestamp(message_digest, md_algorithm)
        )


def _asn1_cert(certificate: x509.Certificate) -> asn1_x509.Certificate:
    der = certificate.public_bytes(serialization.Encoding.DER)
    return asn1_x509.Certificate.load(der)


def _contents_hex_length(sealed: bytes) -> int:
    """Length in hex digits of the last signature's CMS, padding stripped."""
    start = sealed.rindex(b"/Contents <") + len(b"/Contents <")
    end = sealed.index(b">", start)
    return len(sealed[start:end].rstrip(b"0"))
