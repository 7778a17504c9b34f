"""API clients, idempotency keys, the documents' public id and client.

Documents registered before this revision get a random public id here.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)
SHA256 = sa.String(length=64)


def upgrade() -> None:
    op.create_table(
        "api_client",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("key_prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", SHA256, nullable=False),
        sa.Column("previous_key_hash", SHA256, nullable=True),
        sa.Column("previous_key_expires_at", UTC_TIME, nullable=True),
        sa.Column("rotated_from", sa.String(length=16), nullable=True),
        sa.Column("allowed_forms", sa.JSON(), nullable=False),
        sa.Column("rate_limit", sa.String(length=64), nullable=False),
        sa.Column("webhook_url", sa.Text(), nullable=True),
        sa.Column("webhook_secret", sa.String(length=128), nullable=True),
        sa.Column("mtls_sha256", SHA256, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("revoked_at", UTC_TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_client")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_client_key_hash")),
        sa.UniqueConstraint(
            "previous_key_hash", name=op.f("uq_api_client_previous_key_hash")
        ),
    )

    op.create_table(
        "idempotency_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=128), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("body_sha256", SHA256, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("response_json", sa.Text(), nullable=True),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("completed_at", UTC_TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_key")),
        sa.UniqueConstraint("scope", "key", name=op.f("uq_idempotency_key_scope_key")),
    )
    op.create_index(
        op.f("ix_idempotency_key_created_at"), "idempotency_key", ["created_at"]
    )

    with op.batch_alter_table("document") as batch:
        batch.add_column(sa.Column("public_id", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("client_id", sa.Integer(), nullable=True))

    _fill_public_ids()

    with op.batch_alter_table("document") as batch:
        batch.alter_column(
            "public_id", existing_type=sa.String(length=36), nullable=False
        )
        batch.create_index(op.f("ix_document_public_id"), ["public_id"], unique=True)
        batch.create_index(op.f("ix_document_client_id"), ["client_id"])
        batch.create_foreign_key(
            op.f("fk_document_client_id_api_client"),
            "api_client",
            ["client_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("document") as batch:
        batch.drop_constraint(
            op.f("fk_document_client_id_api_client"), type_="foreignkey"
        )
        batch.drop_index(op.f("ix_document_client_id"))
        batch.drop_index(op.f("ix_document_public_id"))
        batch.drop_column("client_id")
        batch.drop_column("public_id")

    op.drop_index(op.f("ix_idempotency_key_created_at"), table_name="idempotency_key")
    op.drop_table("idempotency_key")
    op.drop_table("api_client")


def _fill_public_ids() -> None:
    bind = op.get_bind()
    document = sa.table("document", sa.column("id"), sa.column("public_id"))
    ids = bind.execute(sa.select(document.c.id)).scalars().all()
    for document_id in ids:
        bind.execute(
            document.update()
            .where(document.c.id == document_id)
            .values(public_id=str(uuid.uuid4()))
        )
