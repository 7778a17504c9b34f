"""Build and seal a transfer package (``schemas/transfer.xsd``), and read one.

Sending: the registry entries and original bytes of the documents, and
the case when a whole case goes, laid out in the schema's order and sealed
with the office seal. Receiving: the seal must verify against the named
partner's own trust anchors, the package must match the schema, be meant
for this office, and every carried document's bytes must have the SHA-256
and size the package states.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import xmlschema
from lxml import etree

from app.catalog import load_schema, validate_element
from app.receipts.build import format_time
from app.registry.models import Document
from app.transfers import TRANSFER_NS
from app.transfers.partners import Partner
from signing.errors import ForbiddenXMLError, MalformedXMLError
from signing.result import SignatureResult
from signing.safexml import parse_xml
from signing.seal import XadesSigner
from signing.sealed import check_sealed, field

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "transfer.xsd"
MAX_DOCUMENTS = 50
ROOT = f"{{{TRANSFER_NS}}}TransferPackage"


class TransferError(ValueError):
    """A package that is refused; ``reason`` is one of the codes below."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


MALFORMED = "malformed"
UNKNOWN_OFFICE = "unknown-office"
SEAL_INVALID = "seal-invalid"
WRONG_RECIPIENT = "wrong-recipient"
DIGEST_MISMATCH = "digest-mismatch"
FORBIDDEN_XML = "forbidden-xml"


@dataclass(frozen=True)
class Office:
    """An office as a package names it."""

    office_id: str
    name: str


@dataclass(frozen=True)
class CaseFacts:
    """The case a package passes, as the sending office numbers it."""

    number: str
    title: str
    jrwa: str
    status: str


@dataclass(frozen=True)
class Carried:
    """One document carried by a package: its registry entry and its bytes."""

    registry_number: str
    received_at: str
    channel: str
    media_type: str
    sha256: str
    content: bytes
    form_id: str | None = None
    indication: str | None = None


@dataclass(frozen=True)
class Package:
    """A verified package: who sealed it and what it carries."""

    package_id: str
    created_at: str
    sender: Partner
    seal_sha256: str
    seal: SignatureResult
    documents: tuple[Carried, ...]
    case: CaseFacts | None
    note: str | None


def build_package(
    sealer: XadesSigner,
    sender: Office,
    receiver: Office,
    documents: Sequence[tuple[Document, bytes]],
    case: CaseFacts | None = None,
    note: str | None = None,
) -> tuple[str, bytes]:
    """Return a new package's id and its sealed bytes."""
    if not 1 <= len(documents) <= MAX_DOCUMENTS:
        raise TransferError(MALFORMED)

    package_id = str(uuid.uuid4())
    root = etree.Element(_q("TransferPackage"), nsmap={None: TRANSFER_NS})  # type: ignore[dict-item]
    root.set("Id", f"transfer-{package_id}")
    _sub(root, "PackageId", package_id)
    _sub(root, "CreatedAt", format_time(datetime.now(UTC)))
    _office(_sub(root, "SendingOffice"), sender)
    _office(_sub(root, "ReceivingOffice"), receiver)
    if note:
        _sub(root, "Note", note)
    if case is not None:
        _case(_sub(root, "Case"), case)

    listed = _sub(root, "Documents")
    for document, data in documents:
        _document(_sub(listed, "Document"), document, data)

    sealed = sealer.sign_enveloped(root, media_type="application/xml")
    return package_id, sealed


def read_package(data: bytes, partners: dict[str, Partner], office_id: str) -> Package:
    """Verify a received package; raise TransferError saying why it is refused."""
    received = _parse(data)
    partner = partners.get(field(received, "SendingOffice/Id") or "")
    if partner is None:
        raise TransferError(UNKNOWN_OFFICE)

    sealed, _check = check_sealed(
        data, partner.trust, TRANSFER_NS, "TransferPackage", None
    )
    if sealed is None:
        raise TransferError(SEAL_INVALID)

    # The seal covers the whole document but its own ds:Signature, so the
    # schema (which requires that seal) judges the document as received. The
    # carried bytes are left out of it: the schema library's base64 check
    # costs a second per MiB, and _carried decodes them strictly anyway.
    element = sealed.element
    for content in received.iter(_q("Content")):
        content.text = ""
    if validate_element(_schema(), received):
        raise TransferError(MALFORMED)

    if field(element, "SendingOffice/Id") != partner.office_id:
        raise TransferError(SEAL_INVALID)

    if field(element, "ReceivingOffice/Id") != office_id:
        raise TransferError(WRONG_RECIPIENT)

    return Package(
        package_id=field(element, "PackageId") or "",
        created_at=field(element, "CreatedAt") or "",
        sender=partner,
        seal_sha256=sealed.signer_sha256,
        seal=sealed.signature,
        documents=tuple(_carried(item) for item in _items(element)),
        case=_case_facts(element),
        note=field(element, "Note"),
    )


def _parse(data: bytes) -> etree._Element:
    """The package as received, parsed safely.

    The sending office it names only chooses whose trust anchors judge the
    seal; the signed copy's sender is compared with the partner afterwards.
    """
    # The same refusals as any XML body (a DTD, entities, XInclude, depth);
    # the size was bounded when the body was received.
    try:
        root = parse_xml(data, max_bytes=len(data)).getroot()
    except ForbiddenXMLError as exc:
        raise TransferError(FORBIDDEN_XML) from exc
    except MalformedXMLError as exc:
        raise TransferError(MALFORMED) from exc

    if root.tag != ROOT:
        raise TransferError(MALFORMED)

    return root


@lru_cache(maxsize=1)
def _schema() -> xmlschema.XMLSchema:
    return load_schema(SCHEMA_PATH)


def _items(element: etree._Element) -> list[etree._Element]:
    return element.findall(f"{{{TRANSFER_NS}}}Documents/{{{TRANSFER_NS}}}Document")


def _carried(item: etree._Element) -> Carried:
    try:
        content = base64.b64decode(field(item, "Content") or "", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise TransferError(MALFORMED) from exc

    sha256 = field(item, "SHA256") or ""
    if hashlib.sha256(content).hexdigest() != sha256:
        raise TransferError(DIGEST_MISMATCH)

    if str(len(content)) != field(item, "Size"):
        raise TransferError(DIGEST_MISMATCH)

    return Carried(
        registry_number=field(item, "RegistryEntry/RegistryNumber") or "",
        received_at=field(item, "RegistryEntry/ReceivedAt") or "",
        channel=field(item, "RegistryEntry/Channel") or "",
        media_type=field(item, "MediaType") or "",
        sha256=sha256,
        content=content,
        form_id=field(item, "RegistryEntry/FormId"),
        indication=field(item, "RegistryEntry/Indication"),
    )


def _case_facts(element: etree._Element) -> CaseFacts | None:
    if element.find(_q("Case")) is None:
        return None

    return CaseFacts(
        number=field(element, "Case/Number") or "",
        title=field(element, "Case/Title") or "",
        jrwa=field(element, "Case/JrwaClass") or "",
        status=field(element, "Case/Status") or "",
    )


def _office(parent: etree._Element, office: Office) -> None:
    _sub(parent, "Id", office.office_id)
    _sub(parent, "Name", office.name)


def _case(parent: etree._Element, case: CaseFacts) -> None:
    _sub(parent, "Number", case.number)
    _sub(parent, "Title", case.title)
    _sub(parent, "JrwaClass", case.jrwa)
    _sub(parent, "Status", case.status)


def _document(parent: etree._Element, document: Document, data: bytes) -> None:
    entry = _sub(parent, "RegistryEntry")
    _sub(entry, "RegistryNumber", document.registry_number)
    _sub(entry, "ReceivedAt", format_time(document.received_at))
    _sub(entry, "Channel", document.channel)
    if document.form_id:
        _sub(entry, "FormId", document.form_id)
    if document.form_id and document.form_version:
        _sub(entry, "FormVersion", document.form_version)
    _sub(entry, "Indication", document.indication)
    if document.subindication:
        _sub(entry, "SubIndication", document.subindication)
    if document.department:
        _sub(entry, "Department", document.department)
    if document.journal_position is not None:
        _sub(entry, "JournalPosition", str(document.journal_position))

    _sub(parent, "MediaType", document.media_type)
    _sub(parent, "Size", str(len(data)))
    _sub(parent, "SHA256", hashlib.sha256(data).hexdigest())
    _sub(parent, "Content", base64.b64encode(data).decode("ascii"))


def _sub(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    child = etree.SubElement(parent, _q(name))
    if text is not None:
        child.text = text

    return child


def _q(name: str) -> str:
    return f"{{{TRANSFER_NS}}}{name}"
