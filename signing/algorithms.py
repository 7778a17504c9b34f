"""Algorithm identifiers of XMLDSig (RFC 3275, RFC 6931) and what they mean.

Only names live here; whether an algorithm is acceptable is a question for
:class:`signing.policy.AlgorithmPolicy`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes

DSIG = "http://www.w3.org/2000/09/xmldsig#"
DSIG_MORE = "http://www.w3.org/2001/04/xmldsig-more#"
DSIG_MORE_07 = "http://www.w3.org/2007/05/xmldsig-more#"
XMLENC = "http://www.w3.org/2001/04/xmlenc#"
XMLDSIG11 = "http://www.w3.org/2009/xmldsig11#"

DIGESTS: dict[str, str] = {
    DSIG + "sha1": "sha1",
    DSIG_MORE + "sha224": "sha224",
    XMLENC + "sha256": "sha256",
    DSIG_MORE + "sha384": "sha384",
    XMLENC + "sha512": "sha512",
    DSIG_MORE_07 + "sha3-224": "sha3_224",
    DSIG_MORE_07 + "sha3-256": "sha3_256",
    DSIG_MORE_07 + "sha3-384": "sha3_384",
    DSIG_MORE_07 + "sha3-512": "sha3_512",
}
"""Digest method URI to hashlib name."""

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
    "sha3_224": hashes.SHA3_224,
    "sha3_256": hashes.SHA3_256,
    "sha3_384": hashes.SHA3_384,
    "sha3_512": hashes.SHA3_512,
}


@dataclass(frozen=True)
class SignatureAlgorithm:
    """A signature method: key type, hash and padding."""

    key_type: str
    """``rsa``, ``rsa-pss`` or ``ecdsa``."""
    digest: str
    """The hashlib name of the hash, e.g. ``sha256``."""

    def hash_algorithm(self) -> hashes.HashAlgorithm:
        """Return the cryptography hash object for this method."""
        return hash_algorithm(self.digest)


def _signature_methods() -> dict[str, SignatureAlgorithm]:
    """Build the table of signature method URIs we can verify."""
    table = {
        DSIG + "rsa-sha1": SignatureAlgorithm("rsa", "sha1"),
        DSIG + "ecdsa-sha1": SignatureAlgorithm("ecdsa", "sha1"),
        DSIG_MORE + "ecdsa-sha1": SignatureAlgorithm("ecdsa", "sha1"),
    }
    for name in ("sha224", "sha256", "sha384", "sha512"):
        table[f"{DSIG_MORE}rsa-{name}"] = SignatureAlgorithm("rsa", name)
        table[f"{DSIG_MORE}ecdsa-{name}"] = SignatureAlgorithm("ecdsa", name)
        table[f"{DSIG_MORE_07}{name}-rsa-MGF1"] = SignatureAlgorithm("rsa-pss", name)

    for bits in ("224", "256", "384", "512"):
        name = f"sha3_{bits}"
        table[f"{DSIG_MORE_07}rsa-sha3-{bits}"] = SignatureAlgorithm("rsa", name)
        table[f"{DSIG_MORE_07}ecdsa-sha3-{bits}"] = SignatureAlgorithm("ecdsa", name)
        table[f"{DSIG_MORE_07}sha3-{bits}-rsa-MGF1"] = SignatureAlgorithm(
            "rsa-pss", name
        )

    return table


SIGNATURE_METHODS: dict[str, SignatureAlgorithm] = _signature_methods()
"""Signature method URI to algorithm; HMAC and DSA are deliberately absent."""

C14N_10 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
C14N_10_COMMENTS = C14N_10 + "#WithComments"
C14N_11 = "http://www.w3.org/2006/12/xml-c14n11"
C14N_11_COMMENTS = C14N_11 + "#WithComments"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
EXC_C14N_COMMENTS = EXC_C14N + "WithComments"

C14N_METHODS: dict[str, tuple[bool, bool]] = {
    C14N_10: (False, False),
    C14N_10_COMMENTS: (False, True),
    C14N_11: (False, False),
    C14N_11_COMMENTS: (False, True),
    EXC_C14N: (True, False),
    EXC_C14N_COMMENTS: (True, True),
}
"""Canonicalisation URI to (exclusive, with comments)."""

ENVELOPED = DSIG + "enveloped-signature"
BASE64 = DSIG + "base64"
XPATH = "http://www.w3.org/TR/1999/REC-xpath-19991116"
XPATH_FILTER2 = "http://www.w3.org/2002/06/xmldsig-filter2"


def hash_algorithm(name: str) -> hashes.HashAlgorithm:
    """Return the cryptography hash object for a hashlib name."""
    return _HASHES[name]()


_DIGEST_FUNCTIONS: dict[str, Callable[[bytes], Any]] = {
    name: getattr(hashlib, name) for name in set(DIGESTS.values())
}
"""Hashlib constructors by name (``hashlib.new`` looks the name up each time)."""


def digest(name: str, data: bytes) -> bytes:
    """Return the digest of ``data`` by hashlib name."""
    function = _DIGEST_FUNCTIONS.get(name)
    if function is None:
        return hashlib.new(name, data).digest()

    result: bytes = function(data).digest()
    return result
