"""Journal checkpoints, stored Merkle subtree roots, document journal position.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)
SHA256 = sa.String(length=64)


def upgrade() -> None:
    op.create_table(
        "checkpoint",
        sa.Column("tree_size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root_hash", SHA256, nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("xml", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", SHA256, nullable=False),
        sa.Column("frontier_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("tree_size", name=op.f("pk_checkpoint")),
    )

    op.create_table(
        "merkle_node",
        sa.Column("level", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("level", "idx", name=op.f("pk_merkle_node")),
    )

    with op.batch_alter_table("document") as batch:
        batch.add_column(sa.Column("journal_position", sa.Integer(), nullable=True))

    # Documents registered before this revision: take the position from
    # their 'registered' journal entry.
    op.execute(
        "UPDATE document SET journal_position = ("
        " SELECT min(j.position) FROM journal_entry j"
        " WHERE j.document_id = document.id AND j.event = 'registered')"
    )


def downgrade() -> None:
    with op.batch_alter_table("document") as batch:
        batch.drop_column("journal_position")

    op.drop_table("merkle_node")
    op.drop_table("checkpoint")
