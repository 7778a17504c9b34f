"""Routing between departments and transfer packages between offices.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "routing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("from_department_id", sa.Integer(), nullable=True),
        sa.Column("to_department_id", sa.Integer(), nullable=False),
        sa.Column("clerk_id", sa.Integer(), nullable=True),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("journal_position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_routing_case_id_case_file")
        ),
        sa.ForeignKeyConstraint(
            ["clerk_id"], ["clerk.id"], name=op.f("fk_routing_clerk_id_clerk")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_routing_document_id_document"),
        ),
        sa.ForeignKeyConstraint(
            ["from_department_id"],
            ["department.id"],
            name=op.f("fk_routing_from_department_id_department"),
        ),
        sa.ForeignKeyConstraint(
            ["to_department_id"],
            ["department.id"],
            name=op.f("fk_routing_to_department_id_department"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing")),
    )
    op.create_index(op.f("ix_routing_document_id"), "routing", ["document_id"])
    op.create_index(op.f("ix_routing_case_id"), "routing", ["case_id"])
    op.create_index(
        op.f("ix_routing_to_department_id"), "routing", ["to_department_id"]
    )

    op.create_table(
        "transfer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.String(length=36), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("office", sa.String(length=64), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("clerk_id", sa.Integer(), nullable=True),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("package_sha256", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("delivery", sa.String(length=16), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("journal_position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_transfer_case_id_case_file")
        ),
        sa.ForeignKeyConstraint(
            ["clerk_id"], ["clerk.id"], name=op.f("fk_transfer_clerk_id_clerk")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_transfer_document_id_document"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer")),
        sa.UniqueConstraint(
            "package_id", "direction", name=op.f("uq_transfer_package_id_direction")
        ),
    )
    op.create_index(op.f("ix_transfer_office"), "transfer", ["office"])
    op.create_index(op.f("ix_transfer_document_id"), "transfer", ["document_id"])
    op.create_index(op.f("ix_transfer_case_id"), "transfer", ["case_id"])


def downgrade() -> None:
    op.drop_table("transfer")
    op.drop_table("routing")
