"""TrustStore loading: folders with PEM bundles and DER files."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization

from signing.trust import TrustStore
from tests.signing.maker import PKI


def test_folder_with_pem_bundle_and_der_loads_every_certificate(tmp_path, pki: PKI):
    pem = b"".join(
        c.public_bytes(serialization.Encoding.PEM)
        for c in (pki.root.cert, pki.inter.cert)
    )
    (tmp_path / "bundle.pem").write_bytes(pem)
    (tmp_path / "root.cer").write_bytes(
        pki.root.cert.public_bytes(serialization.Encoding.DER)
    )
    (tmp_path / "notes.txt").write_text("not a certificate")
    store = TrustStore.from_folder(tmp_path)
    assert len(store.certificates) == 2
    assert pki.root.cert in store


def test_merged_and_empty_stores(pki: PKI):
    one = TrustStore.from_certificates([pki.root.cert])
    two = TrustStore.from_certificates([pki.inter.cert])
    assert len(one.merged(two).certificates) == 2
    assert TrustStore.empty().certificates == ()
    assert one.merged(one).key == one.key
