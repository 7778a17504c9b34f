"""The long-lived parts of a running instance, built once from the settings."""

from __future__ import annotations

import fcntl
import hashlib
import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from flask import current_app
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.catalog import Catalog
from app.config import Settings
from app.db import make_engine, make_session_factory, upgrade
from app.registry.blobstore import FileBlobStore
from signing.pki import DemoPKI, ensure_demo_pki, load_p12
from signing.policy import ValidationPolicy
from signing.seal import XadesSigner
from signing.trust import TrustStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Services:
    """What request handlers and commands use; no per-request state."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    blobs: FileBlobStore
    catalog: Catalog
    policy: ValidationPolicy
    sealer: XadesSigner
    seal_certificate: x509.Certificate
    receipt_policy: ValidationPolicy
    demo: DemoPKI | None
    secret_key: str

    @property
    def seal_fingerprint(self) -> str:
        """Hex SHA-256 of the office seal certificate."""
        return fingerprint(self.seal_certificate)


def current_services() -> Services:
    """Return the services of the application handling this request."""
    found: Services = current_app.extensions["kancelaria"]
    return found


def build_services(settings: Settings) -> Services:
    """Initialise the instance folder if needed and build the services."""
    settings.instance.mkdir(parents=True, exist_ok=True)
    with _instance_lock(settings.instance):
        demo = _demo_pki(settings)
        engine = make_engine(settings.database_url)
        upgrade(engine)
        secret_key = settings.secret_key or _secret_key(settings.instance)

    sealer, seal_cert, seal_chain = _office_seal(settings, demo)
    anchors = _trust_anchors(settings, demo)
    # Receipts are checked against the seal's own chain top, besides the anchors.
    seal_top = TrustStore.from_certificates(
        [seal_chain[-1] if seal_chain else seal_cert]
    )

    return Services(
        settings=settings,
        engine=engine,
        sessions=make_session_factory(engine),
        blobs=FileBlobStore(settings.blob_dir),
        catalog=Catalog.load(settings.forms_dir),
        policy=ValidationPolicy(trust=anchors),
        sealer=sealer,
        seal_certificate=seal_cert,
        receipt_policy=ValidationPolicy(trust=anchors.merged(seal_top)),
        demo=demo,
        secret_key=secret_key,
    )


def fingerprint(cert: x509.Certificate) -> str:
    """Return the hex SHA-256 of a certificate's DER encoding."""
    return hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()


@contextmanager
def _instance_lock(instance: Path) -> Iterator[None]:
    """Serialise first-start initialisation between gunicorn workers."""
    with open(instance / ".init.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _demo_pki(settings: Settings) -> DemoPKI | None:
    if not settings.demo:
        return None

    return ensure_demo_pki(settings.demo_pki_dir, settings.office_name)


def _secret_key(instance: Path) -> str:
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)

    return path.read_text().strip()


def _office_seal(
    settings: Settings, demo: DemoPKI | None
) -> tuple[XadesSigner, x509.Certificate, tuple[x509.Certificate, ...]]:
    if settings.seal_p12 is not None:
        issued = load_p12(settings.seal_p12, settings.seal_password)
    elif demo is not None:
        issued = demo.seal
    else:
        raise RuntimeError(
            "No office seal: set KANCELARIA_SEAL_P12 or leave KANCELARIA_DEMO on."
        )

    return XadesSigner.from_issued(issued), issued.certificate, issued.chain


def _trust_anchors(settings: Settings, demo: DemoPKI | None) -> TrustStore:
    store = TrustStore.empty()
    if demo is not None:
        store = store.merged(TrustStore.from_certificates([demo.root]))

    if settings.trust_anchors is not None:
        store = store.merged(TrustStore.from_folder(settings.trust_anchors))

    return store
