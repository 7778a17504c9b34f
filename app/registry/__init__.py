"""The document registry: models, gapless numbering, blobs, journal, queries.

The registry knows no HTTP, no templates and no channel. Only the intake
pipeline writes to it, through :func:`register`.
"""

from app.registry.blobstore import BlobNotFoundError, BlobStore, FileBlobStore
from app.registry.integrity import verify_blobs
from app.registry.journal import append, verify_chain
from app.registry.models import Document, JournalEntry, Receipt, RegistryCounter
from app.registry.numbering import (
    format_case_number,
    next_case_number,
    next_registry_number,
)
from app.registry.registration import DocumentFields, ReceiptBuilder, register

__all__ = [
    "BlobNotFoundError",
    "BlobStore",
    "Document",
    "DocumentFields",
    "FileBlobStore",
    "JournalEntry",
    "Receipt",
    "ReceiptBuilder",
    "RegistryCounter",
    "append",
    "format_case_number",
    "next_case_number",
    "next_registry_number",
    "register",
    "verify_blobs",
    "verify_chain",
]
