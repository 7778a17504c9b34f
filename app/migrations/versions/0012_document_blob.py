"""Document blobs: every stored blob a document refers to besides its original.

Filled for the documents already registered from what their stored reports
record: the signature part of a detached submission (``parts``), the
draft a paper document is linked to (``paper.draft``) and the originals a
received transfer package carries (``transfer.documents``).

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-04
"""

import json
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DOCUMENT_BLOB = sa.table(
    "document_blob",
    sa.column("document_id", sa.Integer()),
    sa.column("role", sa.String()),
    sa.column("sha256", sa.String()),
    sa.column("size", sa.BigInteger()),
)


def upgrade() -> None:
    op.create_table(
        "document_blob",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_document_blob_document_id_document"),
        ),
        sa.PrimaryKeyConstraint("document_id", "role", name=op.f("pk_document_blob")),
    )
    op.create_index(
        op.f("ix_document_blob_sha256"), "document_blob", ["sha256"], unique=False
    )
    _fill_from_reports()


def downgrade() -> None:
    op.drop_index(op.f("ix_document_blob_sha256"), table_name="document_blob")
    op.drop_table("document_blob")


def _fill_from_reports() -> None:
    connection = op.get_bind()
    documents = connection.execute(
        sa.text("SELECT id, sha256, report_json FROM document ORDER BY id")
    )
    rows = [
        {"document_id": document_id, "role": role, "sha256": sha256, "size": size}
        for document_id, sha256, report in documents
        for role, sha256, size in _referenced(sha256, report)
    ]
    if rows:
        op.bulk_insert(DOCUMENT_BLOB, rows)


def _referenced(
    original: str, report: str
) -> Iterator[tuple[str, str, int | None]]:
    """The blobs besides the original that a stored report names."""
    if not any(key in report for key in ('"parts"', '"draft"', '"transfer"')):
        return

    data: dict[str, Any] = json.loads(report)
    for part in data.get("parts") or []:
        if part.get("sha256") and part["sha256"] != original:
            yield str(part.get("part") or "part"), part["sha256"], part.get("size")

    draft = (data.get("paper") or {}).get("draft") or {}
    if draft.get("sha256"):
        yield "draft", draft["sha256"], None

    carried = (data.get("transfer") or {}).get("documents") or []
    for n, item in enumerate(carried, 1):
        if item.get("sha256"):
            yield f"carried-{n}", item["sha256"], item.get("size")
