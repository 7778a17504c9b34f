"""The partner offices this office exchanges transfer packages with.

They are listed in a TOML file (``KANCELARIA_PARTNERS_FILE``)::

    [office.gmina-b]
    name = "Urząd Gminy B"
    trust = "gmina-b-seal.pem"     # seal certificate(s) or CA, file or folder
    url = "https://kancelaria.gmina-b.example/api/v1/submissions"  # optional
    api_key = "kan_…"              # optional: our key at that office
    department = "OR"              # where its packages land here

Relative paths are read from the file's folder. A package is accepted only
from a listed office whose trust anchors verify its seal.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app.notifications.webhooks import WebhookURLError, check_webhook_url
from signing.trust import TrustStore

OFFICE_ID = re.compile(r"[a-z0-9][a-z0-9\-]{0,63}")


class PartnersFileError(ValueError):
    """The partners file cannot be used; the message says which entry and why."""


@dataclass(frozen=True)
class Partner:
    """One partner office."""

    office_id: str
    name: str
    trust: TrustStore
    url: str | None = None
    api_key: str | None = None
    department: str | None = None


def load_partners(path: Path | None) -> dict[str, Partner]:
    """Read the partners file; no file configured means no partners."""
    if path is None:
        return {}

    stamp = path.stat().st_mtime_ns if path.exists() else 0
    return dict(_load(path.resolve(), stamp))


@lru_cache(maxsize=4)
def _load(path: Path, _stamp: int) -> tuple[tuple[str, Partner], ...]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PartnersFileError(f"{path}: {exc}") from exc

    offices = data.get("office", {})
    if not isinstance(offices, dict):
        raise PartnersFileError(f"{path}: [office.<id>] tables expected")

    return tuple(
        (office_id, _partner(path.parent, office_id, entry))
        for office_id, entry in sorted(offices.items())
    )


def _partner(folder: Path, office_id: str, entry: object) -> Partner:
    if not OFFICE_ID.fullmatch(office_id) or not isinstance(entry, dict):
        raise PartnersFileError(f"office {office_id!r}: not a valid entry")

    name, trust = entry.get("name"), entry.get("trust")
    if not isinstance(name, str) or not isinstance(trust, str):
        raise PartnersFileError(f"office {office_id!r}: name and trust are needed")

    url = entry.get("url")
    if url is not None:
        try:
            check_webhook_url(str(url))
        except WebhookURLError as exc:
            raise PartnersFileError(f"office {office_id!r}: {exc}") from exc

    return Partner(
        office_id=office_id,
        name=name,
        trust=_trust(folder / trust),
        url=str(url) if url else None,
        api_key=_optional(entry, "api_key"),
        department=_optional(entry, "department"),
    )


def _trust(path: Path) -> TrustStore:
    try:
        if path.is_dir():
            store = TrustStore.from_folder(path)
        else:
            store = TrustStore.from_file(path)
    except (OSError, ValueError) as exc:
        raise PartnersFileError(f"{path}: {exc}") from exc

    if not store.certificates:
        raise PartnersFileError(f"{path}: no certificates")

    return store


def _optional(entry: dict[str, object], key: str) -> str | None:
    value = entry.get(key)
    return str(value) if value else None
