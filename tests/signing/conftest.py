"""Fixtures for the validator tests: a throw-away PKI and the shared samples."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509

from signing.policy import ValidationPolicy
from signing.trust import TrustStore
from tests.signing.maker import PKI, make_pki
from tests.signing.revocationpki import RevocationPKI, make_revocation_pki, serve

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def shared_path(*parts: str) -> Path:
    """Return a path under ../shared, failing (not skipping) when absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"../shared is missing {path}; the shared material is needed")

    return path


@pytest.fixture(scope="session")
def pki() -> PKI:
    """A root, an intermediate and a citizen (nonRepudiation only)."""
    return make_pki()


@pytest.fixture(scope="session")
def policy(pki: PKI) -> ValidationPolicy:
    """Trust the throw-away root; the intermediate is offered for paths."""
    return ValidationPolicy(
        TrustStore.from_certificates([pki.root.cert]),
        intermediates=(pki.inter.cert,),
    )


@pytest.fixture(scope="session")
def samples_policy() -> ValidationPolicy:
    """Trust the shared samples' root; offer their intermediate."""
    pki_dir = shared_path("clients", "samples", "pki")
    root = x509.load_pem_x509_certificate((pki_dir / "root.crt").read_bytes())
    inter = x509.load_pem_x509_certificate((pki_dir / "inter.crt").read_bytes())
    return ValidationPolicy(
        TrustStore.from_certificates([root]), intermediates=(inter,)
    )


@pytest.fixture(scope="module")
def rpki() -> Iterator[RevocationPKI]:
    """A revocation PKI naming OCSP and CRL services on 127.0.0.1, per module."""
    with serve() as services:
        yield make_revocation_pki(services)


@pytest.fixture
def nothing_fetched(rpki: RevocationPKI) -> Iterator[None]:
    """Whatever the test did, it fetched nothing: the data was in the file."""
    rpki.services.requests.clear()
    yield
    assert rpki.services.requests == []
