"""Outbox rows name the document they report, so its events go out in order.

Webhook rows still waiting when this runs get their document from the
``id`` (public id) in their payload; delivered, failed and mail rows keep
none.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OUTBOX = sa.table(
    "outbox",
    sa.column("id", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("payload", sa.Text()),
    sa.column("delivered_at", sa.DateTime()),
    sa.column("failed_at", sa.DateTime()),
    sa.column("document_id", sa.Integer()),
)
DOCUMENT = sa.table("document", sa.column("id"), sa.column("public_id"))


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("document_id", sa.Integer(), nullable=True))
        batch.create_index(op.f("ix_outbox_document_id"), ["document_id"])

    _fill_waiting_rows()


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index(op.f("ix_outbox_document_id"))
        batch.drop_column("document_id")


def _fill_waiting_rows() -> None:
    bind = op.get_bind()
    waiting = bind.execute(
        sa.select(OUTBOX.c.id, OUTBOX.c.payload).where(
            OUTBOX.c.kind == "webhook",
            OUTBOX.c.delivered_at.is_(None),
            OUTBOX.c.failed_at.is_(None),
        )
    ).all()
    for row_id, payload in waiting:
        public_id = json.loads(payload).get("id")
        document_id = bind.execute(
            sa.select(DOCUMENT.c.id).where(DOCUMENT.c.public_id == public_id)
        ).scalar()
        bind.execute(
            OUTBOX.update()
            .where(OUTBOX.c.id == row_id)
            .values(document_id=document_id)
        )
