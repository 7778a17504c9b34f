"""Case number counters, one series per department, JRWA class and year.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_counter",
        sa.Column("department", sa.String(length=8), nullable=False),
        sa.Column("jrwa", sa.String(length=4), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_sequence", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "department", "jrwa", "year", name=op.f("pk_case_counter")
        ),
    )


def downgrade() -> None:
    op.drop_table("case_counter")
