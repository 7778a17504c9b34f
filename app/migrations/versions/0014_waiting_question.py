"""Questions citizens ask on a registered document before a case holds it.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "waiting_question",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "document_id", sa.Integer(), sa.ForeignKey("document.id"), nullable=False
        ),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sent_at", UTC_TIME, nullable=False),
        sa.Column("citizen_email", sa.String(length=320), nullable=True),
        sa.Column("lang", sa.String(length=8), nullable=True),
    )
    op.create_index(
        op.f("ix_waiting_question_document_id"), "waiting_question", ["document_id"]
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_waiting_question_document_id"), table_name="waiting_question"
    )
    op.drop_table("waiting_question")
