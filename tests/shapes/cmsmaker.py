"""CAdES / CMS signatures for tests, made with pyHanko's own signer."""

from __future__ import annotations

import asyncio
import io
import zipfile

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from signing import pki


def sign_cms(
    signer: pki.Issued, data: bytes, *, detached: bool = True, cades: bool = True
) -> bytes:
    """Return a DER ContentInfo signing ``data`` (CAdES-BES by default)."""
    cert = asn1_x509.Certificate.load(
        signer.certificate.public_bytes(serialization.Encoding.DER)
    )
    key = asn1_keys.PrivateKeyInfo.load(
        signer.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    chain = [
        asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
        for c in signer.chain
    ]
    store = SimpleCertificateStore.from_certs(chain)
    simple = signers.SimpleSigner(cert, key, store)
    info = asyncio.run(
        simple.async_sign_general_data(
            data, "sha256", detached=detached, use_cades=cades
        )
    )
    return bytes(info.dump())


def make_zip(members: list[tuple[str, bytes]], *, stored_first: bool = True) -> bytes:
    """Return a ZIP of the members in order (the first stored, like mimetype)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number, (name, data) in enumerate(members):
            method = (
                zipfile.ZIP_STORED
                if number == 0 and stored_first
                else zipfile.ZIP_DEFLATED
            )
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return buffer.getvalue()


def join_signers(first: bytes, second: bytes) -> bytes:
    """One CMS with the SignerInfos (and certificates) of two, over one file."""
    from asn1crypto import cms

    one = cms.ContentInfo.load(first)
    two = cms.ContentInfo.load(second)
    signed = one["content"]
    other = two["content"]
    signed["signer_infos"] = cms.SignerInfos(
        [*signed["signer_infos"], *other["signer_infos"]]
    )
    signed["certificates"] = cms.CertificateSet(
        [*signed["certificates"], *other["certificates"]]
    )
    return bytes(
        cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump(
            force=True
        )
    )
