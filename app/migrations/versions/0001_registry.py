"""Registry tables: document, receipt, registry_counter, journal_entry.

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)
SHA256 = sa.String(length=64)


def upgrade() -> None:
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registry_number", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("received_at", UTC_TIME, nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("form_id", sa.String(length=128), nullable=True),
        sa.Column("form_version", sa.String(length=32), nullable=True),
        sa.Column("form_namespace", sa.String(length=512), nullable=True),
        sa.Column("schema_sha256", SHA256, nullable=True),
        sa.Column("sender", sa.Text(), nullable=True),
        sa.Column("signer_name", sa.Text(), nullable=True),
        sa.Column("signer_identifier", sa.String(length=256), nullable=True),
        sa.Column("signer_cert_sha256", SHA256, nullable=True),
        sa.Column("signing_time", UTC_TIME, nullable=True),
        sa.Column("sha256", SHA256, nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("media_type", sa.String(length=128), nullable=False),
        sa.Column("indication", sa.String(length=32), nullable=False),
        sa.Column("subindication", sa.String(length=64), nullable=True),
        sa.Column("report_json", sa.Text(), nullable=False),
        sa.Column("department", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("access_code", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
        sa.UniqueConstraint("access_code", name=op.f("uq_document_access_code")),
        sa.UniqueConstraint(
            "registry_number", name=op.f("uq_document_registry_number")
        ),
        sa.UniqueConstraint(
            "year", "sequence", name=op.f("uq_document_year_sequence")
        ),
    )
    op.create_index(op.f("ix_document_sha256"), "document", ["sha256"])

    op.create_table(
        "registry_counter",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_sequence", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_registry_counter")),
    )

    op.create_table(
        "journal_entry",
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("event", sa.String(length=64), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("payload_json", sa.Text(), nullable=False),
        sa.Column("prev_hash", SHA256, nullable=False),
        sa.Column("entry_hash", SHA256, nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_journal_entry_document_id_document"),
        ),
        sa.PrimaryKeyConstraint("position", name=op.f("pk_journal_entry")),
        sa.UniqueConstraint("entry_hash", name=op.f("uq_journal_entry_entry_hash")),
        sa.UniqueConstraint("prev_hash", name=op.f("uq_journal_entry_prev_hash")),
    )
    op.create_index(
        op.f("ix_journal_entry_document_id"), "journal_entry", ["document_id"]
    )

    op.create_table(
        "receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("issued_at", UTC_TIME, nullable=False),
        sa.Column("xml", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", SHA256, nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_receipt_document_id_document"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipt")),
        sa.UniqueConstraint("document_id", name=op.f("uq_receipt_document_id")),
    )


def downgrade() -> None:
    op.drop_table("receipt")
    op.drop_index(op.f("ix_journal_entry_document_id"), table_name="journal_entry")
    op.drop_table("journal_entry")
    op.drop_table("registry_counter")
    op.drop_index(op.f("ix_document_sha256"), table_name="document")
    op.drop_table("document")
