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


def counter_sign(
    cms_der: bytes,
    signer: pki.Issued,
    *,
    signer_index: int = 0,
    over: bytes | None = None,
    with_certificate: bool = True,
) -> bytes:
    """Add a counter-signature (RFC 5652 11.4) by ``signer`` to one SignerInfo.

    ``over`` replaces the parent's signature value as the signed octets (to
    make a counter-signature over something else); ``with_certificate``
    False leaves the counter-signer's certificate out of the CMS."""
    from asn1crypto import cms

    info_ = cms.ContentInfo.load(cms_der)
    signed = info_["content"]
    parent = signed["signer_infos"][signer_index]
    value = over if over is not None else bytes(parent["signature"].native)
    counter = _counter_signer_info(signer, value)
    unsigned = parent["unsigned_attrs"]
    attrs = [] if unsigned.native is None else list(unsigned)
    attrs.append(cms.CMSAttribute({"type": "counter_signature", "values": [counter]}))
    parent["unsigned_attrs"] = cms.CMSAttributes(attrs)
    if with_certificate:
        signed["certificates"] = cms.CertificateSet(
            [
                *signed["certificates"],
                *(_asn1_cert(c) for c in (signer.certificate, *signer.chain)),
            ]
        )
    return bytes(
        cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump(
            force=True
        )
    )


def _asn1_cert(cert):
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _counter_signer_info(signer: pki.Issued, value: bytes):
    """A SignerInfo whose messageDigest is SHA-256 of ``value``."""
    import hashlib
    from datetime import UTC, datetime

    from asn1crypto import cms
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    cert = _asn1_cert(signer.certificate)
    attrs = cms.CMSAttributes(
        [
            cms.CMSAttribute(
                {"type": "message_digest", "values": [hashlib.sha256(value).digest()]}
            ),
            cms.CMSAttribute(
                {
                    "type": "signing_time",
                    "values": [cms.Time({"utc_time": datetime.now(UTC)})],
                }
            ),
        ]
    )
    to_sign = attrs.dump()
    key = signer.key
    if isinstance(key, rsa.RSAPrivateKey):
        signature = key.sign(to_sign, padding.PKCS1v15(), hashes.SHA256())
        algorithm = "sha256_rsa"
    else:
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        signature = key.sign(to_sign, ec.ECDSA(hashes.SHA256()))
        algorithm = "sha256_ecdsa"
    return cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                {
                    "issuer_and_serial_number": {
                        "issuer": cert.issuer,
                        "serial_number": cert.serial_number,
                    }
                }
            ),
            "digest_algorithm": {"algorithm": "sha256"},
            "signed_attrs": attrs,
            "signature_algorithm": {"algorithm": algorithm},
            "signature": signature,
        }
    )


def with_revocation_info(
    cms_der: bytes, *, crls: tuple[bytes, ...] = (), ocsps: tuple[bytes, ...] = ()
) -> bytes:
    """Put CRLs and OCSP responses (RFC 5940 otherRevInfo, id-ri-ocsp-response)
    into SignedData's ``crls``, which no signature covers."""
    from asn1crypto import cms
    from asn1crypto import crl as asn1_crl
    from asn1crypto import ocsp as asn1_ocsp

    info_ = cms.ContentInfo.load(cms_der)
    choices = [
        cms.RevocationInfoChoice(name="crl", value=asn1_crl.CertificateList.load(c))
        for c in crls
    ]
    for response in ocsps:
        other = cms.OtherRevocationInfoFormat(
            {
                "other_rev_info_format": "ocsp_response",
                "other_rev_info": asn1_ocsp.OCSPResponse.load(response),
            }
        )
        choices.append(cms.RevocationInfoChoice(name="other", value=other))
    info_["content"]["crls"] = cms.RevocationInfoChoices(choices)
    # Not force=True: re-encoding a nested time-stamp token takes minutes.
    return bytes(info_.dump())


def with_ltv_values(
    cms_der: bytes,
    *,
    crls: tuple[bytes, ...] = (),
    ocsps: tuple[bytes, ...] = (),
    certs: tuple[bytes, ...] = (),
    only_signer_certificate: bool = False,
) -> bytes:
    """Add CAdES-X-L revocation-values (CRLs; OCSP responses as bare
    BasicOCSPResponse) and certificate-values to the first SignerInfo's
    unsigned attributes, after those it has; ``only_signer_certificate``
    leaves just the signer's certificate in SignedData ``certificates``."""
    from asn1crypto import cms
    from asn1crypto import crl as asn1_crl
    from asn1crypto import ocsp as asn1_ocsp

    from signing.cadesvalues import (
        CERTIFICATE_VALUES,
        REVOCATION_VALUES,
        CertificateValues,
        RevocationValues,
    )

    info_ = cms.ContentInfo.load(cms_der)
    signed = info_["content"]
    signer_info = signed["signer_infos"][0]
    unsigned = signer_info["unsigned_attrs"]
    attrs = [] if unsigned.native is None else list(unsigned)
    basics = [
        asn1_ocsp.OCSPResponse.load(o)["response_bytes"]["response"].parsed
        for o in ocsps
    ]
    values = RevocationValues(
        {
            "crl_vals": [asn1_crl.CertificateList.load(c) for c in crls],
            "ocsp_vals": basics,
        }
    )
    attrs.append(_raw_attribute(REVOCATION_VALUES, values))
    if certs:
        listed = CertificateValues([asn1_x509.Certificate.load(c) for c in certs])
        attrs.append(_raw_attribute(CERTIFICATE_VALUES, listed))
    signer_info["unsigned_attrs"] = cms.CMSAttributes(attrs)
    if only_signer_certificate:
        serial = signer_info["sid"].chosen["serial_number"].native
        own = [c for c in signed["certificates"] if c.chosen.serial_number == serial]
        signed["certificates"] = cms.CertificateSet(own)
    return bytes(info_.dump())


def _raw_attribute(oid: str, value):
    """An attribute of a type asn1crypto does not know, its value as is."""
    from asn1crypto import cms, core

    return cms.CMSAttribute(
        {"type": cms.CMSAttributeType(oid), "values": [core.Any.load(value.dump())]}
    )
