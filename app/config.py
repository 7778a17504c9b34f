"""Settings read once from ``KANCELARIA_*`` environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PREFIX = "KANCELARIA_"
DEFAULT_MAX_UPLOAD = 10 * 1024 * 1024
DEFAULT_CHECKPOINT_INTERVAL = 300
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
DEFAULT_ANONYMOUS_RATE_LIMIT = "30/minute"
DEFAULT_CLIENT_RATE_LIMIT = "120/minute"
DEFAULT_LOOKUP_RATE_LIMIT = "20/minute"
DEFAULT_IDEMPOTENCY_WAIT = 10.0
DEFAULT_OUTBOX_POLL = 2.0
DEFAULT_PDF_DEPARTMENT = "OR"
DEFAULT_OFFICE_ID = "urzad"
DEFAULT_SMTP_PORT = 587
DEFAULT_MAIL_FROM = "kancelaria@localhost"
MAIL_TRANSPORTS = ("smtp", "file", "off")
DEFAULT_KIOSK_IDLE = 60
DEFAULT_REVOCATION_TIMEOUT = 5.0
_ON = {"1", "on", "yes", "true"}
_OFF = {"0", "off", "no", "false"}


def _switch(name: str, value: str | None, default: bool) -> bool:
    """Read an on/off setting; anything else is refused at start-up."""
    if value is None:
        return default

    if value.lower() in _ON | _OFF:
        return value.lower() in _ON

    raise RuntimeError(f"{PREFIX}{name}={value!r}: choose 'on' or 'off'.")


DEFAULT_REGISTRY_BATCH = 32


@dataclass(frozen=True)
class Settings:
    """Everything the application is configured with; secure defaults."""

    instance: Path
    database_url: str
    blob_dir: Path
    trust_anchors: Path | None
    seal_p12: Path | None
    seal_password: bytes | None
    office_name: str
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD
    secret_key: str | None = None
    demo: bool = True
    forms_dir: Path = Path(__file__).resolve().parent.parent / "forms"
    # Seconds between sealed journal checkpoints (made when the journal grew).
    checkpoint_interval: int = DEFAULT_CHECKPOINT_INTERVAL
    # Absolute base address citizens reach the portal at (QR codes on receipts).
    public_url: str = DEFAULT_PUBLIC_URL
    # Where originals are kept: "file" (blob_dir) or "postgres" (the database).
    blob_backend: str = "file"
    # RFC 3161 time-stamping authority for receipts; None: the demo PKI's
    # local TSA, or no time-stamps (XAdES-BES receipts) when demo is off.
    tsa_url: str | None = None
    # Header a TLS-terminating proxy sets to the client certificate's SHA-256;
    # None: no such header is trusted.
    mtls_header: str | None = None
    # Flask-Limiter storage: memory:// (per process) or redis://127.0.0.1:…
    rate_limit_storage: str = "memory://"
    rate_limit_prefix: str = "kancelaria"
    # Anonymous API submissions per remote address; "off" switches it off.
    anonymous_rate_limit: str = DEFAULT_ANONYMOUS_RATE_LIMIT
    # Reverse proxies in front that append to X-Forwarded-For; 0 trusts none.
    proxy_hops: int = 0
    # Wrong access or draft codes per remote address; "off" switches it off.
    lookup_rate_limit: str = DEFAULT_LOOKUP_RATE_LIMIT
    # Limit given to new API clients unless the operator names another.
    client_rate_limit: str = DEFAULT_CLIENT_RATE_LIMIT
    # Seconds a retry waits for the same Idempotency-Key still in progress.
    idempotency_wait_seconds: float = DEFAULT_IDEMPOTENCY_WAIT
    # Send queued webhooks from a thread of each web process (`make run` sets
    # it on); off: run `flask outbox run` beside the server instead.
    outbox_thread: bool = False
    # Seconds a sender waits before looking at an empty outbox again.
    outbox_poll_seconds: float = DEFAULT_OUTBOX_POLL
    # Department that receives signed PDF letters (they name no catalog form).
    pdf_department: str = DEFAULT_PDF_DEPARTMENT
    # This office's id in transfer packages, and the TOML file naming the
    # partner offices packages are exchanged with (app.transfers.partners).
    office_id: str = DEFAULT_OFFICE_ID
    partners_file: Path | None = None
    # Mail to departments and citizens; None: no SMTP, mail stays queued.
    smtp_host: str | None = None
    smtp_port: int = DEFAULT_SMTP_PORT
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_starttls: bool = True
    mail_from: str = DEFAULT_MAIL_FROM
    # How queued mail leaves: "smtp" (needs smtp_host; without one mail stays
    # queued), "file" (.eml files in mail_dir, for trying things out) or "off".
    mail_transport: str = "smtp"
    # Folder of the "file" transport; None: <instance>/mail.
    mail_dir: Path | None = None
    # Seconds without a touch after which a kiosk page returns to its start.
    kiosk_idle_seconds: int = DEFAULT_KIOSK_IDLE
    # Fetch OCSP/CRL from the URLs in certificates while validating; off:
    # only what signatures embed and the CRL folder below are used.
    revocation_fetch: bool = False
    # No usable revocation data: on, the signature passes with revocation
    # listed as not checked; off, it is INDETERMINATE / TRY_LATER.
    revocation_soft_fail: bool = True
    # Seconds per OCSP/CRL request when fetching.
    revocation_timeout: float = DEFAULT_REVOCATION_TIMEOUT
    # Folder of CRL files (DER or PEM) the operator keeps current; read at start.
    revocation_crls: Path | None = None
    # Certificates (file or folder) of the trusted-profile platform's seal:
    # signatures it makes name the person inside them (podpis zaufany).
    trusted_profile_seals: Path | None = None
    # Certificates (file or folder) of the CAs issuing e-ID card certificates
    # (podpis osobisty).
    personal_issuers: Path | None = None
    # Most registrations one process writes in one transaction (group commit);
    # 1: each its own transaction.
    registry_batch: int = DEFAULT_REGISTRY_BATCH
    # Session cookie only over HTTPS; on by default when public_url is https.
    secure_cookies: bool = False
    # Webhook targets in private or loopback ranges (link-local, multicast and
    # unspecified addresses are refused always).
    webhook_private_targets: bool = False

    @property
    def demo_pki_dir(self) -> Path:
        """Folder of the demo PKI created on first start."""
        return self.instance / "demo-pki"

    @property
    def mail_folder(self) -> Path:
        """Folder the "file" mail transport writes its .eml files to."""
        return self.mail_dir or self.instance / "mail"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from the environment, filling in defaults."""
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(PREFIX + name, "").strip()
            return value or None

        instance = Path(get("INSTANCE") or "instance").resolve()
        database_url = get("DATABASE_URL") or f"sqlite:///{instance / 'kancelaria.db'}"
        anchors = get("TRUST_ANCHORS")
        seal = get("SEAL_P12")
        password = get("SEAL_PASSWORD")
        forms = get("FORMS")
        partners = get("PARTNERS_FILE")
        crls = get("REVOCATION_CRLS")
        demo = (get("DEMO") or "on").lower() not in {"0", "off", "no", "false"}
        mail_dir = get("MAIL_DIR")
        seals = get("TRUSTED_PROFILE_SEALS")
        personal = get("PERSONAL_ISSUERS")
        public_url = (get("PUBLIC_URL") or DEFAULT_PUBLIC_URL).rstrip("/")

        return cls(
            instance=instance,
            database_url=database_url,
            blob_dir=Path(get("BLOB_DIR") or instance / "blobs"),
            trust_anchors=Path(anchors) if anchors else None,
            trusted_profile_seals=Path(seals) if seals else None,
            personal_issuers=Path(personal) if personal else None,
            seal_p12=Path(seal) if seal else None,
            seal_password=password.encode() if password else None,
            office_name=get("OFFICE_NAME") or "Urząd Miasta Przykładowo",
            max_upload_bytes=int(get("MAX_UPLOAD_BYTES") or DEFAULT_MAX_UPLOAD),
            secret_key=get("SECRET_KEY"),
            demo=demo,
            forms_dir=Path(forms) if forms else cls.forms_dir,
            checkpoint_interval=int(
                get("CHECKPOINT_INTERVAL") or DEFAULT_CHECKPOINT_INTERVAL
            ),
            public_url=public_url,
            proxy_hops=int(get("PROXY_HOPS") or 0),
            blob_backend=(get("BLOB_BACKEND") or "file").lower(),
            tsa_url=get("TSA_URL"),
            mtls_header=get("MTLS_HEADER"),
            rate_limit_storage=get("RATE_LIMIT_STORAGE") or "memory://",
            rate_limit_prefix=get("RATE_LIMIT_PREFIX") or "kancelaria",
            anonymous_rate_limit=(
                get("ANONYMOUS_RATE_LIMIT") or DEFAULT_ANONYMOUS_RATE_LIMIT
            ),
            client_rate_limit=get("CLIENT_RATE_LIMIT") or DEFAULT_CLIENT_RATE_LIMIT,
            lookup_rate_limit=get("LOOKUP_RATE_LIMIT") or DEFAULT_LOOKUP_RATE_LIMIT,
            idempotency_wait_seconds=float(
                get("IDEMPOTENCY_WAIT_SECONDS") or DEFAULT_IDEMPOTENCY_WAIT
            ),
            outbox_thread=(get("OUTBOX_THREAD") or "off").lower() in {"1", "on", "yes"},
            outbox_poll_seconds=float(
                get("OUTBOX_POLL_SECONDS") or DEFAULT_OUTBOX_POLL
            ),
            pdf_department=get("PDF_DEPARTMENT") or DEFAULT_PDF_DEPARTMENT,
            office_id=get("OFFICE_ID") or DEFAULT_OFFICE_ID,
            partners_file=Path(partners) if partners else None,
            smtp_host=get("SMTP_HOST"),
            smtp_port=int(get("SMTP_PORT") or DEFAULT_SMTP_PORT),
            smtp_user=get("SMTP_USER"),
            smtp_password=get("SMTP_PASSWORD"),
            smtp_starttls=_switch("SMTP_STARTTLS", get("SMTP_STARTTLS"), default=True),
            mail_from=get("SMTP_FROM") or DEFAULT_MAIL_FROM,
            mail_transport=_mail_transport(
                get("MAIL_TRANSPORT"), get("SMTP_HOST"), demo
            ),
            mail_dir=Path(mail_dir) if mail_dir else None,
            kiosk_idle_seconds=int(get("KIOSK_IDLE_SECONDS") or DEFAULT_KIOSK_IDLE),
            revocation_fetch=_switch(
                "REVOCATION_FETCH", get("REVOCATION_FETCH"), default=False
            ),
            revocation_soft_fail=_switch(
                "REVOCATION_SOFT_FAIL", get("REVOCATION_SOFT_FAIL"), default=True
            ),
            revocation_timeout=float(
                get("REVOCATION_TIMEOUT") or DEFAULT_REVOCATION_TIMEOUT
            ),
            revocation_crls=Path(crls) if crls else None,
            registry_batch=int(get("REGISTRY_BATCH") or DEFAULT_REGISTRY_BATCH),
            secure_cookies=_switch(
                "SECURE_COOKIES",
                get("SECURE_COOKIES"),
                default=public_url.lower().startswith("https://"),
            ),
            webhook_private_targets=_switch(
                "WEBHOOK_PRIVATE_TARGETS",
                get("WEBHOOK_PRIVATE_TARGETS"),
                default=False,
            ),
        )


def _mail_transport(value: str | None, smtp_host: str | None, demo: bool) -> str:
    """Choose how mail leaves; an unknown or unusable choice stops the start."""
    if value is None:
        # A newcomer without a mail server still sees the mails as files; a
        # production office without one keeps them queued, never on disk.
        return "smtp" if smtp_host else "file" if demo else "off"

    chosen = value.lower()
    if chosen not in MAIL_TRANSPORTS:
        raise RuntimeError(
            f"{PREFIX}MAIL_TRANSPORT={value!r}: choose smtp, file or off."
        )

    if chosen == "smtp" and not smtp_host:
        raise RuntimeError(f"{PREFIX}MAIL_TRANSPORT=smtp needs {PREFIX}SMTP_HOST.")

    return chosen
