"""The long-lived parts of a running instance, built once from the settings."""

from __future__ import annotations

import fcntl
import hashlib
import logging
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from flask import current_app
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.catalog import Catalog
from app.config import Settings
from app.db import make_engine, make_session_factory, upgrade
from app.registry.blobstore import BlobStore, FileBlobStore
from app.registry.combiner import Registrar
from app.registry.pgblobstore import PostgresBlobStore
from signing.kinds import KindRules
from signing.pki import DemoPKI, Issued, ensure_demo_pki, load_p12
from signing.policy import ValidationPolicy
from signing.revocation import RevocationData, RevocationPolicy, load_revocation_files
from signing.seal import XadesSigner
from signing.trust import TrustStore

if TYPE_CHECKING:
    from app.receipts.pdf import ReceiptPdfMaker
    from signing.tsp import Timestamper

log = logging.getLogger(__name__)

OWNER_ONLY_DIR = 0o700
OWNER_ONLY_FILE = 0o600


@dataclass(frozen=True)
class Services:
    """What request handlers and commands use; no per-request state."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    blobs: BlobStore
    catalog: Catalog
    policy: ValidationPolicy
    sealer: XadesSigner
    seal_certificate: x509.Certificate
    receipt_policy: ValidationPolicy
    demo: DemoPKI | None
    secret_key: str
    pdf_receipts: ReceiptPdfMaker
    registrar: Registrar
    timestamper: Timestamper | None = None

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
    _owner_only_folder(settings.instance)
    with _instance_lock(settings.instance):
        demo = _demo_pki(settings)
        engine = make_engine(settings.database_url)
        upgrade(engine)
        _owner_only_sqlite(engine)
        secret_key = settings.secret_key or _secret_key(settings.instance)

    sealer, seal_cert, seal_chain = _office_seal(settings, demo)
    anchors = _trust_anchors(settings, demo)
    # Receipts are checked against the seal's own chain top, besides the anchors.
    seal_top = TrustStore.from_certificates(
        [seal_chain[-1] if seal_chain else seal_cert]
    )

    sessions = make_session_factory(engine)
    return Services(
        settings=settings,
        engine=engine,
        sessions=sessions,
        blobs=_blob_store(settings, engine),
        catalog=Catalog.load(settings.forms_dir),
        policy=ValidationPolicy(
            trust=anchors, revocation=_revocation(settings), kinds=_kind_rules(settings)
        ),
        sealer=sealer,
        seal_certificate=seal_cert,
        receipt_policy=ValidationPolicy(trust=anchors.merged(seal_top)),
        demo=demo,
        secret_key=secret_key,
        pdf_receipts=_pdf_receipts(settings, demo),
        registrar=Registrar(sessions, settings.registry_batch),
        timestamper=_timestamper(settings, demo),
    )


def _revocation(settings: Settings) -> RevocationPolicy:
    """The revocation policy of the settings (no fetching unless turned on)."""
    folder = settings.revocation_crls
    return RevocationPolicy(
        fetch=settings.revocation_fetch,
        soft_fail=settings.revocation_soft_fail,
        timeout=settings.revocation_timeout,
        supplied=load_revocation_files(folder) if folder else RevocationData(),
    )


def fingerprint(cert: x509.Certificate) -> str:
    """Return the hex SHA-256 of a certificate's DER encoding."""
    return hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()


def _owner_only_folder(folder: Path) -> None:
    """Create ``folder`` readable by its owner only, and tighten an older one.

    The instance holds the database, blobs and keys (review F18); a folder
    made under umask 022 by an earlier version is closed here as well.
    """
    folder.mkdir(mode=OWNER_ONLY_DIR, parents=True, exist_ok=True)
    if stat.S_IMODE(folder.stat().st_mode) & 0o077:
        folder.chmod(OWNER_ONLY_DIR)


def _owner_only_sqlite(engine: Engine) -> None:
    """Make an SQLite database file and its WAL/SHM files owner-only.

    SQLite gives the WAL and shared-memory files it creates later the
    database file's own mode, so the rule holds for them too.
    """
    if engine.dialect.name != "sqlite" or not engine.url.database:
        return

    database = Path(engine.url.database)
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        if path.exists() and stat.S_IMODE(path.stat().st_mode) & 0o077:
            path.chmod(OWNER_ONLY_FILE)


@contextmanager
def _instance_lock(instance: Path) -> Iterator[None]:
    """Serialise first-start initialisation between gunicorn workers."""
    with open(instance / ".init.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _blob_store(settings: Settings, engine: Engine) -> BlobStore:
    """Keep originals in the blob folder or, to share nothing but it, PostgreSQL."""
    if settings.blob_backend == "file":
        return FileBlobStore(settings.blob_dir)

    if settings.blob_backend != "postgres":
        raise RuntimeError(
            f"KANCELARIA_BLOB_BACKEND={settings.blob_backend!r}: "
            "choose 'file' or 'postgres'."
        )

    if engine.dialect.name != "postgresql":
        raise RuntimeError(
            "KANCELARIA_BLOB_BACKEND=postgres needs a PostgreSQL "
            "KANCELARIA_DATABASE_URL."
        )

    return PostgresBlobStore(engine)


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
    issued = _office_issued(settings, demo)
    return XadesSigner.from_issued(issued), issued.certificate, issued.chain


def _pdf_receipts(settings: Settings, demo: DemoPKI | None) -> ReceiptPdfMaker:
    # Imported here: the PDF layout uses the portal's wording, and the portal
    # imports this module.
    from app.receipts.pdf import make_pdf_receipts

    return make_pdf_receipts(
        _office_issued(settings, demo),
        settings.public_url,
        _timestamper(settings, demo),
    )


def _timestamper(settings: Settings, demo: DemoPKI | None) -> Timestamper | None:
    from app.receipts.timestamp import make_timestamper

    return make_timestamper(settings, demo)


def _office_issued(settings: Settings, demo: DemoPKI | None) -> Issued:
    if settings.seal_p12 is not None:
        return load_p12(settings.seal_p12, settings.seal_password)
    if demo is not None:
        return demo.seal

    raise RuntimeError(
        "No office seal: set KANCELARIA_SEAL_P12 or leave KANCELARIA_DEMO on."
    )


def _kind_rules(settings: Settings) -> KindRules:
    """The certificates that make trusted-profile and personal signatures."""
    return KindRules(
        trusted_profile_seals=_fingerprints(settings.trusted_profile_seals),
        personal_issuers=_fingerprints(settings.personal_issuers),
    )


def _fingerprints(path: Path | None) -> frozenset[str]:
    if path is None:
        return frozenset()

    store = (
        TrustStore.from_folder(path) if path.is_dir() else TrustStore.from_file(path)
    )
    return frozenset(fingerprint(c) for c in store.certificates)


def _trust_anchors(settings: Settings, demo: DemoPKI | None) -> TrustStore:
    store = TrustStore.empty()
    if demo is not None:
        store = store.merged(TrustStore.from_certificates(demo.anchors))

    if settings.trust_anchors is not None:
        store = store.merged(TrustStore.from_folder(settings.trust_anchors))

    return store
