"""Clerk workspace: departments, clerks, the JRWA list, cases and their trail.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "department",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("symbol", sa.String(length=8), nullable=False),
        sa.Column("name_pl", sa.String(length=256), nullable=False),
        sa.Column("name_en", sa.String(length=256), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department")),
        sa.UniqueConstraint("symbol", name=op.f("uq_department_symbol")),
    )
    op.create_table(
        "jrwa_class",
        sa.Column("symbol", sa.String(length=4), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=True),
        sa.Column("other_category", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("symbol", name=op.f("pk_jrwa_class")),
    )
    op.create_table(
        "clerk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=256), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", UTC_TIME, nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("auth_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_clerk_department_id_department"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clerk")),
        sa.UniqueConstraint("login", name=op.f("uq_clerk_login")),
    )
    op.create_index(op.f("ix_clerk_department_id"), "clerk", ["department_id"])

    op.create_table(
        "case_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("jrwa", sa.String(length=4), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("complex", sa.Boolean(), nullable=False),
        sa.Column("opened_at", UTC_TIME, nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("paused_since", UTC_TIME, nullable=True),
        sa.Column("paused_days", sa.Integer(), nullable=False),
        sa.Column("decided_at", UTC_TIME, nullable=True),
        sa.Column("decision", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["clerk.id"], name=op.f("fk_case_file_assignee_id_clerk")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_case_file_department_id_department"),
        ),
        sa.ForeignKeyConstraint(
            ["jrwa"], ["jrwa_class.symbol"], name=op.f("fk_case_file_jrwa_jrwa_class")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["clerk.id"], name=op.f("fk_case_file_opened_by_id_clerk")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_file")),
        sa.UniqueConstraint(
            "department_id",
            "jrwa",
            "year",
            "sequence",
            name=op.f("uq_case_file_department_id_jrwa_year_sequence"),
        ),
        sa.UniqueConstraint("number", name=op.f("uq_case_file_number")),
        sa.UniqueConstraint("public_id", name=op.f("uq_case_file_public_id")),
    )
    op.create_index(op.f("ix_case_file_assignee_id"), "case_file", ["assignee_id"])
    op.create_index(op.f("ix_case_file_deadline"), "case_file", ["deadline"])
    op.create_index(op.f("ix_case_file_department_id"), "case_file", ["department_id"])
    op.create_index(op.f("ix_case_file_status"), "case_file", ["status"])

    op.create_table(
        "document_view",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("clerk_id", sa.Integer(), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["clerk_id"], ["clerk.id"], name=op.f("fk_document_view_clerk_id_clerk")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_document_view_document_id_document"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_view")),
    )
    op.create_index(op.f("ix_document_view_clerk_id"), "document_view", ["clerk_id"])
    op.create_index(
        op.f("ix_document_view_document_id"), "document_view", ["document_id"]
    )

    op.create_table(
        "case_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("attached_at", UTC_TIME, nullable=False),
        sa.Column("attached_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["attached_by_id"],
            ["clerk.id"],
            name=op.f("fk_case_document_attached_by_id_clerk"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_file.id"],
            name=op.f("fk_case_document_case_id_case_file"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_case_document_document_id_document"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_document")),
        sa.UniqueConstraint("document_id", name=op.f("uq_case_document_document_id")),
    )
    op.create_index(op.f("ix_case_document_case_id"), "case_document", ["case_id"])

    op.create_table(
        "case_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("clerk_id", sa.Integer(), nullable=True),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("journal_position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_case_event_case_id_case_file")
        ),
        sa.ForeignKeyConstraint(
            ["clerk_id"], ["clerk.id"], name=op.f("fk_case_event_clerk_id_clerk")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_event")),
    )
    op.create_index(op.f("ix_case_event_case_id"), "case_event", ["case_id"])

    op.create_table(
        "case_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=24), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sent_at", UTC_TIME, nullable=False),
        sa.Column("citizen_email", sa.String(length=320), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["clerk.id"], name=op.f("fk_case_message_author_id_clerk")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_file.id"],
            name=op.f("fk_case_message_case_id_case_file"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_message")),
    )
    op.create_index(op.f("ix_case_message_case_id"), "case_message", ["case_id"])
    op.create_index(op.f("ix_case_message_sent_at"), "case_message", ["sent_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_case_message_sent_at"), table_name="case_message")
    op.drop_index(op.f("ix_case_message_case_id"), table_name="case_message")

    op.drop_table("case_message")
    op.drop_index(op.f("ix_case_event_case_id"), table_name="case_event")

    op.drop_table("case_event")
    op.drop_index(op.f("ix_case_document_case_id"), table_name="case_document")

    op.drop_table("case_document")
    op.drop_index(op.f("ix_document_view_document_id"), table_name="document_view")
    op.drop_index(op.f("ix_document_view_clerk_id"), table_name="document_view")

    op.drop_table("document_view")
    op.drop_index(op.f("ix_case_file_status"), table_name="case_file")
    op.drop_index(op.f("ix_case_file_department_id"), table_name="case_file")
    op.drop_index(op.f("ix_case_file_deadline"), table_name="case_file")
    op.drop_index(op.f("ix_case_file_assignee_id"), table_name="case_file")

    op.drop_table("case_file")
    op.drop_index(op.f("ix_clerk_department_id"), table_name="clerk")

    op.drop_table("clerk")
    op.drop_table("jrwa_class")
    op.drop_table("department")
