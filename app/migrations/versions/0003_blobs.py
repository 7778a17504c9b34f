"""Blob table for the PostgreSQL blob store (PostgreSQL only).

The ``blobstore.blob`` table names each large object holding an original by
the SHA-256 of its content (app.registry.pgblobstore). It lives in a schema
of its own, apart from the registry tables the models describe. SQLite
instances keep their blobs in a folder, so on SQLite this revision does
nothing.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "blobstore"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return

    op.execute("CREATE SCHEMA IF NOT EXISTS blobstore")
    op.create_table(
        "blob",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("oid", postgresql.OID(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_blob")),
        schema=SCHEMA,
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return

    # The large objects go with the rows that name them.
    op.execute("SELECT lo_unlink(oid) FROM blobstore.blob")
    op.drop_table("blob", schema=SCHEMA)
    op.execute("DROP SCHEMA blobstore")
