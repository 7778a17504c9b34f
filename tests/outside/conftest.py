"""Fixtures: a test PKI on disk, and our forms signed by outside software.

The PKI comes from signing/pki.py (root → citizen RSA, citizen ECDSA P-256, office
seal; nonRepudiation-only keys as in Polish qualified certificates). Its keys and
certificates are written as PEM for the node and xmlsec1 signers. Signing runs
once per session, one process per variant, in parallel.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests.outside import producers, subjects
from tests.outside.subjects import GIVEN_NAME, NIP, OFFICE_NAME, PESEL, SURNAME, Variant


@dataclass(frozen=True)
class Identity:
    """A signer of the test PKI with its PEM files."""

    certificate: x509.Certificate
    key_pem: Path
    cert_pem: Path
    chain_pem: Path | None = None
    """Issuing CA certificates for the signer to put in KeyInfo, if any."""


@dataclass(frozen=True)
class OutsidePKI:
    """The test root and the signers, by key name.

    ``rsa``, ``ec``, ``seal``: issued by the root. ``ca``: the RSA citizen again,
    issued by an intermediate CA that it sends in KeyInfo; ``ca-bare``: the same
    certificate, sent without the intermediate.
    """

    root: x509.Certificate
    root_pem: Path
    signers: Mapping[str, Identity]


@dataclass(frozen=True)
class Signed:
    """One outside-made signature over a subject, and its tampered copies."""

    sample: bytes
    intact: bytes
    tampered_text: bytes
    tampered_signing_time: bytes | None = None


@pytest.fixture(scope="session")
def clients_dir() -> Path:
    """The shared signing harness (../shared/clients); fails when absent."""
    return producers.require_shared_clients()


@pytest.fixture(scope="session")
def outside_pki(tmp_path_factory: pytest.TempPathFactory) -> OutsidePKI:
    """Make the test PKI with signing/pki.py and write its PEM files."""
    from signing import pki

    root = pki.make_root("Kancelaria Outside Test Root")
    citizen = _make_citizen(pki, root, key_type="rsa")
    intermediate = pki.make_intermediate(root, "Kancelaria Outside Test CA 01")
    issued = {
        "rsa": citizen,
        "ec": _make_citizen(pki, root, key_type="ec"),
        "seal": pki.make_seal(root, office_name=OFFICE_NAME, nip=NIP),
        "ca": _make_citizen(pki, intermediate, key=citizen.key),
    }
    folder = tmp_path_factory.mktemp("outside-pki")
    signers = {name: _write_pem(folder, name, i) for name, i in issued.items()}
    signers["ca-bare"] = replace(signers["ca"], chain_pem=None)
    root_pem = _write_certs(folder / "root.cert.pem", [root.certificate])
    return OutsidePKI(root=root.certificate, root_pem=root_pem, signers=signers)


def _make_citizen(pki: Any, issuer: Any, **key: Any) -> Any:
    """Issue the test citizen's certificate (``key_type`` or an existing ``key``)."""
    return pki.make_citizen(
        issuer, given_name=GIVEN_NAME, surname=SURNAME, pesel=PESEL, **key
    )


def _write_certs(path: Path, certificates: Any) -> Path:
    """Write certificates to one PEM file and return its path."""
    pem = (c.public_bytes(serialization.Encoding.PEM) for c in certificates)
    path.write_bytes(b"".join(pem))
    return path


def _write_pem(folder: Path, name: str, issued: Any) -> Identity:
    """Write an issued key (PKCS#8, unencrypted test key), certificate and chain."""
    key_pem = folder / f"{name}.key.pem"
    key_pem.write_bytes(
        issued.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_pem = _write_certs(folder / f"{name}.cert.pem", [issued.certificate])
    chain_pem = None
    if issued.chain:
        chain_pem = _write_certs(folder / f"{name}.chain.pem", issued.chain)

    return Identity(issued.certificate, key_pem, cert_pem, chain_pem)


@pytest.fixture(scope="session")
def trusting_policy(outside_pki: OutsidePKI) -> Any:
    """A validation policy whose trust store holds only the test root."""
    from signing.policy import ValidationPolicy
    from signing.trust import TrustStore

    trust = TrustStore.from_certificates([outside_pki.root])
    return ValidationPolicy(trust=trust)


@pytest.fixture(scope="session")
def empty_policy() -> Any:
    """A validation policy with an empty trust store."""
    from signing.policy import ValidationPolicy
    from signing.trust import TrustStore

    return ValidationPolicy(trust=TrustStore.empty())


@pytest.fixture(scope="session")
def xadesjs_signed(
    tmp_path_factory: pytest.TempPathFactory,
    clients_dir: Path,
    outside_pki: OutsidePKI,
) -> Mapping[Variant, Signed]:
    """Sign every available subject of the matrix with xadesjs, then tamper."""
    out = tmp_path_factory.mktemp("xadesjs")
    variants = [v for v in subjects.VARIANTS if subjects.subject_path(v.subject)]
    jobs = {v: _xadesjs_job(clients_dir, outside_pki, v, out) for v in variants}
    producers.run_all(jobs.values())

    props = {v: out / f"{v}.signedprops.xml" for v in variants}
    producers.run_all(
        producers.tamper_job(clients_dir, "signedprops", jobs[v].output, props[v])
        for v in variants
    )
    return {v: _signed(v, jobs[v].output, props[v]) for v in variants}


@pytest.fixture(scope="session")
def xadesjs_unusual(
    tmp_path_factory: pytest.TempPathFactory,
    clients_dir: Path,
    outside_pki: OutsidePKI,
) -> Mapping[Variant, bytes]:
    """Sign the detached and the missing-intermediate cases with xadesjs."""
    out = tmp_path_factory.mktemp("xadesjs-unusual")
    cases = (subjects.DETACHED, subjects.NO_INTERMEDIATE)
    jobs = {c: _xadesjs_job(clients_dir, outside_pki, c, out) for c in cases}
    producers.run_all(jobs.values())
    return {c: job.output.read_bytes() for c, job in jobs.items()}


def _xadesjs_job(
    clients: Path, pki: OutsidePKI, variant: Variant, out: Path
) -> producers.Job:
    """Describe the xadesjs run for one variant of the matrix."""
    signer = pki.signers[variant.key]
    options = {"mode": variant.mode, "signing-cert": variant.signing_cert}
    if signer.chain_pem:
        options["chain"] = str(signer.chain_pem)
    src = subjects.require_subject(variant.subject)
    dst = out / f"{variant}.xml"
    return producers.xadesjs_job(
        clients, signer.key_pem, signer.cert_pem, src, dst, options
    )


def _signed(variant: Variant, intact: Path, signedprops: Path | None) -> Signed:
    """Read one signed file and make its tampered copies."""
    sample = subjects.require_subject(variant.subject).read_bytes()
    data = intact.read_bytes()
    return Signed(
        sample=sample,
        intact=data,
        tampered_text=subjects.tamper_text(data, sample),
        tampered_signing_time=signedprops.read_bytes() if signedprops else None,
    )


XMLDSIG_JOBS = {
    "xml-crypto": producers.xmlcrypto_job,
    "xml-crypto-id": producers.xmlcrypto_id_job,
    "xmlsec1": producers.xmlsec1_job,
}


@pytest.fixture(scope="session")
def xmldsig_signed(
    tmp_path_factory: pytest.TempPathFactory,
    clients_dir: Path,
    outside_pki: OutsidePKI,
) -> Mapping[Variant, Signed]:
    """Sign one subject each with xml-crypto and xmlsec1 (plain XMLDSig)."""
    out = tmp_path_factory.mktemp("xmldsig")
    cases = [c for c in subjects.XMLDSIG_CASES if subjects.subject_path(c.subject)]
    jobs = {c: _xmldsig_job(clients_dir, outside_pki, c, out) for c in cases}
    producers.run_all(jobs.values())
    return {c: _signed(c, jobs[c].output, None) for c in cases}


def _xmldsig_job(
    clients: Path, pki: OutsidePKI, case: Variant, out: Path
) -> producers.Job:
    """Describe the xml-crypto or xmlsec1 run for one case."""
    signer = pki.signers[case.key]
    src = subjects.require_subject(case.subject)
    return XMLDSIG_JOBS[case.mode](
        clients, signer.key_pem, signer.cert_pem, src, out / f"{case}.xml"
    )
