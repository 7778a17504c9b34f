"""Signature primitives pyHanko lacks: plain (r‖s) ECDSA of BSI TR-03111.

German signature cards and the SignCubes plug-in write ECDSA values in the
plain form of BSI TR-03111 (the two integers r and s concatenated, fixed
length) under their own OIDs (``0.4.0.127.0.7.1.1.4.1.*``), which CMS
allows (EN 319 122-1 names the algorithm by OID).  The value is turned into
the DER form and verified with the same key and hash; every other algorithm
goes to pyHanko's own validator unchanged.
"""

from __future__ import annotations

from asn1crypto import algos
from asn1crypto.keys import PublicKeyInfo
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    Prehashed,
    encode_dss_signature,
)
from pyhanko_certvalidator.sig_validate import (
    DEFAULT_VALIDATION_CONTEXT,
    DefaultSignatureValidator,
    SignatureValidationContext,
)

PLAIN_ECDSA: dict[str, hashes.HashAlgorithm] = {
    "0.4.0.127.0.7.1.1.4.1.2": hashes.SHA224(),
    "0.4.0.127.0.7.1.1.4.1.3": hashes.SHA256(),
    "0.4.0.127.0.7.1.1.4.1.4": hashes.SHA384(),
    "0.4.0.127.0.7.1.1.4.1.5": hashes.SHA512(),
    "0.4.0.127.0.7.1.1.4.1.9": hashes.SHA3_256(),
    "0.4.0.127.0.7.1.1.4.1.10": hashes.SHA3_384(),
    "0.4.0.127.0.7.1.1.4.1.11": hashes.SHA3_512(),
}
"""BSI TR-03111 ecdsa-plain-* OIDs and their hashes (SHA-1 left out)."""


class PlainEcdsaValidator(DefaultSignatureValidator):
    """pyHanko's validator, plus plain-ECDSA signature values."""

    def validate_signature(
        self,
        signature: bytes,
        signed_data: bytes,
        public_key_info: PublicKeyInfo,
        signature_algorithm: algos.SignedDigestAlgorithm,
        context: SignatureValidationContext = DEFAULT_VALIDATION_CONTEXT,
    ) -> None:
        """Verify, converting a plain ECDSA value to DER first."""
        digest = PLAIN_ECDSA.get(signature_algorithm["algorithm"].dotted)
        if digest is None:
            super().validate_signature(
                signature, signed_data, public_key_info, signature_algorithm, context
            )
            return

        key = serialization.load_der_public_key(public_key_info.dump())
        if not isinstance(key, ec.EllipticCurvePublicKey) or len(signature) % 2:
            raise InvalidSignature("not a plain ECDSA signature value")

        half = len(signature) // 2
        der = encode_dss_signature(
            int.from_bytes(signature[:half], "big"),
            int.from_bytes(signature[half:], "big"),
        )
        algorithm = Prehashed(digest) if context.prehashed else digest
        key.verify(der, signed_data, ec.ECDSA(algorithm))
